package dev.cutover.aws;

import dev.cutover.Release;
import dev.cutover.spi.Provider;
import dev.cutover.testkit.ScalingCompatibilityKit;

/**
 * The core's scaling contract, passed by Application Auto Scaling on the local cloud. A scalable
 * target is registered on an existing ECS service, so {@link #prepareWorld(Release)} starts a
 * revision of the service first, without its scaling: the kit's own creates attach the target and
 * the target-tracking policy.
 */
class AwsScalingKitTest extends ScalingCompatibilityKit {

    private final AwsKits world = new AwsKits();

    @Override
    protected World world() {
        return world;
    }

    @Override
    protected Provider createProvider() {
        return world.startBootstrapped(releaseOf(sampleService("kit-svc")));
    }

    @Override
    protected void prepareWorld(Release release) {
        provider.compute().orElseThrow().startRevision(releaseOf(release.service().toBuilder().noScaling().build()), 1);
    }
}

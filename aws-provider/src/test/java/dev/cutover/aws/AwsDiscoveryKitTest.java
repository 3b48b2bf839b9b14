package dev.cutover.aws;

import dev.cutover.spi.Provider;
import dev.cutover.testkit.DiscoveryCompatibilityKit;

/**
 * The core's discovery contract, passed by Cloud Map on the local cloud: the kit creates the
 * private DNS namespace and the Cloud Map services itself.
 *
 * <p>Instance health is not reported through discovery ({@link #reportsInstanceHealth()} is false):
 * on AWS, ECS registers and deregisters a revision's tasks in Cloud Map through the ECS service's
 * {@code serviceRegistries} (the Cloud Map services use a custom health check config that ECS
 * drives), so {@code revisionStarted}/{@code revisionRetired} have nothing to register, and the
 * revision's health is ECS's, reported by compute. The kit then checks the registry reports no
 * instances it was not given and none as critical.
 */
class AwsDiscoveryKitTest extends DiscoveryCompatibilityKit {

    private final AwsKits world = new AwsKits();

    @Override
    protected World world() {
        return world;
    }

    @Override
    protected Provider createProvider() {
        return world.start();
    }

    @Override
    protected boolean reportsInstanceHealth() {
        return false;
    }
}

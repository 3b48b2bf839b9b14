package dev.cutover.aws;

import dev.cutover.spi.Provider;
import dev.cutover.testkit.ComputeCompatibilityKit;

/** The core's compute contract, passed by ECS (App Mesh mode) on the local cloud. */
class AwsComputeKitTest extends ComputeCompatibilityKit {

    private final AwsKits world = new AwsKits();

    @Override
    protected World world() {
        return world;
    }

    @Override
    protected Provider createProvider() {
        return world.startBootstrapped(release("1.0.0"));
    }
}

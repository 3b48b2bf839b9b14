package dev.cutover.aws;

import dev.cutover.spi.Provider;
import dev.cutover.testkit.TrafficCompatibilityKit;

/** The core's traffic contract, passed by App Mesh routes on the local cloud. */
class AwsTrafficKitTest extends TrafficCompatibilityKit {

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

package dev.cutover.aws;

import dev.cutover.spi.Provider;
import dev.cutover.testkit.TrafficCompatibilityKit;
import java.time.Clock;
import java.time.Duration;

/** The core's traffic contract, passed by App Mesh routes on the local cloud. */
class AwsTrafficKitTest extends TrafficCompatibilityKit {

    private final AwsKits world = new AwsKits();

    @Override
    protected Provider createProvider() {
        return world.startBootstrapped(release("1.0.0"));
    }

    @Override
    protected Clock clock() {
        return world.clock();
    }

    @Override
    protected void advance(Duration duration) {
        world.advance(duration);
    }

    @Override
    protected void tearDown() {
        world.close();
    }
}

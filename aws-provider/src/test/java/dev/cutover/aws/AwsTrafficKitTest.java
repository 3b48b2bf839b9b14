package dev.cutover.aws;

import dev.cutover.spi.Provider;
import dev.cutover.testkit.TrafficCompatibilityKit;
import java.time.Clock;
import java.time.Duration;

/** The core's traffic contract, passed by App Mesh routes on the local cloud. */
class AwsTrafficKitTest extends TrafficCompatibilityKit {

    private AwsFixture f;

    @Override
    protected Provider createProvider() {
        f = AwsKits.fixture(release("1.0.0"));
        return f.aws;
    }

    @Override
    protected Clock clock() {
        return AwsKits.clock(f);
    }

    @Override
    protected void advance(Duration duration) {
        AwsKits.advance(f, duration);
    }

    @Override
    protected void tearDown() {
        f.close();
    }
}

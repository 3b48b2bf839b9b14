package dev.cutover.aws;

import dev.cutover.spi.Provider;
import dev.cutover.testkit.SecretsCompatibilityKit;
import java.time.Clock;
import java.time.Duration;

/** The core's secrets contract, passed by Secrets Manager on the local cloud (DescribeSecret only: values are never read). */
class AwsSecretsKitTest extends SecretsCompatibilityKit {

    private final AwsKits world = new AwsKits();

    @Override
    protected Provider createProvider() {
        return world.start();
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

    @Override
    protected void createSecret(String reference, String value) {
        world.cloud().secrets().createSecret(reference, value);
    }
}

package dev.cutover.aws;

import dev.cutover.spi.Provider;
import dev.cutover.testkit.SecretsCompatibilityKit;

/** The core's secrets contract, passed by Secrets Manager on the local cloud (DescribeSecret only: values are never read). */
class AwsSecretsKitTest extends SecretsCompatibilityKit {

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
    protected void createSecret(String reference, String value) {
        world.cloud().secrets().createSecret(reference, value);
    }
}

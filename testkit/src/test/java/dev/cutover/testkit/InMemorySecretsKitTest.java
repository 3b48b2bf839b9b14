package dev.cutover.testkit;

import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.spi.Provider;

/** The in-memory provider, the reference implementation, passes the secrets kit. */
class InMemorySecretsKitTest extends SecretsCompatibilityKit {

    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }

    @Override
    protected void createSecret(String reference, String value) {
        ((InMemoryProvider) provider).addSecret(reference);
    }
}

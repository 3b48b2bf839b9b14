package dev.cutover.testkit;

import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.spi.Provider;

/** The in-memory provider, the reference implementation, passes the config kit. */
class InMemoryConfigKitTest extends ConfigCompatibilityKit {

    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }
}

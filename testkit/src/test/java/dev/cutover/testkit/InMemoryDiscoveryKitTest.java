package dev.cutover.testkit;

import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.spi.Provider;

/** The in-memory provider, the reference implementation, passes the discovery kit. */
class InMemoryDiscoveryKitTest extends DiscoveryCompatibilityKit {

    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }
}

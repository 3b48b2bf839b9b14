package dev.cutover.testkit;

import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.spi.Provider;

/** The in-memory provider, the reference implementation, passes the scaling kit. */
class InMemoryScalingKitTest extends ScalingCompatibilityKit {

    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }
}

package dev.cutover.consul;

import dev.cutover.spi.Provider;
import dev.cutover.testkit.ConfigCompatibilityKit;

/** The Consul provider passes the core's config contract (KV with check-and-set) against the emulator. */
class ConsulConfigKitTest extends ConfigCompatibilityKit {

    private final ConsulKits world = new ConsulKits();

    @Override
    protected World world() {
        return world;
    }

    @Override
    protected Provider createProvider() {
        return world.provider();
    }
}

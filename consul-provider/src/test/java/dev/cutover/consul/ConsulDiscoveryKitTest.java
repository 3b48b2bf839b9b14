package dev.cutover.consul;

import dev.cutover.spi.Provider;
import dev.cutover.testkit.DiscoveryCompatibilityKit;

/**
 * The Consul provider passes the core's discovery contract against the emulator: namespace and
 * discovery records, and instances registered with HTTP checks whose results the emulator reports.
 */
class ConsulDiscoveryKitTest extends DiscoveryCompatibilityKit {

    private final ConsulKits world = new ConsulKits();

    @Override
    protected World world() {
        return world;
    }

    @Override
    protected Provider createProvider() {
        return world.provider();
    }

    @Override
    protected boolean reportsInstanceHealth() {
        return true;
    }
}

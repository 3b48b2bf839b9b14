package dev.cutover.consul;

import dev.cutover.localcloud.consul.ConsulEmulator;
import dev.cutover.spi.Provider;
import dev.cutover.testkit.DiscoveryCompatibilityKit;
import java.time.Clock;
import java.time.Duration;

/**
 * The Consul provider passes the core's discovery contract against the emulator: namespace and
 * discovery records, and instances registered with HTTP checks whose results the emulator reports.
 */
class ConsulDiscoveryKitTest extends DiscoveryCompatibilityKit {

    private ConsulEmulator consul;

    @Override
    protected Provider createProvider() {
        consul = ConsulEmulator.start();
        return ConsulProvider.builder().url(consul.endpoint()).sessionRenewal(Duration.ZERO).build();
    }

    @Override
    protected Clock clock() {
        return consul.clock();
    }

    @Override
    protected void advance(Duration duration) {
        consul.clock().advance(duration);
    }

    @Override
    protected boolean reportsInstanceHealth() {
        return true;
    }

    @Override
    protected void tearDown() {
        consul.close();
    }
}

package dev.cutover.consul;

import dev.cutover.localcloud.consul.ConsulEmulator;
import dev.cutover.spi.Provider;
import dev.cutover.testkit.ConfigCompatibilityKit;
import java.time.Clock;
import java.time.Duration;

/** The Consul provider passes the core's config contract (KV with check-and-set) against the emulator. */
class ConsulConfigKitTest extends ConfigCompatibilityKit {

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
    protected void tearDown() {
        consul.close();
    }
}

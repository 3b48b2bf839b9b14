package dev.cutover.consul;

import dev.cutover.localcloud.consul.ConsulEmulator;
import dev.cutover.spi.Provider;
import dev.cutover.testkit.LockCompatibilityKit;
import java.time.Clock;
import java.time.Duration;

/**
 * The Consul provider with its default lock-delay (15 s) passes the core's lock contract: the kit
 * is told that Consul may keep a dead holder's lock for the lock-delay after its session ends.
 */
class ConsulLockDefaultsKitTest extends LockCompatibilityKit {

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
    protected Duration releaseDelay() {
        return Duration.ofSeconds(15);
    }

    @Override
    protected void tearDown() {
        consul.close();
    }
}

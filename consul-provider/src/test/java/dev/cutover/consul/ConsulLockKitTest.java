package dev.cutover.consul;

import dev.cutover.localcloud.consul.ConsulEmulator;
import dev.cutover.spi.Provider;
import dev.cutover.testkit.LockCompatibilityKit;
import java.time.Clock;
import java.time.Duration;

/**
 * The Consul provider passes the core's lock contract against the emulator. Lock-delay is off:
 * the kit expects a dead holder's lock to be free once its lease has passed, while Consul would
 * keep it for another 15 s by default (covered in {@link ConsulLocksTest}).
 */
class ConsulLockKitTest extends LockCompatibilityKit {

    private ConsulEmulator consul;

    @Override
    protected Provider createProvider() {
        consul = ConsulEmulator.start();
        return ConsulProvider.builder().url(consul.endpoint()).lockDelay(Duration.ZERO).sessionRenewal(Duration.ZERO).build();
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

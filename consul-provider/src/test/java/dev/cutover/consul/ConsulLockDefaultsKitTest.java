package dev.cutover.consul;

import dev.cutover.spi.Provider;
import dev.cutover.testkit.LockCompatibilityKit;
import java.time.Duration;

/**
 * The Consul provider with its default lock-delay (15 s) passes the core's lock contract: the kit
 * is told that Consul may keep a dead holder's lock for the lock-delay after its session ends.
 */
class ConsulLockDefaultsKitTest extends LockCompatibilityKit {

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
    protected Duration releaseDelay() {
        return Duration.ofSeconds(15);
    }
}

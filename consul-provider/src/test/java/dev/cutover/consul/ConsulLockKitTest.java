package dev.cutover.consul;

import dev.cutover.spi.Provider;
import dev.cutover.testkit.LockCompatibilityKit;
import java.time.Duration;

/**
 * The Consul provider passes the core's lock contract against the emulator. Lock-delay is off:
 * the kit expects a dead holder's lock to be free once its lease has passed, while Consul would
 * keep it for another 15 s by default (covered in {@link ConsulLocksTest}).
 */
class ConsulLockKitTest extends LockCompatibilityKit {

    private final ConsulKits world = new ConsulKits();

    @Override
    protected World world() {
        return world;
    }

    @Override
    protected Provider createProvider() {
        return world.provider(b -> b.lockDelay(Duration.ZERO));
    }
}

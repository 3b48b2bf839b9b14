package dev.cutover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.spi.LockHeldException;
import dev.cutover.spi.LockManager;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link LockManager}: one holder at a time, the loser learns who holds the lock,
 * and a holder that dies without releasing loses the lock once its lease has run out.
 *
 * <p>Extend it with your provider; say how its world keeps time, and how late it may free a dead
 * holder's lock:
 *
 * <pre>{@code
 * class MyLockKitTest extends LockCompatibilityKit {
 *     protected Provider createProvider() { return new MyLockProvider(); }
 *     protected Duration releaseDelay() { return Duration.ofSeconds(15); }   // e.g. Consul's lock-delay
 * }
 * }</pre>
 *
 * Lease expiry is tested in the provider's time ({@link #advance(Duration)}), so a provider whose
 * leases follow the wall clock needs a world with a controllable clock (an emulator) to pass it.
 */
public abstract class LockCompatibilityKit extends KitFixture {

    protected LockManager locks;

    @BeforeEach
    void locks() {
        locks = provider.locks().orElseThrow(() -> new AssertionError(provider.name() + " offers no LOCK"));
    }

    /** The lease the kit asks for; at least the provider's minimum (Consul sessions: 10 s). */
    protected Duration lease() {
        return Duration.ofSeconds(15);
    }

    @Test
    void theSecondOwnerLearnsWhoHoldsTheLock() {
        try (LockManager.LockHandle held = locks.acquire("kit/svc", "alice", lease())) {
            assertThatThrownBy(() -> locks.acquire("kit/svc", "bob", lease()))
                    .isInstanceOfSatisfying(LockHeldException.class, e -> assertThat(e.holder()).contains("alice"));
        }
        try (LockManager.LockHandle bob = locks.acquire("kit/svc", "bob", lease())) {
            assertThat(bob.owner()).isEqualTo("bob");
        }
    }

    @Test
    void eightConcurrentDeployersExactlyOneWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> tries = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String owner = "deployer-" + i;
                tries.add(() -> {
                    try {
                        locks.acquire("kit/race", owner, lease());
                        return true;
                    } catch (LockHeldException e) {
                        return false;
                    }
                });
            }
            int winners = 0;
            for (Future<Boolean> f : pool.invokeAll(tries, 60, TimeUnit.SECONDS)) {
                winners += f.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * How long after a dead holder's lease has run out the provider may still refuse the lock
     * (default zero). Consul's sessions, for example, end up to twice their TTL after the last
     * renewal and then keep the lock for the session's lock-delay (15 s unless configured).
     */
    protected Duration releaseDelay() {
        return Duration.ZERO;
    }

    /**
     * The longest a dead holder's lease may take to run out, measured from its last renewal
     * (default: twice {@link #lease()}, the grace Consul documents for session TTLs).
     */
    protected Duration leaseExpiry() {
        return lease().multipliedBy(2);
    }

    @Test
    void aDeadHoldersLockHoldsWhileItsLeaseRuns() {
        locks.acquire("kit/dead", "crashed", lease());
        advance(lease().dividedBy(2));
        assertThatThrownBy(() -> locks.acquire("kit/dead", "next", lease()))
                .isInstanceOfSatisfying(LockHeldException.class, e -> assertThat(e.holder()).contains("crashed"));
    }

    @Test
    void aDeadHoldersLeaseExpires() {
        locks.acquire("kit/dead", "crashed", lease());
        advance(leaseExpiry().plus(releaseDelay()).plusSeconds(1));
        try (LockManager.LockHandle h = locks.acquire("kit/dead", "next", lease())) {
            assertThat(h.owner()).isEqualTo("next");
        }
    }
}

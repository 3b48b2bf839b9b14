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

/** The contract of {@link LockManager}: one holder, the loser learns who, leases expire. */
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

    @Test
    void aDeadHoldersLeaseExpires() {
        locks.acquire("kit/dead", "crashed", lease());
        advance(lease().multipliedBy(3));
        try (LockManager.LockHandle h = locks.acquire("kit/dead", "next", lease())) {
            assertThat(h.owner()).isEqualTo("next");
        }
    }
}

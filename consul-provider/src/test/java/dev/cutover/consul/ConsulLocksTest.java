package dev.cutover.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.spi.LockHeldException;
import dev.cutover.spi.LockManager;
import dev.cutover.spi.LockManager.LockHandle;
import dev.cutover.spi.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConsulLocksTest extends ConsulTestSupport {

    private static final String KEY = "prod/orders";
    private static final String KV_KEY = "cutover/prod/orders/lock";

    private LockManager locks() {
        return provider.locks().orElseThrow();
    }

    @Test
    void theHolderIsRecordedAsJsonAndTheLoserIsToldWhoAndSinceWhen() {
        Instant start = consul.clock().instant();
        try (LockHandle handle = locks().acquire(KEY, "alice@ci-42", Duration.ofMinutes(1))) {
            assertThat(handle.key()).isEqualTo(KEY);
            assertThat(handle.owner()).isEqualTo("alice@ci-42");
            assertThat(consul.kvValue(KV_KEY)).hasValueSatisfying(v -> assertThat(v)
                    .contains("\"owner\":\"alice@ci-42\"").contains("\"since\":\"" + start + "\""));
            assertThat(consul.lockHolder(KV_KEY)).isPresent();

            consul.clock().advance(Duration.ofSeconds(5));
            assertThatThrownBy(() -> locks().acquire(KEY, "bob@laptop", Duration.ofMinutes(1)))
                    .isInstanceOfSatisfying(LockHeldException.class, e -> {
                        assertThat(e.holder()).isEqualTo("alice@ci-42");
                        assertThat(e.since()).isEqualTo(start);
                        assertThat(e.key()).isEqualTo(KEY);
                    })
                    .hasMessageContaining("alice@ci-42");
        }
        assertThat(consul.lockHolder(KV_KEY)).isEmpty();
        assertThat(consul.sessionCount()).isZero();
        // released: the next deployer gets it at once (no lock-delay after a clean release)
        try (LockHandle next = locks().acquire(KEY, "bob@laptop", Duration.ofMinutes(1))) {
            assertThat(next.owner()).isEqualTo("bob@laptop");
        }
    }

    @Test
    void eightRacingDeployersExactlyOneWins() throws Exception {
        int deployers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(deployers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Object>> results = new ArrayList<>();
        try {
            for (int i = 0; i < deployers; i++) {
                String owner = "deployer-" + i;
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        return locks().acquire(KEY, owner, Duration.ofMinutes(1));
                    } catch (LockHeldException e) {
                        return e;
                    }
                }));
            }
            go.countDown();
            List<LockHandle> winners = new ArrayList<>();
            List<LockHeldException> losers = new ArrayList<>();
            for (Future<Object> f : results) {
                Object o = f.get(30, TimeUnit.SECONDS);
                if (o instanceof LockHandle h) {
                    winners.add(h);
                } else {
                    losers.add((LockHeldException) o);
                }
            }
            assertThat(winners).hasSize(1);
            assertThat(losers).hasSize(deployers - 1)
                    .allSatisfy(e -> assertThat(e.holder()).isEqualTo(winners.get(0).owner()));
            winners.get(0).close();
            assertThat(consul.sessionCount()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCrashedHoldersSessionExpiresAndFreesTheLock() {
        LockHandle crashed = locks().acquire(KEY, "crashed-deployer", Duration.ofSeconds(30));
        // the holder stops renewing; Consul invalidates a TTL session within twice its TTL
        consul.clock().advance(Duration.ofSeconds(61));
        assertThat(consul.lockHolder(KV_KEY)).isEmpty();

        // within Consul's lock-delay (15s by default) the lock stays unavailable, and the error says so
        assertThatThrownBy(() -> locks().acquire(KEY, "next", Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(LockHeldException.class, e -> {
                    // the holder is the holder's name alone (a resume compares it); the message says why
                    assertThat(e.holder()).isEqualTo("crashed-deployer");
                    assertThat(e.getMessage()).contains("lock-delay");
                });
        consul.clock().advance(Duration.ofSeconds(16));

        try (LockHandle next = locks().acquire(KEY, "next", Duration.ofMinutes(1))) {
            assertThat(consul.kvValue(KV_KEY)).hasValueSatisfying(v -> assertThat(v).contains("\"owner\":\"next\""));
            // the crashed holder learns it lost the lock when it tries to renew
            assertThatThrownBy(crashed::renew)
                    .isInstanceOfSatisfying(LockHeldException.class, e -> assertThat(e.holder()).isEqualTo("next"));
        }
    }

    @Test
    void renewalKeepsTheLockAliveAcrossManyTtls() {
        try (LockHandle handle = locks().acquire(KEY, "long-deploy", Duration.ofSeconds(30))) {
            for (int i = 0; i < 10; i++) {
                consul.clock().advance(Duration.ofSeconds(40));
                handle.renew();
            }
            assertThat(consul.lockHolder(KV_KEY)).isPresent();
            assertThatThrownBy(() -> locks().acquire(KEY, "other", Duration.ofSeconds(30)))
                    .isInstanceOf(LockHeldException.class);
        }
    }

    @Test
    void renewingAnExpiredSessionIsAClearLockLostError() {
        LockHandle handle = locks().acquire(KEY, "slow", Duration.ofSeconds(10));
        consul.clock().advance(Duration.ofSeconds(21));
        assertThatThrownBy(handle::renew)
                .isInstanceOfSatisfying(LockHeldException.class, e -> assertThat(e.holder()).contains("session of slow expired"));
        handle.close();
        handle.close(); // idempotent
        assertThatThrownBy(handle::renew).isInstanceOf(IllegalStateException.class).hasMessageContaining("released");
    }

    @Test
    void zeroLockDelayFreesACrashedLockAtOnce() {
        ConsulProvider quick = provider(b -> b.lockDelay(Duration.ZERO));
        quick.locks().orElseThrow().acquire(KEY, "crashed", Duration.ofSeconds(10));
        consul.clock().advance(Duration.ofSeconds(21));
        try (LockHandle next = quick.locks().orElseThrow().acquire(KEY, "next", Duration.ofSeconds(10))) {
            assertThat(next.owner()).isEqualTo("next");
        }
    }

    @Test
    void invalidLockNamesAreClearErrors() {
        assertThatThrownBy(() -> locks().acquire("prod/../orders", "x", Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("lock name 'prod/../orders' is invalid");
        assertThat(consul.sessionCount()).isZero();
    }

    @Test
    void backgroundRenewalRunsOnTheGivenScheduler() throws Exception {
        java.util.concurrent.ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            ConsulProvider renewing = provider(b -> b.sessionRenewal(Duration.ofMillis(20)).renewalScheduler(scheduler));
            try (LockHandle handle = renewing.locks().orElseThrow().acquire(KEY, "bg", Duration.ofSeconds(10))) {
                assertThat(handle.owner()).isEqualTo("bg");
                // unrenewed, the session would end 20s (twice the TTL) after acquisition
                consul.clock().advance(Duration.ofSeconds(15));
                // let the scheduler run renewals after that point: a marker queued behind them
                scheduler.schedule(() -> null, 100, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
                consul.clock().advance(Duration.ofSeconds(10));
                assertThat(consul.lockHolder(KV_KEY)).isPresent();
            }
        } finally {
            scheduler.shutdownNow();
        }
    }
}

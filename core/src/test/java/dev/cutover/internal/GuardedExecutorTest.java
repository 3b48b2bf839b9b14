package dev.cutover.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.CircuitOpenException;
import dev.cutover.Resilience;
import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderException;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GuardedExecutorTest {

    private final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Provider provider = new Provider() {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Map<String, RateLimit> rateLimits() {
            return Map.of("fake.Write", new RateLimit(2, 1.0));
        }
    };

    private static ProviderException throttled() {
        return new ProviderException("fake", "Write", true, "ThrottlingException: rate exceeded");
    }

    @Test
    void retriesRetryableFailuresWithBackoffInVirtualTime() {
        GuardedExecutor ex = new GuardedExecutor(Resilience.defaults(), time, meters);
        AtomicInteger calls = new AtomicInteger();
        String answer = ex.call(provider, "fake.Read", "Read", () -> {
            if (calls.incrementAndGet() < 4) {
                throw throttled();
            }
            return "ok";
        });
        assertThat(answer).isEqualTo("ok");
        assertThat(calls).hasValue(4);
        assertThat(time.clock().instant()).isAfter(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(meters.find("cutover.provider.retries").counter().count()).isEqualTo(3.0);
        assertThat(meters.find("cutover.provider.calls").tag("outcome", "success").timer().count()).isEqualTo(1);
    }

    /**
     * Four deployers share one account's RegisterTaskDefinition bucket: a call can draw several
     * throttling answers in a row. They are retried on the family's (slowed) rate limiter without
     * spending the attempts, which would otherwise run out and pause the rollout for 30 s.
     */
    @Test
    void throttlingAnswersInARowAreRetriedOnTheRateLimiterWithoutSpendingAttempts() {
        Provider shared = new Provider() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public Map<String, RateLimit> rateLimits() {
                return Map.of("fake.Write", new RateLimit(20, 1.0));
            }

            @Override
            public boolean isRetryable(Throwable failure) {
                return true;
            }

            @Override
            public boolean isThrottling(Throwable failure) {
                return String.valueOf(failure.getMessage()).contains("Throttling");
            }
        };
        GuardedExecutor ex = new GuardedExecutor(Resilience.builder().maxAttempts(3).build(), time, meters);
        AtomicInteger calls = new AtomicInteger();
        assertThat(ex.call(shared, "fake.Write", "Write", () -> {
            if (calls.incrementAndGet() <= 6) {
                throw throttled();
            }
            return "ok";
        })).isEqualTo("ok");
        assertThat(calls).as("six throttles, twice the attempts").hasValue(7);

        AtomicInteger forever = new AtomicInteger();
        assertThatThrownBy(() -> ex.call(shared, "fake.Write", "Write", () -> {
            forever.incrementAndGet();
            throw throttled();
        })).isInstanceOf(ProviderException.class).hasMessageContaining("Throttling");
        assertThat(forever.get()).as("free throttled retries for at most the breaker's open time (30 s), then the 3 attempts")
                .isGreaterThan(3).isLessThanOrEqualTo(GuardedExecutor.THROTTLED_ATTEMPTS + 3);
    }

    @Test
    void doesNotRetryWhatIsNotRetryable() {
        GuardedExecutor ex = new GuardedExecutor(Resilience.defaults(), time, meters);
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> ex.call(provider, "fake.Read", "Read", () -> {
            calls.incrementAndGet();
            throw new ProviderException("fake", "Read", false, "ValidationException: bad name");
        })).isInstanceOf(ProviderException.class).hasMessageContaining("bad name");
        assertThat(calls).hasValue(1);
    }

    @Test
    void theBreakerOpensAfterRepeatedFailuresAndClosesAfterItsWait() {
        GuardedExecutor ex = new GuardedExecutor(Resilience.builder().maxAttempts(1).breakerWindow(4).build(), time, meters);
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> ex.call(provider, "fake.Read", "Read", () -> {
                throw throttled();
            })).isInstanceOf(ProviderException.class);
        }
        assertThatThrownBy(() -> ex.call(provider, "fake.Read", "Read", () -> "never called"))
                .isInstanceOf(CircuitOpenException.class).hasMessageContaining("'fake' is open");
        assertThat(ex.breakerState("fake")).isEqualTo("OPEN");
        time.advance(Duration.ofSeconds(31));
        assertThat(ex.call(provider, "fake.Read", "Read", () -> "back")).isEqualTo("back");
    }

    @Test
    void theRateLimitWaitsOnTheSchedulersClock() {
        GuardedExecutor ex = new GuardedExecutor(Resilience.defaults(), time, meters);
        Instant start = time.clock().instant();
        for (int i = 0; i < 5; i++) {
            ex.call(provider, "fake.Write", "Write", () -> "ok");
        }
        // a burst of 2, then one a second
        assertThat(Duration.between(start, time.clock().instant())).isEqualTo(Duration.ofSeconds(3));
        assertThat(meters.find("cutover.provider.rate.limited").counter().count()).isEqualTo(3.0);
    }

    @Test
    void aCallPastTheTimeLimitIsInterruptedAndRetryable() {
        // the time limit is a wall-clock watchdog (it guards real provider calls), so this test runs in real
        // time; a limit of a second keeps the fast call below far from it on a machine with every core busy
        GuardedExecutor ex = new GuardedExecutor(Resilience.builder().maxAttempts(1).callTimeout(Duration.ofSeconds(1))
                .build(), Scheduler.system(), meters);
        try {
            CountDownLatch never = new CountDownLatch(1);
            assertThatThrownBy(() -> ex.call(provider, "fake.Read", "Read", () -> {
                try {
                    never.await();
                    return "unreachable";
                } catch (InterruptedException e) {
                    throw new IllegalStateException("interrupted", e);
                }
            })).isInstanceOf(ProviderException.class).hasMessageContaining("no answer within PT1S");
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            assertThat(ex.call(provider, "fake.Read", "Read", () -> "fast")).isEqualTo("fast");
        } finally {
            ex.close();
        }
    }
}

package dev.cutover.datadog.internal;

import dev.cutover.CutoverException;
import dev.cutover.datadog.DatadogQueryException;
import dev.cutover.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The guard a Datadog source uses when no {@code Cutover} started it (so no guarded executor is
 * at hand): retryable failures are retried up to {@code maxAttempts} times with exponential
 * back-off and "equal jitter" (half the ceiling plus a random half), waiting through the
 * {@link Scheduler} so virtual time stays virtual. The server's own wait hint is honoured by the
 * attempt itself.
 */
public final class Backoff implements dev.cutover.spi.ProviderContext {

    private final Scheduler scheduler;
    private final int maxAttempts;
    private final Duration initial;
    private final Duration max;
    private final Random random;

    public Backoff(Scheduler scheduler, int maxAttempts, Duration initial, Duration max, long seed) {
        this.scheduler = scheduler;
        this.maxAttempts = maxAttempts;
        this.initial = initial;
        this.max = max;
        this.random = new Random(seed);
    }

    @Override
    public <T> T call(String family, String operation, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (DatadogQueryException e) {
                if (!e.retryable() || attempt >= maxAttempts) {
                    throw e;
                }
                sleep(scheduler, delay(attempt));
            }
        }
    }

    /** The wait after failed attempt {@code attempt} (1-based). */
    Duration delay(int attempt) {
        double ceiling = Math.min(max.toMillis(), initial.toMillis() * Math.pow(2, attempt - 1));
        double jitter;
        synchronized (random) {
            jitter = random.nextDouble();
        }
        return Duration.ofMillis(Math.max(1, (long) (ceiling / 2 + jitter * ceiling / 2)));
    }

    /** Waits on the scheduler (virtual time stays virtual); an interrupt becomes a {@link CutoverException}. */
    public static void sleep(Scheduler scheduler, Duration d) {
        try {
            scheduler.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CutoverException("interrupted while waiting to query Datadog again", e);
        }
    }

    @Override
    public Clock clock() {
        return scheduler.clock();
    }
}

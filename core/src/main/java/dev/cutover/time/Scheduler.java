package dev.cutover.time;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one source of time and deferred work for a {@code Cutover} instance. Production uses
 * {@link #system()}; tests use {@link VirtualScheduler}, in which a 60-minute canary runs in
 * milliseconds and nothing sleeps.
 *
 * <pre>{@code
 * VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));
 * Cutover cutover = Cutover.builder().scheduler(time).provider(new InMemoryProvider()).build();
 * }</pre>
 */
public interface Scheduler {

    /** The clock every timestamp comes from. */
    Clock clock();

    /** Runs {@code task} once after {@code delay}. */
    Cancellable schedule(Duration delay, Runnable task);

    /**
     * Waits {@code duration} on the calling thread (used between retries). A virtual scheduler
     * advances its clock instead of blocking.
     */
    void sleep(Duration duration) throws InterruptedException;

    /** Whether time only moves when the scheduler runs its queue (tests). */
    default boolean isVirtual() {
        return false;
    }

    /** A handle to cancel scheduled work. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task if it has not started; idempotent. */
        void cancel();
    }

    /** Real time on daemon threads. */
    static Scheduler system() {
        return new SystemScheduler(Clock.systemUTC(), 1.0);
    }

    /**
     * Time from {@code clock} moving {@code speed} times faster than the wall clock, e.g. a
     * local cloud's clock at speed 60, so a ten-minute bake takes ten seconds.
     */
    static Scheduler accelerated(Clock clock, double speed) {
        return new SystemScheduler(Objects.requireNonNull(clock, "clock"), speed);
    }

    /** Virtual time starting at {@code start}. */
    static VirtualScheduler virtual(java.time.Instant start) {
        return new VirtualScheduler(start);
    }

    /** A real-time scheduler on a daemon thread pool. */
    final class SystemScheduler implements Scheduler {
        private final Clock clock;
        private final double speed;
        private final ScheduledExecutorService executor;

        SystemScheduler(Clock clock, double speed) {
            if (!(speed > 0) || Double.isInfinite(speed)) {
                throw new IllegalArgumentException("speed must be positive and finite, was " + speed);
            }
            this.clock = clock;
            this.speed = speed;
            this.executor = Executors.newScheduledThreadPool(2, r -> {
                Thread t = new Thread(r, "cutover-scheduler");
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public Cancellable schedule(Duration delay, Runnable task) {
            long nanos = (long) (Math.max(0, delay.toNanos()) / speed);
            var f = executor.schedule(task, nanos, TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            long nanos = (long) (Math.max(0, duration.toNanos()) / speed);
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
    }
}

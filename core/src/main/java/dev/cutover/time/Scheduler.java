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
     * Runs a short task once after {@code delay} that must run on time even while every worker is
     * busy with provider calls (a lock's lease renewal): a real-time scheduler gives these tasks a
     * lane of their own, so that a fleet's rollouts waiting for their rate limiters' tokens never let
     * a lease lapse. The task must not make provider calls. By default the same as
     * {@link #schedule(Duration, Runnable)} (a virtual scheduler runs everything on one timeline).
     */
    default Cancellable scheduleKeepAlive(Duration delay, Runnable task) {
        return schedule(delay, task);
    }

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
    static SystemScheduler system() {
        return new SystemScheduler(Clock.systemUTC(), 1.0);
    }

    /**
     * Time running {@code speed} times faster than {@code clock} from now on (e.g. speed 60: a
     * ten-minute bake takes ten seconds of wall time). For a clock that already runs fast, such as
     * a local cloud's real-time {@code SimClock}, use {@link #following(Clock, double)}.
     */
    static SystemScheduler accelerated(Clock clock, double speed) {
        Objects.requireNonNull(clock, "clock");
        return new SystemScheduler(speed == 1.0 ? clock : new FastClock(clock, speed), speed);
    }

    /**
     * Follows a clock that already runs {@code speed} times faster than the wall clock (e.g. a
     * local cloud's {@code SimClock.realTime(60)}): timestamps come from it unchanged, and delays
     * are waited {@code speed} times shorter in wall time, so both worlds share one timeline.
     */
    static SystemScheduler following(Clock fastClock, double speed) {
        return new SystemScheduler(Objects.requireNonNull(fastClock, "fastClock"), speed);
    }

    /** A clock that runs {@code speed} times faster than its base from the moment it is made. */
    final class FastClock extends Clock {
        private final Clock base;
        private final double speed;
        private final java.time.Instant origin;

        FastClock(Clock base, double speed) {
            this.base = base;
            this.speed = speed;
            this.origin = base.instant();
        }

        @Override
        public java.time.ZoneId getZone() {
            return base.getZone();
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            Duration real = Duration.between(origin, base.instant());
            return origin.plusNanos((long) (real.toNanos() * speed));
        }
    }

    /** Virtual time starting at {@code start}. */
    static VirtualScheduler virtual(java.time.Instant start) {
        return new VirtualScheduler(start);
    }

    /**
     * A real-time scheduler: one timer thread keeps the due times and hands each task, once due, to
     * a pool of up to {@link #WORKERS} daemon worker threads, which run it; {@link #close()} stops
     * both. Tasks block (a provider call waits for its answer and for its rate limiter's token), so
     * concurrent rollouts need more than the timer's thread: with two threads for every task, 100
     * rollouts waited in one queue behind each other's calls (docs/benchmarks.md, "AWS provider").
     * A task waiting in {@link #sleep(Duration)} (a rate limiter's token, a retry's back-off) does not
     * count against the {@link #WORKERS}: another thread takes its place while it sleeps (up to
     * {@link #MAX_THREADS} threads), so 100 rollouts waiting for RegisterTaskDefinition's one token a
     * second do not hold back the health checks of those already registered.
     */
    final class SystemScheduler implements Scheduler, AutoCloseable {
        /**
         * At most this many tasks run at once, not counting those asleep in {@link #sleep(Duration)} (the
         * guarded executor's default bulkhead admits 16 calls, and waits for a permit when more come).
         */
        static final int WORKERS = 16;
        /** Worker threads at most, sleepers included; beyond, a sleeping task holds its worker. */
        static final int MAX_THREADS = 256;
        /** The scheduler whose worker the current thread is (null on other threads). */
        private static final ThreadLocal<SystemScheduler> WORKER_OF = new ThreadLocal<>();
        private int sleepers;
        private final Clock clock;
        private final double speed;
        private final ScheduledExecutorService executor;
        private final java.util.concurrent.ThreadPoolExecutor workers;
        /** Threads of the keep-alive lane (lease renewals: one short call to the lock store each). */
        static final int KEEP_ALIVE_THREADS = 2;
        private final java.util.concurrent.ThreadPoolExecutor keepAlive;

        SystemScheduler(Clock clock, double speed) {
            if (!(speed > 0) || Double.isInfinite(speed)) {
                throw new IllegalArgumentException("speed must be positive and finite, was " + speed);
            }
            this.clock = clock;
            this.speed = speed;
            this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cutover-timer");
                t.setDaemon(true);
                return t;
            });
            this.workers = new java.util.concurrent.ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS,
                    new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(() -> {
                            WORKER_OF.set(this);
                            r.run();
                        }, "cutover-scheduler");
                        t.setDaemon(true);
                        return t;
                    });
            this.workers.allowCoreThreadTimeOut(true); // an idle scheduler holds no threads
            this.keepAlive = new java.util.concurrent.ThreadPoolExecutor(KEEP_ALIVE_THREADS, KEEP_ALIVE_THREADS, 30,
                    TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "cutover-keep-alive");
                        t.setDaemon(true);
                        return t;
                    });
            this.keepAlive.allowCoreThreadTimeOut(true);
        }

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public Cancellable schedule(Duration delay, Runnable task) {
            return scheduleOn(workers, delay, task);
        }

        /**
         * Runs on {@link #KEEP_ALIVE_THREADS} threads of their own, never queued behind the workers'
         * tasks (which block in provider calls and in rate limiters).
         */
        @Override
        public Cancellable scheduleKeepAlive(Duration delay, Runnable task) {
            return scheduleOn(keepAlive, delay, task);
        }

        /** The timer keeps the due time; once due, {@code pool} runs the task unless it was cancelled meanwhile. */
        private Cancellable scheduleOn(java.util.concurrent.ExecutorService pool, Duration delay, Runnable task) {
            long nanos = (long) (Math.max(0, delay.toNanos()) / speed);
            java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
            Runnable guarded = () -> {
                if (!cancelled.get()) {
                    task.run();
                }
            };
            var f = executor.schedule(() -> {
                if (!cancelled.get()) {
                    try {
                        pool.submit(guarded); // as before, a task's exception ends in its Future
                    } catch (java.util.concurrent.RejectedExecutionException closed) {
                        // closed meanwhile: work not yet run is dropped
                    }
                }
            }, nanos, TimeUnit.NANOSECONDS);
            return () -> {
                cancelled.set(true);
                f.cancel(false);
            };
        }

        /** Waits on the calling thread; a worker asleep here is replaced by another meanwhile (see the class). */
        @Override
        public void sleep(Duration duration) throws InterruptedException {
            long nanos = (long) (Math.max(0, duration.toNanos()) / speed);
            if (nanos <= 0) {
                return;
            }
            if (WORKER_OF.get() != this || !compensate(1)) {
                TimeUnit.NANOSECONDS.sleep(nanos);
                return;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(nanos);
            } finally {
                compensate(-1);
            }
        }

        /** Grows (or shrinks back) the worker pool by a sleeping task; false when the pool is at its most. */
        private synchronized boolean compensate(int delta) {
            if (delta > 0 && WORKERS + sleepers >= MAX_THREADS) {
                return false;
            }
            sleepers += delta;
            int size = WORKERS + sleepers;
            if (workers.isShutdown()) {
                return delta > 0;
            }
            if (delta > 0) { // the maximum first: the core size may never exceed it
                workers.setMaximumPoolSize(size);
                workers.setCorePoolSize(size); // starts a thread for a queued task, if any
            } else {
                workers.setCorePoolSize(size); // an extra thread ends once it is idle
                workers.setMaximumPoolSize(size);
            }
            return true;
        }

        /** {@code SystemScheduler[x60, now=2026-01-01T00:00:00Z]}: how fast it runs and where its clock is, to the second. */
        @Override
        public String toString() {
            String x = speed == Math.rint(speed) ? String.valueOf((long) speed) : String.valueOf(speed);
            return "SystemScheduler[x" + x + ", now=" + clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "]";
        }

        /** Stops the scheduler's threads; work not yet run is dropped. */
        @Override
        public void close() {
            executor.shutdownNow();
            workers.shutdownNow();
            keepAlive.shutdownNow();
        }
    }
}

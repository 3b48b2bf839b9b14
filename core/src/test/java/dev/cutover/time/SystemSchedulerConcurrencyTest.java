package dev.cutover.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The real-time scheduler runs blocking tasks side by side: a rollout's task waits for provider
 * answers and rate-limiter tokens, so one task's wait must not hold the others back. (With the
 * scheduler's former two threads, the third task below never started until the first two ended.)
 */
class SystemSchedulerConcurrencyTest {

    @Test
    void sixteenBlockingTasksRunAtOnce() throws InterruptedException {
        int n = Scheduler.SystemScheduler.WORKERS;
        CountDownLatch started = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(n);
        try (Scheduler.SystemScheduler s = Scheduler.following(java.time.Clock.fixed(Instant.EPOCH, java.time.ZoneOffset.UTC), 1)) {
            for (int i = 0; i < n; i++) {
                s.schedule(Duration.ZERO, () -> {
                    started.countDown();
                    try {
                        release.await(); // blocks as a provider call does
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    finished.countDown();
                });
            }
            // every task is running at the same moment (a latch, not a clock: no wall time is asserted)
            boolean allStarted = started.await(10, TimeUnit.SECONDS);
            long running = n - started.getCount();
            release.countDown();
            assertThat(allStarted).as("tasks running at once: %d of %d", running, n).isTrue();
            assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aCancelledTaskDoesNotRunAndAFailingTaskDoesNotStopTheOthers() throws InterruptedException {
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch last = new CountDownLatch(1);
        try (Scheduler.SystemScheduler s = Scheduler.following(java.time.Clock.fixed(Instant.EPOCH, java.time.ZoneOffset.UTC), 1)) {
            Scheduler.Cancellable c = s.schedule(Duration.ofHours(1), ran::incrementAndGet);
            c.cancel();
            for (int i = 0; i < 2 * Scheduler.SystemScheduler.WORKERS; i++) {
                s.schedule(Duration.ZERO, () -> {
                    throw new IllegalStateException("a failing task");
                });
            }
            s.schedule(Duration.ZERO, last::countDown);
            assertThat(last.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ran).hasValue(0);
        }
    }

    /**
     * A fleet's rollouts can hold every worker (each waiting for a RegisterTaskDefinition token, one
     * a second for 100 services): a lease renewal queued behind them ran a minute late and the lease
     * lapsed ("took it again" in the benchmark's log). Keep-alive tasks run on their own lane.
     */
    @Test
    void keepAliveTasksRunWhileEveryWorkerIsBlockedAndMoreTasksWait() throws InterruptedException {
        int n = Scheduler.SystemScheduler.WORKERS;
        CountDownLatch started = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch renewed = new CountDownLatch(3);
        AtomicInteger queuedRan = new AtomicInteger();
        try (Scheduler.SystemScheduler s = Scheduler.following(java.time.Clock.fixed(Instant.EPOCH, java.time.ZoneOffset.UTC), 1)) {
            for (int i = 0; i < 2 * n; i++) { // every worker blocked, as many tasks again queued behind them
                s.schedule(Duration.ZERO, () -> {
                    started.countDown();
                    queuedRan.incrementAndGet();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 3; i++) {
                s.scheduleKeepAlive(Duration.ZERO, renewed::countDown);
            }
            Scheduler.Cancellable cancelled = s.scheduleKeepAlive(Duration.ZERO, () -> {
                throw new AssertionError("a cancelled keep-alive must not run");
            });
            cancelled.cancel();
            boolean ran = renewed.await(10, TimeUnit.SECONDS); // a latch, not a clock: no wall time is asserted
            int busy = queuedRan.get();
            release.countDown();
            assertThat(ran).as("keep-alive tasks ran while the workers were blocked").isTrue();
            assertThat(busy).as("no queued worker task had started: they all still waited").isEqualTo(n);
        }
    }

    /**
     * 100 rollouts waiting for RegisterTaskDefinition's one token a second sleep in the scheduler's
     * {@code sleep}: every worker asleep must not hold back the tasks behind them (the health checks
     * of rollouts already registered waited a minute behind the sleepers in a benchmark run).
     */
    @Test
    void tasksAsleepWaitingForATokenDoNotHoldBackTheTasksBehindThem() throws InterruptedException {
        int n = Scheduler.SystemScheduler.WORKERS;
        CountDownLatch asleep = new CountDownLatch(n);
        CountDownLatch behind = new CountDownLatch(n);
        try (Scheduler.SystemScheduler s = Scheduler.following(java.time.Clock.fixed(Instant.EPOCH, java.time.ZoneOffset.UTC), 1)) {
            for (int i = 0; i < n; i++) {
                s.schedule(Duration.ZERO, () -> {
                    asleep.countDown();
                    try {
                        s.sleep(Duration.ofHours(1)); // waiting for its token
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertThat(asleep.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < n; i++) {
                s.schedule(Duration.ZERO, behind::countDown);
            }
            // a latch, not a clock: the tasks behind the sleepers ran while they still slept
            assertThat(behind.await(10, TimeUnit.SECONDS)).as("tasks run behind %d sleepers: %d of %d", n,
                    n - behind.getCount(), n).isTrue();
        }
    }
}

package dev.cutover.examples;

import dev.cutover.localcloud.SimClock;
import dev.cutover.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Cutover's time for the main job: the local cloud's real-time clock itself (so every timestamp
 * Cutover writes — journal, events, metric windows — is the cloud's time), and waits that last
 * the simulated duration divided by the clock's speed.
 */
final class MainJobTime implements Scheduler, AutoCloseable {

    private final SimClock clock;
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "main-job-scheduler");
        t.setDaemon(true);
        return t;
    });

    MainJobTime(SimClock clock) {
        this.clock = clock;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        var f = executor.schedule(task, clock.toWallClock(delay.isNegative() ? Duration.ZERO : delay).toNanos(),
                TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(clock.toWallClock(duration.isNegative() ? Duration.ZERO : duration).toNanos());
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}

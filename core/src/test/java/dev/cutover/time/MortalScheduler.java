package dev.cutover.time;

import java.time.Clock;
import java.time.Duration;

/**
 * A test process's view of a shared virtual timeline: once the process is {@link #dead}, nothing it
 * scheduled runs, while another process (a new {@code Cutover} over the same timeline) goes on.
 */
public final class MortalScheduler implements Scheduler {
    private final VirtualScheduler shared;
    /** Set when the process dies. */
    public volatile boolean dead;

    public MortalScheduler(VirtualScheduler shared) {
        this.shared = shared;
    }

    @Override
    public Clock clock() {
        return shared.clock();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        return shared.schedule(delay, () -> {
            if (!dead) {
                task.run();
            }
        });
    }

    @Override
    public void sleep(Duration duration) {
        shared.sleep(duration);
    }

    @Override
    public boolean isVirtual() {
        return true;
    }
}

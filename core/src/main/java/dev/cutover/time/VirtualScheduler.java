package dev.cutover.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Virtual time for tests and simulations: scheduled tasks run in time order on the thread that
 * drives the scheduler ({@link #runUntil(BooleanSupplier)}, {@link #advance(Duration)}), and the
 * clock jumps straight to each task's due time. Nothing sleeps.
 *
 * <p>Time listeners let other simulated worlds follow the same time, e.g. a local cloud's clock:
 * {@code scheduler.onAdvance((from, to) -> cloud.clock().advance(Duration.between(from, to)))}.
 */
public final class VirtualScheduler implements Scheduler {

    private final Object lock = new Object();
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private final List<BiConsumer<Instant, Instant>> listeners = new CopyOnWriteArrayList<>();
    private final VirtualClock clock;
    private long sequence;

    VirtualScheduler(Instant start) {
        this.clock = new VirtualClock(Objects.requireNonNull(start, "start"));
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public boolean isVirtual() {
        return true;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(task, "task");
        synchronized (lock) {
            Task t = new Task(clock.now.plus(delay.isNegative() ? Duration.ZERO : delay), sequence++, task);
            queue.add(t);
            return () -> {
                synchronized (lock) {
                    queue.remove(t);
                }
            };
        }
    }

    @Override
    public void sleep(Duration duration) {
        moveTo(clock.now.plus(duration.isNegative() ? Duration.ZERO : duration));
    }

    /** Calls {@code listener(from, to)} every time the clock moves. */
    public void onAdvance(BiConsumer<Instant, Instant> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Runs every task due within {@code duration}, then sets the clock to now + duration. */
    public void advance(Duration duration) {
        Instant end = clock.now.plus(duration);
        while (true) {
            Task next;
            synchronized (lock) {
                next = queue.peek();
                if (next == null || next.due.isAfter(end)) {
                    break;
                }
                queue.poll();
            }
            moveTo(next.due);
            next.task.run();
        }
        moveTo(end);
    }

    /**
     * Runs tasks in time order until {@code done} is true or nothing is left to run.
     *
     * @return whether {@code done} became true
     */
    public boolean runUntil(BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            if (!runNext()) {
                return done.getAsBoolean();
            }
        }
        return true;
    }

    /** Runs the next task, moving the clock to its due time; false when none is queued. */
    public boolean runNext() {
        Task next;
        synchronized (lock) {
            next = queue.poll();
        }
        if (next == null) {
            return false;
        }
        moveTo(next.due);
        next.task.run();
        return true;
    }

    /** How many tasks wait. */
    public int pending() {
        synchronized (lock) {
            return queue.size();
        }
    }

    private void moveTo(Instant to) {
        Instant from = clock.now;
        if (to.isAfter(from)) {
            clock.now = to;
            for (BiConsumer<Instant, Instant> l : listeners) {
                l.accept(from, to);
            }
        }
    }

    @Override
    public String toString() {
        return "VirtualScheduler[now=" + clock.now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ", pending=" + pending() + "]";
    }

    private record Task(Instant due, long seq, Runnable task) implements Comparable<Task> {
        @Override
        public int compareTo(Task o) {
            int c = due.compareTo(o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private static final class VirtualClock extends Clock {
        private volatile Instant now;

        VirtualClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

package dev.cutover.internal;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The time limit of provider calls without a thread hand-off per call: a call runs on its caller's
 * thread and marks its start in that thread's slot (two volatile writes); one daemon watchdog
 * thread looks at the slots every tenth of the limit (at most every second) and interrupts a call
 * that has run past it. Handing each call to a pool thread to wait on a future costs microseconds;
 * this costs nanoseconds, at the price of a deadline precise to a tenth of the limit.
 */
final class CallTimeLimit implements AutoCloseable {

    private static final long IDLE = 0;

    /** One thread's current call: its sequence number while running, {@code IDLE} otherwise. */
    static final class Slot {
        final WeakReference<Thread> thread = new WeakReference<>(Thread.currentThread());
        final AtomicLong call = new AtomicLong(IDLE);
        volatile long startedNanos;
        long sequence;
    }

    private final long limitNanos;
    private final Set<Slot> slots = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Slot> mine = ThreadLocal.withInitial(this::register);
    private final Thread watcher;
    private volatile boolean closed;

    CallTimeLimit(Duration limit) {
        this.limitNanos = limit.toNanos();
        long tick = Math.max(1, Math.min(1000, limit.toMillis() / 10));
        this.watcher = new Thread(() -> watch(tick), "cutover-call-time-limit");
        watcher.setDaemon(true);
        watcher.start();
    }

    private Slot register() {
        Slot s = new Slot();
        slots.add(s);
        return s;
    }

    /** Marks the start of a call on this thread. */
    Slot begin() {
        Slot s = mine.get();
        s.startedNanos = System.nanoTime();
        s.call.set(++s.sequence);
        return s;
    }

    /**
     * Marks the end of the call; true when it ran past the limit and was interrupted (the
     * interrupt flag is cleared either way, so it cannot leak into the caller's next wait).
     */
    boolean end(Slot s) {
        if (s.call.compareAndSet(s.sequence, IDLE)) {
            return false;
        }
        synchronized (s) { // the watchdog interrupts while holding it: once here, the interrupt has landed
            Thread.interrupted();
            s.call.set(IDLE);
        }
        return true;
    }

    private void watch(long tickMillis) {
        while (!closed) {
            try {
                Thread.sleep(tickMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Iterator<Slot> it = slots.iterator(); it.hasNext();) {
                Slot s = it.next();
                Thread t = s.thread.get();
                if (t == null || !t.isAlive()) {
                    it.remove();
                    continue;
                }
                long call = s.call.get();
                if (call != IDLE && call > 0 && now - s.startedNanos > limitNanos) {
                    synchronized (s) {
                        if (s.call.compareAndSet(call, -call)) {
                            t.interrupt();
                        }
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        watcher.interrupt();
    }
}

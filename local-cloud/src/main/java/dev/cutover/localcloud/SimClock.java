package dev.cutover.localcloud;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one clock that drives every emulator of the local cloud: task start-up, health checks,
 * simulated traffic, token buckets, Consul session TTLs and blocking-query timeouts.
 *
 * <p>Two modes:
 * <ul>
 *   <li>{@link #virtual(Instant)}: time stands still until a test calls {@link #advance(Duration)};
 *       listeners run on the caller's thread, so a ten-minute canary takes as long as the code it runs.</li>
 *   <li>{@link #realTime(double)}: time flows at {@code speed} times wall-clock speed (the demo uses
 *       60, so a ten-minute canary takes ten seconds); a daemon thread ticks the listeners.</li>
 * </ul>
 *
 * <pre>{@code
 * SimClock clock = SimClock.virtual(Instant.parse("2026-01-01T00:00:00Z"));
 * clock.addListener(now -> simulation.tick(now));
 * clock.advance(Duration.ofMinutes(10));
 * }</pre>
 */
public final class SimClock extends Clock implements AutoCloseable {

    private final boolean virtual;
    private final double speed;
    private final Instant origin;
    private final long originNanos;
    private final List<Consumer<Instant>> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private volatile Instant virtualNow;
    private final ScheduledExecutorService ticker;

    private SimClock(boolean virtual, double speed, Instant origin) {
        this.virtual = virtual;
        this.speed = speed;
        this.origin = origin;
        this.originNanos = System.nanoTime();
        this.virtualNow = origin;
        if (virtual) {
            this.ticker = null;
        } else {
            this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "local-cloud-clock");
                t.setDaemon(true);
                return t;
            });
            long periodMillis = 50;
            ticker.scheduleAtFixedRate(this::fire, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** A clock that only moves when {@link #advance(Duration)} is called. */
    public static SimClock virtual(Instant start) {
        return new SimClock(true, 1.0, Objects.requireNonNull(start, "start"));
    }

    /** A clock that follows wall-clock time multiplied by {@code speed} (1.0 = real time). */
    public static SimClock realTime(double speed) {
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be a positive finite number, was " + speed);
        }
        return new SimClock(false, speed, Instant.now());
    }

    /** Whether this clock only moves on {@link #advance(Duration)}. */
    public boolean isVirtual() {
        return virtual;
    }

    /** The speed factor over wall-clock time (1.0 for a virtual clock). */
    public double speed() {
        return speed;
    }

    @Override
    public Instant instant() {
        if (virtual) {
            return virtualNow;
        }
        long elapsed = System.nanoTime() - originNanos;
        return origin.plusNanos((long) (elapsed * speed));
    }

    /**
     * Moves a virtual clock forward and runs the listeners once per simulated second crossed (and
     * once at the end), so simulations see time pass in steps they can follow.
     *
     * @throws IllegalStateException on a real-time clock
     */
    public void advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (!virtual) {
            throw new IllegalStateException("advance() is only for a virtual clock; this one runs in real time");
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, was " + duration);
        }
        synchronized (lock) {
            Instant end = virtualNow.plus(duration);
            while (virtualNow.isBefore(end)) {
                Instant next = virtualNow.plusSeconds(1);
                virtualNow = next.isAfter(end) ? end : next;
                fire();
            }
        }
    }

    /** Registers a listener that is called with the current instant whenever time moves. */
    public void addListener(Consumer<Instant> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener added with {@link #addListener(Consumer)}. */
    public void removeListener(Consumer<Instant> listener) {
        listeners.remove(listener);
    }

    /** Converts a simulated duration into the wall-clock time it takes at this clock's speed. */
    public Duration toWallClock(Duration simulated) {
        return virtual ? Duration.ZERO : Duration.ofNanos((long) (simulated.toNanos() / speed));
    }

    private void fire() {
        Instant now = instant();
        for (Consumer<Instant> listener : listeners) {
            try {
                listener.accept(now);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(SimClock.class).warn("clock listener failed", e);
            }
        }
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("SimClock is always UTC");
    }

    /** Stops the ticker thread of a real-time clock; a no-op for a virtual clock. */
    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    @Override
    public String toString() {
        java.time.Instant now = instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        return virtual ? "SimClock[virtual, now=" + now + "]"
                : "SimClock[real time x" + (speed == Math.rint(speed) ? String.valueOf((long) speed) : String.valueOf(speed)) + ", now=" + now + "]";
    }
}

package dev.cutover.localcloud.internal.faults;

import java.time.Clock;
import java.time.Instant;

/**
 * A token bucket refilled by a (simulated) clock: {@code burst} tokens at most, {@code perSecond}
 * tokens added per second of clock time. Thread-safe.
 */
public final class TokenBucket {

    private final int burst;
    private final double perSecond;
    private final Clock clock;
    private double tokens;
    private Instant last;

    public TokenBucket(int burst, double perSecond, Clock clock) {
        if (burst < 1 || !(perSecond >= 0)) {
            throw new IllegalArgumentException("burst must be >= 1 and perSecond >= 0, were " + burst + ", " + perSecond);
        }
        this.burst = burst;
        this.perSecond = perSecond;
        this.clock = clock;
        this.tokens = burst;
        this.last = clock.instant();
    }

    /** Takes one token if there is one. */
    public synchronized boolean tryTake() {
        Instant now = clock.instant();
        if (now.isAfter(last)) {
            double seconds = (now.toEpochMilli() - last.toEpochMilli()) / 1000.0;
            tokens = Math.min(burst, tokens + seconds * perSecond);
            last = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    public int burst() {
        return burst;
    }

    public double perSecond() {
        return perSecond;
    }
}

package dev.cutover.internal;

import java.time.Clock;
import java.time.Duration;

/**
 * A token bucket on an injected clock: {@code burst} tokens, refilled at {@code perSecond}. It
 * reserves a token and tells how long to wait for it, so the caller waits through its scheduler
 * (virtual in tests). Resilience4j's RateLimiter reads System.nanoTime and cannot follow virtual time.
 */
public final class TokenBucket {

    private final Clock clock;
    private final double burst;
    private final double perNano;
    private double tokens;
    private long lastNanos;

    public TokenBucket(Clock clock, int burst, double perSecond) {
        this.clock = clock;
        this.burst = burst;
        this.perNano = perSecond / 1_000_000_000.0;
        this.tokens = burst;
        this.lastNanos = nanos();
    }

    private long nanos() {
        var i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** Takes a token, possibly going into debt; returns how long the caller must wait before using it. */
    public synchronized Duration reserve() {
        long now = nanos();
        tokens = Math.min(burst, tokens + (now - lastNanos) * perNano);
        lastNanos = now;
        tokens -= 1;
        if (tokens >= 0) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil(-tokens / perNano));
    }
}

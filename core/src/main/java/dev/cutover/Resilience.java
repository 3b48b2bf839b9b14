package dev.cutover;

import dev.cutover.spi.Provider;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the guarded executor protects provider calls: retries with exponential backoff and full
 * jitter (retryable failures only), a circuit breaker per provider, a token-bucket rate limiter per
 * API family (sized from the provider's documented limits unless overridden), a bulkhead on
 * concurrent calls and a time limit per call.
 *
 * <pre>{@code
 * Cutover.builder().resilience(r -> r.maxAttempts(8).maxBackoff(Duration.ofSeconds(30)))
 * }</pre>
 */
public final class Resilience {

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final float breakerFailureRatePercent;
    private final int breakerWindow;
    private final Duration breakerOpenDuration;
    private final int maxConcurrentCalls;
    private final Duration callTimeout;
    private final Map<String, Provider.RateLimit> rateLimits;
    private final long jitterSeed;

    private Resilience(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.breakerFailureRatePercent = b.breakerFailureRatePercent;
        this.breakerWindow = b.breakerWindow;
        this.breakerOpenDuration = b.breakerOpenDuration;
        this.maxConcurrentCalls = b.maxConcurrentCalls;
        this.callTimeout = b.callTimeout;
        this.rateLimits = Collections.unmodifiableMap(new LinkedHashMap<>(b.rateLimits));
        this.jitterSeed = b.jitterSeed;
    }

    /** Defaults: 6 attempts, backoff 200 ms doubling to 20 s with full jitter, breaker at 50% of 20 calls open 30 s, 16 concurrent calls, 30 s per call. */
    public static Resilience defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder().maxAttempts(maxAttempts).initialBackoff(initialBackoff).maxBackoff(maxBackoff)
                .breakerFailureRatePercent(breakerFailureRatePercent).breakerWindow(breakerWindow)
                .breakerOpenDuration(breakerOpenDuration).maxConcurrentCalls(maxConcurrentCalls)
                .callTimeout(callTimeout).jitterSeed(jitterSeed);
        b.rateLimits.putAll(rateLimits);
        return b;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public float breakerFailureRatePercent() {
        return breakerFailureRatePercent;
    }

    public int breakerWindow() {
        return breakerWindow;
    }

    public Duration breakerOpenDuration() {
        return breakerOpenDuration;
    }

    public int maxConcurrentCalls() {
        return maxConcurrentCalls;
    }

    public Duration callTimeout() {
        return callTimeout;
    }

    /** Rate limits that override the providers' declared ones, by API family. */
    public Map<String, Provider.RateLimit> rateLimits() {
        return rateLimits;
    }

    /** The seed of the backoff jitter (fixed, so retries are reproducible in tests). */
    public long jitterSeed() {
        return jitterSeed;
    }

    @Override
    public String toString() {
        return "Resilience[attempts " + maxAttempts + ", backoff " + initialBackoff + ".." + maxBackoff
                + ", breaker " + breakerFailureRatePercent + "% of " + breakerWindow + " open " + breakerOpenDuration
                + ", concurrency " + maxConcurrentCalls + ", timeout " + callTimeout
                + (rateLimits.isEmpty() ? "" : ", rate limits " + rateLimits) + "]";
    }

    /** Builds {@link Resilience}. */
    public static final class Builder {
        private int maxAttempts = 6;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(20);
        private float breakerFailureRatePercent = 50;
        private int breakerWindow = 20;
        private Duration breakerOpenDuration = Duration.ofSeconds(30);
        private int maxConcurrentCalls = 16;
        private Duration callTimeout = Duration.ofSeconds(30);
        private final Map<String, Provider.RateLimit> rateLimits = new LinkedHashMap<>();
        private long jitterSeed = 7L;

        private Builder() {
        }

        /** Attempts per call including the first (1 = no retry). */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1 || maxAttempts > 100) {
                throw new IllegalArgumentException("maxAttempts must be 1-100, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder initialBackoff(Duration backoff) {
            this.initialBackoff = positive(backoff, "initialBackoff");
            return this;
        }

        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = positive(backoff, "maxBackoff");
            return this;
        }

        public Builder breakerFailureRatePercent(float percent) {
            if (!(percent > 0 && percent <= 100)) {
                throw new IllegalArgumentException("breakerFailureRatePercent must be in (0, 100], was " + percent);
            }
            this.breakerFailureRatePercent = percent;
            return this;
        }

        /** The number of recent calls the breaker judges (and the minimum before it may open). */
        public Builder breakerWindow(int calls) {
            if (calls < 1) {
                throw new IllegalArgumentException("breakerWindow must be >= 1, was " + calls);
            }
            this.breakerWindow = calls;
            return this;
        }

        public Builder breakerOpenDuration(Duration duration) {
            this.breakerOpenDuration = positive(duration, "breakerOpenDuration");
            return this;
        }

        public Builder maxConcurrentCalls(int calls) {
            if (calls < 1) {
                throw new IllegalArgumentException("maxConcurrentCalls must be >= 1, was " + calls);
            }
            this.maxConcurrentCalls = calls;
            return this;
        }

        public Builder callTimeout(Duration timeout) {
            this.callTimeout = positive(timeout, "callTimeout");
            return this;
        }

        /** Overrides the rate limit of one API family, e.g. {@code ecs.UpdateService}. */
        public Builder rateLimit(String family, int burst, double perSecond) {
            rateLimits.put(Objects.requireNonNull(family, "family"), new Provider.RateLimit(burst, perSecond));
            return this;
        }

        public Builder jitterSeed(long seed) {
            this.jitterSeed = seed;
            return this;
        }

        public Resilience build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff (" + maxBackoff + ") must not be below initialBackoff ("
                        + initialBackoff + ")");
            }
            return new Resilience(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }
    }
}

package dev.cutover.internal;

import java.time.Clock;
import java.time.Duration;

/**
 * A token bucket on an injected clock: {@code burst} tokens, refilled at {@code perSecond}. It
 * hands out a token or tells how long to wait before asking again, so the caller waits through its
 * scheduler (virtual in tests). Resilience4j's RateLimiter reads System.nanoTime and cannot follow virtual time.
 *
 * <p>The bucket adapts to throttling, as the AWS SDK's adaptive retry mode does: AWS's buckets are
 * per account and Region, so other processes spend the same tokens, and a bucket sized from the
 * documented limit assumes the whole of it. Each throttling answer ({@link #onThrottled()}) cuts the
 * fill rate to 70% of what the bucket was really sending at (the smaller of its fill rate and its send
 * rate, measured over half-second windows where a quiet window counts as zero and the window under way
 * counts as it goes; at most one cut per {@link #DECREASE_SPACING}), and shrinks the burst to one
 * second's worth; then every success ({@link #onSuccess()}) grows the rate again along CUBIC's curve
 * (concave back to the rate before the cut over {@link #RECOVERY}, then convex beyond, as steep as
 * the documented rate makes it), up to the
 * documented rate, where the full burst returns. Several processes sharing one AWS bucket so settle
 * on their shares instead of throttling each other.
 */
public final class TokenBucket {

    /** The multiplicative decrease: the rate after a throttle is this share of the rate sent at. */
    static final double BETA = 0.7;
    /** The longest a caller waits before asking for a token again (a rate grown meanwhile is noticed within it). */
    static final Duration MAX_WAIT = Duration.ofSeconds(1);
    /** The send rate's measuring window (the SDK's adaptive mode measures in half seconds too). */
    static final long WINDOW_NANOS = 500_000_000L;
    /** How long the rate takes to climb back to where it was cut. */
    static final Duration RECOVERY = Duration.ofSeconds(10);
    /** At most one cut per this much time: the throttles of one burst are one signal. */
    static final Duration DECREASE_SPACING = Duration.ofMillis(500);
    /** The lowest rate, as a share of the documented one. */
    static final double MIN_SHARE = 0.02;
    /**
     * The lowest rate in calls per second whatever the share says (never above the documented rate):
     * one call every 20 s. Without it a family with a low documented rate (Datadog's query API: 1,600
     * an hour, 2% of it one call every 112 s) waits minutes per attempt after a few throttles, on top
     * of the server's Retry-After, and a rollout waiting on it notices a metric outage late. Low enough
     * that four processes at their floor take a fifth of ECS's 1-a-second RegisterTaskDefinition.
     */
    static final double MIN_FILL_RATE = 0.05;

    private final Clock clock;
    private final double maxBurst;
    private final double maxRate;
    private final double minRate;
    private double rate;
    private double capacity;
    private double tokens;
    private long lastNanos;
    // adaptation
    private boolean adapted;
    private double rateBeforeCut;
    private double rateAfterCut;
    private long cutNanos;
    // the send rate, over half-second windows aligned to the clock (as the SDK's measured rate)
    private long window = Long.MIN_VALUE;
    private int windowSends;
    private double measuredRate;

    public TokenBucket(Clock clock, int burst, double perSecond) {
        this.clock = clock;
        this.maxBurst = burst;
        this.maxRate = perSecond;
        this.minRate = Math.min(perSecond, Math.max(perSecond * MIN_SHARE, MIN_FILL_RATE));
        this.rate = perSecond;
        this.capacity = burst;
        this.tokens = burst;
        this.lastNanos = nanos();
    }

    private long nanos() {
        var i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private void refill(long now) {
        tokens = Math.min(capacity, tokens + (now - lastNanos) * rate / 1e9);
        lastNanos = now;
    }

    /**
     * Takes a token if the bucket has one and returns zero; otherwise takes nothing and returns how
     * long to wait before asking again (until the next token at the current rate, at most
     * {@link #MAX_WAIT}). Callers loop until they get zero. Nobody holds a token in advance, so a
     * rate cut by a throttle slows every waiting caller at once, and a rate grown back speeds them
     * up: with tokens reserved ahead (debt), 25 callers waiting at a cut kept sending at the old pace,
     * drew throttle after throttle, and the bucket sank to its floor and stayed there with minutes of
     * reservations made at that rate.
     */
    public synchronized Duration tryTake() {
        long now = nanos();
        refill(now);
        if (tokens >= 1) {
            tokens -= 1;
            measure(now);
            return Duration.ZERO;
        }
        long nanos = (long) Math.ceil((1 - tokens) / rate * 1e9);
        return Duration.ofNanos(Math.max(1_000_000L, Math.min(MAX_WAIT.toNanos(), nanos)));
    }

    /** Counts a send into its half-second window. */
    private void measure(long now) {
        closeWindowsBefore(now);
        windowSends++;
    }

    /**
     * Closes the windows that ended before {@code now}: each ended window's rate enters the smoothed
     * send rate (weight 0.8, as the SDK's), and so does each window without a send, at zero — so
     * that after a quiet minute the send rate is about zero, not the minute's few calls spread over
     * one long window.
     */
    private void closeWindowsBefore(long now) {
        long w = Math.floorDiv(now, WINDOW_NANOS);
        if (w == window) {
            return;
        }
        if (window != Long.MIN_VALUE && w > window) {
            measuredRate = 0.8 * (windowSends * 1e9 / WINDOW_NANOS) + 0.2 * measuredRate;
            long quiet = Math.min(w - window - 1, 40);
            measuredRate *= Math.pow(0.2, quiet);
        }
        window = w;
        windowSends = 0;
    }

    /**
     * The rate this bucket has been sending at: the smoothed rate of the windows that ended, or the
     * window under way's if it sent more (a burst after a quiet spell is measured as the burst it is);
     * the fill rate when it has sent nothing yet.
     */
    private double sendRate(long now) {
        closeWindowsBefore(now);
        double sending = Math.max(measuredRate, windowSends * 1e9 / WINDOW_NANOS);
        return sending > 0 ? Math.min(sending, rate) : rate;
    }

    /** The service answered a call of this bucket with a throttling error: send slower. */
    public synchronized void onThrottled() {
        long now = nanos();
        if (adapted && now - cutNanos < DECREASE_SPACING.toNanos()) {
            return;
        }
        refill(now);
        double sentAt = sendRate(now);
        rateBeforeCut = sentAt;
        rate = Math.max(minRate, sentAt * BETA);
        rateAfterCut = rate;
        capacity = Math.max(1, Math.min(maxBurst, rate));
        tokens = Math.min(tokens, capacity);
        cutNanos = now;
        adapted = true;
    }

    /** A call of this bucket succeeded: after a throttle, the rate grows back along the cubic curve. */
    public synchronized void onSuccess() {
        if (!adapted) {
            return;
        }
        long now = nanos();
        refill(now);
        double t = (now - cutNanos) / 1e9;
        double k = RECOVERY.toNanos() / 1e9;
        // the curve's steepness comes from the documented rate, not from the rate cut: a bucket cut while
        // it sent little (a few calls after a quiet spell) climbs back to the documented rate within
        // 2.5 recovery times, as the SDK's fixed scale constant does, instead of crawling near its floor
        double c = maxRate * (1 - BETA) / (k * k * k);
        double next = Math.max(rateAfterCut, c * Math.pow(t - k, 3) + rateBeforeCut);
        rate = Math.max(minRate, Math.min(maxRate, next));
        capacity = Math.max(1, Math.min(maxBurst, rate));
        if (rate >= maxRate) {
            adapted = false; // back at the documented rate: the whole burst again
            capacity = maxBurst;
        }
    }

    /** The current fill rate per second (the documented one unless throttling cut it). */
    public synchronized double rate() {
        return rate;
    }
}

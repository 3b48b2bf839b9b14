package dev.cutover.localcloud;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a container image behaves in the local cloud: how long it takes to start, whether it crashes,
 * whether it passes its container health check, and, once it serves, its error rate and latency.
 * The default ({@link #healthy()}) starts in a few simulated seconds, passes health checks and
 * answers every request in about 20 ms (p99 about 80 ms).
 *
 * <pre>{@code
 * cloud.images().behave("repo/orders:1.4.3", ImageBehavior.crashesOnStart());
 * cloud.images().behave("repo/orders:1.4.4", b -> b.errorRate(0.05).latency(Duration.ofMillis(40), Duration.ofMillis(400)));
 * cloud.images().behave("repo/migrate:7", ImageBehavior.exitsWith(3));   // a failing one-off task
 * }</pre>
 *
 * <p>Immutable; {@link #toBuilder()} copies it for a variation.
 */
public final class ImageBehavior {

    private static final ImageBehavior HEALTHY = new Builder().build();

    private final Duration startDelay;
    private final boolean crashOnStart;
    private final Duration crashAfter;
    private final int exitCode;
    private final Duration runDuration;
    private final boolean failsHealthChecks;
    private final double errorRate;
    private final Duration latencyMedian;
    private final Duration latencyP99;

    private ImageBehavior(Builder b) {
        this.startDelay = b.startDelay;
        this.crashOnStart = b.crashOnStart;
        this.crashAfter = b.crashAfter;
        this.exitCode = b.exitCode;
        this.runDuration = b.runDuration;
        this.failsHealthChecks = b.failsHealthChecks;
        this.errorRate = b.errorRate;
        this.latencyMedian = b.latencyMedian;
        this.latencyP99 = b.latencyP99;
    }

    /** Starts quickly, passes health checks, never fails a request (the default for every image). */
    public static ImageBehavior healthy() {
        return HEALTHY;
    }

    /** Exits with code 1 two simulated seconds after it starts; ECS reports "Essential container in task exited". */
    public static ImageBehavior crashesOnStart() {
        return builder().crashOnStart(true).exitCode(1).build();
    }

    /** Runs but never passes its container health check (a task without a health check just stays UNKNOWN). */
    public static ImageBehavior failsHealthChecks() {
        return builder().failsHealthChecks(true).build();
    }

    /** Healthy, but takes {@code extra} longer to reach RUNNING. */
    public static ImageBehavior slowToStart(Duration extra) {
        return builder().startDelay(extra).build();
    }

    /** Healthy, but fails the given share (0..1) of the simulated requests it receives. */
    public static ImageBehavior errorRate(double rate) {
        return builder().errorRate(rate).build();
    }

    /** Healthy, with a latency distribution given by its median and 99th percentile. */
    public static ImageBehavior latency(Duration median, Duration p99) {
        return builder().latency(median, p99).build();
    }

    /** A one-off task image (RunTask) that exits with {@code code} after its run duration. */
    public static ImageBehavior exitsWith(int code) {
        return builder().exitCode(code).build();
    }

    /** A builder starting from {@link #healthy()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this behaviour's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Extra simulated time before the task reaches RUNNING (slow start). */
    public Duration startDelay() {
        return startDelay;
    }

    /** Whether the essential container exits shortly after it starts. */
    public boolean crashOnStart() {
        return crashOnStart;
    }

    /** How long after RUNNING a crashing container exits. */
    public Duration crashAfter() {
        return crashAfter;
    }

    /** The exit code of a crashing container, or of a one-off task when it finishes. */
    public int exitCode() {
        return exitCode;
    }

    /** How long a one-off task (RunTask) runs before it exits. */
    public Duration runDuration() {
        return runDuration;
    }

    /** Whether every container health check fails. */
    public boolean healthChecksFail() {
        return failsHealthChecks;
    }

    /** The share of simulated requests (0..1) answered with an error. */
    public double errorRate() {
        return errorRate;
    }

    /** The median latency of simulated requests. */
    public Duration latencyMedian() {
        return latencyMedian;
    }

    /** The 99th-percentile latency of simulated requests. */
    public Duration latencyP99() {
        return latencyP99;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageBehavior b && startDelay.equals(b.startDelay) && crashOnStart == b.crashOnStart
                && crashAfter.equals(b.crashAfter) && exitCode == b.exitCode && runDuration.equals(b.runDuration)
                && failsHealthChecks == b.failsHealthChecks && Double.compare(errorRate, b.errorRate) == 0
                && latencyMedian.equals(b.latencyMedian) && latencyP99.equals(b.latencyP99);
    }

    @Override
    public int hashCode() {
        return Objects.hash(startDelay, crashOnStart, crashAfter, exitCode, runDuration, failsHealthChecks, errorRate,
                latencyMedian, latencyP99);
    }

    @Override
    public String toString() {
        return "ImageBehavior[startDelay=" + startDelay + ", crashOnStart=" + crashOnStart + ", exitCode=" + exitCode
                + ", failsHealthChecks=" + failsHealthChecks + ", errorRate=" + errorRate + ", latency p50="
                + latencyMedian.toMillis() + "ms p99=" + latencyP99.toMillis() + "ms]";
    }

    /** Builds an {@link ImageBehavior}; every value starts at the healthy default. */
    public static final class Builder {
        private Duration startDelay = Duration.ZERO;
        private boolean crashOnStart;
        private Duration crashAfter = Duration.ofSeconds(2);
        private int exitCode;
        private Duration runDuration = Duration.ofSeconds(10);
        private boolean failsHealthChecks;
        private double errorRate;
        private Duration latencyMedian = Duration.ofMillis(20);
        private Duration latencyP99 = Duration.ofMillis(80);

        private Builder() {
        }

        private Builder(ImageBehavior b) {
            this.startDelay = b.startDelay;
            this.crashOnStart = b.crashOnStart;
            this.crashAfter = b.crashAfter;
            this.exitCode = b.exitCode;
            this.runDuration = b.runDuration;
            this.failsHealthChecks = b.failsHealthChecks;
            this.errorRate = b.errorRate;
            this.latencyMedian = b.latencyMedian;
            this.latencyP99 = b.latencyP99;
        }

        public Builder startDelay(Duration startDelay) {
            this.startDelay = nonNegative(startDelay, "startDelay");
            return this;
        }

        public Builder crashOnStart(boolean crashOnStart) {
            this.crashOnStart = crashOnStart;
            return this;
        }

        public Builder crashAfter(Duration crashAfter) {
            this.crashAfter = nonNegative(crashAfter, "crashAfter");
            return this;
        }

        public Builder exitCode(int exitCode) {
            if (exitCode < 0 || exitCode > 255) {
                throw new IllegalArgumentException("exitCode must be 0-255, was " + exitCode);
            }
            this.exitCode = exitCode;
            return this;
        }

        public Builder runDuration(Duration runDuration) {
            this.runDuration = nonNegative(runDuration, "runDuration");
            return this;
        }

        public Builder failsHealthChecks(boolean failsHealthChecks) {
            this.failsHealthChecks = failsHealthChecks;
            return this;
        }

        public Builder errorRate(double errorRate) {
            if (!(errorRate >= 0 && errorRate <= 1)) {
                throw new IllegalArgumentException("errorRate must be between 0 and 1, was " + errorRate);
            }
            this.errorRate = errorRate;
            return this;
        }

        /** The latency distribution (log-normal through the median and the 99th percentile). */
        public Builder latency(Duration median, Duration p99) {
            nonNegative(median, "median");
            nonNegative(p99, "p99");
            if (p99.compareTo(median) < 0) {
                throw new IllegalArgumentException("p99 (" + p99 + ") must not be below the median (" + median + ")");
            }
            this.latencyMedian = median;
            this.latencyP99 = p99;
            return this;
        }

        /** Applies a lambda to this builder (handy for one-liners). */
        public Builder apply(Consumer<Builder> change) {
            change.accept(this);
            return this;
        }

        public ImageBehavior build() {
            return new ImageBehavior(this);
        }

        private static Duration nonNegative(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, was " + d);
            }
            return d;
        }
    }
}

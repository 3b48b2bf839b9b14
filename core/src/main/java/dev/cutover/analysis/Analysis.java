package dev.cutover.analysis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How each rollout step is judged: health (running vs desired tasks, failed tasks, failing health
 * checks) plus metric gates read from a {@link MetricSource}, with the semantics users of Argo
 * Rollouts and Flagger rely on:
 * <ul>
 *   <li>{@code initialDelay}: measurements start this long after traffic shifted;</li>
 *   <li>{@code interval}: one measurement of every gate per interval during the bake;</li>
 *   <li>{@code failureLimit}: failed measurements tolerated before the step fails (0 = the first fails it);</li>
 *   <li>{@code consecutiveErrorLimit}: errors in a row (a source that cannot answer, or a value that cannot
 *       be true) tolerated; one more pauses the rollout safely, like a provider outage, and it keeps measuring;</li>
 *   <li>{@code metricOutageTimeout}: how long such an outage may last before the rollout rolls back;</li>
 *   <li>{@code inconclusiveLimit}: "no data" measurements tolerated; one more pauses the rollout for a person,
 *       it never passes;</li>
 *   <li>{@code inconclusiveTimeout}: how long that pause waits for a person before the rollout rolls back;</li>
 *   <li>{@code maxFailedTasks}: tasks of the new revision that may fail before the step fails;</li>
 *   <li>{@code progressDeadline}: how long the new revision may take to become healthy; nothing waits forever.</li>
 * </ul>
 *
 * <pre>{@code
 * Analysis a = Analysis.builder()
 *     .gate(MetricGate.errorRateBelow(0.01))
 *     .gate(MetricGate.p99LatencyBelow(Duration.ofMillis(300)))
 *     .interval(Duration.ofMinutes(1))
 *     .build();
 * }</pre>
 */
public final class Analysis {

    private final List<MetricGate> gates;
    private final Duration interval;
    private final Duration initialDelay;
    private final int failureLimit;
    private final int consecutiveErrorLimit;
    private final int inconclusiveLimit;
    private final int maxFailedTasks;
    private final Duration progressDeadline;
    private final Duration metricOutageTimeout;
    private final Duration inconclusiveTimeout;

    private Analysis(Builder b) {
        this.gates = List.copyOf(b.gates);
        this.interval = b.interval;
        this.initialDelay = b.initialDelay;
        this.failureLimit = b.failureLimit;
        this.consecutiveErrorLimit = b.consecutiveErrorLimit;
        this.inconclusiveLimit = b.inconclusiveLimit;
        this.maxFailedTasks = b.maxFailedTasks;
        this.progressDeadline = b.progressDeadline;
        this.metricOutageTimeout = b.metricOutageTimeout;
        this.inconclusiveTimeout = b.inconclusiveTimeout;
    }

    /** Health only: no metric gates. */
    public static Analysis healthOnly() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.gates.addAll(gates);
        return b.interval(interval).initialDelay(initialDelay).failureLimit(failureLimit)
                .consecutiveErrorLimit(consecutiveErrorLimit).inconclusiveLimit(inconclusiveLimit)
                .maxFailedTasks(maxFailedTasks).progressDeadline(progressDeadline)
                .metricOutageTimeout(metricOutageTimeout).inconclusiveTimeout(inconclusiveTimeout);
    }

    public List<MetricGate> gates() {
        return gates;
    }

    public Duration interval() {
        return interval;
    }

    public Duration initialDelay() {
        return initialDelay;
    }

    public int failureLimit() {
        return failureLimit;
    }

    public int consecutiveErrorLimit() {
        return consecutiveErrorLimit;
    }

    public int inconclusiveLimit() {
        return inconclusiveLimit;
    }

    public int maxFailedTasks() {
        return maxFailedTasks;
    }

    public Duration progressDeadline() {
        return progressDeadline;
    }

    /** How long the metric source may fail to answer (after {@code consecutiveErrorLimit}) before the rollout rolls back. */
    public Duration metricOutageTimeout() {
        return metricOutageTimeout;
    }

    /** How long a pause for an inconclusive analysis ("no data") waits for a person before the rollout rolls back. */
    public Duration inconclusiveTimeout() {
        return inconclusiveTimeout;
    }

    /**
     * Adds each problem with this analysis to {@code problems} as {@code [path, value, message]}
     * triples; used by the release's validation.
     */
    public void validate(String at, List<String[]> problems) {
        check(problems, positiveAtMost(interval, Duration.ofHours(24)), at + ".interval", interval, "must be more than 0 and at most 24 h");
        check(problems, !initialDelay.isNegative() && initialDelay.compareTo(Duration.ofHours(24)) <= 0,
                at + ".initialDelay", initialDelay, "must be 0 to 24 h");
        check(problems, failureLimit >= 0 && failureLimit <= 1000, at + ".failureLimit", failureLimit, "must be 0-1000");
        check(problems, consecutiveErrorLimit >= 0 && consecutiveErrorLimit <= 1000, at + ".consecutiveErrorLimit",
                consecutiveErrorLimit, "must be 0-1000");
        check(problems, inconclusiveLimit >= 0 && inconclusiveLimit <= 1000, at + ".inconclusiveLimit",
                inconclusiveLimit, "must be 0-1000");
        check(problems, maxFailedTasks >= 0, at + ".maxFailedTasks", maxFailedTasks, "must be 0 or more");
        check(problems, positiveAtMost(progressDeadline, Duration.ofHours(24)), at + ".progressDeadline",
                progressDeadline, "must be more than 0 and at most 24 h");
        check(problems, positiveAtMost(metricOutageTimeout, Duration.ofHours(24)), at + ".metricOutageTimeout",
                metricOutageTimeout, "must be more than 0 and at most 24 h");
        check(problems, positiveAtMost(inconclusiveTimeout, Duration.ofHours(24)), at + ".inconclusiveTimeout",
                inconclusiveTimeout, "must be more than 0 and at most 24 h");
        for (int i = 0; i < gates.size(); i++) {
            MetricGate g = gates.get(i);
            check(problems, Double.isFinite(g.threshold()), at + ".gates[" + i + "].threshold", g.threshold(),
                    "must be a finite number");
            check(problems, g.query().kind() != MetricQuery.Kind.CUSTOM || !g.query().expression().isBlank(),
                    at + ".gates[" + i + "].query", g.query().expression(), "a custom query must not be blank");
            if (g.query().kind() == MetricQuery.Kind.ERROR_RATE) {
                check(problems, g.threshold() >= 0 && g.threshold() <= 1, at + ".gates[" + i + "].threshold",
                        g.threshold(), "an error rate is a fraction from 0.0 to 1.0 (0.01 = 1%)");
            }
            // a rate or a latency is never negative: "below 0" (or "below 0 ms") can never pass, and
            // "an error rate above 1" neither; such a gate would roll back every release
            boolean nonNegative = g.query().kind() != MetricQuery.Kind.CUSTOM;
            if (nonNegative && g.comparison() == MetricGate.Comparison.BELOW) {
                check(problems, !(g.threshold() <= 0), at + ".gates[" + i + "].threshold", g.threshold(),
                        "can never pass: a measured " + g.name() + " is never below " + g.threshold() + "; give a limit above 0");
            }
            boolean latency = g.query().kind() == MetricQuery.Kind.LATENCY_P99 || g.query().kind() == MetricQuery.Kind.LATENCY_P95;
            if (latency) {
                check(problems, !(g.threshold() > MAX_LATENCY_MS), at + ".gates[" + i + "].threshold", g.threshold(),
                        "must be at most 24 h (86400000 ms); a longer latency limit could never fail");
            }
            if (g.query().kind() == MetricQuery.Kind.ERROR_RATE && g.comparison() == MetricGate.Comparison.ABOVE) {
                check(problems, !(g.threshold() >= 1), at + ".gates[" + i + "].threshold", g.threshold(),
                        "can never pass: an error rate is never above 1.0");
            }
        }
    }

    private static final double MAX_LATENCY_MS = 86_400_000;

    private static boolean positiveAtMost(Duration d, Duration max) {
        return !d.isNegative() && !d.isZero() && d.compareTo(max) <= 0;
    }

    private static void check(List<String[]> problems, boolean ok, String path, Object value, String message) {
        if (!ok) {
            problems.add(new String[] {path, String.valueOf(value), message});
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Analysis a && gates.equals(a.gates) && interval.equals(a.interval)
                && initialDelay.equals(a.initialDelay) && failureLimit == a.failureLimit
                && consecutiveErrorLimit == a.consecutiveErrorLimit && inconclusiveLimit == a.inconclusiveLimit
                && maxFailedTasks == a.maxFailedTasks && progressDeadline.equals(a.progressDeadline)
                && metricOutageTimeout.equals(a.metricOutageTimeout) && inconclusiveTimeout.equals(a.inconclusiveTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(gates, interval, initialDelay, failureLimit, consecutiveErrorLimit, inconclusiveLimit,
                maxFailedTasks, progressDeadline, metricOutageTimeout, inconclusiveTimeout);
    }

    @Override
    public String toString() {
        return "Analysis[gates=" + gates + ", every " + interval + ", initialDelay " + initialDelay
                + ", failureLimit " + failureLimit + ", consecutiveErrorLimit " + consecutiveErrorLimit
                + ", inconclusiveLimit " + inconclusiveLimit + ", maxFailedTasks " + maxFailedTasks
                + ", progressDeadline " + progressDeadline + ", metricOutageTimeout " + metricOutageTimeout
                + ", inconclusiveTimeout " + inconclusiveTimeout + "]";
    }

    /** Builds an {@link Analysis}. */
    public static final class Builder {
        private final List<MetricGate> gates = new ArrayList<>();
        private Duration interval = Duration.ofMinutes(1);
        private Duration initialDelay = Duration.ZERO;
        private int failureLimit = 0;
        private int consecutiveErrorLimit = 4;
        private int inconclusiveLimit = 0;
        private int maxFailedTasks = 0;
        private Duration progressDeadline = Duration.ofMinutes(10);
        private Duration metricOutageTimeout = Duration.ofMinutes(30);
        private Duration inconclusiveTimeout = Duration.ofMinutes(30);

        private Builder() {
        }

        /** Adds a metric gate. */
        public Builder gate(MetricGate gate) {
            gates.add(Objects.requireNonNull(gate, "gate"));
            return this;
        }

        /** Replaces all metric gates. */
        public Builder gates(List<MetricGate> gates) {
            Objects.requireNonNull(gates, "gates");
            this.gates.clear();
            gates.forEach(this::gate);
            return this;
        }

        /** Shorthand for {@code gate(MetricGate.errorRateBelow(rate))}. */
        public Builder errorRateBelow(double rate) {
            return gate(MetricGate.errorRateBelow(rate));
        }

        /** Shorthand for {@code gate(MetricGate.p99LatencyBelow(latency))}. */
        public Builder p99LatencyBelow(Duration latency) {
            return gate(MetricGate.p99LatencyBelow(Objects.requireNonNull(latency, "latency")));
        }

        public Builder interval(Duration interval) {
            this.interval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        public Builder initialDelay(Duration initialDelay) {
            this.initialDelay = Objects.requireNonNull(initialDelay, "initialDelay");
            return this;
        }

        public Builder failureLimit(int failureLimit) {
            this.failureLimit = failureLimit;
            return this;
        }

        public Builder consecutiveErrorLimit(int limit) {
            this.consecutiveErrorLimit = limit;
            return this;
        }

        public Builder inconclusiveLimit(int limit) {
            this.inconclusiveLimit = limit;
            return this;
        }

        public Builder maxFailedTasks(int maxFailedTasks) {
            this.maxFailedTasks = maxFailedTasks;
            return this;
        }

        public Builder progressDeadline(Duration deadline) {
            this.progressDeadline = Objects.requireNonNull(deadline, "deadline");
            return this;
        }

        /**
         * How long the metric source may stay unable to answer (errors, 429, 5xx, impossible values)
         * after {@code consecutiveErrorLimit} before the rollout rolls back (default 30 min). Until
         * then the rollout is paused safely, as in a provider outage, and keeps measuring.
         */
        public Builder metricOutageTimeout(Duration timeout) {
            this.metricOutageTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * How long a pause for an inconclusive analysis waits for {@code resume()}, {@code promote()}
         * or {@code abort()} before the rollout rolls back by itself (default 30 min).
         */
        public Builder inconclusiveTimeout(Duration timeout) {
            this.inconclusiveTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public Analysis build() {
            return new Analysis(this);
        }
    }
}

package dev.cutover.analysis;

import java.time.Duration;
import java.util.Objects;

/**
 * A threshold a revision's metric must respect for a rollout step to pass.
 *
 * <pre>{@code
 * MetricGate.errorRateBelow(0.01);
 * MetricGate.p99LatencyBelow(Duration.ofMillis(300));
 * MetricGate.of("queue depth", MetricQuery.custom("avg:orders.queue{*}"), MetricGate.Comparison.BELOW, 100);
 * }</pre>
 *
 * @param name       a short name shown in events and the progress display
 * @param query      what to measure
 * @param comparison how the measured value must relate to {@code threshold}
 * @param threshold  the limit
 */
public record MetricGate(String name, MetricQuery query, Comparison comparison, double threshold) {

    /** How a value must relate to the threshold. */
    public enum Comparison {
        /** value &lt; threshold */
        BELOW,
        /** value &gt; threshold */
        ABOVE
    }

    public MetricGate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(comparison, "comparison");
    }

    public static MetricGate of(String name, MetricQuery query, Comparison comparison, double threshold) {
        return new MetricGate(name, query, comparison, threshold);
    }

    /** Error rate (0.0–1.0) must stay below {@code rate}, e.g. 0.01 for 1%. */
    public static MetricGate errorRateBelow(double rate) {
        return new MetricGate("error rate", MetricQuery.of(MetricQuery.Kind.ERROR_RATE), Comparison.BELOW, rate);
    }

    /** 99th percentile latency must stay below {@code latency}. */
    public static MetricGate p99LatencyBelow(Duration latency) {
        return new MetricGate("p99 latency", MetricQuery.of(MetricQuery.Kind.LATENCY_P99), Comparison.BELOW,
                // seconds and nanos apart: toNanos() overflows for durations past 292 years
                latency.getSeconds() * 1000.0 + latency.getNano() / 1_000_000.0);
    }

    /** Whether {@code value} passes this gate. */
    public boolean passes(double value) {
        return comparison == Comparison.BELOW ? value < threshold : value > threshold;
    }

    @Override
    public String toString() {
        return name + (comparison == Comparison.BELOW ? " < " : " > ") + threshold;
    }
}

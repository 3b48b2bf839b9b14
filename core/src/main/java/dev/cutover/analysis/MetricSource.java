package dev.cutover.analysis;

/**
 * Answers analysis queries about a revision's traffic: in-process Micrometer, Datadog, CloudWatch
 * or anything else. Implementations should not throw; a failure to answer is
 * {@link Measurement#error(String)}, an empty answer {@link Measurement#noData(String)}.
 *
 * <pre>{@code
 * MetricSource fixed = (query, ctx) -> Measurement.of(0.002);
 * }</pre>
 */
@FunctionalInterface
public interface MetricSource {

    /** Measures {@code query} for the revision and window in {@code context}. */
    Measurement measure(MetricQuery query, MetricContext context);

    /** A short name for logs, events and metric tags. */
    default String name() {
        return getClass().getSimpleName().isEmpty() ? "metric-source" : getClass().getSimpleName();
    }
}

package dev.cutover.analysis;

import java.util.Objects;

/**
 * What a metric gate asks a {@link MetricSource}: a well-known measure of one revision's traffic
 * (error rate, latency percentile, request rate) or a source-specific expression.
 *
 * @param kind       the measure
 * @param expression the source-specific query for {@link Kind#CUSTOM}; empty otherwise
 */
public record MetricQuery(Kind kind, String expression) {

    /** The measures every metric source should understand. */
    public enum Kind {
        /** Failed requests divided by all requests, 0.0–1.0. */
        ERROR_RATE,
        /** 99th percentile latency in milliseconds. */
        LATENCY_P99,
        /** 95th percentile latency in milliseconds. */
        LATENCY_P95,
        /** Requests per second. */
        REQUEST_RATE,
        /** A query in the source's own language. */
        CUSTOM
    }

    public MetricQuery {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(expression, "expression");
    }

    public static MetricQuery of(Kind kind) {
        return new MetricQuery(kind, "");
    }

    /** A query in the source's own language, e.g. a Datadog query. */
    public static MetricQuery custom(String expression) {
        return new MetricQuery(Kind.CUSTOM, expression);
    }

    @Override
    public String toString() {
        return kind == Kind.CUSTOM ? expression : kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}

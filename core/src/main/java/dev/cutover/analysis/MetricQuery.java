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
        CUSTOM;

        /**
         * Why {@code value} cannot be a true measurement of this kind, or empty when it can: NaN and
         * infinity never can, an error rate lies in 0.0–1.0, a latency or a request rate is not
         * negative. A gate treats an impossible value as an error, never as a pass.
         */
        public java.util.Optional<String> impossible(double value) {
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                return java.util.Optional.of(value + " is not a number a metric can have");
            }
            return switch (this) {
                case ERROR_RATE -> value < 0 || value > 1
                        ? java.util.Optional.of("an error rate is a fraction from 0.0 to 1.0, not " + Measurement.format(value))
                        : java.util.Optional.empty();
                case LATENCY_P99, LATENCY_P95 -> value < 0
                        ? java.util.Optional.of("a latency cannot be negative (" + Measurement.format(value) + " ms)")
                        : java.util.Optional.empty();
                case REQUEST_RATE -> value < 0
                        ? java.util.Optional.of("a request rate cannot be negative (" + Measurement.format(value) + "/s)")
                        : java.util.Optional.empty();
                case CUSTOM -> java.util.Optional.empty();
            };
        }
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

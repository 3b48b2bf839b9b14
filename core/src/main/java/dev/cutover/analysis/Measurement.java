package dev.cutover.analysis;

import java.util.Objects;

/**
 * One answer of a {@link MetricSource}: a value, "no data" (which is inconclusive, never a pass),
 * or an error (the source could not answer).
 *
 * @param status what kind of answer this is
 * @param value  the measured value when {@code status} is {@link Status#VALUE}, else {@code NaN}
 * @param detail a short explanation for people (the query, why there was no data, the error)
 */
public record Measurement(Status status, double value, String detail) {

    /** The kinds of answer. */
    public enum Status {
        /** A value was measured. */
        VALUE,
        /** The source answered but had no data points (e.g. no traffic yet). */
        NO_DATA,
        /** The source could not answer (timeout, 5xx, throttling after retries, bad query). */
        ERROR
    }

    public Measurement {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    public static Measurement of(double value) {
        return new Measurement(Status.VALUE, value, "");
    }

    public static Measurement noData(String detail) {
        return new Measurement(Status.NO_DATA, Double.NaN, detail);
    }

    public static Measurement error(String detail) {
        return new Measurement(Status.ERROR, Double.NaN, detail);
    }

    /** A value as people read it: up to four significant digits ({@code 0.03730}, {@code 450.0}). */
    public static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e9) {
            return String.valueOf(value);
        }
        return String.format(java.util.Locale.ROOT, "%.4g", value);
    }

    @Override
    public String toString() {
        return switch (status) {
            case VALUE -> format(value);
            case NO_DATA -> "no data (" + detail + ")";
            case ERROR -> "error (" + detail + ")";
        };
    }
}

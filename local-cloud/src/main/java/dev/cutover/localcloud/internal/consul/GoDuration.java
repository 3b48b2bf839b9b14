package dev.cutover.localcloud.internal.consul;

import java.time.Duration;

/** Parses and prints durations the way Go's {@code time.ParseDuration} and {@code Duration.String} do. */
final class GoDuration {

    private GoDuration() {
    }

    /**
     * Parses {@code "10s"}, {@code "1m30s"}, {@code "1.5h"}, {@code "250ms"}, {@code "0"}.
     *
     * @throws IllegalArgumentException with Go's wording when the text is not a duration
     */
    static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
        }
        String s = text;
        boolean negative = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw invalid(text);
        }
        double nanos = 0;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            if (start == i) {
                throw invalid(text);
            }
            double number;
            try {
                number = Double.parseDouble(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw invalid(text);
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String unit = s.substring(unitStart, i);
            double factor = switch (unit) {
                case "ns" -> 1;
                case "us", "\u00b5s", "\u03bcs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                case "" -> throw new IllegalArgumentException("time: missing unit in duration \"" + text + "\"");
                default -> throw new IllegalArgumentException("time: unknown unit \"" + unit + "\" in duration \"" + text + "\"");
            };
            nanos += number * factor;
        }
        long value = (long) nanos;
        return Duration.ofNanos(negative ? -value : value);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }

    /** Prints like Go: {@code 10s}, {@code 1m30s}, {@code 1h0m0s}, {@code 250ms}, {@code 0s}. */
    static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        nanos = Math.abs(nanos);
        if (nanos < 1_000_000_000L) {
            if (nanos % 1_000_000L == 0) {
                return sign + nanos / 1_000_000L + "ms";
            }
            if (nanos % 1_000L == 0) {
                return sign + nanos / 1_000L + "\u00b5s";
            }
            return sign + nanos + "ns";
        }
        long hours = nanos / 3_600_000_000_000L;
        long minutes = nanos / 60_000_000_000L % 60;
        long secNanos = nanos % 60_000_000_000L;
        String seconds = secNanos % 1_000_000_000L == 0
                ? Long.toString(secNanos / 1_000_000_000L)
                : stripZeros(String.format(java.util.Locale.ROOT, "%.9f", secNanos / 1e9));
        StringBuilder out = new StringBuilder(sign);
        if (hours > 0) {
            out.append(hours).append('h').append(minutes).append('m');
        } else if (minutes > 0) {
            out.append(minutes).append('m');
        }
        return out.append(seconds).append('s').toString();
    }

    private static String stripZeros(String s) {
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        return s.substring(0, end);
    }
}

package dev.cutover.localcloud.internal.cloudwatch;

import dev.cutover.localcloud.internal.aws.AwsError;
import java.time.Instant;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The arithmetic subset of CloudWatch metric math (CloudWatch User Guide, "Metric math syntax and
 * functions": arithmetic operators {@code + - * /} on time series and scalars): numbers, the ids of
 * other queries, parentheses and unary minus. Series combine point by point on the timestamps all
 * operands have; a division by zero drops the point. Anything else (functions, Metrics Insights) is
 * refused as an invalid expression.
 */
final class Expression {

    private final String text;
    private final Set<String> ids;
    private final String self;
    private int pos;

    Expression(String text, Set<String> ids, String self) {
        this.text = text;
        this.ids = ids;
        this.self = self;
    }

    /** A term: a constant or a series. */
    private record Value(Double constant, NavigableMap<Instant, Double> series) {
    }

    NavigableMap<Instant, Double> evaluate(Function<String, NavigableMap<Instant, Double>> series) {
        pos = 0;
        Value v = sum(series);
        skipSpaces();
        if (pos != text.length()) {
            throw error("unexpected '" + text.charAt(pos) + "' at position " + pos);
        }
        if (v.series() == null) {
            throw error("an expression must use at least one metric");
        }
        return v.series();
    }

    private AwsError error(String why) {
        return AwsError.badRequest("InvalidParameterValue", "Error in expression '" + self + "': " + why
                + " (the local cloud answers + - * / on ids and numbers)");
    }

    private Value sum(Function<String, NavigableMap<Instant, Double>> s) {
        Value left = product(s);
        while (true) {
            skipSpaces();
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                char op = text.charAt(pos++);
                left = combine(left, product(s), op);
            } else {
                return left;
            }
        }
    }

    private Value product(Function<String, NavigableMap<Instant, Double>> s) {
        Value left = unary(s);
        while (true) {
            skipSpaces();
            if (pos < text.length() && (text.charAt(pos) == '*' || text.charAt(pos) == '/')) {
                char op = text.charAt(pos++);
                left = combine(left, unary(s), op);
            } else {
                return left;
            }
        }
    }

    private Value unary(Function<String, NavigableMap<Instant, Double>> s) {
        skipSpaces();
        if (pos < text.length() && text.charAt(pos) == '-') {
            pos++;
            return combine(new Value(-1.0, null), unary(s), '*');
        }
        return atom(s);
    }

    private Value atom(Function<String, NavigableMap<Instant, Double>> s) {
        skipSpaces();
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        char c = text.charAt(pos);
        if (c == '(') {
            pos++;
            Value v = sum(s);
            skipSpaces();
            if (pos >= text.length() || text.charAt(pos) != ')') {
                throw error("missing ')'");
            }
            pos++;
            return v;
        }
        int from = pos;
        if (Character.isDigit(c) || c == '.') {
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
            return new Value(Double.parseDouble(text.substring(from, pos)), null);
        }
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        String id = text.substring(from, pos);
        if (id.isEmpty() || !ids.contains(id) || id.equals(self)) {
            throw error(id.isEmpty() ? "unexpected '" + c + "'" : "'" + id + "' is not the id of another query");
        }
        NavigableMap<Instant, Double> series = s.apply(id);
        if (series == null) {
            throw error("'" + id + "' is an expression defined after this one");
        }
        return new Value(null, series);
    }

    private static Value combine(Value a, Value b, char op) {
        if (a.series() == null && b.series() == null) {
            Double v = apply(a.constant(), b.constant(), op);
            return new Value(v == null ? Double.NaN : v, null);
        }
        NavigableMap<Instant, Double> out = new TreeMap<>();
        NavigableMap<Instant, Double> keys = a.series() != null ? a.series() : b.series();
        for (var e : keys.entrySet()) {
            Double x = a.series() != null ? a.series().get(e.getKey()) : a.constant();
            Double y = b.series() != null ? b.series().get(e.getKey()) : b.constant();
            if (x != null && y != null) {
                Double v = apply(x, y, op);
                if (v != null) {
                    out.put(e.getKey(), v);
                }
            }
        }
        return new Value(null, out);
    }

    private static Double apply(double x, double y, char op) {
        return switch (op) {
            case '+' -> x + y;
            case '-' -> x - y;
            case '*' -> x * y;
            default -> y == 0 ? null : x / y;
        };
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}

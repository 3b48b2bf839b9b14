package dev.cutover.localcloud.internal.datadog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed metrics query of the local Datadog. The grammar is a small subset of Datadog's:
 *
 * <pre>
 * query    := [aggr ":"] metric "{" scope "}" [" by {" tagKey ("," tagKey)* "}"] [".rollup(" aggr ["," seconds] ")"]
 * aggr     := avg | sum | min | max            (default avg)
 * scope    := "*" | tag ("," tag)*
 * tag      := key ":" value                    (the value may contain ':', e.g. revision:orders:3)
 * </pre>
 *
 * <p>Example: {@code sum:cutover.sim.requests{service:orders,revision:orders:3}.rollup(sum, 60)}.
 *
 * @param aggregator space aggregation across series (and within a rollup interval for received series)
 * @param metric     the metric name
 * @param scope      required tags, key to value, in query order
 * @param groupBy    tag keys that split the answer into one series per value combination
 * @param rollup     the interval of the points, or {@code null} for the default
 */
public record MetricQuery(String aggregator, String metric, Map<String, String> scope, List<String> groupBy,
        Duration rollup) {

    private static final Set<String> AGGREGATORS = Set.of("avg", "sum", "min", "max");

    /** Thrown for a query the grammar does not accept. */
    public static final class InvalidQueryException extends IllegalArgumentException {
        InvalidQueryException(String message) {
            super(message);
        }
    }

    /** Parses one query. */
    public static MetricQuery parse(String text) {
        String q = text == null ? "" : text.trim();
        if (q.isEmpty()) {
            throw new InvalidQueryException("the query is empty");
        }
        Duration rollup = null;
        int r = q.indexOf(".rollup(");
        if (r >= 0) {
            if (!q.endsWith(")")) {
                throw new InvalidQueryException("rollup must end the query: .rollup(aggr, seconds)");
            }
            String[] args = q.substring(r + ".rollup(".length(), q.length() - 1).split(",");
            if (!AGGREGATORS.contains(args[0].trim())) {
                throw new InvalidQueryException("unknown rollup aggregator " + args[0].trim());
            }
            if (args.length > 1) {
                try {
                    long seconds = Long.parseLong(args[1].trim());
                    if (seconds < 1) {
                        throw new InvalidQueryException("rollup interval must be at least 1 second");
                    }
                    rollup = Duration.ofSeconds(seconds);
                } catch (NumberFormatException e) {
                    throw new InvalidQueryException("rollup interval must be a number of seconds: " + args[1].trim());
                }
            }
            q = q.substring(0, r);
        }
        List<String> groupBy = new ArrayList<>();
        int by = q.indexOf(" by ");
        if (by >= 0) {
            String g = q.substring(by + 4).trim();
            if (!g.startsWith("{") || !g.endsWith("}")) {
                throw new InvalidQueryException("group by must be written 'by {tag,...}'");
            }
            for (String k : g.substring(1, g.length() - 1).split(",")) {
                if (!k.isBlank()) {
                    groupBy.add(k.trim());
                }
            }
            q = q.substring(0, by).trim();
        }
        int open = q.indexOf('{');
        if (open < 0 || !q.endsWith("}")) {
            throw new InvalidQueryException("expected metric{scope}, e.g. avg:cutover.sim.latency.p99{service:orders}");
        }
        String head = q.substring(0, open);
        String aggregator = "avg";
        int colon = head.indexOf(':');
        if (colon >= 0) {
            aggregator = head.substring(0, colon).trim();
            head = head.substring(colon + 1);
            if (!AGGREGATORS.contains(aggregator)) {
                throw new InvalidQueryException("unknown aggregator " + aggregator + "; use avg, sum, min or max");
            }
        }
        String metric = head.trim();
        if (!metric.matches("[A-Za-z][A-Za-z0-9_.]*")) {
            throw new InvalidQueryException("invalid metric name '" + metric + "'");
        }
        Map<String, String> scope = new LinkedHashMap<>();
        String s = q.substring(open + 1, q.length() - 1).trim();
        if (!s.equals("*") && !s.isEmpty()) {
            for (String tag : s.split(",")) {
                String t = tag.trim();
                int c = t.indexOf(':');
                if (c <= 0 || c == t.length() - 1) {
                    throw new InvalidQueryException("scope tags are key:value, got '" + t + "'");
                }
                scope.put(t.substring(0, c), t.substring(c + 1));
            }
        }
        return new MetricQuery(aggregator, metric, java.util.Collections.unmodifiableMap(scope), List.copyOf(groupBy), rollup);
    }

    /** Whether a set of tags (key to value) satisfies the scope. */
    public boolean matches(Map<String, String> tags) {
        for (Map.Entry<String, String> e : scope.entrySet()) {
            if (!e.getValue().equals(tags.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Reduces values with this query's aggregator. */
    public double aggregate(List<Double> values) {
        return switch (aggregator) {
            case "sum" -> values.stream().mapToDouble(Double::doubleValue).sum();
            case "min" -> values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            case "max" -> values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            default -> values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        };
    }
}

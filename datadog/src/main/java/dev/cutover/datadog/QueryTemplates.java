package dev.cutover.datadog;

import dev.cutover.analysis.MetricContext;
import dev.cutover.analysis.MetricQuery;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Datadog query each kind of metric gate runs, with {@code {service}}, {@code {environment}}
 * and {@code {revision}} replaced by the analysed revision's values. A {@link MetricQuery.Kind#CUSTOM}
 * gate's expression is itself a template.
 *
 * <pre>{@code
 * QueryTemplates apm = QueryTemplates.builder()
 *     .template(MetricQuery.Kind.ERROR_RATE, "avg:trace.http.request.errors.rate{service:{service},env:{environment}}")
 *     .template(MetricQuery.Kind.LATENCY_P99, "max:trace.http.request.duration.by.service.99p{service:{service},env:{environment}}")
 *     .build();
 * }</pre>
 */
public final class QueryTemplates {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(service|environment|revision)\\}");
    /** Characters that would change a query's structure if a tag value carried them. */
    private static final Pattern UNSAFE = Pattern.compile("[{},()\\s]");

    private static final QueryTemplates LOCAL_CLOUD = builder()
            .template(MetricQuery.Kind.ERROR_RATE, "avg:cutover.sim.error_rate{revision:{revision}}")
            .template(MetricQuery.Kind.LATENCY_P99, "avg:cutover.sim.latency.p99{revision:{revision}}")
            .template(MetricQuery.Kind.LATENCY_P95, "avg:cutover.sim.latency.p95{revision:{revision}}")
            .template(MetricQuery.Kind.REQUEST_RATE, "sum:cutover.sim.request_rate{revision:{revision}}")
            .build();

    private final Map<MetricQuery.Kind, String> templates;

    private QueryTemplates(Map<MetricQuery.Kind, String> templates) {
        this.templates = Map.copyOf(templates);
    }

    /**
     * The default set: the local cloud's {@code cutover.sim.*} metrics, which are tagged with the
     * ECS revision ({@code family:revision}, the id Cutover analyses).
     */
    public static QueryTemplates localCloud() {
        return LOCAL_CLOUD;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.templates.putAll(templates);
        return b;
    }

    /** The templates, kind to query. */
    public Map<MetricQuery.Kind, String> templates() {
        return templates;
    }

    /**
     * The Datadog query for {@code query} and {@code context}.
     *
     * @throws IllegalArgumentException when no template serves the kind, or a value would change the query's structure
     */
    public String render(MetricQuery query, MetricContext context) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(context, "context");
        String template = query.kind() == MetricQuery.Kind.CUSTOM ? query.expression() : templates.get(query.kind());
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException("no Datadog query template for " + query
                    + "; add one with DatadogMetricSource.builder().template(MetricQuery.Kind." + query.kind() + ", \"...\")");
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = switch (name) {
                case "service" -> context.service();
                case "environment" -> context.environment();
                default -> context.revision();
            };
            if (value.isEmpty() || UNSAFE.matcher(value).find()) {
                throw new IllegalArgumentException("the " + name + " '" + value
                        + "' cannot be a Datadog tag value (empty, or it holds braces, commas, parentheses or spaces)");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueryTemplates t && templates.equals(t.templates);
    }

    @Override
    public int hashCode() {
        return templates.hashCode();
    }

    @Override
    public String toString() {
        return "QueryTemplates" + new java.util.TreeMap<>(templates);
    }

    /** Builds {@link QueryTemplates}. */
    public static final class Builder {
        private final Map<MetricQuery.Kind, String> templates = new EnumMap<>(MetricQuery.Kind.class);

        private Builder() {
        }

        /** Sets the query for one kind of gate ({@link MetricQuery.Kind#CUSTOM} gates carry their own). */
        public Builder template(MetricQuery.Kind kind, String query) {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(query, "query");
            if (kind == MetricQuery.Kind.CUSTOM) {
                throw new IllegalArgumentException("a CUSTOM gate carries its own query: MetricQuery.custom(\"...\")");
            }
            if (query.isBlank()) {
                throw new IllegalArgumentException("the template for " + kind + " must not be blank");
            }
            templates.put(kind, query);
            return this;
        }

        /** Replaces every template. */
        public Builder templates(Map<MetricQuery.Kind, String> templates) {
            Objects.requireNonNull(templates, "templates");
            this.templates.clear();
            templates.forEach(this::template);
            return this;
        }

        public QueryTemplates build() {
            return new QueryTemplates(templates);
        }
    }
}

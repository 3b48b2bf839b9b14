package dev.cutover.aws;

import dev.cutover.analysis.MetricGate;
import dev.cutover.analysis.MetricQuery;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where the AWS provider's CloudWatch metric source reads a revision's traffic
 * ({@code cloudwatch:GetMetricData}) and how gates on CloudWatch alarms are written.
 *
 * <p>Each well-known gate kind reads metrics named as the Application Load Balancer names its target
 * group metrics: the error rate is {@code Sum(HTTPCode_Target_5XX_Count) / Sum(RequestCount)} over the
 * analysis window, the request rate {@code Sum(RequestCount)} per second, the p99/p95 latency the
 * {@code p99}/{@code p95} of {@code TargetResponseTime} (seconds, reported in milliseconds). The default
 * namespace is {@code Cutover/Traffic} with the one dimension {@code Revision={revision}} (the ECS task
 * definition, {@code family:revision}): custom metrics a service publishes with its revision, which is
 * also what the local cloud's traffic simulator publishes. Dimension values are templates with
 * {@code {environment}}, {@code {service}} and {@code {revision}}.
 *
 * <p>A custom gate query is either a metric-math expression over the ids {@code errors},
 * {@code requests} and {@code latency} (Average {@code TargetResponseTime}), e.g.
 * {@code MetricQuery.custom("100 * errors / requests")}, averaged over the window, or
 * {@code alarm:<name>}: 1 while the alarm is in {@code ALARM}, 0 in {@code OK}, no data in
 * {@code INSUFFICIENT_DATA} ({@link #alarmNotFiring(String)}).
 *
 * <pre>{@code
 * AwsProvider aws = AwsProvider.builder()
 *     .cloudWatchMetrics(cw -> cw.namespace("Shop/Orders").dimension("Revision", "{revision}").period(Duration.ofMinutes(1)))
 *     .build();
 * Strategy canary = Strategies.canary().steps(10, 50, 100).bake(Duration.ofMinutes(5))
 *     .analysis(a -> a.gate(MetricGate.errorRateBelow(0.01)).gate(CloudWatchMetrics.alarmNotFiring("orders-5xx")))
 *     .build();
 * }</pre>
 */
public final class CloudWatchMetrics {

    private final String namespace;
    private final Map<String, String> dimensions;
    private final String requests;
    private final String errors;
    private final String latency;
    private final Duration period;

    private CloudWatchMetrics(Builder b) {
        this.namespace = b.namespace;
        this.dimensions = Map.copyOf(b.dimensions);
        this.requests = b.requests;
        this.errors = b.errors;
        this.latency = b.latency;
        this.period = b.period;
    }

    /** The defaults: namespace {@code Cutover/Traffic}, dimension {@code Revision={revision}}, ALB metric names, 60 s periods. */
    public static CloudWatchMetrics defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.namespace = namespace;
        b.dimensions.clear();
        b.dimensions.putAll(dimensions);
        b.requests = requests;
        b.errors = errors;
        b.latency = latency;
        b.period = period;
        return b;
    }

    /**
     * A gate that fails while the CloudWatch alarm {@code alarmName} is in {@code ALARM}; an alarm
     * with {@code INSUFFICIENT_DATA} is inconclusive (no data), never a pass.
     */
    public static MetricGate alarmNotFiring(String alarmName) {
        Objects.requireNonNull(alarmName, "alarmName");
        if (alarmName.isBlank() || alarmName.length() > 255) {
            throw new IllegalArgumentException("alarmName must be 1-255 characters, was '" + alarmName + "'");
        }
        return MetricGate.of("alarm " + alarmName, MetricQuery.custom("alarm:" + alarmName), MetricGate.Comparison.BELOW, 1);
    }

    public String namespace() {
        return namespace;
    }

    /** The dimension templates, by name. */
    public Map<String, String> dimensions() {
        return dimensions;
    }

    public String requestsMetric() {
        return requests;
    }

    public String errorsMetric() {
        return errors;
    }

    public String latencyMetric() {
        return latency;
    }

    public Duration period() {
        return period;
    }

    @Override
    public String toString() {
        return "CloudWatchMetrics[namespace=" + namespace + ", dimensions=" + dimensions + ", requests=" + requests + ", errors="
                + errors + ", latency=" + latency + ", period=" + period + "]";
    }

    /** Builds {@link CloudWatchMetrics}. */
    public static final class Builder {
        private String namespace = "Cutover/Traffic";
        private final Map<String, String> dimensions = new LinkedHashMap<>(Map.of("Revision", "{revision}"));
        private String requests = "RequestCount";
        private String errors = "HTTPCode_Target_5XX_Count";
        private String latency = "TargetResponseTime";
        private Duration period = Duration.ofMinutes(1);

        private Builder() {
        }

        /** The namespace of the metrics (e.g. {@code AWS/ApplicationELB}). */
        public Builder namespace(String namespace) {
            Objects.requireNonNull(namespace, "namespace");
            if (namespace.isBlank() || namespace.length() > 255 || namespace.startsWith(":")) {
                throw new IllegalArgumentException("namespace must be 1-255 characters not starting with ':', was '" + namespace + "'");
            }
            this.namespace = namespace;
            return this;
        }

        /** Replaces the dimension templates with this one. */
        public Builder dimensions(Map<String, String> templates) {
            Objects.requireNonNull(templates, "templates");
            if (templates.size() > 30) {
                throw new IllegalArgumentException("a metric has at most 30 dimensions, was " + templates.size());
            }
            this.dimensions.clear();
            templates.forEach(this::dimension);
            return this;
        }

        /** Adds a dimension whose value is a template ({@code {environment}}, {@code {service}}, {@code {revision}}). */
        public Builder dimension(String name, String valueTemplate) {
            Objects.requireNonNull(name, "dimension name");
            Objects.requireNonNull(valueTemplate, "dimension value");
            if (name.isBlank() || name.length() > 255 || valueTemplate.isBlank() || valueTemplate.length() > 1024) {
                throw new IllegalArgumentException("a dimension name is 1-255 characters and its value 1-1024, was '" + name
                        + "'='" + valueTemplate + "'");
            }
            this.dimensions.put(name, valueTemplate);
            return this;
        }

        /** The metric names of requests, 5xx errors and response time (seconds). */
        public Builder metrics(String requests, String errors, String latency) {
            this.requests = Objects.requireNonNull(requests, "requests");
            this.errors = Objects.requireNonNull(errors, "errors");
            this.latency = Objects.requireNonNull(latency, "latency");
            return this;
        }

        /** The period of the data points: 1, 5, 10, 30 seconds or a multiple of 60 (GetMetricData's rule). */
        public Builder period(Duration period) {
            Objects.requireNonNull(period, "period");
            long s = period.toSeconds();
            if (period.toNanosPart() != 0 || !(s == 1 || s == 5 || s == 10 || s == 30 || (s > 0 && s % 60 == 0))) {
                throw new IllegalArgumentException("period must be 1, 5, 10, 30 seconds or a multiple of 60, was " + period);
            }
            this.period = period;
            return this;
        }

        /** Applies a lambda to this builder. */
        public Builder apply(Consumer<Builder> change) {
            change.accept(this);
            return this;
        }

        public CloudWatchMetrics build() {
            return new CloudWatchMetrics(this);
        }
    }
}

package dev.cutover.aws.internal;

import dev.cutover.CutoverException;
import dev.cutover.analysis.Measurement;
import dev.cutover.analysis.MetricContext;
import dev.cutover.analysis.MetricQuery;
import dev.cutover.analysis.MetricSource;
import dev.cutover.aws.CloudWatchMetrics;
import dev.cutover.spi.Provider.PolicyStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

/**
 * The AWS provider's {@link MetricSource} on CloudWatch: {@code GetMetricData} for a revision's
 * requests, 5xx errors and response time ({@link CloudWatchMetrics}), {@code DescribeAlarms} for
 * alarm gates, in the analysed environment's Region, every call through the guarded executor
 * (families {@code cloudwatch.GetMetricData} and {@code cloudwatch.read}).
 *
 * <p>Same answers as the Datadog source: a call that fails (after the executor's retries) is
 * {@link Measurement#error}; a window without data points is {@link Measurement#noData}; neither is
 * ever a pass, and the gate refuses a value its kind cannot have. The window widens to whole periods
 * (CloudWatch rounds {@code StartTime} down to the minute and aligns the periods on it).
 */
public final class CloudWatchSource implements MetricSource {

    private final AwsRuntime rt;
    private final CloudWatchMetrics config;

    public CloudWatchSource(AwsRuntime rt, CloudWatchMetrics config) {
        this.rt = rt;
        this.config = config;
    }

    @Override
    public String name() {
        return "cloudwatch";
    }

    @Override
    public Measurement measure(MetricQuery query, MetricContext context) {
        try {
            String region = rt.layouts().of(context.environment()).region();
            if (query.kind() == MetricQuery.Kind.CUSTOM && query.expression().startsWith("alarm:")) {
                return alarm(region, query.expression().substring("alarm:".length()));
            }
            return metrics(region, query, context);
        } catch (CutoverException e) {
            return Measurement.error(e.getMessage());
        } catch (RuntimeException e) {
            return Measurement.error(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Measurement alarm(String region, String name) {
        List<MetricAlarm> found = rt.cloudWatch("DescribeAlarms", () -> rt.clients(region).cloudWatch()
                .describeAlarms(b -> b.alarmNames(name)).metricAlarms());
        if (found.isEmpty()) {
            return Measurement.error("no CloudWatch alarm named '" + name + "' in " + region);
        }
        MetricAlarm a = found.get(0);
        if (a.stateValue() == StateValue.INSUFFICIENT_DATA) {
            return Measurement.noData("alarm " + name + " has insufficient data: " + a.stateReason());
        }
        return new Measurement(Measurement.Status.VALUE, a.stateValue() == StateValue.ALARM ? 1 : 0,
                "alarm " + name + " is " + a.stateValueAsString() + ": " + a.stateReason());
    }

    private Measurement metrics(String region, MetricQuery query, MetricContext context) {
        long period = config.period().toSeconds();
        Instant from = Instant.ofEpochSecond(Math.floorDiv(context.from().getEpochSecond(), period) * period);
        Instant to = context.to().isAfter(from) ? context.to() : from.plusSeconds(1);
        List<MetricDataQuery> queries = new ArrayList<>();
        boolean custom = query.kind() == MetricQuery.Kind.CUSTOM;
        switch (query.kind()) {
            case ERROR_RATE -> {
                queries.add(stat("errors", config.errorsMetric(), "Sum", context, true));
                queries.add(stat("requests", config.requestsMetric(), "Sum", context, true));
            }
            case REQUEST_RATE -> queries.add(stat("requests", config.requestsMetric(), "Sum", context, true));
            case LATENCY_P99 -> queries.add(stat("latency", config.latencyMetric(), "p99", context, true));
            case LATENCY_P95 -> queries.add(stat("latency", config.latencyMetric(), "p95", context, true));
            case CUSTOM -> {
                queries.add(stat("errors", config.errorsMetric(), "Sum", context, false));
                queries.add(stat("requests", config.requestsMetric(), "Sum", context, false));
                queries.add(stat("latency", config.latencyMetric(), "Average", context, false));
                queries.add(MetricDataQuery.builder().id("custom").expression(query.expression()).returnData(true).build());
            }
            default -> throw new IllegalStateException("unknown kind " + query.kind());
        }
        Map<String, List<Double>> values = new LinkedHashMap<>();
        String token = null;
        do {
            String next = token;
            GetMetricDataResponse page = rt.cloudWatch("GetMetricData", () -> rt.clients(region).cloudWatch().getMetricData(b -> b
                    .metricDataQueries(queries).startTime(from).endTime(to).nextToken(next)));
            for (MetricDataResult r : page.metricDataResults()) {
                values.computeIfAbsent(r.id(), k -> new ArrayList<>()).addAll(r.values());
            }
            token = page.nextToken();
        } while (token != null);
        String what = query + " of " + context.revision() + " from " + from + " to " + to + " (" + config.namespace() + ")";
        List<Double> requests = values.getOrDefault("requests", List.of());
        switch (query.kind()) {
            case ERROR_RATE -> {
                double total = sum(requests);
                if (requests.isEmpty() || total == 0) {
                    return Measurement.noData("no requests in " + what);
                }
                return new Measurement(Measurement.Status.VALUE, sum(values.getOrDefault("errors", List.of())) / total, what);
            }
            case REQUEST_RATE -> {
                if (requests.isEmpty()) {
                    return Measurement.noData("no requests in " + what);
                }
                double seconds = Math.max(1, Duration.between(from, to).toSeconds());
                return new Measurement(Measurement.Status.VALUE, sum(requests) / seconds, what);
            }
            default -> {
                List<Double> points = values.getOrDefault(custom ? "custom" : "latency", List.of());
                if (points.isEmpty()) {
                    return Measurement.noData("no data points for " + what);
                }
                double avg = sum(points) / points.size();
                return new Measurement(Measurement.Status.VALUE, custom ? avg : avg * 1000, what);
            }
        }
    }

    private MetricDataQuery stat(String id, String metric, String stat, MetricContext c, boolean returnData) {
        List<Dimension> dims = new ArrayList<>();
        config.dimensions().forEach((name, template) -> dims.add(Dimension.builder().name(name).value(template
                .replace("{environment}", c.environment()).replace("{service}", c.service()).replace("{revision}", c.revision()))
                .build()));
        return MetricDataQuery.builder().id(id).returnData(returnData).metricStat(s -> s.stat(stat)
                .period((int) config.period().toSeconds()).metric(m -> m.namespace(config.namespace()).metricName(metric)
                        .dimensions(dims))).build();
    }

    private static double sum(List<Double> values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }

    /**
     * What the source calls: {@code cloudwatch:GetMetricData} (no resource-level permissions: {@code *})
     * and {@code cloudwatch:DescribeAlarms} on the alarms the gates name.
     */
    public List<PolicyStatement> permissions(dev.cutover.Release release, String partition, String region, String account) {
        List<PolicyStatement> out = new ArrayList<>();
        List<String> alarms = new ArrayList<>();
        boolean metrics = false;
        for (dev.cutover.analysis.MetricGate g : release.strategy().analysis().gates()) {
            if (g.query().kind() == MetricQuery.Kind.CUSTOM && g.query().expression().startsWith("alarm:")) {
                alarms.add("arn:" + partition + ":cloudwatch:" + region + ":" + account + ":alarm:"
                        + g.query().expression().substring("alarm:".length()));
            } else {
                metrics = true;
            }
        }
        if (metrics) {
            out.add(new PolicyStatement(List.of("cloudwatch:GetMetricData"), List.of("*")));
        }
        if (!alarms.isEmpty()) {
            out.add(new PolicyStatement(List.of("cloudwatch:DescribeAlarms"), List.copyOf(alarms)));
        }
        return out;
    }
}

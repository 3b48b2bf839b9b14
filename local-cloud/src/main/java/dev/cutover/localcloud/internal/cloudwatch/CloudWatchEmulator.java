package dev.cutover.localcloud.internal.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.localcloud.RevisionStats;
import dev.cutover.localcloud.internal.aws.AwsError;
import dev.cutover.localcloud.internal.aws.AwsJson;
import dev.cutover.localcloud.internal.aws.AwsServer;
import dev.cutover.localcloud.internal.aws.Page;
import dev.cutover.localcloud.internal.aws.QueryProtocolService;
import dev.cutover.localcloud.internal.aws.Scoped;
import dev.cutover.localcloud.internal.traffic.TrafficSimulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Amazon CloudWatch on the AWS query protocol ({@code Version=2010-08-01}; the AWS SDK for Java
 * 2.40.2's {@code cloudwatch} client sends the query protocol, botocore's model lists
 * {@code smithy-rpc-v2-cbor}, {@code json} and {@code query}): GetMetricData, PutMetricData,
 * PutMetricAlarm, DescribeAlarms, SetAlarmState and DeleteAlarms, one instance per account and Region.
 *
 * <p><b>Metrics.</b> Custom metrics come from PutMetricData. The traffic simulator's numbers are
 * published in namespace {@value #SIM_NAMESPACE} with the one dimension {@code Revision} (the ECS task
 * definition, {@code family:revision}) under the names the ALB gives its target group metrics
 * (CloudWatch User Guide for Application Load Balancers, "CloudWatch metrics for your Application
 * Load Balancer"): {@code RequestCount} and {@code HTTPCode_Target_5XX_Count} (Sum, SampleCount) and
 * {@code TargetResponseTime} in seconds (Average, Minimum, Maximum, pNN, SampleCount); like the ALB,
 * a period without requests has no data point.
 *
 * <p><b>GetMetricData</b> (Amazon CloudWatch API Reference, GetMetricData): up to 500 queries, each
 * exactly one of {@code MetricStat} or {@code Expression}, ids unique and starting with a lower-case
 * letter; {@code StartTime} inclusive and rounded down to the minute (start less than 15 days ago),
 * {@code EndTime} exclusive and after the start; a period of 1, 5, 10, 30 or a multiple of 60 seconds;
 * points newest first unless {@code ScanBy=TimestampAscending}; {@code MaxDatapoints} (default 100,800)
 * per page with {@code NextToken} and {@code PartialData} on a cut result. Expressions: the arithmetic
 * subset of metric math ({@code + - * /}, parentheses, numbers, other queries' ids), point by point on
 * the timestamps all operands share; a division by zero drops the point.
 *
 * <p><b>Alarms</b> (PutMetricAlarm, DescribeAlarms, SetAlarmState): an alarm starts
 * {@code INSUFFICIENT_DATA} and is evaluated on its metric every period when described: the statistic
 * over each of the last {@code EvaluationPeriods} periods compared with the threshold; all breaching:
 * {@code ALARM}, none missing and not all breaching: {@code OK}, missing data: {@code INSUFFICIENT_DATA}
 * (missing data treated as missing). {@code SetAlarmState} holds until the next evaluation, as AWS says.
 */
public final class CloudWatchEmulator implements QueryProtocolService {

    /** The namespace of the metrics the traffic simulator publishes. */
    public static final String SIM_NAMESPACE = "Cutover/Traffic";
    /** Most queries in one GetMetricData (API Reference, GetMetricData, MetricDataQueries). */
    static final int MAX_QUERIES = 500;
    /** The default and the most data points of one GetMetricData page (API Reference, GetMetricData, MaxDatapoints). */
    static final int MAX_DATAPOINTS = 100_800;
    /** Most metric data items of one PutMetricData (API Reference, PutMetricData: "up to 1000 different metrics"). */
    static final int MAX_PUT = 1000;

    private record Key(String namespace, String name, Map<String, String> dimensions) {
    }

    private record Datum(Instant at, List<Double> values, double sum, double count, double min, double max) {
    }

    private static final class Alarm {
        String name;
        String arn;
        String namespace;
        String metricName;
        Map<String, String> dimensions = new TreeMap<>();
        String statistic;
        int period;
        int evaluationPeriods;
        double threshold;
        String comparison;
        String state = "INSUFFICIENT_DATA";
        String reason = "Unchecked: Initial alarm creation";
        Instant updated;
        Instant nextEvaluation;
    }

    private final Clock clock;
    private final TrafficSimulator traffic;
    private volatile Scoped.Scope scope = Scoped.Scope.DEFAULT;
    private final Map<Key, List<Datum>> custom = new LinkedHashMap<>();
    private final Map<String, Alarm> alarms = new TreeMap<>();

    public CloudWatchEmulator(Clock clock, TrafficSimulator traffic) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.traffic = Objects.requireNonNull(traffic, "traffic");
    }

    public CloudWatchEmulator scope(Scoped.Scope scope) {
        this.scope = Objects.requireNonNull(scope, "scope");
        return this;
    }

    @Override
    public String apiVersion() {
        return "2010-08-01";
    }

    @Override
    public String signingName() {
        return "monitoring";
    }

    @Override
    public String serviceName() {
        return "cloudwatch";
    }

    @Override
    public String xmlNamespace() {
        return "http://monitoring.amazonaws.com/doc/2010-08-01/";
    }

    @Override
    public synchronized ObjectNode handle(String operation, ObjectNode request, AwsServer.RequestContext context) {
        return switch (operation) {
            case "GetMetricData" -> getMetricData(request);
            case "PutMetricData" -> putMetricData(request);
            case "PutMetricAlarm" -> putMetricAlarm(request);
            case "DescribeAlarms" -> describeAlarms(request);
            case "SetAlarmState" -> setAlarmState(request);
            case "DeleteAlarms" -> deleteAlarms(request);
            default -> throw AwsError.badRequest("InvalidAction", "The local cloud's CloudWatch does not implement " + operation);
        };
    }

    private static AwsError invalid(String message) {
        return AwsError.badRequest("InvalidParameterValue", message);
    }

    // ------------------------------------------------------------------ PutMetricData

    private ObjectNode putMetricData(ObjectNode req) {
        String namespace = req.get("Namespace").asText();
        if (namespace.startsWith("AWS/")) {
            // API Reference, PutMetricData, Namespace: "To avoid conflicts with AWS service namespaces, you should not specify a namespace that begins with AWS/"
            throw invalid("The value AWS/ for parameter Namespace is invalid.");
        }
        JsonNode data = req.path("MetricData");
        if (data.size() > MAX_PUT) {
            throw invalid("The collection MetricData must not have a size greater than " + MAX_PUT + ".");
        }
        List<String> problems = new ArrayList<>();
        List<Map.Entry<Key, Datum>> parsed = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            JsonNode d = data.get(i);
            String at = "MetricData.member." + (i + 1);
            List<Double> values = new ArrayList<>();
            if (d.has("Value")) {
                values.add(d.get("Value").asDouble());
            }
            JsonNode counts = d.path("Counts");
            for (int j = 0; j < d.path("Values").size(); j++) {
                double v = d.get("Values").get(j).asDouble();
                int n = counts.size() > j ? counts.get(j).asInt(1) : 1;
                for (int k = 0; k < n; k++) {
                    values.add(v);
                }
            }
            if (counts.size() > 0 && counts.size() != d.path("Values").size()) {
                problems.add("The parameters " + at + ".Values and " + at + ".Counts must be arrays of the same size.");
            }
            for (double v : values) {
                // API Reference, MetricDatum, Value: "special values (for example, NaN, +Infinity, -Infinity) are not supported"; range -2^360..2^360
                if (Double.isNaN(v) || Double.isInfinite(v) || Math.abs(v) > Math.pow(2, 360)) {
                    problems.add("The value " + v + " for parameter " + at + ".Value is invalid.");
                }
            }
            JsonNode stats = d.path("StatisticValues");
            boolean hasStats = stats.isObject();
            if ((d.has("Value") ? 1 : 0) + (d.has("Values") ? 1 : 0) + (hasStats ? 1 : 0) > 1) {
                problems.add("The parameters " + at + ".Value, " + at + ".Values and " + at
                        + ".StatisticValues are mutually exclusive and you have specified more than one.");
            }
            Instant t = d.has("Timestamp") ? time(d.get("Timestamp").asText(), at + ".Timestamp") : clock.instant();
            Datum datum;
            if (hasStats) {
                datum = new Datum(t, List.of(), stats.path("Sum").asDouble(), stats.path("SampleCount").asDouble(),
                        stats.path("Minimum").asDouble(), stats.path("Maximum").asDouble());
            } else if (!values.isEmpty()) {
                datum = new Datum(t, List.copyOf(values), values.stream().mapToDouble(Double::doubleValue).sum(), values.size(),
                        Collections.min(values), Collections.max(values));
            } else {
                problems.add("The parameter " + at + ".Value is required.");
                continue;
            }
            parsed.add(Map.entry(new Key(namespace, d.get("MetricName").asText(), dimensions(d.path("Dimensions"))), datum));
        }
        if (!problems.isEmpty()) {
            throw invalid(String.join(" ", problems));
        }
        parsed.forEach(e -> custom.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return AwsJson.object();
    }

    /** Publishes custom data points from Java (as PutMetricData would), e.g. for a test's own metrics. */
    public synchronized void put(String namespace, String metricName, Map<String, String> dimensions, Instant at, double value) {
        custom.computeIfAbsent(new Key(namespace, metricName, new TreeMap<>(dimensions)), k -> new ArrayList<>())
                .add(new Datum(at, List.of(value), value, 1, value, value));
    }

    private static Map<String, String> dimensions(JsonNode list) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode d : list) {
            out.put(d.path("Name").asText(), d.path("Value").asText());
        }
        return out;
    }

    private static Instant time(String text, String field) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return Instant.ofEpochMilli(Math.round(Double.parseDouble(text) * 1000));
            } catch (NumberFormatException n) {
                throw invalid("The value " + text + " for parameter " + field + " is invalid.");
            }
        }
    }

    // ------------------------------------------------------------------ GetMetricData

    private ObjectNode getMetricData(ObjectNode req) {
        JsonNode queries = req.get("MetricDataQueries");
        if (queries.size() > MAX_QUERIES) {
            throw invalid("The collection MetricDataQueries must not have a size greater than " + MAX_QUERIES + ".");
        }
        if (queries.isEmpty()) {
            throw AwsError.badRequest("MissingParameter", "The parameter MetricDataQueries is required.");
        }
        Instant now = clock.instant();
        Instant start = time(req.get("StartTime").asText(), "StartTime");
        Instant end = time(req.get("EndTime").asText(), "EndTime");
        if (!end.isAfter(start)) {
            throw invalid("The parameter StartTime must be less than the parameter EndTime.");
        }
        // StartTime less than 15 days ago rounds down to the minute; 15-63 days: 5 minutes; older: the hour
        Duration age = Duration.between(start, now);
        start = age.compareTo(Duration.ofDays(15)) < 0 ? start.truncatedTo(ChronoUnit.MINUTES)
                : age.compareTo(Duration.ofDays(63)) < 0 ? Instant.ofEpochSecond(start.getEpochSecond() / 300 * 300)
                : start.truncatedTo(ChronoUnit.HOURS);
        int max = req.has("MaxDatapoints") ? req.get("MaxDatapoints").asInt() : MAX_DATAPOINTS;
        if (max < 1) {
            throw invalid("The value " + max + " for parameter MaxDatapoints is invalid.");
        }
        boolean ascending = "TimestampAscending".equals(req.path("ScanBy").asText("TimestampDescending"));
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (JsonNode q : queries) {
            String id = q.get("Id").asText();
            // API Reference, MetricDataQuery, Id: "The first character must be a lowercase letter"; letters, numbers, underscore
            if (!id.matches("[a-z][A-Za-z0-9_]*")) {
                throw invalid("Invalid metric id '" + id + "': the first character must be a lower-case letter, the others letters,"
                        + " numbers or underscores.");
            }
            if (byId.put(id, q) != null) {
                throw invalid("The values for parameter id in MetricDataQueries are not unique.");
            }
            if (q.has("MetricStat") == q.has("Expression")) {
                throw invalid("The parameter MetricDataQueries.member." + byId.size()
                        + " must contain exactly one of MetricStat or Expression.");
            }
            int period = q.has("MetricStat") ? q.get("MetricStat").get("Period").asInt() : q.path("Period").asInt(60);
            if (!(period == 1 || period == 5 || period == 10 || period == 30 || period % 60 == 0)) {
                throw invalid("The parameter MetricDataQueries.member." + byId.size()
                        + ".MetricStat.Period must be 1, 5, 10, 30 or a multiple of 60.");
            }
        }
        Map<String, NavigableMap<Instant, Double>> series = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : byId.entrySet()) {
            if (e.getValue().has("MetricStat")) {
                series.put(e.getKey(), metricStat(e.getValue().get("MetricStat"), start, end));
            }
        }
        for (Map.Entry<String, JsonNode> e : byId.entrySet()) {
            if (e.getValue().has("Expression")) {
                series.put(e.getKey(), new Expression(e.getValue().get("Expression").asText(), byId.keySet(), e.getKey())
                        .evaluate(series::get));
            }
        }
        // the points every returned query answers, in page order; a token is the offset of the next point
        List<String> returned = byId.entrySet().stream().filter(e -> e.getValue().path("ReturnData").asBoolean(true))
                .map(Map.Entry::getKey).toList();
        List<Map.Entry<String, Map.Entry<Instant, Double>>> points = new ArrayList<>();
        for (String id : returned) {
            NavigableMap<Instant, Double> s = ascending ? series.get(id) : series.get(id).descendingMap();
            s.entrySet().forEach(p -> points.add(Map.entry(id, p)));
        }
        Page<Map.Entry<String, Map.Entry<Instant, Double>>> page = Page.of(points, text(req, "NextToken"), max,
                () -> AwsError.badRequest("InvalidNextToken", "The service cannot process the NextToken because it is not valid."));
        Map<String, List<Map.Entry<Instant, Double>>> out = new LinkedHashMap<>();
        returned.forEach(id -> out.put(id, new ArrayList<>()));
        page.items().forEach(p -> out.get(p.getKey()).add(p.getValue()));
        ObjectNode result = AwsJson.object();
        ArrayNode results = result.putArray("MetricDataResults");
        for (String id : returned) {
            ObjectNode r = results.addObject().put("Id", id).put("Label", byId.get(id).path("Label").asText(label(byId.get(id))));
            ArrayNode ts = r.putArray("Timestamps");
            ArrayNode vs = r.putArray("Values");
            out.get(id).forEach(p -> {
                ts.add(p.getKey().toString());
                vs.add(p.getValue());
            });
            boolean cut = page.nextToken() != null && out.get(id).size() < series.get(id).size();
            r.put("StatusCode", cut ? "PartialData" : "Complete");
        }
        AwsJson.putIfNotNull(result, "NextToken", page.nextToken());
        result.putArray("Messages");
        return result;
    }

    private static String label(JsonNode query) {
        return query.has("MetricStat") ? query.get("MetricStat").get("Metric").path("MetricName").asText() : query.get("Id").asText();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** One statistic of one metric per period in [start, end), periods aligned on {@code start}. */
    private NavigableMap<Instant, Double> metricStat(JsonNode stat, Instant start, Instant end) {
        JsonNode metric = stat.get("Metric");
        String namespace = metric.path("Namespace").asText();
        String name = metric.path("MetricName").asText();
        Map<String, String> dims = dimensions(metric.path("Dimensions"));
        int period = stat.get("Period").asInt();
        String statistic = stat.get("Stat").asText();
        Function<Bucket, Double> value = statistic(statistic);
        NavigableMap<Instant, Double> out = new TreeMap<>();
        Duration step = Duration.ofSeconds(period);
        if (namespace.equals(SIM_NAMESPACE)) {
            String revision = dims.get("Revision");
            if (revision == null || dims.size() != 1) {
                return out; // the simulator publishes exactly the dimension set [Revision]
            }
            for (RevisionStats r : traffic.all(start, end)) {
                if (!r.taskDefinition().equals(revision) || !r.region().equals(scope.region())) {
                    continue;
                }
                for (RevisionStats b : traffic.series(r.cluster(), r.service(), revision, start, end, step)) {
                    if (b.requests() == 0) {
                        continue; // like the ALB: no requests, no data point
                    }
                    Bucket bucket = simulated(name, b);
                    Double v = bucket == null ? null : value.apply(bucket);
                    if (v != null) {
                        out.merge(b.from(), v, Double::sum);
                    }
                }
            }
            return out;
        }
        List<Datum> data = custom.getOrDefault(new Key(namespace, name, dims), List.of());
        Map<Instant, Bucket> buckets = new TreeMap<>();
        for (Datum d : data) {
            if (d.at().isBefore(start) || !d.at().isBefore(end)) {
                continue;
            }
            long index = Duration.between(start, d.at()).getSeconds() / period;
            buckets.computeIfAbsent(start.plus(step.multipliedBy(index)), k -> new Bucket()).add(d);
        }
        buckets.forEach((t, b) -> {
            Double v = value.apply(b);
            if (v != null) {
                out.put(t, v);
            }
        });
        return out;
    }

    /** The simulator's numbers of one period as a bucket of the named metric; null for a name it does not publish. */
    private static Bucket simulated(String name, RevisionStats s) {
        Bucket b = new Bucket();
        switch (name) {
            case "RequestCount" -> b.add(new Datum(s.from(), List.of(), s.requests(), s.requests(), 1, 1));
            case "HTTPCode_Target_5XX_Count" -> b.add(new Datum(s.from(), List.of(), s.errors(), s.requests(),
                    s.errors() > 0 ? 1 : 0, s.errors() > 0 ? 1 : 0));
            case "TargetResponseTime" -> {
                b.percentiles.put(50.0, s.p50Millis() / 1000);
                b.percentiles.put(95.0, s.p95Millis() / 1000);
                b.percentiles.put(99.0, s.p99Millis() / 1000);
                b.add(new Datum(s.from(), List.of(), s.p50Millis() / 1000 * s.requests(), s.requests(), 0, s.p99Millis() / 1000));
            }
            default -> {
                return null;
            }
        }
        return b;
    }

    /** What one period aggregates: sums and counts, the raw values (custom metrics) or known percentiles (simulated). */
    private static final class Bucket {
        double sum;
        double count;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        final List<Double> values = new ArrayList<>();
        final Map<Double, Double> percentiles = new HashMap<>();

        void add(Datum d) {
            sum += d.sum();
            count += d.count();
            min = Math.min(min, d.min());
            max = Math.max(max, d.max());
            values.addAll(d.values());
        }
    }

    /** A statistic (Sum, SampleCount, Average, Minimum, Maximum, pNN) of a bucket; null when it has none. */
    private static Function<Bucket, Double> statistic(String stat) {
        return switch (stat) {
            case "Sum" -> b -> b.sum;
            case "SampleCount" -> b -> b.count;
            case "Average" -> b -> b.count == 0 ? null : b.sum / b.count;
            case "Minimum" -> b -> b.min;
            case "Maximum" -> b -> b.max;
            default -> {
                if (!stat.matches("p\\d{1,2}(\\.\\d{1,2})?")) {
                    throw invalid("The value " + stat + " for parameter MetricStat.Stat is invalid.");
                }
                double p = Double.parseDouble(stat.substring(1));
                yield b -> {
                    if (b.percentiles.containsKey(p)) {
                        return b.percentiles.get(p);
                    }
                    if (b.values.isEmpty()) {
                        return null;
                    }
                    List<Double> sorted = new ArrayList<>(b.values);
                    Collections.sort(sorted);
                    int rank = (int) Math.ceil(p / 100 * sorted.size());
                    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
                };
            }
        };
    }

    // ------------------------------------------------------------------ alarms

    private ObjectNode putMetricAlarm(ObjectNode req) {
        String name = req.get("AlarmName").asText();
        if (!req.has("MetricName") || !req.has("Namespace") || !req.has("Period") || !(req.has("Statistic")
                || req.has("ExtendedStatistic")) || !req.has("Threshold")) {
            // the local cloud models single-metric alarms only
            throw invalid("The local cloud's alarms need MetricName, Namespace, Period, Statistic (or ExtendedStatistic) and Threshold.");
        }
        Alarm a = alarms.computeIfAbsent(name, n -> new Alarm());
        a.name = name;
        a.arn = "arn:aws:cloudwatch:" + scope.region() + ":" + scope.account() + ":alarm:" + name;
        a.namespace = req.get("Namespace").asText();
        a.metricName = req.get("MetricName").asText();
        a.dimensions = dimensions(req.path("Dimensions"));
        a.statistic = req.has("Statistic") ? req.get("Statistic").asText() : req.get("ExtendedStatistic").asText();
        a.period = req.get("Period").asInt();
        a.evaluationPeriods = req.get("EvaluationPeriods").asInt();
        a.threshold = req.get("Threshold").asDouble();
        a.comparison = req.get("ComparisonOperator").asText();
        if (a.updated == null) {
            a.updated = clock.instant();
        }
        a.nextEvaluation = clock.instant();
        return AwsJson.object();
    }

    private ObjectNode describeAlarms(ObjectNode req) {
        Set<String> names = new HashSet<>();
        req.path("AlarmNames").forEach(n -> names.add(n.asText()));
        String prefix = req.path("AlarmNamePrefix").asText("");
        String state = text(req, "StateValue");
        if (!names.isEmpty() && !prefix.isEmpty()) {
            throw AwsError.badRequest("InvalidParameterCombination", "AlarmNames and AlarmNamePrefix cannot be used together.");
        }
        List<Alarm> found = new ArrayList<>();
        for (Alarm a : alarms.values()) {
            evaluate(a);
            if ((names.isEmpty() || names.contains(a.name)) && a.name.startsWith(prefix) && (state == null || state.equals(a.state))) {
                found.add(a);
            }
        }
        Page<Alarm> page = Page.of(found, text(req, "NextToken"), req.path("MaxRecords").asInt(50),
                () -> AwsError.badRequest("InvalidNextToken", "The service cannot process the NextToken because it is not valid."));
        ObjectNode out = AwsJson.object();
        ArrayNode list = out.putArray("MetricAlarms");
        for (Alarm a : page.items()) {
            ObjectNode n = list.addObject().put("AlarmName", a.name).put("AlarmArn", a.arn).put("StateValue", a.state)
                    .put("StateReason", a.reason).put("StateUpdatedTimestamp", a.updated.toString())
                    .put("MetricName", a.metricName).put("Namespace", a.namespace).put("Period", a.period)
                    .put("EvaluationPeriods", a.evaluationPeriods).put("Threshold", a.threshold)
                    .put("ComparisonOperator", a.comparison);
            n.put(a.statistic.startsWith("p") ? "ExtendedStatistic" : "Statistic", a.statistic);
            ArrayNode dims = n.putArray("Dimensions");
            a.dimensions.forEach((k, v) -> dims.addObject().put("Name", k).put("Value", v));
        }
        out.putArray("CompositeAlarms");
        AwsJson.putIfNotNull(out, "NextToken", page.nextToken());
        return out;
    }

    /** Re-evaluates an alarm whose period has passed since its last evaluation (or SetAlarmState). */
    private void evaluate(Alarm a) {
        Instant now = clock.instant();
        if (now.isBefore(a.nextEvaluation)) {
            return;
        }
        a.nextEvaluation = now.plusSeconds(a.period);
        Instant end = Instant.ofEpochSecond(now.getEpochSecond() / a.period * a.period);
        Instant start = end.minusSeconds((long) a.period * a.evaluationPeriods);
        ObjectNode stat = AwsJson.object().put("Period", a.period).put("Stat", a.statistic);
        ObjectNode metric = stat.putObject("Metric").put("Namespace", a.namespace).put("MetricName", a.metricName);
        ArrayNode dims = metric.putArray("Dimensions");
        a.dimensions.forEach((k, v) -> dims.addObject().put("Name", k).put("Value", v));
        NavigableMap<Instant, Double> points = metricStat(stat, start, end);
        String next;
        String reason;
        if (points.size() < a.evaluationPeriods) {
            next = "INSUFFICIENT_DATA";
            reason = "Insufficient Data: " + points.size() + " of " + a.evaluationPeriods + " datapoints were available.";
        } else {
            long breaching = points.values().stream().filter(v -> breaches(a, v)).count();
            next = breaching == points.size() ? "ALARM" : "OK";
            reason = "Threshold Crossed: " + breaching + " out of the last " + points.size() + " datapoints "
                    + points.values() + " were " + (next.equals("ALARM") ? "" : "not all ") + a.comparison + " the threshold ("
                    + a.threshold + ").";
        }
        if (!next.equals(a.state)) {
            a.state = next;
            a.reason = reason;
            a.updated = now;
        }
    }

    private static boolean breaches(Alarm a, double v) {
        return switch (a.comparison) {
            case "GreaterThanOrEqualToThreshold" -> v >= a.threshold;
            case "GreaterThanThreshold" -> v > a.threshold;
            case "LessThanThreshold" -> v < a.threshold;
            case "LessThanOrEqualToThreshold" -> v <= a.threshold;
            default -> false;
        };
    }

    private ObjectNode setAlarmState(ObjectNode req) {
        Alarm a = alarms.get(req.get("AlarmName").asText());
        if (a == null) {
            throw AwsError.notFound("ResourceNotFound", "Alarm " + req.get("AlarmName").asText() + " not found");
        }
        a.state = req.get("StateValue").asText();
        a.reason = req.get("StateReason").asText();
        a.updated = clock.instant();
        a.nextEvaluation = clock.instant().plusSeconds(a.period); // "the alarm returns to its actual state at the next evaluation"
        return AwsJson.object();
    }

    private ObjectNode deleteAlarms(ObjectNode req) {
        List<String> missing = new ArrayList<>();
        req.path("AlarmNames").forEach(n -> {
            if (!alarms.containsKey(n.asText())) {
                missing.add(n.asText());
            }
        });
        if (!missing.isEmpty()) {
            throw AwsError.notFound("ResourceNotFound", "Alarms " + missing + " not found");
        }
        req.path("AlarmNames").forEach(n -> alarms.remove(n.asText()));
        return AwsJson.object();
    }
}

package dev.cutover.localcloud.internal.datadog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.localcloud.Datadog;
import dev.cutover.localcloud.RevisionStats;
import dev.cutover.localcloud.Traffic;
import dev.cutover.localcloud.internal.aws.AwsJson;
import dev.cutover.localcloud.internal.aws.AwsServer;
import dev.cutover.localcloud.internal.aws.AwsServer.PlainResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * A Datadog look-alike on the local cloud's port: the metrics intake that
 * {@code micrometer-registry-datadog} posts to and the v1 metrics query API.
 *
 * <h2>Intake</h2>
 * {@code POST /api/v1/series} with {@code {"series":[{"metric":..,"points":[[epochSeconds,value]],
 * "type":..,"host":..,"tags":["k:v"]}]}}; the API key comes from the {@code api_key} query
 * parameter (what Micrometer 1.16 sends) or the {@code DD-API-KEY} header; a wrong key is answered
 * 403. Metric metadata ({@code PUT /api/v1/metrics/<name>}, also {@code /api/v1/metadata/<name>})
 * and {@code GET /api/v1/validate} are accepted. What arrived is readable with
 * {@link #receivedSeries()} and {@link #metadata()}.
 *
 * <h2>Query</h2>
 * {@code GET /api/v1/query?from=<epochSeconds>&to=<epochSeconds>&query=<q>} with the
 * {@code DD-API-KEY} and {@code DD-APPLICATION-KEY} headers answers
 * {@code {"status":"ok","series":[{"metric":..,"pointlist":[[epochMillis,value],..],"scope":..}]}}.
 * The grammar is {@link MetricQuery}'s. Metrics named {@code cutover.sim.*} are computed from the
 * simulated traffic ({@link Traffic}) per ECS service revision, tagged {@code region},
 * {@code cluster}, {@code service}, {@code revision} ({@code family:revision}), {@code image} and
 * {@code version} (the image tag):
 * <ul>
 *   <li>{@code cutover.sim.requests}, {@code cutover.sim.errors}: counts per interval;</li>
 *   <li>{@code cutover.sim.request_rate}: requests per second;</li>
 *   <li>{@code cutover.sim.error_rate}: errors / requests (0..1);</li>
 *   <li>{@code cutover.sim.latency.p50}, {@code .p95}, {@code .p99}: milliseconds.</li>
 * </ul>
 * Intervals without requests have no point for the ratio and latency metrics, and a query whose
 * scope matches no revision answers {@code "series":[]} (Datadog's "no data"). Any other metric is
 * answered from the received series, bucketed per interval with the query's aggregator.
 * A configurable rate limit ({@link #queryRateLimit(int, Duration)}, on simulated time) answers
 * 429 so clients can test their back-off.
 *
 * <pre>{@code
 * Datadog dd = cloud.datadog();
 * DatadogConfig config = key -> switch (key) {
 *     case "datadog.apiKey" -> Datadog.DEFAULT_API_KEY;
 *     case "datadog.uri" -> cloud.endpoint().toString();
 *     default -> null;
 * };
 * // ... publish, then:
 * dd.receivedSeries("cutover.deployments").forEach(s -> log.info("{} {}", s.tags(), s.points()));
 * }</pre>
 */
public final class DatadogEmulator implements Datadog {

    private static final int MAX_POINTS = 200_000;
    private static final String SIM_PREFIX = "cutover.sim.";

    private final Clock clock;
    private final Traffic traffic;
    private final List<Series> received = new ArrayList<>();
    private final Map<String, JsonNode> metadata = new LinkedHashMap<>();
    private int points;
    private volatile String apiKey = DEFAULT_API_KEY;
    private volatile String applicationKey = DEFAULT_APPLICATION_KEY;
    private int rateLimit;
    private Duration ratePeriod = Duration.ofHours(1);
    private long rateWindow = -1;
    private int rateUsed;

    /**
     * Creates the emulator.
     *
     * @param clock   the simulated clock (rate-limit windows)
     * @param traffic the simulated traffic the {@code cutover.sim.*} metrics come from
     */
    public DatadogEmulator(Clock clock, Traffic traffic) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.traffic = Objects.requireNonNull(traffic, "traffic");
    }

    /** Mounts the intake and query paths on the local cloud's server. */
    public void mountOn(AwsServer server) {
        server.mount("/api/v1/series", this::series);
        server.mount("/api/v1/metrics/", this::putMetadata);
        server.mount("/api/v1/metadata/", this::putMetadata);
        server.mount("/api/v1/validate", (m, u, h, b) -> checkApiKey(u, h)
                .orElseGet(() -> PlainResponse.json(200, "{\"valid\":true}")));
        server.mount("/api/v1/query", this::query);
    }

    /** Sets the keys clients must present (default {@link #DEFAULT_API_KEY}, {@link #DEFAULT_APPLICATION_KEY}). */
    @Override
    public DatadogEmulator keys(String apiKey, String applicationKey) {
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.applicationKey = Objects.requireNonNull(applicationKey, "applicationKey");
        return this;
    }

    /**
     * Limits the query API to {@code requests} per {@code period} of simulated time (fixed windows);
     * further queries get 429. {@code requests == 0} removes the limit (the default).
     */
    @Override
    public synchronized DatadogEmulator queryRateLimit(int requests, Duration period) {
        if (requests < 0) {
            throw new IllegalArgumentException("requests must be >= 0, was " + requests);
        }
        if (Objects.requireNonNull(period, "period").compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("period must be at least 1 ms, was " + period);
        }
        this.rateLimit = requests;
        this.ratePeriod = period;
        this.rateWindow = -1;
        return this;
    }

    /** Every series received so far, oldest first. */
    @Override
    public synchronized List<Series> receivedSeries() {
        return List.copyOf(received);
    }

    /** The received series of one metric, oldest first. */
    @Override
    public synchronized List<Series> receivedSeries(String metric) {
        return received.stream().filter(s -> s.metric().equals(metric)).toList();
    }

    /** The metric metadata received (metric name to the JSON body sent). */
    @Override
    public synchronized Map<String, JsonNode> metadata() {
        return Map.copyOf(metadata);
    }

    /** Forgets every received series and metadata. */
    @Override
    public synchronized void clear() {
        received.clear();
        metadata.clear();
        points = 0;
    }

    // ---------------------------------------------------------------- intake

    private PlainResponse series(String method, URI uri, Map<String, List<String>> headers, byte[] body) {
        Optional<PlainResponse> denied = checkApiKey(uri, headers);
        if (denied.isPresent()) {
            return denied.get();
        }
        if (!method.equals("POST")) {
            return error(405, "Method not allowed; POST series to /api/v1/series");
        }
        JsonNode json;
        try {
            json = AwsJson.MAPPER.readTree(decode(body, header(headers, "Content-Encoding")));
        } catch (IOException e) {
            return error(400, "Payload is not valid JSON");
        }
        if (json == null || !json.path("series").isArray()) {
            return error(400, "Payload must be an object with a 'series' array");
        }
        List<Series> parsed = new ArrayList<>();
        for (JsonNode s : json.get("series")) {
            String metric = s.path("metric").asText("");
            if (metric.isEmpty() || !s.path("points").isArray()) {
                return error(400, "Every series needs a 'metric' and a 'points' array");
            }
            List<Point> pts = new ArrayList<>();
            for (JsonNode p : s.get("points")) {
                if (!p.isArray() || p.size() != 2 || !p.get(0).isNumber() || !p.get(1).isNumber()) {
                    return error(400, "Points are [timestamp, value] pairs of numbers");
                }
                pts.add(new Point(p.get(0).asLong(), p.get(1).asDouble()));
            }
            List<String> tags = new ArrayList<>();
            s.path("tags").forEach(t -> tags.add(t.asText()));
            String host = s.hasNonNull("host") ? s.get("host").asText() : null;
            parsed.add(new Series(metric, s.path("type").asText("gauge"), host, List.copyOf(tags), List.copyOf(pts)));
        }
        synchronized (this) {
            for (Series s : parsed) {
                received.add(s);
                points += s.points().size();
            }
            while (points > MAX_POINTS && !received.isEmpty()) {
                points -= received.remove(0).points().size();
            }
        }
        return PlainResponse.json(202, "{\"status\":\"ok\"}");
    }

    private PlainResponse putMetadata(String method, URI uri, Map<String, List<String>> headers, byte[] body) {
        Optional<PlainResponse> denied = checkApiKey(uri, headers);
        if (denied.isPresent()) {
            return denied.get();
        }
        String path = uri.getRawPath();
        String name = URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
        if (name.isEmpty()) {
            return error(404, "Metric name missing");
        }
        if (method.equals("GET")) {
            JsonNode m;
            synchronized (this) {
                m = metadata.get(name);
            }
            return m == null ? error(404, "Metric " + name + " not found") : PlainResponse.json(200, m.toString());
        }
        try {
            JsonNode json = AwsJson.MAPPER.readTree(decode(body, header(headers, "Content-Encoding")));
            if (json == null || !json.isObject()) {
                return error(400, "Metadata must be a JSON object");
            }
            ((ObjectNode) json).put("metric", name);
            synchronized (this) {
                metadata.put(name, json);
            }
            return PlainResponse.json(200, json.toString());
        } catch (IOException e) {
            return error(400, "Payload is not valid JSON");
        }
    }

    private static byte[] decode(byte[] body, String encoding) throws IOException {
        if (encoding == null || body.length == 0) {
            return body;
        }
        InputStream in = switch (encoding.toLowerCase()) {
            case "gzip" -> new GZIPInputStream(new ByteArrayInputStream(body));
            case "deflate" -> new InflaterInputStream(new ByteArrayInputStream(body));
            default -> null;
        };
        if (in == null) {
            return body;
        }
        try (in) {
            return in.readAllBytes();
        }
    }

    // ---------------------------------------------------------------- query

    private PlainResponse query(String method, URI uri, Map<String, List<String>> headers, byte[] body) {
        Map<String, List<String>> params = AwsServer.query(uri);
        String api = Optional.ofNullable(header(headers, "DD-API-KEY")).orElse(first(params, "api_key"));
        String app = Optional.ofNullable(header(headers, "DD-APPLICATION-KEY")).orElse(first(params, "application_key"));
        if (!apiKey.equals(api) || !applicationKey.equals(app)) {
            return error(403, "Forbidden");
        }
        RateLimitState limit = admitQuery();
        if (!limit.admitted()) {
            return error(429, "Too many requests: the query rate limit of " + rateLimit + " per " + ratePeriod
                    + " (simulated time) is reached").withHeaders(limit.headers());
        }
        return answerQuery(method, params).withHeaders(limit.headers());
    }

    private PlainResponse answerQuery(String method, Map<String, List<String>> params) {
        if (!method.equals("GET")) {
            return error(405, "Method not allowed; use GET /api/v1/query");
        }
        long from;
        long to;
        try {
            from = Long.parseLong(require(params, "from"));
            to = Long.parseLong(require(params, "to"));
        } catch (NumberFormatException e) {
            return error(400, "from and to must be epoch seconds");
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
        if (to <= from) {
            return error(400, "The value provided for parameter 'from' must be before 'to'");
        }
        MetricQuery q;
        try {
            q = MetricQuery.parse(require(params, "query"));
        } catch (IllegalArgumentException e) {
            return error(400, "Error parsing query: " + e.getMessage());
        }
        Instant start = Instant.ofEpochSecond(from);
        Instant end = Instant.ofEpochSecond(to);
        Duration step = q.rollup() != null ? q.rollup()
                : Duration.ofSeconds(Math.max(1, (long) Math.ceil((to - from) / 150.0)));
        ObjectNode out = AwsJson.object();
        out.put("status", "ok");
        out.put("res_type", "time_series");
        out.put("query", first(params, "query"));
        out.put("from_date", from * 1000);
        out.put("to_date", to * 1000);
        ArrayNode series = out.putArray("series");
        Map<String, List<double[]>> answer = q.metric().startsWith(SIM_PREFIX)
                ? simulated(q, start, end, step)
                : fromReceived(q, start, end, step);
        answer.forEach((scope, pts) -> {
            ObjectNode s = series.addObject();
            s.put("metric", q.metric());
            s.put("display_name", q.metric());
            s.put("aggr", q.aggregator());
            s.put("scope", scope);
            s.put("expression", q.aggregator() + ":" + q.metric() + "{" + scope + "}");
            s.put("interval", step.toSeconds());
            s.put("length", pts.size());
            ArrayNode list = s.putArray("pointlist");
            pts.forEach(p -> list.addArray().add(p[0]).add(p[1]));
            if (!pts.isEmpty()) {
                s.put("start", (long) pts.get(0)[0]);
                s.put("end", (long) pts.get(pts.size() - 1)[0] + step.toMillis() - 1);
            }
        });
        out.put("message", "");
        try {
            return PlainResponse.json(200, AwsJson.MAPPER.writeValueAsString(out));
        } catch (JsonProcessingException e) {
            return error(500, "could not render the answer");
        }
    }

    /**
     * Where a query stands against the rate limit, and the headers Datadog sends with it:
     * {@code X-RateLimit-Limit}, {@code -Period} (seconds), {@code -Remaining}, {@code -Reset}
     * (seconds until the window resets) and {@code -Name}; a 429 also carries {@code Retry-After}
     * (the same seconds as {@code X-RateLimit-Reset}). No limit set: no headers.
     */
    private record RateLimitState(boolean admitted, int limit, long periodSeconds, int remaining, long resetSeconds) {
        static final RateLimitState UNLIMITED = new RateLimitState(true, 0, 0, 0, 0);

        Map<String, String> headers() {
            if (limit == 0) {
                return Map.of();
            }
            Map<String, String> h = new LinkedHashMap<>();
            h.put("X-RateLimit-Limit", String.valueOf(limit));
            h.put("X-RateLimit-Period", String.valueOf(periodSeconds));
            h.put("X-RateLimit-Remaining", String.valueOf(remaining));
            h.put("X-RateLimit-Reset", String.valueOf(resetSeconds));
            h.put("X-RateLimit-Name", "query");
            if (!admitted) {
                h.put("Retry-After", String.valueOf(resetSeconds));
            }
            return h;
        }
    }

    private synchronized RateLimitState admitQuery() {
        if (rateLimit == 0) {
            return RateLimitState.UNLIMITED;
        }
        long periodMillis = ratePeriod.toMillis();
        long nowMillis = clock.millis();
        long window = nowMillis / periodMillis;
        if (window != rateWindow) {
            rateWindow = window;
            rateUsed = 0;
        }
        long reset = Math.max(1, (long) Math.ceil(((window + 1) * periodMillis - nowMillis) / 1000.0));
        long period = Math.max(1, (long) Math.ceil(periodMillis / 1000.0));
        if (rateUsed >= rateLimit) {
            return new RateLimitState(false, rateLimit, period, 0, reset);
        }
        rateUsed++;
        return new RateLimitState(true, rateLimit, period, rateLimit - rateUsed, reset);
    }

    /** Scope label to points ([epochMillis, value]) for a cutover.sim.* metric. */
    private Map<String, List<double[]>> simulated(MetricQuery q, Instant from, Instant to, Duration step) {
        String name = q.metric().substring(SIM_PREFIX.length());
        ToDoubleFunction<RevisionStats> value = switch (name) {
            case "requests" -> s -> s.requests();
            case "errors" -> s -> s.errors();
            case "request_rate" -> RevisionStats::requestRate;
            case "error_rate" -> RevisionStats::errorRate;
            case "latency.p50" -> RevisionStats::p50Millis;
            case "latency.p95" -> RevisionStats::p95Millis;
            case "latency.p99" -> RevisionStats::p99Millis;
            default -> null;
        };
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        boolean needsData = name.equals("error_rate") || name.startsWith("latency.");
        Map<String, List<RevisionStats>> groups = new LinkedHashMap<>();
        for (RevisionStats r : traffic.all(from, to)) {
            Map<String, String> tags = tags(r);
            if (q.matches(tags)) {
                groups.computeIfAbsent(scopeLabel(q, tags), k -> new ArrayList<>()).add(r);
            }
        }
        groups.forEach((scope, revisions) -> {
            List<List<RevisionStats>> perRevision = revisions.stream()
                    .map(r -> traffic.series(r.cluster(), r.service(), r.taskDefinition(), from, to, step))
                    .toList();
            int buckets = perRevision.stream().mapToInt(List::size).max().orElse(0);
            List<double[]> pts = new ArrayList<>();
            for (int i = 0; i < buckets; i++) {
                List<RevisionStats> bucket = new ArrayList<>();
                for (List<RevisionStats> rs : perRevision) {
                    if (i < rs.size()) {
                        bucket.add(rs.get(i));
                    }
                }
                List<RevisionStats> withData = bucket.stream().filter(RevisionStats::hasData).toList();
                if (bucket.isEmpty() || (needsData && withData.isEmpty())) {
                    continue;
                }
                double v = combine(q, name, needsData ? withData : bucket, value);
                pts.add(new double[] {bucket.get(0).from().toEpochMilli(), v});
            }
            out.put(scope, pts);
        });
        return out;
    }

    /** Combines revisions of one interval: ratios of sums and request-weighted latency for avg. */
    private static double combine(MetricQuery q, String name, List<RevisionStats> bucket, ToDoubleFunction<RevisionStats> value) {
        if (bucket.size() == 1) {
            return value.applyAsDouble(bucket.get(0));
        }
        long requests = bucket.stream().mapToLong(RevisionStats::requests).sum();
        if (q.aggregator().equals("avg") || name.equals("error_rate")) {
            if (name.equals("error_rate") && !q.aggregator().equals("min") && !q.aggregator().equals("max")) {
                return requests == 0 ? 0 : (double) bucket.stream().mapToLong(RevisionStats::errors).sum() / requests;
            }
            if (name.startsWith("latency.") && requests > 0) {
                return bucket.stream().mapToDouble(s -> value.applyAsDouble(s) * s.requests()).sum() / requests;
            }
        }
        return q.aggregate(bucket.stream().map(value::applyAsDouble).toList());
    }

    private static Map<String, String> tags(RevisionStats r) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("region", r.region());
        tags.put("cluster", r.cluster());
        tags.put("service", r.service());
        tags.put("revision", r.taskDefinition());
        tags.put("image", String.valueOf(r.image()));
        tags.put("version", String.valueOf(r.version()));
        return tags;
    }

    private static String scopeLabel(MetricQuery q, Map<String, String> tags) {
        Map<String, String> label = new LinkedHashMap<>(q.scope());
        for (String k : q.groupBy()) {
            label.put(k, tags.getOrDefault(k, "N/A"));
        }
        if (label.isEmpty()) {
            return "*";
        }
        StringBuilder sb = new StringBuilder();
        label.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append(':').append(v));
        return sb.toString();
    }

    private synchronized Map<String, List<double[]>> fromReceived(MetricQuery q, Instant from, Instant to, Duration step) {
        long start = from.getEpochSecond();
        long stepSeconds = Math.max(1, step.toSeconds());
        Map<String, Map<Long, List<Double>>> groups = new LinkedHashMap<>();
        for (Series s : received) {
            if (!s.metric().equals(q.metric())) {
                continue;
            }
            Map<String, String> tags = s.tagMap();
            if (!q.matches(tags)) {
                continue;
            }
            Map<Long, List<Double>> buckets = groups.computeIfAbsent(scopeLabel(q, tags), k -> new java.util.TreeMap<>());
            for (Point p : s.points()) {
                if (p.epochSecond() >= start && p.epochSecond() < to.getEpochSecond()) {
                    long bucket = start + (p.epochSecond() - start) / stepSeconds * stepSeconds;
                    buckets.computeIfAbsent(bucket, k -> new ArrayList<>()).add(p.value());
                }
            }
        }
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        groups.forEach((scope, buckets) -> {
            List<double[]> pts = new ArrayList<>();
            buckets.forEach((t, values) -> pts.add(new double[] {t * 1000.0, q.aggregate(values)}));
            if (!pts.isEmpty()) {
                out.put(scope, pts);
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- helpers

    private Optional<PlainResponse> checkApiKey(URI uri, Map<String, List<String>> headers) {
        String key = Optional.ofNullable(header(headers, "DD-API-KEY")).orElse(first(AwsServer.query(uri), "api_key"));
        return apiKey.equals(key) ? Optional.empty() : Optional.of(error(403, "Forbidden"));
    }

    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static String require(Map<String, List<String>> params, String name) {
        String v = first(params, name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("Missing required parameter '" + name + "'");
        }
        return v;
    }

    private static PlainResponse error(int status, String message) {
        ObjectNode body = AwsJson.object();
        body.putArray("errors").add(message);
        return PlainResponse.json(status, body.toString());
    }
}

package dev.cutover.localcloud;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local cloud's Datadog: the metrics intake {@code micrometer-registry-datadog} posts to and
 * the v1 metrics query API, on the cloud's own endpoint.
 *
 * <p><b>Intake.</b> Point a {@code DatadogMeterRegistry} at {@code cloud.endpoint()} with
 * {@link #DEFAULT_API_KEY}; what it published is in {@link #receivedSeries()}.
 *
 * <p><b>Query.</b> {@code GET /api/v1/query?from=<s>&to=<s>&query=<q>} with headers
 * {@code DD-API-KEY} and {@code DD-APPLICATION-KEY}. Grammar:
 * <pre>
 * [avg|sum|min|max:]metric{tag:value,...|*}[ by {tagKey,...}][.rollup(aggr[, seconds])]
 * </pre>
 * Metrics {@code cutover.sim.requests}, {@code .errors}, {@code .request_rate},
 * {@code .error_rate} (0..1), {@code .latency.p50|p95|p99} (ms) come from the simulated traffic,
 * tagged {@code region}, {@code cluster}, {@code service}, {@code revision} ({@code family:revision}),
 * {@code image}, {@code version}; any other metric is answered from the received series.
 * Points are {@code [epochMillis, value]}; a scope that matches nothing answers {@code "series":[]}.
 *
 * <pre>{@code
 * DatadogConfig config = key -> switch (key) {
 *     case "datadog.apiKey" -> Datadog.DEFAULT_API_KEY;
 *     case "datadog.uri" -> cloud.endpoint().toString();
 *     default -> null;
 * };
 * // GET /api/v1/query?from=..&to=..&query=sum:cutover.sim.errors{service:orders} by {revision}.rollup(sum, 60)
 * cloud.datadog().queryRateLimit(100, Duration.ofMinutes(1)); // then 429s, to test back-off
 * }</pre>
 */
public interface Datadog {

    /** The API key accepted unless {@link #keys(String, String)} sets another. */
    String DEFAULT_API_KEY = "localcloud-api-key";

    /** The application key accepted unless {@link #keys(String, String)} sets another. */
    String DEFAULT_APPLICATION_KEY = "localcloud-application-key";

    /** One point of a received series: epoch seconds and value. */
    record Point(long epochSecond, double value) {
    }

    /** A series as it arrived at the intake (one entry per series per post). */
    record Series(String metric, String type, String host, List<String> tags, List<Point> points) {
        /** The tags as key to value ({@code host} included); a tag without ':' maps to "". */
        public Map<String, String> tagMap() {
            Map<String, String> m = new LinkedHashMap<>();
            if (host != null) {
                m.put("host", host);
            }
            for (String t : tags) {
                int c = t.indexOf(':');
                m.put(c < 0 ? t : t.substring(0, c), c < 0 ? "" : t.substring(c + 1));
            }
            return m;
        }
    }

    /** Sets the keys clients must present. */
    Datadog keys(String apiKey, String applicationKey);

    /**
     * Limits the query API to {@code requests} per {@code period} of simulated time (fixed
     * windows); further queries get 429. {@code 0} removes the limit (the default).
     */
    Datadog queryRateLimit(int requests, Duration period);

    /** Every series received so far, oldest first. */
    List<Series> receivedSeries();

    /** The received series of one metric, oldest first. */
    List<Series> receivedSeries(String metric);

    /** The metric metadata received (metric name to the JSON body sent). */
    Map<String, JsonNode> metadata();

    /** Forgets what was received. */
    void clear();
}

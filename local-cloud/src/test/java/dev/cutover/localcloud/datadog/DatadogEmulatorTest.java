package dev.cutover.localcloud.datadog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.localcloud.Datadog;
import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.SimClock;
import dev.cutover.localcloud.internal.aws.AwsServer;
import dev.cutover.localcloud.internal.datadog.DatadogEmulator;
import dev.cutover.localcloud.internal.traffic.TrafficSimulator;
import dev.cutover.localcloud.internal.traffic.TrafficSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.datadog.DatadogConfig;
import io.micrometer.datadog.DatadogMeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatadogEmulatorTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void receivesWhatMicrometersDatadogRegistryPublishes() throws Exception {
        try (LocalCloud cloud = LocalCloud.start()) {
            DatadogConfig config = key -> switch (key) {
                case "datadog.apiKey" -> Datadog.DEFAULT_API_KEY;
                case "datadog.applicationKey" -> Datadog.DEFAULT_APPLICATION_KEY;
                case "datadog.uri" -> cloud.endpoint().toString();
                case "datadog.hostTag" -> "host";
                default -> null;
            };
            MockClock clock = new MockClock();
            DatadogMeterRegistry registry = DatadogMeterRegistry.builder(config).clock(clock).build();
            Counter deployments = Counter.builder("cutover.deployments").tag("service", "orders").tag("outcome", "promoted")
                    .baseUnit("deployments").description("finished deployments").register(registry);
            deployments.increment(3);
            clock.add(Duration.ofMinutes(1));
            registry.close(); // publishes the last step

            List<Datadog.Series> received = cloud.datadog().receivedSeries("cutover.deployments");
            assertThat(received).isNotEmpty();
            Datadog.Series s = received.get(0);
            assertThat(s.type()).isEqualTo("count");
            assertThat(s.tagMap()).containsEntry("service", "orders").containsEntry("outcome", "promoted");
            assertThat(received.stream().flatMap(x -> x.points().stream()).mapToDouble(Datadog.Point::value).sum()).isEqualTo(3.0);
            assertThat(cloud.datadog().metadata()).containsKey("cutover.deployments");

            JsonNode answer = query(cloud.endpoint(), "sum:cutover.deployments{service:orders}", 0, 1_000_000);
            assertThat(answer.path("status").asText()).isEqualTo("ok");
            assertThat(answer.path("series")).hasSize(1);
            double total = 0;
            for (JsonNode p : answer.path("series").get(0).path("pointlist")) {
                total += p.get(1).asDouble();
            }
            assertThat(total).isEqualTo(3.0);
        }
    }

    @Test
    void intakeRejectsBadKeysAndBadPayloads() throws Exception {
        try (LocalCloud cloud = LocalCloud.start()) {
            String body = "{\"series\":[{\"metric\":\"m\",\"points\":[[1,2.0]]}]}";
            assertThat(post(cloud.endpoint() + "/api/v1/series?api_key=wrong", body).statusCode()).isEqualTo(403);
            HttpResponse<String> headerKey = http.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/api/v1/series"))
                    .header("DD-API-KEY", Datadog.DEFAULT_API_KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(headerKey.statusCode()).isEqualTo(202);
            assertThat(post(cloud.endpoint() + "/api/v1/series?api_key=" + Datadog.DEFAULT_API_KEY, "{oops").statusCode()).isEqualTo(400);
            assertThat(post(cloud.endpoint() + "/api/v1/series?api_key=" + Datadog.DEFAULT_API_KEY, "{\"series\":[{\"points\":[]}]}")
                    .statusCode()).isEqualTo(400);
            assertThat(cloud.datadog().receivedSeries()).hasSize(1);
        }
    }

    @Test
    void answersPerRevisionRatesErrorsAndLatencyFromTheSimulatedTraffic() throws Exception {
        SimClock clock = SimClock.virtual(Instant.parse("2026-01-01T00:00:00Z"));
        TrafficSource ecs = () -> List.of(new TrafficSource.ServiceView("us-east-1", "prod", "orders",
                "arn:aws:ecs:us-east-1:000000000000:service/prod/orders", Set.of(), List.of(
                        revision("orders:1", "v1", 3, ImageBehavior.healthy()),
                        revision("orders:2", "v2", 1, ImageBehavior.errorRate(0.2)))));
        TrafficSimulator traffic = new TrafficSimulator(clock, ecs, 11L);
        traffic.rate("orders", 100);
        clock.addListener(traffic::tick);
        DatadogEmulator dd = new DatadogEmulator(clock, traffic);
        try (AwsServer server = new AwsServer(0)) {
            dd.mountOn(server);
            server.start();
            Instant start = clock.instant();
            clock.advance(Duration.ofMinutes(5));
            long from = start.getEpochSecond();
            long to = clock.instant().getEpochSecond();

            JsonNode errors = query(server.endpoint(), "sum:cutover.sim.error_rate{service:orders} by {revision}.rollup(sum, 300)", from, to);
            assertThat(errors.path("series")).hasSize(2);
            for (JsonNode s : errors.path("series")) {
                double rate = s.path("pointlist").get(0).get(1).asDouble();
                if (s.path("scope").asText().contains("revision:orders:2")) {
                    assertThat(rate).isCloseTo(0.2, within(0.05));
                } else {
                    assertThat(rate).isEqualTo(0.0);
                }
            }
            JsonNode canary = query(server.endpoint(), "sum:cutover.sim.requests{service:orders,revision:orders:2}.rollup(sum, 60)", from, to);
            JsonNode series = canary.path("series").get(0);
            assertThat(series.path("scope").asText()).isEqualTo("service:orders,revision:orders:2");
            assertThat(series.path("pointlist")).hasSize(5);
            assertThat(series.path("pointlist").get(0).get(0).asLong()).isEqualTo(start.toEpochMilli());
            double canaryRequests = 0;
            for (JsonNode p : series.path("pointlist")) {
                canaryRequests += p.get(1).asDouble();
            }
            assertThat(canaryRequests / (300 * 100)).isCloseTo(0.25, within(0.03));
            JsonNode rate = query(server.endpoint(), "sum:cutover.sim.request_rate{service:orders}.rollup(avg, 300)", from, to);
            assertThat(rate.path("series").get(0).path("pointlist").get(0).get(1).asDouble()).isCloseTo(100, within(5.0));
            JsonNode p99 = query(server.endpoint(), "max:cutover.sim.latency.p99{service:orders,version:v1}", from, to);
            assertThat(p99.path("series").get(0).path("pointlist").size()).isGreaterThan(0);
            assertThat(query(server.endpoint(), "avg:cutover.sim.latency.p99{service:payments}", from, to).path("series")).isEmpty();

            assertThat(get(server.endpoint(), "sum:cutover.sim.requests{*}", from, to, "bad", Datadog.DEFAULT_APPLICATION_KEY).statusCode())
                    .isEqualTo(403);
            assertThat(get(server.endpoint(), "sum:cutover.sim.requests{service}", from, to).statusCode()).isEqualTo(400);
            assertThat(get(server.endpoint(), "median:cutover.sim.requests{*}", from, to).statusCode()).isEqualTo(400);
            assertThat(get(server.endpoint(), "sum:cutover.sim.requests{*}", to, from).statusCode()).isEqualTo(400);

            dd.queryRateLimit(2, Duration.ofMinutes(1));
            HttpResponse<String> first = get(server.endpoint(), "sum:cutover.sim.requests{*}", from, to);
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("X-RateLimit-Limit")).contains("2");
            assertThat(first.headers().firstValue("X-RateLimit-Period")).contains("60");
            assertThat(first.headers().firstValue("X-RateLimit-Remaining")).contains("1");
            assertThat(first.headers().firstValue("Retry-After")).isEmpty();
            assertThat(get(server.endpoint(), "sum:cutover.sim.requests{*}", from, to).headers()
                    .firstValue("X-RateLimit-Remaining")).contains("0");
            HttpResponse<String> limited = get(server.endpoint(), "sum:cutover.sim.requests{*}", from, to);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.body()).contains("errors");
            assertThat(limited.headers().firstValue("X-RateLimit-Remaining")).contains("0");
            long reset = Long.parseLong(limited.headers().firstValue("X-RateLimit-Reset").orElseThrow());
            assertThat(reset).isBetween(1L, 60L);
            assertThat(limited.headers().firstValue("Retry-After")).contains(String.valueOf(reset));
            clock.advance(Duration.ofMinutes(1));
            assertThat(get(server.endpoint(), "sum:cutover.sim.requests{*}", from, to).statusCode()).isEqualTo(200);
        }
    }

    private static TrafficSource.RevisionView revision(String taskDefinition, String tag, int tasks, ImageBehavior behavior) {
        return new TrafficSource.RevisionView(taskDefinition, "arn:aws:ecs:us-east-1:000000000000:task-definition/" + taskDefinition,
                "registry.local/orders:" + tag, tasks, Double.NaN, behavior);
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(URI endpoint, String q, long from, long to) throws Exception {
        return get(endpoint, q, from, to, Datadog.DEFAULT_API_KEY, Datadog.DEFAULT_APPLICATION_KEY);
    }

    private HttpResponse<String> get(URI endpoint, String q, long from, long to, String apiKey, String appKey) throws Exception {
        URI uri = URI.create(endpoint + "/api/v1/query?from=" + from + "&to=" + to + "&query="
                + URLEncoder.encode(q, StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(uri).header("DD-API-KEY", apiKey).header("DD-APPLICATION-KEY", appKey).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode query(URI endpoint, String q, long from, long to) throws Exception {
        HttpResponse<String> r = get(endpoint, q, from, to);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}

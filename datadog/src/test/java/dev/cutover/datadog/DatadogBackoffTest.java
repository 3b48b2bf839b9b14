package dev.cutover.datadog;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.cutover.Cutover;
import dev.cutover.analysis.Measurement;
import dev.cutover.analysis.MetricContext;
import dev.cutover.analysis.MetricQuery;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's wait hints ({@code Retry-After}, {@code X-RateLimit-Reset}) and 5xx back-off, against
 * a scripted stand-in for Datadog on 127.0.0.1 (the local cloud's 429 carries no hint). Virtual time.
 */
class DatadogBackoffTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String OK = "{\"status\":\"ok\",\"series\":[{\"metric\":\"m\",\"pointlist\":[[1,0.5],[2,null],[3,1.5]]}]}";

    private record Reply(int status, Map<String, String> headers, String body) {
    }

    private final VirtualScheduler time = Scheduler.virtual(T0);
    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<Instant> requestTimes = new CopyOnWriteArrayList<>();
    private final List<Map<String, List<String>>> requestHeaders = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    DatadogBackoffTest() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/query", exchange -> {
            requestTimes.add(time.clock().instant());
            requestHeaders.add(Map.copyOf(exchange.getRequestHeaders()));
            Reply r;
            synchronized (script) {
                r = script.isEmpty() ? new Reply(200, Map.of(), OK) : script.poll();
            }
            r.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(r.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private DatadogMetricSource.Builder source() {
        return DatadogMetricSource.builder().uri(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .apiKey("api-secret").applicationKey("app-secret").scheduler(time)
                .backoff(4, Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    private static MetricContext ctx() {
        return new MetricContext("stage", "orders", "stage-orders:2", T0, T0.plusSeconds(60));
    }

    @Test
    void retryAfterIsHonouredBeforeTheNextAttempt() {
        script.add(new Reply(429, Map.of("Retry-After", "30"), "{\"errors\":[\"Too many requests\"]}"));
        Measurement m = source().build().measure(MetricQuery.of(MetricQuery.Kind.ERROR_RATE), ctx());
        assertThat(m.value()).as("nulls are skipped, the rest averaged").isEqualTo(1.0);
        assertThat(requestTimes).hasSize(2);
        assertThat(Duration.between(requestTimes.get(0), requestTimes.get(1))).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void rateLimitResetIsHonouredAndCappedByMaxRetryWait() {
        script.add(new Reply(429, Map.of("X-RateLimit-Reset", "3600"), "{}"));
        Measurement m = source().maxRetryWait(Duration.ofSeconds(45)).build()
                .measure(MetricQuery.of(MetricQuery.Kind.ERROR_RATE), ctx());
        assertThat(m.status()).isEqualTo(Measurement.Status.VALUE);
        Duration waited = Duration.between(requestTimes.get(0), requestTimes.get(1));
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofSeconds(45)).isLessThan(Duration.ofSeconds(47));
    }

    @Test
    void serverErrorsAreRetriedWithGrowingWaitsThenGiveAnError() {
        for (int i = 0; i < 4; i++) {
            script.add(new Reply(503, Map.of(), "{\"errors\":[\"upstream\"]}"));
        }
        Measurement m = source().build().measure(MetricQuery.of(MetricQuery.Kind.ERROR_RATE), ctx());
        assertThat(m.status()).isEqualTo(Measurement.Status.ERROR);
        assertThat(m.detail()).contains("503", "retryable").doesNotContain("api-secret", "app-secret");
        assertThat(requestTimes).hasSize(4);
        Duration first = Duration.between(requestTimes.get(0), requestTimes.get(1));
        Duration third = Duration.between(requestTimes.get(2), requestTimes.get(3));
        assertThat(third).isGreaterThan(first);
    }

    @Test
    void anEmptySeriesIsNoDataAndAnErrorStatusIsAnError() {
        script.add(new Reply(200, Map.of(), "{\"status\":\"ok\",\"series\":[{\"metric\":\"m\",\"pointlist\":[]}]}"));
        script.add(new Reply(200, Map.of(), "{\"status\":\"error\",\"error\":\"Rollup interval too small\"}"));
        DatadogMetricSource dd = source().build();
        assertThat(dd.measure(MetricQuery.of(MetricQuery.Kind.ERROR_RATE), ctx()).status()).isEqualTo(Measurement.Status.NO_DATA);
        Measurement err = dd.measure(MetricQuery.of(MetricQuery.Kind.ERROR_RATE), ctx());
        assertThat(err.status()).isEqualTo(Measurement.Status.ERROR);
        assertThat(err.detail()).contains("Rollup interval too small");
    }

    @Test
    void keysTravelOnlyInHeaders() {
        source().build().measure(MetricQuery.of(MetricQuery.Kind.ERROR_RATE), ctx());
        Map<String, List<String>> h = requestHeaders.get(0);
        assertThat(h.get("Dd-api-key")).containsExactly("api-secret");
        assertThat(h.get("Dd-application-key")).containsExactly("app-secret");
    }

    @Test
    void throughTheGuardedExecutorA429IsCountedAsThrottledAndStillWaitsForRetryAfter() {
        script.add(new Reply(429, Map.of("Retry-After", "20"), "{}"));
        DatadogMetricSource dd = source().build();
        try (Cutover cutover = Cutover.builder().discoverProviders(false).scheduler(time).provider(dd).build()) {
            assertThat(dd.measure(MetricQuery.of(MetricQuery.Kind.ERROR_RATE), ctx()).status()).isEqualTo(Measurement.Status.VALUE);
            assertThat(Duration.between(requestTimes.get(0), requestTimes.get(1))).isGreaterThanOrEqualTo(Duration.ofSeconds(20));
            assertThat(cutover.meterRegistry().find("cutover.provider.calls")
                    .tags("provider", "datadog", "outcome", "throttled").timer()).isNotNull();
            assertThat(cutover.meterRegistry().find("cutover.provider.retries")
                    .tags("provider", "datadog", "reason", "throttled").counter()).isNotNull();
        }
    }
}

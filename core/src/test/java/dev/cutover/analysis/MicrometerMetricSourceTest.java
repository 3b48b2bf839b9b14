package dev.cutover.analysis;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The in-process Micrometer source: windows over cumulative meters, histograms, and a rollout gated on it. */
class MicrometerMetricSourceTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    final MeterRegistry registry = new SimpleMeterRegistry();
    final MicrometerMetricSource source = MicrometerMetricSource.builder(registry).build();

    void requests(String revision, String status, int n, long millis) {
        Timer t = Timer.builder("http.server.requests").tag("revision", revision).tag("status", status)
                .publishPercentiles(0.95, 0.99).register(registry);
        for (int i = 0; i < n; i++) {
            t.record(Duration.ofMillis(millis));
        }
    }

    static MetricContext window(String revision, int fromMinute, int toMinute) {
        return new MetricContext("stage", "orders", revision, T0.plus(Duration.ofMinutes(fromMinute)), T0.plus(Duration.ofMinutes(toMinute)));
    }

    Measurement measure(MetricQuery.Kind kind, MetricContext ctx) {
        return source.measure(MetricQuery.of(kind), ctx);
    }

    @Test
    void theErrorRateIsTheWindowsNotTheCumulativeOne() {
        requests("orders:2", "200", 100, 20);
        assertThat(measure(MetricQuery.Kind.ERROR_RATE, window("orders:2", 0, 1)).value()).isZero();
        requests("orders:2", "200", 50, 20);
        requests("orders:2", "503", 50, 20);
        assertThat(measure(MetricQuery.Kind.ERROR_RATE, window("orders:2", 1, 2)).value()).as("50 of the window's 100").isEqualTo(0.5);
        assertThat(measure(MetricQuery.Kind.REQUEST_RATE, window("orders:2", 1, 2)).value()).as("100 requests in 60 s")
                .isCloseTo(100 / 60.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aLongLivedSourceForgetsRevisionsItHasNotBeenAskedAboutForLongestAndStillAnswersTheRecentOnes() {
        for (int r = 0; r < 1_100; r++) {
            requests("orders:" + r, "200", 1, 5);
            measure(MetricQuery.Kind.ERROR_RATE, window("orders:" + r, 0, 1));
        }
        requests("orders:1099", "500", 1, 5);
        assertThat(measure(MetricQuery.Kind.ERROR_RATE, window("orders:1099", 1, 2)).value())
                .as("the window after the remembered snapshot").isEqualTo(1.0);
    }

    @Test
    void noRequestsOrNoTimerIsNoDataNeverAPass() {
        assertThat(measure(MetricQuery.Kind.ERROR_RATE, window("orders:9", 0, 1)).status()).isEqualTo(Measurement.Status.NO_DATA);
        requests("orders:2", "200", 10, 20);
        measure(MetricQuery.Kind.ERROR_RATE, window("orders:2", 0, 1));
        assertThat(measure(MetricQuery.Kind.ERROR_RATE, window("orders:2", 1, 2)).status())
                .as("no request since the last window").isEqualTo(Measurement.Status.NO_DATA);
    }

    @Test
    void percentilesComeFromTheTimersPublishedPercentilesOrTheirBucketsAndATimerWithNeitherIsAnError() {
        requests("orders:2", "200", 98, 20);
        requests("orders:2", "200", 2, 900);
        Measurement p99 = measure(MetricQuery.Kind.LATENCY_P99, window("orders:2", 0, 1));
        assertThat(p99.status()).as(p99.detail()).isEqualTo(Measurement.Status.VALUE);
        assertThat(p99.value()).as("the 99th of 100 requests took 900 ms").isBetween(850.0, 950.0);
        assertThat(measure(MetricQuery.Kind.LATENCY_P95, window("orders:2", 0, 1)).value()).isBetween(15.0, 25.0);

        Timer slo = Timer.builder("http.server.requests").tag("revision", "orders:4").tag("status", "200")
                .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(1)).register(registry);
        for (int i = 0; i < 100; i++) {
            slo.record(Duration.ofMillis(i < 97 ? 50 : 250));
        }
        assertThat(measure(MetricQuery.Kind.LATENCY_P99, window("orders:4", 0, 1)).value())
                .as("the upper bound of the bucket holding the 99th request").isEqualTo(300.0);

        Timer.builder("http.server.requests").tag("revision", "orders:3").tag("status", "200").register(registry)
                .record(Duration.ofMillis(5));
        Measurement none = measure(MetricQuery.Kind.LATENCY_P99, window("orders:3", 0, 1));
        assertThat(none.status()).isEqualTo(Measurement.Status.ERROR);
        assertThat(none.detail()).contains("publishPercentiles(0.95, 0.99)", "serviceLevelObjectives");
    }

    @Test
    void outcomeServerErrorCountsAndOtherRevisionsDoNot() {
        Timer.builder("http.server.requests").tag("revision", "orders:2").tag("outcome", "SERVER_ERROR").register(registry)
                .record(Duration.ofMillis(1));
        Timer.builder("http.server.requests").tag("revision", "orders:2").tag("outcome", "SUCCESS").register(registry)
                .record(Duration.ofMillis(1));
        requests("orders:1", "500", 10, 1);
        assertThat(measure(MetricQuery.Kind.ERROR_RATE, window("orders:2", 0, 1)).value()).isEqualTo(0.5);
    }

    @Test
    void aCustomQueryReadsAGaugeOrTheRateOfACounter() {
        registry.gauge("queue.depth", io.micrometer.core.instrument.Tags.of("revision", "orders:2"), 42.0, v -> v);
        Counter jobs = Counter.builder("jobs.failed").tag("revision", "orders:2").register(registry);
        jobs.increment(30);
        assertThat(source.measure(MetricQuery.custom("queue.depth"), window("orders:2", 0, 1)).value()).isEqualTo(42.0);
        assertThat(source.measure(MetricQuery.custom("jobs.failed"), window("orders:2", 0, 1)).value()).isEqualTo(0.5);
        assertThat(source.measure(MetricQuery.custom("nothing.here"), window("orders:2", 0, 1)).status())
                .isEqualTo(Measurement.Status.NO_DATA);
    }

    @Test
    void aCanaryGatedOnTheApplicationsOwnMetersRollsBackABadVersionAndPromotesAGoodOne() {
        VirtualScheduler time = Scheduler.virtual(T0);
        Cutover cutover = Cutover.builder().provider(new InMemoryProvider()).discoverProviders(false).scheduler(time)
                .metrics(source).build();
        Environment stage = Environment.named("stage").region("us-east-1").cluster("main").mesh("internal")
                .namespace("stage.local").build();
        Deployment first = cutover.apply(cutover.plan(release("1.0.0", stage)));
        serve(time, first, new java.util.HashSet<>(), 0.0);
        assertThat(first.await()).as(first.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);

        // the application under test: every 10 s, 100 requests split by the route's weights; 2.0.0 fails 30%
        Deployment bad = cutover.apply(cutover.plan(release("2.0.0", stage)));
        Set<String> badRevisions = new java.util.HashSet<>();
        serve(time, bad, badRevisions, 0.3);
        assertThat(bad.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(bad.statusReason()).containsIgnoringCase("error rate");

        Deployment good = cutover.apply(cutover.plan(release("2.0.1", stage)));
        serve(time, good, new java.util.HashSet<>(), 0.0);
        assertThat(good.await()).as(good.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
    }

    private static Release release(String version, Environment stage) {
        Service orders = Service.named("orders").image("repo/orders:" + version).port(8080).cpu(256).memoryMiB(512)
                .instances(2).healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10))).build();
        return Release.of(orders).to(stage).strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(5))
                .analysis(a -> a.errorRateBelow(0.01).initialDelay(Duration.ofMinutes(1)).interval(Duration.ofMinutes(1))))
                .build();
    }

    /** Sends traffic by the deployment's current weights until it ends; the newest revision fails {@code errorRate} of requests. */
    private void serve(VirtualScheduler time, Deployment d, Set<String> seen, double errorRate) {
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            if (d.status().isTerminal()) {
                return;
            }
            Map<String, Integer> weights = d.weights();
            String newest = weights.keySet().stream().max(java.util.Comparator.naturalOrder()).orElse("");
            weights.forEach((revision, weight) -> {
                int errors = revision.equals(newest) && weights.size() > 1 ? (int) Math.round(weight * errorRate) : 0;
                requests(revision, "200", weight - errors, 20);
                requests(revision, "500", errors, 20);
                seen.add(revision);
            });
            time.schedule(Duration.ofSeconds(10), tick[0]);
        };
        time.schedule(Duration.ZERO, tick[0]);
    }
}

package dev.cutover.datadog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cutover.Cutover;
import dev.cutover.ValidationException;
import dev.cutover.analysis.Measurement;
import dev.cutover.analysis.MetricContext;
import dev.cutover.analysis.MetricQuery;
import dev.cutover.localcloud.Datadog;
import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.SimClock;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.NetworkMode;

/**
 * The Datadog source against the local cloud's query API: values from the simulated traffic of a
 * real (emulated) ECS service, no data, bad keys, bad queries and 429 back-off. One virtual
 * timeline: the scheduler's waits move the cloud's clock; nothing sleeps.
 */
class DatadogMetricSourceTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final VirtualScheduler time = Scheduler.virtual(T0);
    private final SimClock cloudClock = SimClock.virtual(T0);
    private final LocalCloud cloud = LocalCloud.builder().clock(cloudClock).start();

    DatadogMetricSourceTest() {
        time.onAdvance((from, to) -> {
            if (to.isAfter(cloudClock.instant())) {
                cloudClock.advance(Duration.between(cloudClock.instant(), to));
            }
        });
    }

    @AfterEach
    void close() {
        cloud.close();
        cloudClock.close();
    }

    private DatadogMetricSource.Builder source() {
        return DatadogMetricSource.builder().uri(cloud.endpoint()).scheduler(time)
                .apiKey(Datadog.DEFAULT_API_KEY).applicationKey(Datadog.DEFAULT_APPLICATION_KEY);
    }

    /** Runs an ECS service of {@code image} for five simulated minutes; returns its window. */
    private MetricContext runService(String image, ImageBehavior behavior) {
        cloud.images().behave(image, behavior);
        try (EcsClient ecs = EcsClient.builder().endpointOverride(cloud.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build()) {
            ecs.createCluster(r -> r.clusterName("main"));
            String td = ecs.registerTaskDefinition(r -> r.family("stage-orders")
                    .requiresCompatibilities(Compatibility.FARGATE).networkMode(NetworkMode.AWSVPC).cpu("256").memory("512")
                    .containerDefinitions(ContainerDefinition.builder().name("app").image(image).essential(true).build()))
                    .taskDefinition().taskDefinitionArn();
            ecs.createService(r -> r.cluster("main").serviceName("stage-orders").taskDefinition(td).desiredCount(2)
                    .launchType("FARGATE")
                    .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1").securityGroups("sg-1"))));
        }
        time.advance(Duration.ofMinutes(2)); // tasks start
        Instant from = time.clock().instant();
        time.advance(Duration.ofMinutes(5));
        return new MetricContext("stage", "orders", "stage-orders:1", from, time.clock().instant());
    }

    @Test
    void measuresErrorRateLatencyAndRequestRateOfOneRevision() {
        MetricContext ctx = runService("repo/orders:1.4.3", ImageBehavior.builder().errorRate(0.2)
                .latency(Duration.ofMillis(40), Duration.ofMillis(450)).build());
        DatadogMetricSource dd = source().build();

        Measurement errors = dd.measure(MetricQuery.of(MetricQuery.Kind.ERROR_RATE), ctx);
        assertThat(errors.status()).isEqualTo(Measurement.Status.VALUE);
        assertThat(errors.value()).isCloseTo(0.2, within(0.06));
        assertThat(errors.detail()).isEqualTo("avg:cutover.sim.error_rate{revision:stage-orders:1}");
        Measurement p99 = dd.measure(MetricQuery.of(MetricQuery.Kind.LATENCY_P99), ctx);
        assertThat(p99.status()).isEqualTo(Measurement.Status.VALUE);
        assertThat(p99.value()).isBetween(200.0, 1000.0);
        assertThat(dd.measure(MetricQuery.of(MetricQuery.Kind.REQUEST_RATE), ctx).value()).isGreaterThan(1.0);
        assertThat(dd.measure(MetricQuery.custom("sum:cutover.sim.errors{service:stage-orders,revision:{revision}}"), ctx)
                .value()).isGreaterThan(0.0);
    }

    @Test
    void aRevisionWithoutTrafficIsNoDataNeverAPass() {
        MetricContext ctx = runService("repo/orders:1.4.2", ImageBehavior.healthy());
        MetricContext other = new MetricContext("stage", "orders", "stage-orders:9", ctx.from(), ctx.to());
        Measurement m = source().build().measure(MetricQuery.of(MetricQuery.Kind.ERROR_RATE), other);
        assertThat(m.status()).isEqualTo(Measurement.Status.NO_DATA);
        assertThat(m.detail()).contains("no series match", "stage-orders:9");
    }

    @Test
    void aRefusedKeyIsAnErrorThatNamesNoKey() {
        MetricContext ctx = window();
        String secret = "dd-app-key-that-must-not-leak";
        DatadogMetricSource dd = source().applicationKey(secret).build();
        Instant before = time.clock().instant();
        Measurement m = dd.measure(MetricQuery.of(MetricQuery.Kind.ERROR_RATE), ctx);
        assertThat(m.status()).isEqualTo(Measurement.Status.ERROR);
        assertThat(m.detail()).contains("403", "DD_API_KEY").doesNotContain(secret, Datadog.DEFAULT_API_KEY);
        assertThat(time.clock().instant()).as("403 is not retried").isEqualTo(before);
        assertThat(dd.toString()).doesNotContain(secret, Datadog.DEFAULT_API_KEY);
    }

    @Test
    void aQueryDatadogCannotParseIsAnError() {
        Measurement m = source().build().measure(MetricQuery.custom("this is not a query"), window());
        assertThat(m.status()).isEqualTo(Measurement.Status.ERROR);
        assertThat(m.detail()).contains("400", "cannot answer the query");
    }

    @Test
    void aValueThatWouldChangeTheQueryIsRefusedBeforeAnyCall() {
        MetricContext evil = new MetricContext("stage", "orders", "x},sum:other{*", T0, T0.plusSeconds(60));
        Measurement m = source().build().measure(MetricQuery.of(MetricQuery.Kind.ERROR_RATE), evil);
        assertThat(m.status()).isEqualTo(Measurement.Status.ERROR);
        assertThat(m.detail()).contains("cannot be a Datadog tag value");
    }

    @Test
    void throttledQueriesBackOffInVirtualTimeUntilTheWindowResets() {
        MetricContext ctx = runService("repo/orders:1.4.2", ImageBehavior.healthy());
        cloud.datadog().queryRateLimit(2, Duration.ofSeconds(10));
        DatadogMetricSource dd = source().backoff(6, Duration.ofSeconds(1), Duration.ofSeconds(30)).build();
        Instant before = time.clock().instant();
        for (int i = 0; i < 5; i++) {
            assertThat(dd.measure(MetricQuery.of(MetricQuery.Kind.ERROR_RATE), ctx).status())
                    .isEqualTo(Measurement.Status.VALUE);
        }
        // five queries at two per ten seconds: at least two windows waited out, all in virtual time
        assertThat(Duration.between(before, time.clock().instant())).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void throttlingThatOutlastsEveryRetryIsAnErrorNotAPass() {
        MetricContext ctx = runService("repo/orders:1.4.2", ImageBehavior.healthy());
        cloud.datadog().queryRateLimit(1, Duration.ofHours(1));
        DatadogMetricSource dd = source().backoff(3, Duration.ofSeconds(1), Duration.ofSeconds(4)).build();
        assertThat(dd.measure(MetricQuery.of(MetricQuery.Kind.ERROR_RATE), ctx).status()).isEqualTo(Measurement.Status.VALUE);
        Measurement m = dd.measure(MetricQuery.of(MetricQuery.Kind.ERROR_RATE), ctx);
        assertThat(m.status()).isEqualTo(Measurement.Status.ERROR);
        assertThat(m.detail()).contains("429");
    }

    @Test
    void registeredWithCutoverItsQueriesRunThroughTheGuardedExecutor() {
        MetricContext ctx = runService("repo/orders:1.4.2", ImageBehavior.healthy());
        DatadogMetricSource dd = source().build();
        try (Cutover cutover = Cutover.builder().discoverProviders(false).scheduler(time).provider(dd).build()) {
            assertThat(dd.measure(MetricQuery.of(MetricQuery.Kind.ERROR_RATE), ctx).status()).isEqualTo(Measurement.Status.VALUE);
            assertThat(cutover.meterRegistry().find("cutover.provider.calls")
                    .tags("provider", "datadog", "operation", "Query", "outcome", "success").timer())
                    .isNotNull().satisfies(t -> assertThat(t.count()).isEqualTo(1));
        }
    }

    @Test
    void buildListsEveryMissingSettingWithoutValues() {
        assertThatThrownBy(() -> DatadogMetricSource.builder().uri(cloud.endpoint()).build())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("datadog.apiKey").hasMessageContaining("datadog.applicationKey");
        assertThatThrownBy(() -> DatadogMetricSource.builder().apiKey("a").applicationKey("b").site("").build())
                .isInstanceOf(ValidationException.class).hasMessageContaining("datadog.uri");
    }

    @Test
    void readsKeysAndSiteFromTheEnvironmentOrAConfigMap() {
        Map<String, String> env = Map.of("DD_API_KEY", "k1", "DD_APP_KEY", "k2", "DD_SITE", "datadoghq.eu");
        DatadogMetricSource fromEnv = DatadogMetricSource.builder().fromEnvironment(env::get).build();
        assertThat(fromEnv.uri()).hasToString("https://api.datadoghq.eu");
        assertThat(fromEnv.toString()).doesNotContain("k1", "k2");
        DatadogMetricSource fromConfig = DatadogMetricSource.builder().config(k -> null)
                .config(Map.of("datadog.apiKey", "a", "datadog.applicationKey", "b", "datadog.uri", "http://127.0.0.1:1")::get)
                .build();
        assertThat(fromConfig.uri()).hasToString("http://127.0.0.1:1");
        assertThat(fromConfig.name()).isEqualTo("datadog");
        assertThat(fromConfig.metrics()).containsSame(fromConfig);
    }

    private MetricContext window() {
        return new MetricContext("stage", "orders", "stage-orders:1", T0, T0.plusSeconds(300));
    }
}

package dev.cutover;

import static dev.cutover.Strategies.allAtOnce;
import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.spi.RevisionRef;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Pins the text and JSON rendering of plans in golden files ({@code src/test/resources/golden/}).
 * Each scenario builds the world on the in-memory provider, plans, and compares both forms.
 * Regenerate after an intended change with {@code -Dgolden.update=true} and review the diff.
 */
class PlanRenderingGoldenTest {

    private final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryProvider cloud = new InMemoryProvider().addSecret("prod/orders/db").addSecret("prod/orders/api-key");
    private final Cutover cutover = Cutover.builder().provider(cloud).discoverProviders(false).scheduler(time).build();

    private static final Environment STAGE = Environment.named("stage")
            .region("us-east-1").cluster("main").mesh("internal").namespace("internal.local").build();

    private static Service.Builder orders(String version) {
        return Service.named("orders")
                .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:" + version)
                .port(8080).cpu(512).memoryMiB(1024)
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10)))
                .env("LOG_LEVEL", "info")
                .secret("DB_PASSWORD", "prod/orders/db")
                .scaling(s -> s.min(2).max(10).targetCpuPercent(60));
    }

    private static Release release(Service.Builder service) {
        return Release.of(service.build()).to(STAGE).strategy(allAtOnce()).build();
    }

    private void deploy(Release release) {
        assertThat(cutover.apply(cutover.plan(release)).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
    }

    private Plan planAfter(Service.Builder deployed, UnaryOperator<Service.Builder> next) {
        deploy(release(deployed));
        return cutover.plan(release(next.apply(deployed.build().toBuilder())));
    }

    private static void assertGolden(String name, Plan plan) {
        PlanGolden.assertMatches(name + ".txt", plan.toString());
        PlanGolden.assertMatches(name + ".json", plan.toJson());
        assertThat(plan.toString() + plan.toJson()).doesNotContain("prod/orders/db", "prod/orders/api-key");
    }

    @Test
    void firstDeploymentBootstrapsTheEnvironmentAndCreatesEverything() {
        Plan plan = cutover.plan(release(orders("1.4.2")));
        assertGolden("first-deployment", plan);
    }

    @Test
    void aNewImageReplacesTheRevisionAndMovesTraffic() {
        deploy(release(orders("1.4.2")));
        Plan plan = cutover.plan(Release.of(orders("1.4.3").env("LOG_LEVEL", "debug").build()).to(STAGE)
                .strategy(canary().steps(10, 50, 100)).build());
        assertThat(plan.isRollout()).isTrue();
        assertGolden("new-image", plan);
    }

    @Test
    void aChangedSecretReferenceShowsOnlyThatItChanged() {
        Plan plan = planAfter(orders("1.4.2"), s -> s.secret("DB_PASSWORD", "prod/orders/api-key")
                .secret("API_KEY", "prod/orders/api-key"));
        assertGolden("secret-changed", plan);
    }

    @Test
    void configAdded() {
        Plan plan = planAfter(orders("1.4.2"), s -> s.config("feature.checkout-v2", "on").config("pool.size", "20"));
        assertGolden("config-added", plan);
    }

    @Test
    void configRemoved() {
        Plan plan = planAfter(orders("1.4.2").config("feature.checkout-v2", "on").config("pool.size", "20"),
                s -> s.config(Map.of()));
        assertGolden("config-removed", plan);
    }

    @Test
    void configChanged() {
        Plan plan = planAfter(orders("1.4.2").config("feature.checkout-v2", "on").config("pool.size", "20"),
                s -> s.config(Map.of("pool.size", "40", "timeout", "2s")));
        assertGolden("config-changed", plan);
    }

    @Test
    void scalingRemovedIsADelete() {
        Plan plan = planAfter(orders("1.4.2"), Service.Builder::noScaling);
        assertGolden("scaling-removed", plan);
    }

    @Test
    void driftOfSplitWeightsIsRestored() {
        Release current = release(orders("1.4.2"));
        deploy(current);
        RevisionRef serving = cloud.running("stage", "orders").get(0);
        RevisionRef stray = cloud.compute().orElseThrow().startRevision(release(orders("1.4.3")), 1);
        cloud.editWeights("stage", "orders", Map.of(serving.id(), 70, stray.id(), 30));
        Plan plan = cutover.plan(current);
        assertThat(plan.isRollout()).isFalse();
        assertGolden("drift-weights", plan);
    }

    @Test
    void theAutoscalersCountIsNotedInsideTheRangeAndClampedOutsideIt() {
        Release current = release(orders("1.4.2"));
        deploy(current);
        cloud.compute().orElseThrow().scale(cloud.running("stage", "orders").get(0), 6); // the autoscaler scaled out
        Plan inside = cutover.plan(current);
        assertThat(inside.isEmpty()).isTrue();
        assertGolden("autoscaled-inside", inside);
        Plan outside = cutover.plan(release(orders("1.4.2").scaling(sc -> sc.min(2).max(4))));
        assertThat(outside.isEmpty()).isFalse();
        assertGolden("autoscaled-clamped", outside);
    }

    @Test
    void noChanges() {
        Release current = release(orders("1.4.2"));
        deploy(current);
        Plan plan = cutover.plan(current);
        assertThat(plan.isEmpty()).isTrue();
        assertGolden("no-changes", plan);
    }
}

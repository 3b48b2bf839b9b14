package dev.cutover;

import static dev.cutover.Strategies.allAtOnce;
import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.event.DeploymentEvent;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.spi.LockHeldException;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CutoverRolloutTest {

    private final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryProvider cloud = new InMemoryProvider().addSecret("prod/orders/db");
    private final List<DeploymentEvent> events = new ArrayList<>();
    private final Cutover cutover = Cutover.builder().provider(cloud).discoverProviders(false)
            .scheduler(time).listener(events::add).build();

    private static Service orders(String version) {
        return Service.named("orders")
                .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:" + version)
                .port(8080).cpu(512).memoryMiB(1024)
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10)))
                .env("LOG_LEVEL", "info")
                .secret("DB_PASSWORD", "prod/orders/db")
                .scaling(s -> s.min(2).max(10).targetCpuPercent(60))
                .build();
    }

    private static final Environment STAGE = Environment.named("stage")
            .region("us-east-1").cluster("main").mesh("internal").namespace("internal.local").build();

    @Test
    void theIssueSnippetPlansAppliesAndConverges() {
        Release release = Release.of(orders("1.4.2")).to(STAGE).strategy(allAtOnce()).build();
        Plan plan = cutover.plan(release);
        assertThat(plan.toString()).contains("+ cluster stage/main", "revision stage/orders", "(secret)")
                .doesNotContain("prod/orders/db");
        Deployment deployment = cutover.apply(plan);
        assertThat(deployment.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(cutover.plan(release).isEmpty()).isTrue();
    }

    @Test
    void aCanaryWithSixTenMinuteStepsRunsInVirtualTime() {
        cutover.apply(cutover.plan(Release.of(orders("1.4.2")).to(STAGE).build())).await();
        Strategy six = canary().steps(5, 10, 25, 50, 75, 100).bake(Duration.ofMinutes(10))
                .analysis(a -> a.errorRateBelow(0.01));
        Deployment d = cutover.apply(cutover.plan(Release.of(orders("1.4.3")).to(STAGE).strategy(six).build()));
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(events).filteredOn(e -> e instanceof DeploymentEvent.StepStarted).hasSize(1 + 6);
        assertThat(time.clock().instant()).isAfter(Instant.parse("2026-01-01T01:00:00Z"));
        assertThat(cloud.running("stage", "orders")).as("the old revision stays warm for the rollback window").hasSize(2);
        assertThat(d.awaitRetirement()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(cloud.running("stage", "orders")).hasSize(1);
    }

    @Test
    void aBadArtifactIsRolledBackByAnalysis() {
        cutover.apply(cutover.plan(Release.of(orders("1.4.2")).to(STAGE).build())).await();
        cloud.behave("orders:1.4.3", InMemoryProvider.Behavior.healthy().errorRate(0.2));
        Deployment d = cutover.apply(cutover.plan(Release.of(orders("1.4.3")).to(STAGE)
                .strategy(canary().analysis(a -> a.errorRateBelow(0.01))).build()));
        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(d.statusReason()).contains("error rate");
        assertThat(d.weights()).hasSize(1).containsValue(100);
        assertThat(cloud.running("stage", "orders")).singleElement()
                .satisfies(r -> assertThat(r.version()).isEqualTo("1.4.2"));
    }

    @Test
    void aSecondDeployerGetsTheHolderInTheError() {
        cutover.apply(cutover.plan(Release.of(orders("1.4.2")).to(STAGE).build())).await();
        Release next = Release.of(orders("1.4.3")).to(STAGE).strategy(canary()).build();
        Plan p1 = cutover.plan(next);
        Plan p2 = cutover.plan(next);
        Deployment first = cutover.apply(p1);
        assertThatThrownBy(() -> cutover.apply(p2)).isInstanceOf(LockHeldException.class)
                .hasMessageContaining(first.id());
        assertThat(first.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
    }

    @Test
    void drift_shows_in_the_next_plan_and_a_stale_plan_is_refused() {
        cutover.apply(cutover.plan(Release.of(orders("1.4.2")).to(STAGE).build())).await();
        Release same = Release.of(orders("1.4.2")).to(STAGE).build();
        Plan before = cutover.plan(same);
        assertThat(before.isEmpty()).isTrue();
        String rev = cloud.running("stage", "orders").get(0).id();
        cloud.editWeights("stage", "orders", Map.of(rev, 90, "ghost:1", 10));
        assertThatThrownBy(() -> cutover.apply(before)).isInstanceOf(StalePlanException.class);
        assertThat(cutover.plan(same).toString()).contains("~ route stage/orders", "ghost:1=10");
    }

    /** A metric source that is also a provider, like Datadog's. */
    static final class GuardedSource implements dev.cutover.analysis.MetricSource, dev.cutover.spi.Provider {
        dev.cutover.spi.ProviderContext context;

        @Override
        public dev.cutover.analysis.Measurement measure(dev.cutover.analysis.MetricQuery q, dev.cutover.analysis.MetricContext c) {
            return context.call("test.query", "Query", () -> dev.cutover.analysis.Measurement.of(0.0));
        }

        @Override
        public String name() {
            return "guarded-source";
        }

        @Override
        public void start(dev.cutover.spi.ProviderContext context) {
            this.context = context;
        }
    }

    @Test
    void aMetricSourceThatIsAProviderRunsItsQueriesThroughTheGuardedExecutor() {
        GuardedSource source = new GuardedSource();
        Cutover guarded = Cutover.builder().provider(cloud).scheduler(time).metrics(source).build();
        guarded.apply(guarded.plan(Release.of(orders("1.4.2")).to(STAGE).build())).await();
        Deployment d = guarded.apply(guarded.plan(Release.of(orders("1.4.3")).to(STAGE)
                .strategy(canary().analysis(a -> a.errorRateBelow(0.01))).build()));
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(guarded.meterRegistry().find("cutover.provider.calls").tag("provider", "guarded-source")
                .tag("operation", "Query").timer()).isNotNull()
                .satisfies(t -> assertThat(t.count()).isPositive());
    }
}

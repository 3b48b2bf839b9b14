package dev.cutover.consul;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.TrafficMode;
import dev.cutover.localcloud.consul.ConsulEmulator;
import dev.cutover.localcloud.consul.HealthOracle.Verdict;
import dev.cutover.spi.Capability;
import dev.cutover.spi.RevisionRef;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A canary on a Consul-mesh environment: compute from the core's in-memory provider, discovery,
 * health, traffic (service-splitter), config, lock and journal from Consul. The new revision is
 * healthy as far as compute knows, but its Consul checks fail: Consul's health drives the rollback.
 * Both worlds share one virtual timeline.
 */
class ConsulCanaryEndToEndTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final VirtualScheduler time = Scheduler.virtual(START);
    private final ConsulEmulator consul = ConsulEmulator.start();
    private final ConsulProvider consulProvider = ConsulProvider.builder().url(consul.endpoint())
            .sessionRenewal(Duration.ZERO).build();
    private final InMemoryProvider compute = new InMemoryProvider();
    private final Cutover cutover;

    ConsulCanaryEndToEndTest() {
        time.onAdvance((from, to) -> consul.clock().advance(Duration.between(from, to)));
        cutover = Cutover.builder().discoverProviders(false).scheduler(time)
                .provider(compute).provider(consulProvider)
                .use(Capability.DISCOVERY, "consul").use(Capability.TRAFFIC, "consul")
                .use(Capability.CONFIG, "consul").use(Capability.LOCK, "consul")
                .journal(consulProvider.journalStore())
                .build();
    }

    @AfterEach
    void close() {
        cutover.close();
        consul.close();
    }

    private static final Environment PROD = Environment.named("prod").region("us-east-1").cluster("main")
            .namespace("prod.internal").trafficMode(TrafficMode.CONSUL).build();

    private static Service orders(String version) {
        return Service.named("orders").image("registry.example.com/orders:" + version).port(8080).instances(2)
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10)))
                .config("checkout/enabled", "true")
                .build();
    }

    @Test
    void consulHealthOfTheNewRevisionRollsTheCanaryBack() {
        consul.healthOracle(probe -> "2.0.0".equals(probe.serviceMeta().get("cutover_version")) ? Verdict.CRITICAL : Verdict.PASSING);

        Deployment first = cutover.apply(cutover.plan(Release.of(orders("1.0.0")).to(PROD).build()));
        assertThat(first.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        RevisionRef v1 = compute.running("prod", "orders").get(0);
        assertThat(consulProvider.traffic().orElseThrow().weights("prod", "orders")).containsExactly(Map.entry(v1.id(), 100));
        assertThat(consulProvider.configOf("prod", "orders")).containsEntry("checkout/enabled", "true");

        Deployment canary = cutover.apply(cutover.plan(Release.of(orders("2.0.0")).to(PROD)
                .strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(5))).build()));
        assertThat(canary.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(canary.statusReason()).contains("discovery health");

        // back to 100% on the old revision in Consul's splitter; the new one is gone from Consul and compute
        assertThat(consulProvider.traffic().orElseThrow().weights("prod", "orders")).containsExactly(Map.entry(v1.id(), 100));
        assertThat(compute.running("prod", "orders")).singleElement().satisfies(r -> assertThat(r.version()).isEqualTo("1.0.0"));
        assertThat(consulProvider.discovery().orElseThrow().health(v1)).hasValueSatisfying(h -> assertThat(h.passing()).isEqualTo(2));
        // the lock was released and the journal is in Consul KV
        assertThat(consul.lockHolder("cutover/prod/orders/lock")).isEmpty();
        assertThat(consulProvider.journalStore().deployments()).hasSize(2);
        assertThat(cutover.history("orders", "prod")).hasSize(2);
    }
}

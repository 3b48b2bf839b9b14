package dev.cutover.consul;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Change;
import dev.cutover.Release;
import dev.cutover.localcloud.consul.HealthOracle.Verdict;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.Discovery;
import dev.cutover.spi.Discovery.InstanceHealth;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.RevisionRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsulDiscoveryTest extends ConsulTestSupport {

    private static final RevisionRef V1 = new RevisionRef("prod", "orders", "orders:1", "1.0.0");
    private static final RevisionRef V2 = new RevisionRef("prod", "orders", "orders:2", "2.0.0");

    private Discovery discovery() {
        return provider.discovery().orElseThrow();
    }

    @Test
    void registersEachInstanceWithTagsAndAnHttpCheckAndDeregistersOnRetire() {
        discovery().revisionStarted(V1, release("1.0.0", 3), "dep-1");

        assertThat(consul.checkStatus("service:prod-orders-orders-1-0")).isPresent();
        assertThat(consul.checkStatus("service:prod-orders-orders-1-2")).isPresent();
        consul.runHealthChecks();
        assertThat(discovery().health(V1)).contains(new InstanceHealth(3, 0));

        discovery().revisionRetired(V1);
        assertThat(consul.checkStatus("service:prod-orders-orders-1-0")).isEmpty();
        assertThat(discovery().health(V1)).isEmpty();
    }

    @Test
    void healthSeparatesRevisionsAndFollowsTheChecks() {
        consul.healthOracle(probe -> "orders:2".equals(probe.serviceMeta().get("cutover_revision")) ? Verdict.CRITICAL : Verdict.PASSING);
        discovery().revisionStarted(V1, release("1.0.0", 2), "dep-1");
        discovery().revisionStarted(V2, release("2.0.0", 2), "dep-2");
        consul.runHealthChecks();

        assertThat(discovery().health(V1)).contains(new InstanceHealth(2, 0));
        assertThat(discovery().health(V2)).contains(new InstanceHealth(0, 2));

        consul.healthOracle(probe -> Verdict.PASSING);
        consul.runHealthChecks();
        assertThat(discovery().health(V2)).contains(new InstanceHealth(2, 0));
    }

    @Test
    void tagsCarryVersionEnvironmentAndDeployment() {
        List<List<String>> tags = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> targets = new java.util.concurrent.CopyOnWriteArrayList<>();
        consul.healthOracle(probe -> {
            tags.add(probe.serviceTags());
            targets.add(probe.target());
            return Verdict.PASSING;
        });
        discovery().revisionStarted(V2, release("2.0.0", 1), "dep-7");
        consul.runHealthChecks();
        assertThat(tags).containsExactly(List.of("version=2.0.0", "environment=prod", "deployment=dep-7", "revision=orders:2"));
        assertThat(targets).containsExactly("http://prod-orders-orders-2-0.prod.internal:8080/health");
    }

    @Test
    void namespaceAndDiscoveryRecordsObserveInTheCanonicalVocabulary() {
        Release release = release("1.0.0", 1);
        List<Resource> desired = DesiredState.of(release).stream()
                .filter(r -> r.id().type() == ResourceType.NAMESPACE || r.id().type() == ResourceType.DISCOVERY).toList();
        List<ResourceId> ids = desired.stream().map(Resource::id).toList();
        assertThat(discovery().observe(ids)).isEmpty();

        desired.forEach(r -> discovery().apply(new Change(r.id(), Change.Action.CREATE, null, r, "test")));
        assertThat(discovery().observe(ids)).containsExactlyElementsOf(desired);

        Resource discoveryRecord = desired.stream().filter(r -> r.id().type() == ResourceType.DISCOVERY).findFirst().orElseThrow();
        Resource moved = Resource.of(discoveryRecord.id(), Map.of("name", Attribute.of("orders"),
                "namespace", Attribute.of("prod.internal"), "port", Attribute.of("9090")));
        discovery().apply(new Change(discoveryRecord.id(), Change.Action.UPDATE, discoveryRecord, moved, "port"));
        assertThat(discovery().observe(List.of(discoveryRecord.id()))).containsExactly(moved);

        discovery().apply(new Change(discoveryRecord.id(), Change.Action.DELETE, moved, null, "gone"));
        assertThat(discovery().observe(List.of(discoveryRecord.id()))).isEmpty();
    }
}

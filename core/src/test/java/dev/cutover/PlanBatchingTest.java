package dev.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.spi.Capability;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.ResourceId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Planning many services reads them in a few batches per capability, not one round per service. */
class PlanBatchingTest {

    private static final Environment PROD = Environment.named("prod").region("us-east-1").cluster("main").mesh("internal")
            .namespace("internal.local").build();

    private static Release release(int i) {
        return Release.of(Service.named("svc-" + i).image("registry.example.com/svc-" + i + ":1.0.0")
                .config("pool.size", "20").scaling(s -> s.min(2).max(10).targetCpuPercent(60)).build()).to(PROD).build();
    }

    @Test
    void planningAThousandServicesObservesInBatches() {
        InMemoryProvider cloud = new InMemoryProvider();
        Cutover cutover = Cutover.builder().provider(cloud).discoverProviders(false).build();
        List<Release> releases = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            releases.add(release(i));
        }
        long before = cutover.observeCalls();
        int providerBefore = cloud.calls().getOrDefault("Observe", 0);

        List<Plan> plans = cutover.plan(releases);

        assertThat(plans).hasSize(1000);
        long observeCalls = cutover.observeCalls() - before;
        // the fewest batches possible: every capability's ids in batches of the provider's batch size (100)
        Map<Capability, Set<ResourceId>> byCapability = new EnumMap<>(Capability.class);
        for (Release r : releases) {
            for (ResourceId id : DesiredState.candidateIds(r)) {
                byCapability.computeIfAbsent(id.type().capability(), c -> new LinkedHashSet<>()).add(id);
            }
        }
        long fewest = byCapability.values().stream().mapToLong(ids -> (ids.size() + 99) / 100).sum();
        assertThat(observeCalls).as("observe calls for 1,000 services").isEqualTo(fewest).isLessThanOrEqualTo(70);
        assertThat(cloud.calls().getOrDefault("Observe", 0) - providerBefore).as("observe calls the provider saw")
                .isEqualTo((int) observeCalls);
    }
}

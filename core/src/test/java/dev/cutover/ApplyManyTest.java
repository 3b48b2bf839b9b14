package dev.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.spi.LockHeldException;
import dev.cutover.spi.RevisionRef;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Cutover#apply(java.util.Collection)}: a fleet's plans are checked against one batched
 * observation and started together, or none is — a stale plan or a held lock applies nothing and
 * leaves no lock behind.
 */
class ApplyManyTest {

    private static final Environment PROD = Environment.named("prod").region("us-east-1").cluster("main").mesh("internal")
            .namespace("internal.local").build();

    private final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryProvider cloud = new InMemoryProvider();
    private final Cutover cutover = builder("cutover@host-a").build();

    private Cutover.Builder builder(String deployer) {
        return Cutover.builder().provider(cloud).discoverProviders(false).scheduler(time).deployer(deployer);
    }

    private static List<Release> releases(int n, String version, Strategy strategy) {
        List<Release> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Release.of(Service.named("svc-" + i).image("registry.example.com/svc-" + i + ":" + version).build())
                    .to(PROD).strategy(strategy).build());
        }
        return out;
    }

    private void deployAll(List<Release> releases) {
        for (Deployment d : cutover.apply(cutover.plan(releases))) {
            assertThat(d.await()).as(d.id()).isEqualTo(DeploymentStatus.SUCCEEDED);
            d.awaitRetirement();
        }
    }

    private String image(int i) {
        List<RevisionRef> running = cloud.running("prod", "svc-" + i);
        assertThat(running).hasSize(1);
        return running.get(0).version();
    }

    private void assertLockFree(int i) {
        cloud.locks().orElseThrow().acquire("prod/svc-" + i, "probe", Duration.ofSeconds(10)).close();
    }

    @Test
    void thirtyPlansAreCheckedInOneBatchedObservationAndAllRunToTheEnd() {
        deployAll(releases(30, "1.0.0", Strategies.allAtOnce()));
        List<Plan> plans = cutover.plan(releases(30, "2.0.0", Strategies.canary()));
        int observedBefore = cloud.calls().getOrDefault("Observe", 0);

        List<Deployment> running = cutover.apply(plans);

        int checks = cloud.calls().getOrDefault("Observe", 0) - observedBefore;
        assertThat(checks).as("observe calls of the apply check, one batch per capability (one apply each: 30x as many)")
                .isLessThanOrEqualTo(6);
        assertThat(running).hasSize(30);
        for (int i = 0; i < 30; i++) {
            assertThat(running.get(i).release().service().name()).as("in the plans' order").isEqualTo("svc-" + i);
            assertThat(running.get(i).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
            running.get(i).awaitRetirement();
            assertThat(image(i)).contains("2.0.0");
        }
    }

    @Test
    void oneStalePlanAppliesNoneOfThemNamesItAndLeavesNoLock() {
        deployAll(releases(3, "1.0.0", Strategies.allAtOnce()));
        List<Plan> plans = cutover.plan(releases(3, "2.0.0", Strategies.allAtOnce()));
        String rev = cloud.running("prod", "svc-1").get(0).id();
        cloud.editWeights("prod", "svc-1", Map.of(rev, 90, "ghost:1", 10)); // drift after planning

        assertThatThrownBy(() -> cutover.apply(plans)).isInstanceOf(StalePlanException.class)
                .hasMessageContaining(plans.get(1).id()).hasMessageNotContaining(plans.get(0).id());
        for (int i = 0; i < 3; i++) {
            assertThat(image(i)).as("svc-%d untouched", i).contains("1.0.0");
            assertLockFree(i);
        }
        time.runUntil(() -> false);
        assertThat(cloud.calls().getOrDefault("StartRevision", 0)).as("no revision started")
                .isEqualTo(3);

        deployAll(releases(3, "2.0.0", Strategies.allAtOnce())); // planned again: all three go
        for (int i = 0; i < 3; i++) {
            assertThat(image(i)).contains("2.0.0");
        }
    }

    @Test
    void everyStalePlanIsNamedAtOnce() {
        deployAll(releases(4, "1.0.0", Strategies.allAtOnce()));
        List<Plan> plans = cutover.plan(releases(4, "2.0.0", Strategies.allAtOnce()));
        for (int i : new int[] {0, 3}) {
            cloud.editWeights("prod", "svc-" + i, Map.of(cloud.running("prod", "svc-" + i).get(0).id(), 90, "ghost:1", 10));
        }

        assertThatThrownBy(() -> cutover.apply(plans)).isInstanceOfSatisfying(StalePlanException.class, e -> {
            assertThat(e.planId()).contains("2 of 4 plans").contains(plans.get(0).id()).contains(plans.get(3).id());
            assertThat(e.changed()).anySatisfy(c -> assertThat(c).startsWith(plans.get(0).id() + ": "))
                    .anySatisfy(c -> assertThat(c).startsWith(plans.get(3).id() + ": "));
        });
        for (int i = 0; i < 4; i++) {
            assertLockFree(i);
        }
    }

    @Test
    void aLockHeldByASecondDeployerAppliesNoneOfThePlans() {
        deployAll(releases(3, "1.0.0", Strategies.allAtOnce()));
        Cutover other = builder("cutover@host-b").build();
        Release slow = Release.of(Service.named("svc-2").image("registry.example.com/svc-2:1.5.0").build()).to(PROD)
                .strategy(Strategies.canary()).build();
        Deployment theirs = other.apply(other.plan(slow)); // still baking its canary
        List<Plan> plans = cutover.plan(releases(3, "2.0.0", Strategies.allAtOnce()));

        assertThatThrownBy(() -> cutover.apply(plans)).isInstanceOf(LockHeldException.class)
                .hasMessageContaining(theirs.id());
        assertLockFree(0);
        assertLockFree(1);
        assertThat(image(0)).contains("1.0.0");
        assertThat(theirs.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
    }

    @Test
    void nullsDuplicatesAndForeignPlansAreRefusedBeforeAnyLockOrCall() {
        List<Plan> plans = cutover.plan(releases(2, "1.0.0", Strategies.allAtOnce()));
        Plan foreign = builder("cutover@host-b").build().plan(releases(3, "1.0.0", Strategies.allAtOnce()).get(2));
        int calls = cloud.calls().values().stream().mapToInt(Integer::intValue).sum();

        assertThatThrownBy(() -> cutover.apply((java.util.Collection<Plan>) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("plans");
        assertThatThrownBy(() -> cutover.apply(java.util.Arrays.asList(plans.get(0), null)))
                .isInstanceOf(NullPointerException.class).hasMessage("plans contains null");
        assertThatThrownBy(() -> cutover.apply(List.of(plans.get(0), plans.get(0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two plans target prod/svc-0");
        assertThatThrownBy(() -> cutover.apply(List.of(plans.get(1), foreign)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("made by another Cutover instance");
        assertThat(cloud.calls().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(calls);
        assertLockFree(0);
        assertLockFree(1);
        assertThat(cutover.apply(List.of())).isEmpty();
    }
}

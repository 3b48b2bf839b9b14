package dev.cutover;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.inmemory.InMemoryProvider.Behavior;
import dev.cutover.inmemory.InMemoryProvider.CheckStatus;
import dev.cutover.inmemory.InMemoryProvider.RegisteredInstance;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.spi.Discovery;
import dev.cutover.spi.Discovery.InstanceHealth;
import dev.cutover.spi.ProviderContext;
import dev.cutover.spi.RevisionRef;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The in-memory provider's discovery registers a started revision's instances, derives their
 * checks from the image's scripted behavior on the virtual clock, and deregisters them on retire;
 * the rollout engine rolls back when discovery reports critical instances that compute calls healthy.
 */
class InMemoryDiscoveryTest extends RolloutHarness {

    private final Cutover cutover = builder().build();

    /** Starts {@code version} with {@code instances} tasks on compute and registers it, as the engine does. */
    private RevisionRef started(String version, int instances) {
        cloud.start(ProviderContext.direct(time.clock()));
        Release r = release(orders(version).instances(instances).noScaling().build(), STAGE, canary());
        RevisionRef rev = cloud.compute().orElseThrow().startRevision(r, instances);
        discovery().revisionStarted(rev, r, "dep-" + version);
        return rev;
    }

    private Discovery discovery() {
        return cloud.discovery().orElseThrow();
    }

    @Test
    void aStartedRevisionRegistersOneTaggedInstancePerTaskUntilItRetires() {
        RevisionRef rev = started("2.0.0", 3);
        assertThat(cloud.instances(ENV, SVC)).hasSize(3).allSatisfy(i -> {
            assertThat(i.revision()).isEqualTo(rev);
            assertThat(i.tags()).containsEntry("version", "2.0.0").containsEntry("environment", ENV)
                    .containsEntry("deployment", "dep-2.0.0").containsEntry("revision", rev.id());
        });
        assertThat(cloud.instances(ENV, SVC)).extracting(RegisteredInstance::id).doesNotHaveDuplicates();
        assertThat(cloud.instances(ENV, "other")).isEmpty();

        discovery().revisionRetired(rev);
        discovery().revisionRetired(rev);
        assertThat(cloud.instances(ENV, SVC)).isEmpty();
        assertThat(discovery().health(rev)).isEmpty();
    }

    @Test
    void aHealthyImagePassesAfterItsStartDelay() {
        cloud.behave("orders:2.0.0", Behavior.healthy().startDelay(Duration.ofSeconds(30)));
        RevisionRef rev = started("2.0.0", 2);
        assertThat(discovery().health(rev)).contains(new InstanceHealth(0, 0));
        assertThat(cloud.instances(ENV, SVC)).extracting(RegisteredInstance::status).containsOnly(CheckStatus.STARTING);
        time.advance(Duration.ofSeconds(29));
        assertThat(discovery().health(rev)).contains(new InstanceHealth(0, 0));
        time.advance(Duration.ofSeconds(1));
        assertThat(discovery().health(rev)).contains(new InstanceHealth(2, 0));
        assertThat(cloud.instances(ENV, SVC)).extracting(RegisteredInstance::status).containsOnly(CheckStatus.PASSING);
    }

    @Test
    void aCrashingImageIsCriticalAtOnce() {
        cloud.behave("orders:2.0.0", Behavior.healthy().crashing());
        RevisionRef rev = started("2.0.0", 2);
        assertThat(discovery().health(rev)).contains(new InstanceHealth(0, 2));
    }

    @Test
    void failingHealthOrRegistryChecksAreCriticalOnceStarted() {
        cloud.behave("orders:2.0.0", Behavior.healthy().failingHealthChecks());
        cloud.behave("orders:3.0.0", Behavior.healthy().failingRegistryChecks());
        RevisionRef unhealthy = started("2.0.0", 2);
        RevisionRef unreachable = started("3.0.0", 3);
        assertThat(discovery().health(unhealthy)).contains(new InstanceHealth(0, 0));
        time.advance(Behavior.healthy().startDelay());
        assertThat(discovery().health(unhealthy)).contains(new InstanceHealth(0, 2));
        assertThat(discovery().health(unreachable)).contains(new InstanceHealth(0, 3));
        assertThat(cloud.compute().orElseThrow().health(unreachable).isConverged())
                .as("compute sees the registry-unreachable revision healthy").isTrue();
    }

    @Test
    void aRevisionComputeCallsHealthyButDiscoveryCallsCriticalRollsBack() {
        RevisionRef old = baseline(cutover);
        assertThat(cloud.instances(ENV, SVC)).hasSize(2).allMatch(i -> i.status() == CheckStatus.PASSING
                && i.revision().equals(old));
        cloud.behave("orders:2.0.0", Behavior.healthy().failingRegistryChecks());

        Deployment d = apply(cutover, release("2.0.0", canary().bake(Duration.ofMinutes(2))));

        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(d.statusReason()).contains("discovery health", "critical");
        assertThat(events(d, DeploymentEvent.AnalysisCompleted.class)).extracting(DeploymentEvent.AnalysisCompleted::verdict)
                .contains("FAILED").doesNotContain("PASSED");
        assertThat(assertSettled(cloud, journal, d.id(), time.clock())).isEqualTo(old);
        assertThat(d.weights()).isEqualTo(Map.of(old.id(), 100));
        assertThat(cloud.instances(ENV, SVC)).as("only the old revision stays registered")
                .hasSize(2).allMatch(i -> i.revision().equals(old) && i.status() == CheckStatus.PASSING);
        Optional<InstanceHealth> oldHealth = discovery().health(old);
        assertThat(oldHealth).contains(new InstanceHealth(2, 0));
    }
}

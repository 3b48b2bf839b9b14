package dev.cutover.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.HistoryEntry;
import dev.cutover.Release;
import dev.cutover.journal.InMemoryJournalStore;
import dev.cutover.spi.LockHeldException;
import dev.cutover.spi.Capability;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link LocalCutover} outside the annotation: code-registered customization, Consul, a second deployer. */
class LocalCutoverTest {

    static final InMemoryJournalStore JOURNAL = new InMemoryJournalStore();

    @RegisterExtension
    static final CutoverExtension CUTOVER = CutoverExtension.with(w -> w.seed(7).consul(true).cutover(c -> c.journal(JOURNAL)));

    @Test
    void aCodeRegisteredExtensionAppliesItsCustomizerAndConsulHoldsTheLock(LocalCutover world) {
        Cutover cutover = world.cutover();
        Release release = Release.of(CutoverTestExtensionTest.orders("1.0.0")).to(CutoverTestExtensionTest.STAGE).build();
        Deployment d = cutover.apply(cutover.plan(release));
        // the lock lives in Consul, so a second deployer (its own Cutover, its own process as far as the
        // cloud can tell) is refused; with each Cutover's in-memory fallback locks it would not be
        Cutover second = world.newCutover();
        assertThatThrownBy(() -> second.apply(second.plan(release))).isInstanceOf(LockHeldException.class)
                .hasMessageContaining(d.id());
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(JOURNAL.deployments()).contains(d.id());
        assertThat(world.toString()).contains("seed=7", "consul");
    }

    @Test
    void aSecondDeployerOnTheSameTimelineSeesTheFirstOnesHistory(LocalCutover world) {
        Cutover first = world.cutover();
        Deployment d = first.apply(first.plan(Release.of(CutoverTestExtensionTest.orders("1.0.0"))
                .to(CutoverTestExtensionTest.STAGE).build()));
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        Cutover second = world.newCutover();
        List<HistoryEntry> history = second.history("orders", "stage");
        assertThat(history).extracting(HistoryEntry::deploymentId).contains(d.id());
        assertThat(second.plan(Release.of(CutoverTestExtensionTest.orders("1.0.0")).to(CutoverTestExtensionTest.STAGE)
                .build()).isEmpty()).isTrue();
    }

    @Test
    void withoutTheExtensionTheSameWorldIsAPlainAutoCloseable() {
        try (LocalCutover world = LocalCutover.builder().throttling(false).start()) {
            assertThat(world.cutover()).isNotNull();
            assertThat(world.aws().capabilities()).contains(Capability.COMPUTE, Capability.TRAFFIC);
        }
    }
}

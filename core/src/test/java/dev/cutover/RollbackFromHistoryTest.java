package dev.cutover;

import static dev.cutover.RolloutHarness.ENV;
import static dev.cutover.RolloutHarness.STAGE;
import static dev.cutover.RolloutHarness.SVC;
import static dev.cutover.RolloutHarness.apply;
import static dev.cutover.RolloutHarness.orders;
import static dev.cutover.RolloutHarness.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.journal.JournalException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 10 item 1 on the in-memory provider: rollback re-applies the journaled release, and says when it cannot. */
class RollbackFromHistoryTest {

    private final RolloutHarness w = new RolloutHarness();

    @Test
    void rollbackReappliesThePreviousReleaseWithItsConfigCountAndScaling() {
        Cutover cutover = w.builder().rollbackWindow(Duration.ZERO).build();
        Release v1 = release(orders("1.0.0").config("pool.size", "20").instances(3).build(), STAGE, Strategies.allAtOnce());
        assertThat(apply(cutover, v1).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        Release v2 = release(orders("2.0.0").config("pool.size", "40").scaling(s -> s.min(1).max(4)).instances(1).build(),
                STAGE, Strategies.canary().bake(Duration.ofMinutes(1)));
        assertThat(apply(cutover, v2).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(cutover.plan(v1).isEmpty()).isFalse();

        Deployment back = cutover.rollback(SVC, ENV);
        assertThat(back.await()).as(back.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        Plan after = cutover.plan(v1);
        assertThat(after.isEmpty()).as(after.toString()).isTrue();
        assertThat(w.routeWeights()).isEqualTo(Map.of(w.single().id(), 100));
    }

    @Test
    void aNewProcessWithAnInMemoryJournalIsToldHowToKeepHistory() {
        Cutover first = w.builder().build();
        w.baseline(first);
        Cutover fresh = Cutover.builder().provider(w.cloud).discoverProviders(false).scheduler(w.time).build();
        assertThatThrownBy(() -> fresh.rollback(SVC, ENV)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kept in memory").hasMessageContaining("journal(new FileJournalStore(dir))");
        assertThatThrownBy(() -> fresh.resume("stage-orders-20260101000000-deadbeef")).isInstanceOf(JournalException.class)
                .hasMessageContaining("journal(new FileJournalStore(dir))");
    }
}

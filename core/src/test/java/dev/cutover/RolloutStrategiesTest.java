package dev.cutover;

import static dev.cutover.Strategies.allAtOnce;
import static dev.cutover.Strategies.blueGreen;
import static dev.cutover.Strategies.canary;
import static dev.cutover.Strategies.linear;
import static dev.cutover.Strategies.rolling;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.event.DeploymentEvent;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.spi.RevisionRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every strategy and every hook, on the in-memory provider in virtual time. */
class RolloutStrategiesTest extends RolloutHarness {

    private final Cutover cutover = builder().build();

    private Deployment rollOut(Strategy strategy) {
        RevisionRef old = baseline(cutover);
        Deployment d = apply(cutover, release("2.0.0", strategy));
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(d.awaitRetirement()).isEqualTo(DeploymentStatus.SUCCEEDED);
        RevisionRef serving = assertSettled(cloud, journal, d.id(), time.clock());
        assertThat(serving.version()).isEqualTo("2.0.0");
        assertThat(serving.id()).isNotEqualTo(old.id());
        return d;
    }

    @Test
    void allAtOnceMovesEverythingInOneShift() {
        assertThat(newWeights(rollOut(allAtOnce()))).containsExactly(100);
    }

    @Test
    void rollingMovesTrafficBatchByBatch() {
        Deployment d = rollOut(rolling().minHealthyPercent(75).maxPercent(100).bake(Duration.ofMinutes(1)));
        assertThat(newWeights(d)).containsExactly(25, 50, 75, 100);
    }

    @Test
    void canaryTakesArbitrarySteps() {
        Deployment d = rollOut(canary().steps(1, 7, 33, 100).bake(Duration.ofMinutes(3))
                .analysis(a -> a.errorRateBelow(0.01)));
        assertThat(newWeights(d)).containsExactly(1, 7, 33, 100);
        List<DeploymentEvent.StepStarted> steps = events(d, DeploymentEvent.StepStarted.class);
        for (int i = 1; i < steps.size(); i++) {
            assertThat(Duration.between(steps.get(i - 1).at(), steps.get(i).at())).isGreaterThanOrEqualTo(Duration.ofMinutes(3));
        }
        assertThat(events(d, DeploymentEvent.AnalysisCompleted.class)).extracting(DeploymentEvent.AnalysisCompleted::verdict)
                .contains("PASSED").doesNotContain("FAILED", "INCONCLUSIVE", "ERROR");
    }

    @Test
    void linearAddsAStepEveryInterval() {
        Deployment d = rollOut(linear().stepPercent(25).interval(Duration.ofMinutes(2)));
        assertThat(newWeights(d)).containsExactly(25, 50, 75, 100);
        List<DeploymentEvent.StepStarted> steps = events(d, DeploymentEvent.StepStarted.class);
        assertThat(Duration.between(steps.get(0).at(), steps.get(3).at())).isEqualTo(Duration.ofMinutes(6));
    }

    @Test
    void blueGreenPreviewsWithoutTrafficThenSwitches() {
        Deployment d = rollOut(blueGreen().previewBake(Duration.ofMinutes(5)).bake(Duration.ofMinutes(10)));
        assertThat(newWeights(d)).containsExactly(0, 100);
        List<DeploymentEvent.StepStarted> steps = events(d, DeploymentEvent.StepStarted.class);
        assertThat(Duration.between(steps.get(0).at(), steps.get(1).at())).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aFailingPreDeployTaskShiftsNothing() {
        RevisionRef old = baseline(cutover);
        cloud.behave("orders:2.0.0", InMemoryProvider.Behavior.healthy().hookExitCode(3));
        Service migrating = orders("2.0.0").preDeploy(Hook.command("./migrate", "--apply")).build();
        int started = cloud.calls().getOrDefault("StartRevision", 0);
        Deployment d = apply(cutover, release(migrating, STAGE, canary()));
        assertThat(d.await()).isEqualTo(DeploymentStatus.FAILED);
        assertThat(d.statusReason()).contains("pre-deploy hook failed with exit code 3", "no new task ran and no traffic moved");
        assertThat(events(d, DeploymentEvent.RevisionStarted.class)).isEmpty();
        assertThat(events(d, DeploymentEvent.TrafficShifted.class)).isEmpty();
        assertThat(cloud.calls().getOrDefault("StartRevision", 0)).as("no new revision started").isEqualTo(started);
        assertThat(assertSettled(cloud, journal, d.id(), time.clock())).isEqualTo(old);
        assertThat(meters.find("cutover.deployments").tag("outcome", "failed").counter().count()).isEqualTo(1.0);
    }

    @Test
    void theMigrationRunsOnceBeforeTheNewRevisionStartsJournaledWithItsExitCodeAndLogs() {
        baseline(cutover);
        Service migrating = orders("2.0.0").preDeploy(Hook.command("./migrate", "up")).build();
        Deployment d = apply(cutover, release(migrating, STAGE, canary().bake(Duration.ofMinutes(1))));
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        List<String> order = d.events().stream()
                .filter(e -> e instanceof DeploymentEvent.HookCompleted || e instanceof DeploymentEvent.RevisionStarted)
                .map(e -> e instanceof DeploymentEvent.HookCompleted h ? h.hook() : "revision-started").toList();
        assertThat(order).containsExactly("pre-deploy", "revision-started");
        assertThat(events(d, DeploymentEvent.HookCompleted.class).get(0).detail()).contains("exit 0", "task ", "logs ");
        List<dev.cutover.journal.JournalEntry> entries = journal.read(d.id());
        assertThat(entries).filteredOn(e -> "pre-deploy".equals(e.get("action"))).extracting(dev.cutover.journal.JournalEntry::type)
                .containsExactly("intent", "done");
        assertThat(entries).filteredOn(e -> "pre-deploy".equals(e.get("action")) && e.type().equals("done")).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("exitCode", "0").containsKeys("task", "logs"));
        assertThat(cloud.calls().get("RunTask")).as("once").isEqualTo(1);
    }

    @Test
    void aHookMarkedAfterStartRunsOnceTheNewRevisionIsHealthy() {
        baseline(cutover);
        Service warming = orders("2.0.0").preDeploy(Hook.command("./warm-caches").afterStart()).build();
        Deployment d = apply(cutover, release(warming, STAGE, canary().bake(Duration.ofMinutes(1))));
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        List<String> order = d.events().stream()
                .filter(e -> e instanceof DeploymentEvent.HookCompleted || e instanceof DeploymentEvent.RevisionStarted
                        || e instanceof DeploymentEvent.TrafficShifted)
                .map(e -> e instanceof DeploymentEvent.HookCompleted h ? h.hook()
                        : e instanceof DeploymentEvent.RevisionStarted ? "revision-started" : "shift").toList();
        assertThat(order).startsWith("revision-started", "pre-deploy", "shift");
    }

    @Test
    void aFailingSmokeTestRollsBackFromFullTraffic() {
        RevisionRef old = baseline(cutover);
        cloud.behave("orders:2.0.0", InMemoryProvider.Behavior.healthy().hookExitCode(1));
        Service smoked = orders("2.0.0").smokeTest(Hook.command("./smoke")).build();
        Deployment d = apply(cutover, release(smoked, STAGE, canary().bake(Duration.ofMinutes(1))));
        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(d.statusReason()).startsWith("smoke test failed");
        assertThat(newWeights(d)).containsExactly(10, 50, 100, 0);
        assertThat(events(d, DeploymentEvent.Promoted.class)).isEmpty();
        assertThat(assertSettled(cloud, journal, d.id(), time.clock())).isEqualTo(old);
    }

    @Test
    void hooksThatPassRunBeforeTrafficAndAfterTheLastStep() {
        baseline(cutover);
        Service both = orders("2.0.0").preDeploy(Hook.command("./migrate")).smokeTest(Hook.command("./smoke")).build();
        Deployment d = apply(cutover, release(both, STAGE, canary().bake(Duration.ofMinutes(1))));
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        List<String> order = d.events().stream()
                .filter(e -> e instanceof DeploymentEvent.HookCompleted || e instanceof DeploymentEvent.TrafficShifted)
                .map(e -> e instanceof DeploymentEvent.HookCompleted h ? h.hook() : "shift").toList();
        assertThat(order).containsExactly("pre-deploy", "shift", "shift", "shift", "smoke-test");
    }

    @Test
    void theFirstDeploymentGoesStraightToFullTraffic() {
        Deployment d = apply(cutover, release("1.0.0", canary()));
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(newWeights(d)).containsExactly(100);
        assertSettled(cloud, journal, d.id(), time.clock());
    }

    @Test
    void aCrashingArtifactNeverGetsTraffic() {
        RevisionRef old = baseline(cutover);
        cloud.behave("orders:2.0.0", InMemoryProvider.Behavior.healthy().crashing());
        Deployment d = apply(cutover, release("2.0.0", canary()));
        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(d.statusReason()).contains("tasks fail");
        assertThat(assertSettled(cloud, journal, d.id(), time.clock())).isEqualTo(old);
        assertThat(d.weights()).isEqualTo(Map.of(old.id(), 100));
    }
}

package dev.cutover;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.analysis.Measurement;
import dev.cutover.analysis.MetricSource;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.journal.JournalCodec;
import dev.cutover.spi.RevisionRef;
import io.micrometer.core.instrument.Meter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** Manual controls, analysis semantics, the breaker, listeners, events, metrics and history. */
class RolloutControlsTest extends RolloutHarness {

    private final Cutover cutover = builder().build();
    private static final Strategy TEN_MINUTE_CANARY = canary().steps(10, 50, 100).bake(Duration.ofMinutes(10));

    private void runUntil(Deployment d, DeploymentStatus status) {
        time.runUntil(() -> d.status() == status);
        assertThat(d.status()).isEqualTo(status);
    }

    private void runUntilStep(Deployment d, int step) {
        time.runUntil(() -> events(d, DeploymentEvent.StepStarted.class).size() >= step);
    }

    // ------------------------------------------------------------ manual controls

    @Test
    void pauseFreezesTheBakeAndResumeContinuesWhereItStopped() {
        baseline(cutover);
        Deployment d = apply(cutover, release("2.0.0", TEN_MINUTE_CANARY));
        runUntilStep(d, 1);
        time.advance(Duration.ofMinutes(2));
        d.pause();
        assertThat(d.status()).isEqualTo(DeploymentStatus.PAUSED);
        Map<String, Integer> held = d.weights();
        time.advance(Duration.ofHours(1));
        assertThat(d.weights()).isEqualTo(held);
        assertThat(events(d, DeploymentEvent.StepStarted.class)).hasSize(1);
        assertThatThrownBy(d::await).isInstanceOf(IllegalStateException.class).hasMessageContaining("waits for a person");
        Instant resumedAt = now();
        d.resume();
        runUntilStep(d, 2);
        // 2 of the 10 minutes were baked before the pause: 8 remain
        assertThat(Duration.between(resumedAt, events(d, DeploymentEvent.StepStarted.class).get(1).at()))
                .isEqualTo(Duration.ofMinutes(8));
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
    }

    @Test
    void promoteSkipsTheRemainingBakeAndSteps() {
        baseline(cutover);
        Deployment d = apply(cutover, release("2.0.0", TEN_MINUTE_CANARY));
        runUntilStep(d, 1);
        Instant at = now();
        d.promote();
        time.runUntil(() -> d.status() == DeploymentStatus.SUCCEEDED);
        assertThat(newWeights(d)).containsExactly(10, 100);
        assertThat(Duration.between(at, now())).isLessThan(Duration.ofMinutes(2));
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
    }

    @Test
    void anEnvironmentThatRequiresApprovalWaitsBeforeFullTraffic() {
        Environment prod = STAGE.toBuilder().requireApproval().build();
        Deployment first = apply(cutover, release(orders("1.0.0").build(), prod, Strategies.allAtOnce()));
        first.approve();
        assertThat(first.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        Deployment d = apply(cutover, release(orders("2.0.0").build(), prod, canary().bake(Duration.ofMinutes(1))));
        runUntil(d, DeploymentStatus.AWAITING_APPROVAL);
        assertThat(newWeights(d)).containsExactly(10, 50);
        d.approve();
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(newWeights(d)).containsExactly(10, 50, 100);
    }

    @Test
    void anApprovalThatNeverComesRollsBack() {
        Environment prod = STAGE.toBuilder().requireApproval().approvalTimeout(Duration.ofMinutes(30)).build();
        Deployment first = apply(cutover, release(orders("1.0.0").build(), prod, Strategies.allAtOnce()));
        first.approve();
        assertThat(first.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        RevisionRef old = single();
        Deployment d = apply(cutover, release(orders("2.0.0").build(), prod, canary().bake(Duration.ofMinutes(1))));
        runUntil(d, DeploymentStatus.AWAITING_APPROVAL);
        time.advance(Duration.ofMinutes(31));
        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(d.statusReason()).startsWith("approval timed out");
        assertThat(assertSettled(cloud, journal, d.id(), time.clock())).isEqualTo(old);
        assertThat(meters.find("cutover.rollbacks").tag("reason", "approval-timeout").counter().count()).isEqualTo(1.0);
    }

    @Test
    void abortingAPausedDeploymentRollsBack() {
        RevisionRef old = baseline(cutover);
        Deployment d = apply(cutover, release("2.0.0", TEN_MINUTE_CANARY));
        runUntilStep(d, 2);
        d.pause();
        time.advance(Duration.ofMinutes(30));
        assertThat(d.status()).isEqualTo(DeploymentStatus.PAUSED);
        d.abort();
        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(d.statusReason()).isEqualTo("aborted by a person");
        assertThat(assertSettled(cloud, journal, d.id(), time.clock())).isEqualTo(old);
    }

    @Test
    void rollbackRightAfterPromotionIsATrafficShiftNotAColdStart() {
        RevisionRef old = baseline(cutover);
        Deployment d = apply(cutover, release("2.0.0", canary().bake(Duration.ofMinutes(1))));
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED); // at once: the old revision is still warm
        assertThat(cloud.running(ENV, SVC)).hasSize(2);
        Map<String, Integer> before = cloud.calls();
        Instant at = now();
        d.rollback();
        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(d.statusReason()).isEqualTo("rolled back by a person after promotion");
        assertThat(Duration.between(at, now())).isLessThan(Duration.ofSeconds(1));
        Map<String, Integer> after = cloud.calls();
        assertThat(after.get("StartRevision")).isEqualTo(before.get("StartRevision"));
        assertThat(after.getOrDefault("RestartRevision", 0)).isEqualTo(before.getOrDefault("RestartRevision", 0));
        assertThat(assertSettled(cloud, journal, d.id(), time.clock())).isEqualTo(old);
        assertThat(meters.find("cutover.rollbacks").tag("reason", "manual").counter().count()).isEqualTo(1.0);
    }

    // ------------------------------------------------------------ analysis

    /** A Cutover whose metric source answers the n-th measurement (1-based) with {@code answer}. */
    private Cutover withSource(IntFunction<Measurement> answer, List<Instant> measuredAt) {
        AtomicInteger n = new AtomicInteger();
        MetricSource source = (query, ctx) -> {
            measuredAt.add(ctx.to());
            return answer.apply(n.incrementAndGet());
        };
        return builder().metrics(source).build();
    }

    private Deployment analysed(Cutover c, java.util.function.Consumer<dev.cutover.analysis.Analysis.Builder> analysis) {
        baseline(c);
        return apply(c, release("2.0.0", canary().steps(10, 100).bake(Duration.ofMinutes(5)).analysis(a -> {
            a.errorRateBelow(0.01);
            analysis.accept(a);
        })));
    }

    @Test
    void failedMeasurementsWithinTheFailureLimitAreTolerated() {
        Cutover c = withSource(n -> Measurement.of(n <= 2 ? 0.05 : 0.001), new CopyOnWriteArrayList<>());
        assertThat(analysed(c, a -> a.failureLimit(2)).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
    }

    @Test
    void oneFailureMoreThanTheLimitRollsBack() {
        Cutover c = withSource(n -> Measurement.of(n <= 2 ? 0.05 : 0.001), new CopyOnWriteArrayList<>());
        Deployment d = analysed(c, a -> a.failureLimit(1));
        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(d.statusReason()).startsWith("analysis failed at 10%");
        assertThat(events(d, DeploymentEvent.AnalysisCompleted.class)).extracting(DeploymentEvent.AnalysisCompleted::verdict)
                .containsExactly("FAILED", "FAILED");
    }

    @Test
    void aSourceThatKeepsThrowingPausesAfterTheConsecutiveErrorLimitAndRollsBackAfterTheOutageTimeout() {
        List<Instant> at = new CopyOnWriteArrayList<>();
        Cutover c = withSource(n -> {
            throw new IllegalStateException("datadog: 502 bad gateway");
        }, at);
        Deployment d = analysed(c, a -> a.consecutiveErrorLimit(2).metricOutageTimeout(Duration.ofMinutes(10)));
        time.runUntil(() -> d.status() == DeploymentStatus.PAUSED);
        assertThat(at).hasSize(3);
        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(d.statusReason()).startsWith("metric source").contains("could not answer for 10m", "502 bad gateway");
        assertThat(at).hasSize(11);
        // besides the gate, the in-memory discovery reports its instances' checks
        Map<String, String> measured = events(d, DeploymentEvent.AnalysisCompleted.class).get(0).measurements();
        assertThat(measured).containsEntry("discovery", "2 passing, 0 critical");
        assertThat(measured.entrySet()).filteredOn(e -> !e.getKey().equals("discovery"))
                .singleElement().asString().contains("502 bad gateway");
    }

    @Test
    void errorsThatAreNotConsecutiveDoNotFailTheStep() {
        Cutover c = withSource(n -> n % 2 == 1 ? Measurement.error("timeout") : Measurement.of(0.001),
                new CopyOnWriteArrayList<>());
        assertThat(analysed(c, a -> a.consecutiveErrorLimit(1)).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
    }

    @Test
    void noDataIsInconclusiveAndPausesForAPersonInsteadOfPassing() {
        List<Instant> at = new CopyOnWriteArrayList<>();
        Cutover c = withSource(n -> Measurement.noData("no requests yet"), at);
        Deployment d = analysed(c, a -> a.inconclusiveLimit(1));
        assertThatThrownBy(d::await).isInstanceOf(IllegalStateException.class);
        assertThat(d.status()).isEqualTo(DeploymentStatus.PAUSED);
        assertThat(d.statusReason()).startsWith("analysis inconclusive at 10%");
        int measured = at.size();
        time.advance(Duration.ofMinutes(20)); // less than the inconclusive timeout (30 min)
        assertThat(at).hasSize(measured);
        assertThat(newWeights(d)).containsExactly(10);
        assertThat(events(d, DeploymentEvent.Promoted.class)).isEmpty();
        assertThat(events(d, DeploymentEvent.AnalysisCompleted.class)).extracting(DeploymentEvent.AnalysisCompleted::verdict)
                .containsOnly("INCONCLUSIVE");
        d.abort();
        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
    }

    @Test
    void measurementsStartAfterTheInitialDelay() {
        List<Instant> at = new CopyOnWriteArrayList<>();
        Cutover c = withSource(n -> Measurement.of(0.001), at);
        Deployment d = analysed(c, a -> a.initialDelay(Duration.ofMinutes(3)));
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        Instant stepStart = events(d, DeploymentEvent.StepStarted.class).get(0).at();
        assertThat(Duration.between(stepStart, at.get(0))).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void aRevisionThatNeverConvergesFailsAtTheProgressDeadline() {
        RevisionRef old = baseline(cutover);
        cloud.behave("orders:2.0.0", InMemoryProvider.Behavior.healthy().failingHealthChecks());
        Instant start = now();
        Deployment d = apply(cutover, release("2.0.0", canary().analysis(a -> a.progressDeadline(Duration.ofMinutes(4)))));
        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(d.statusReason()).startsWith("progress deadline");
        assertThat(Duration.between(start, now())).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(5));
        assertThat(assertSettled(cloud, journal, d.id(), time.clock())).isEqualTo(old);
        assertThat(meters.find("cutover.rollbacks").tag("reason", "deadline").counter().count()).isEqualTo(1.0);
    }

    // ------------------------------------------------------------ breaker, listeners, events, metrics

    @Test
    void anOpenBreakerPausesSafelyAndTheDeploymentResumesByItself() {
        Cutover c = builder().resilience(r -> r.maxAttempts(3).breakerWindow(4)).build();
        RevisionRef old = baseline(c);
        Deployment d = apply(c, release("2.0.0", canary().bake(Duration.ofMinutes(1))));
        cloud.faults(42, 1.0);
        runUntil(d, DeploymentStatus.PAUSED);
        assertThat(d.statusReason()).contains("unavailable", "paused safely, retrying in 30 s");
        time.runUntil(() -> events(d, DeploymentEvent.DeploymentPaused.class).stream()
                .anyMatch(p -> p.reason().contains("circuit breaker 'in-memory' is open")));
        assertThat(cloud.running(ENV, SVC)).containsExactly(old);
        assertThat(routeWeights()).isEqualTo(Map.of(old.id(), 100));
        cloud.faults(42, 0.0);
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(d.awaitRetirement()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertSettled(cloud, journal, d.id(), time.clock());
        assertThat(meters.find("cutover.provider.rejected").tag("reason", "circuit-open").counter().count()).isPositive();
        assertThat(meters.find("resilience4j.circuitbreaker.state").gauges()).isNotEmpty();
    }

    @Test
    void aListenerThatThrowsIsSkipped() {
        List<DeploymentEvent> seen = new CopyOnWriteArrayList<>();
        Cutover c = builder().listener(e -> {
            throw new IllegalStateException("webhook down");
        }).listener(seen::add).build();
        baseline(c);
        Deployment d = apply(c, release("2.0.0", canary().bake(Duration.ofMinutes(1))));
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(seen).anyMatch(e -> e instanceof DeploymentEvent.DeploymentFinished f && f.outcome().equals("SUCCEEDED"));
    }

    @Test
    void noEventJournalLineMetricTagOrReasonCarriesASecretValue() {
        baseline(cutover);
        cloud.behave("orders:2.0.0", InMemoryProvider.Behavior.healthy().errorRate(0.3));
        Deployment d = apply(cutover, release("2.0.0", canary().analysis(a -> a.errorRateBelow(0.01))));
        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        String value = cloud.secrets().orElseThrow().resolve(ENV, List.of("prod/orders/db")).get("prod/orders/db");
        assertThat(value).isNotBlank();
        assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(e.toString()).doesNotContain(value));
        for (String id : journal.deployments()) {
            journal.read(id).forEach(e -> assertThat(JournalCodec.encode(e)).doesNotContain(value));
        }
        for (Meter m : meters.getMeters()) {
            assertThat(m.getId().toString()).doesNotContain(value);
        }
        assertThat(d.statusReason() + d).doesNotContain(value);
    }

    @Test
    void everyMeterIsRecordedAndDocumented() throws IOException {
        RevisionRef old = baseline(cutover);
        cloud.behave("orders:2.0.0", InMemoryProvider.Behavior.healthy().errorRate(0.3));
        assertThat(apply(cutover, release("2.0.0", canary().analysis(a -> a.errorRateBelow(0.01)))).await())
                .isEqualTo(DeploymentStatus.ROLLED_BACK);
        Deployment ok = apply(cutover, release("3.0.0", canary().bake(Duration.ofMinutes(1))));
        assertThat(ok.awaitRetirement()).isEqualTo(DeploymentStatus.SUCCEEDED);
        RevisionRef serving = single();
        Map<String, String> tags = Map.of("service", SVC, "environment", ENV, "strategy", "canary");
        assertThat(meters.find("cutover.deployments.started").tag("strategy", "canary").counter().count()).isEqualTo(2.0);
        assertThat(meters.find("cutover.deployments").tag("outcome", "succeeded").tag("strategy", "canary").counter().count())
                .isEqualTo(1.0);
        assertThat(meters.find("cutover.deployments").tag("outcome", "rolled_back").counter().count()).isEqualTo(1.0);
        assertThat(meters.find("cutover.deployment.duration").tag("outcome", "succeeded").timer().count()).isEqualTo(1);
        assertThat(meters.find("cutover.rollbacks").tag("reason", "analysis").counter().count()).isEqualTo(1.0);
        assertThat(meters.find("cutover.traffic.weight").tag("revision", serving.id()).gauge().value()).isEqualTo(100.0);
        time.runUntil(() -> meters.find("cutover.traffic.weight").tag("revision", old.id()).gauge() == null); // retirement done
        assertThat(meters.find("cutover.traffic.weight").tag("revision", old.id()).gauge())
                .as("a retired revision's weight gauge is removed, not left at 0").isNull();
        assertThat(meters.find("cutover.traffic.weight").gauges()).hasSize(1);
        assertThat(meters.find("cutover.provider.calls").tag("operation", "SetWeights").tag("outcome", "success").timer()
                .count()).isPositive();
        assertThat(tags).isNotEmpty();
        String documented = Files.readString(Path.of("..", "docs", "metrics.md"));
        meters.getMeters().stream().map(m -> m.getId().getName()).filter(n -> n.startsWith("cutover."))
                .distinct().forEach(n -> assertThat(documented).as("docs/metrics.md lists " + n).contains("`" + n + "`"));
    }

    // ------------------------------------------------------------ history

    @Test
    void historyListsEveryDeploymentAndRollbackReturnsToThePreviousRevision() {
        RevisionRef v1 = baseline(cutover);
        cloud.behave("orders:2.0.0", InMemoryProvider.Behavior.healthy().errorRate(0.3));
        apply(cutover, release("2.0.0", canary().analysis(a -> a.errorRateBelow(0.01)))).await();
        Deployment v3 = apply(cutover, release("3.0.0", canary().bake(Duration.ofMinutes(1))));
        assertThat(v3.awaitRetirement()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(cloud.running(ENV, SVC)).extracting(RevisionRef::version).containsExactly("3.0.0");

        List<HistoryEntry> history = cutover.history(SVC, ENV);
        assertThat(history).extracting(HistoryEntry::outcome).containsExactly("SUCCEEDED", "ROLLED_BACK", "SUCCEEDED");
        assertThat(history.get(1).detail()).contains("error rate");
        assertThat(history.get(2).previous()).isEqualTo(v1.id());
        assertThat(cutover.history(SVC, "prod")).isEmpty();

        Deployment back = cutover.rollback(SVC, ENV);
        assertThat(back.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        RevisionRef serving = assertSettled(cloud, journal, back.id(), time.clock());
        assertThat(serving.id()).isEqualTo(v1.id());
        assertThat(serving.version()).isEqualTo("1.0.0");
        HistoryEntry last = cutover.history(SVC, ENV).get(3);
        assertThat(last.strategy()).isEqualTo("rollback");
        assertThat(last.image()).endsWith(":1.0.0");
        assertThat(last.revision()).isEqualTo(v1.id());
    }

    @Test
    void rollbackWithoutAPreviousRevisionIsRefused() {
        baseline(cutover);
        assertThatThrownBy(() -> cutover.rollback(SVC, ENV)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no previous revision");
    }
}

package dev.cutover;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.analysis.Measurement;
import dev.cutover.analysis.MetricSource;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.journal.JournalEntry;
import dev.cutover.locks.InMemoryLocks;
import dev.cutover.spi.LockHeldException;
import dev.cutover.spi.LockManager;
import dev.cutover.spi.RevisionRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The engine's own lifecycle: an Error in an action, a lost lock, a shutdown, and what a person
 * runs afterwards.
 */
class RolloutLifecycleTest extends RolloutHarness {

    private static final Strategy CANARY = canary().steps(25, 50, 75, 100).bake(Duration.ofMinutes(2))
            .analysis(a -> a.errorRateBelow(0.01));

    /** Locks whose handles can be "taken" by another owner: renew then fails as it would after a takeover. */
    static final class StealableLocks implements LockManager {
        final LockManager inner;
        final AtomicBoolean stolen = new AtomicBoolean();

        StealableLocks(LockManager inner) {
            this.inner = inner;
        }

        @Override
        public LockHandle acquire(String key, String owner, Duration lease) {
            LockHandle h = inner.acquire(key, owner, lease);
            return new LockHandle() {
                @Override
                public String key() {
                    return h.key();
                }

                @Override
                public String owner() {
                    return h.owner();
                }

                @Override
                public void renew() {
                    if (stolen.get()) {
                        throw new LockHeldException(key, "cutover@host-z/other", java.time.Instant.EPOCH);
                    }
                    h.renew();
                }

                @Override
                public void close() {
                    if (!stolen.get()) {
                        h.close();
                    }
                }
            };
        }
    }

    private void runUntilShifts(Deployment d, int shifts) {
        time.runUntil(() -> events(d, DeploymentEvent.TrafficShifted.class).size() >= shifts);
        assertThat(newWeights(d)).hasSize(shifts);
    }

    @Test
    void anErrorInARolloutActionRollsBackAndReleasesTheLockInsteadOfHangingAtASplit() {
        AtomicInteger calls = new AtomicInteger();
        MetricSource source = (q, ctx) -> {
            if (calls.incrementAndGet() == 4) {
                throw new AssertionError("metrics client bug");
            }
            return Measurement.of(0.001);
        };
        Cutover c = builder().metrics(source).build();
        RevisionRef old = baseline(c);
        Deployment d = apply(c, release("2.0.0", CANARY));
        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(d.statusReason()).contains("unexpected failure", "AssertionError", "metrics client bug");
        assertThat(assertSettled(cloud, journal, d.id(), time.clock())).isEqualTo(old);
    }

    @Test
    void aRolloutThatLosesItsLockStopsActingAtOnceAndSaysSo() {
        StealableLocks locks = new StealableLocks(new InMemoryLocks(time.clock()));
        Cutover c = builder().locks(locks).build();
        baseline(c);
        Deployment d = apply(c, release("2.0.0", canary().steps(25, 50, 75, 100).bake(Duration.ofMinutes(2))));
        runUntilShifts(d, 1);
        Map<String, Integer> split = routeWeights();
        locks.stolen.set(true);
        assertThat(d.await()).isEqualTo(DeploymentStatus.STOPPED);
        assertThat(d.statusReason()).contains("lost the lock", "cutover@host-z/other");
        assertThat(newWeights(d)).as("no traffic shift after the lock was lost").containsExactly(25);
        assertThat(routeWeights()).isEqualTo(split);
        List<JournalEntry> entries = journal.read(d.id());
        assertThat(entries).as("the new holder owns the journal: nothing more is written to it")
                .noneMatch(e -> e.type().equals("stopped") || e.sequence() > entries.get(0).sequence() + 20);
        assertThat(events(d, DeploymentEvent.DeploymentFinished.class)).extracting(DeploymentEvent.DeploymentFinished::outcome)
                .containsExactly("STOPPED");
        time.advance(Duration.ofHours(1));
        assertThat(routeWeights()).isEqualTo(split);
    }

    /** Chaos seed 59 (docs/reliability.md): the lock lost once the revision started, before its after-start hook. */
    @Test
    void aRolloutThatLostItsLockRunsNoHookAndStartsOrRetiresNothing() {
        StealableLocks locks = new StealableLocks(new InMemoryLocks(time.clock()));
        AtomicBoolean armed = new AtomicBoolean();
        Cutover c = builder().locks(locks).listener(e -> {
            if (armed.get() && e instanceof DeploymentEvent.RevisionStarted) {
                locks.stolen.set(true); // another process takes the lock right after the revision started
            }
        }).build();
        RevisionRef old = baseline(c);
        armed.set(true);
        Deployment d = apply(c, release(orders("2.0.0").preDeploy(Hook.command("./migrate", "up").afterStart()).build(), STAGE,
                canary().steps(25, 100).bake(Duration.ofMinutes(2))));
        assertThat(d.await()).isEqualTo(DeploymentStatus.STOPPED);
        assertThat(d.statusReason()).contains("lost the lock", "cutover@host-z/other");
        assertThat(events(d, DeploymentEvent.HookCompleted.class)).as("no hook runs without the lock").isEmpty();
        List<JournalEntry> entries = journal.read(d.id());
        int started = entries.stream().map(JournalEntry::type).toList().indexOf("revision-started");
        assertThat(entries.subList(started + 1, entries.size()))
                .as("nothing acted after the lock was lost (hook, shift, start, retire); the new holder owns the journal")
                .extracting(e -> e.type() + " " + e.get("action")).isEmpty();
        assertThat(routeWeights()).isEqualTo(Map.of(old.id(), 100));
    }

    @Test
    void shutdownStopsAtTheNextSafePointJournalsItAndResumeFinishesTheDeployment() {
        Cutover c = builder().build();
        RevisionRef old = baseline(c);
        Deployment d = apply(c, release("2.0.0", canary().steps(25, 50, 100).bake(Duration.ofMinutes(2))));
        runUntilShifts(d, 2);
        assertThat(c.running()).containsExactly(d);
        assertThat(c.shutdown()).containsExactly(d);
        assertThat(d.status()).isEqualTo(DeploymentStatus.STOPPED);
        assertThat(d.statusReason()).contains("shutting down");
        assertThat(c.running()).isEmpty();
        Map<String, Integer> split = routeWeights();
        assertThat(split).hasSize(2);
        time.advance(Duration.ofHours(1));
        assertThat(routeWeights()).as("nothing acts after the stop").isEqualTo(split);
        assertThat(journal.read(d.id())).extracting(JournalEntry::type).last().isEqualTo("stopped");
        assertThat(events(d, DeploymentEvent.DeploymentFinished.class)).extracting(DeploymentEvent.DeploymentFinished::outcome)
                .containsExactly("STOPPED");

        Cutover next = builder().deployer("cutover@host-b").build();
        Deployment resumed = next.resume(d.id());
        assertThat(resumed.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(assertSettled(cloud, journal, d.id(), time.clock())).isEqualTo(old);
    }

    // ------------------------------------------------------------ when a deployment is done

    @Test
    void awaitReturnsWhenTheNewRevisionServesAllTrafficAndAwaitRetirementAfterTheRollbackWindow() {
        Cutover c = builder().rollbackWindow(Duration.ofMinutes(5)).build();
        RevisionRef old = baseline(c);
        java.time.Instant start = now();
        Deployment d = apply(c, release("2.0.0", canary().steps(50, 100).bake(Duration.ZERO)));
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(Duration.between(start, now())).as("a zero-bake canary does not wait for the rollback window")
                .isLessThan(Duration.ofMinutes(1));
        RevisionRef neu = cloud.running(ENV, SVC).stream().filter(r -> !r.equals(old)).findFirst().orElseThrow();
        assertThat(routeWeights()).isEqualTo(Map.of(neu.id(), 100));
        assertThat(cloud.running(ENV, SVC)).as("the old revision is kept warm").containsExactly(old, neu);
        assertThat(d.statusReason()).isEmpty();
        assertThat(c.history(SVC, ENV).get(1).outcome()).isEqualTo("SUCCEEDED");
        assertThat(events(d, DeploymentEvent.DeploymentFinished.class)).extracting(DeploymentEvent.DeploymentFinished::detail)
                .singleElement().asString().contains(old.id() + " stays warm for the rollback window");

        assertThat(d.awaitRetirement()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(Duration.between(start, now())).isGreaterThanOrEqualTo(Duration.ofMinutes(5));
        assertThat(events(d, DeploymentEvent.RevisionsRetired.class)).singleElement()
                .extracting(DeploymentEvent.RevisionsRetired::revisions).isEqualTo(List.of(old.id()));
        assertThat(assertSettled(cloud, journal, d.id(), time.clock())).isEqualTo(neu);
        List<JournalEntry> entries = journal.read(d.id());
        assertThat(entries).extracting(JournalEntry::type).containsSubsequence("promoted", "intent", "done", "finished");
        assertThat(entries.stream().filter(e -> e.type().equals("intent")).reduce((a, b) -> b).orElseThrow().get("action"))
                .isEqualTo("retire");
    }

    @Test
    void aZeroBakeBlueGreenSwitchesWithoutAnalysingForMinutes() {
        AtomicInteger measured = new AtomicInteger();
        Cutover c = builder().metrics((q, ctx) -> {
            measured.incrementAndGet();
            return Measurement.noData("no requests in a zero-length window");
        }).build();
        baseline(c);
        java.time.Instant start = now();
        Deployment d = apply(c, release("2.0.0", Strategies.blueGreen().previewBake(Duration.ZERO).bake(Duration.ZERO)
                .analysis(a -> a.errorRateBelow(0.01))));
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(Duration.between(start, now())).isLessThan(Duration.ofMinutes(1));
        assertThat(measured).as("a zero bake means no bake: nothing to measure").hasValue(0);
    }

    @Test
    void aNewerDeploymentOrARollbackDuringTheRollbackWindowNeedsNoWait() {
        Cutover c = builder().build();
        RevisionRef v1 = baseline(c);
        Deployment v2 = apply(c, release("2.0.0", canary().steps(50, 100).bake(Duration.ofMinutes(1))));
        assertThat(v2.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        Map<String, Integer> calls = cloud.calls();
        // the history's rollback in the window ends that deployment's window, then re-applies the previous release
        Deployment back = c.rollback(SVC, ENV);
        assertThat(v2.status()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(journal.read(v2.id())).extracting(JournalEntry::type).last().isEqualTo("finished");
        assertThat(back.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(calls).isNotNull();
        assertThat(back.awaitRetirement()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(assertSettled(cloud, journal, back.id(), time.clock()).version()).isEqualTo("1.0.0");

        Deployment v3 = apply(c, release("3.0.0", canary().steps(50, 100).bake(Duration.ofMinutes(1))));
        assertThat(v3.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        Deployment v4 = apply(c, release("4.0.0", canary().steps(50, 100).bake(Duration.ofMinutes(1))));
        assertThat(v3.status()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(journal.read(v3.id())).extracting(JournalEntry::type).last().isEqualTo("finished");
        assertThat(v4.awaitRetirement()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(assertSettled(cloud, journal, v4.id(), time.clock()).version()).isEqualTo("4.0.0");
    }

    // ------------------------------------------------------------ what a gate may believe

    private Deployment gated(MetricSource source, java.util.function.Consumer<dev.cutover.analysis.Analysis.Builder> analysis) {
        Cutover c = builder().metrics(source).build();
        baseline(c);
        return apply(c, release("2.0.0", canary().steps(10, 100).bake(Duration.ofMinutes(5)).analysis(a -> {
            a.errorRateBelow(0.01).p99LatencyBelow(Duration.ofMillis(300));
            analysis.accept(a);
        })));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} = {1}")
    @org.junit.jupiter.params.provider.CsvSource({"ERROR_RATE, -0.5", "ERROR_RATE, 1.7", "ERROR_RATE, NaN",
            "LATENCY_P99, -20", "LATENCY_P99, Infinity"})
    void aValueThatCannotBeTrueIsAnErrorNeverAPass(dev.cutover.analysis.MetricQuery.Kind kind, double value) {
        MetricSource source = (q, ctx) -> Measurement.of(q.kind() == kind ? value : 1.0 / 1000);
        Deployment d = gated(source, a -> a.consecutiveErrorLimit(1).metricOutageTimeout(Duration.ofMinutes(10)));
        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(d.statusReason()).contains("impossible value", "metric outage timeout");
        assertThat(newWeights(d)).doesNotContain(100);
        assertThat(events(d, DeploymentEvent.AnalysisCompleted.class)).extracting(DeploymentEvent.AnalysisCompleted::verdict)
                .containsOnly("ERROR");
    }

    @Test
    void aMetricSourceOutagePausesSafelyAndTheRolloutGoesOnWhenItAnswersAgain() {
        AtomicBoolean down = new AtomicBoolean(true);
        MetricSource source = (q, ctx) -> down.get() ? Measurement.error("datadog: 503 service unavailable")
                : Measurement.of(q.kind() == dev.cutover.analysis.MetricQuery.Kind.ERROR_RATE ? 0.001 : 120);
        Deployment d = gated(source, a -> a.consecutiveErrorLimit(2).metricOutageTimeout(Duration.ofMinutes(30)));
        time.runUntil(() -> d.status() == DeploymentStatus.PAUSED);
        assertThat(d.statusReason()).contains("metric source", "unavailable", "503", "paused safely", "rolls back if");
        Map<String, Integer> held = routeWeights();
        time.advance(Duration.ofMinutes(20));
        assertThat(d.status()).isEqualTo(DeploymentStatus.PAUSED);
        assertThat(routeWeights()).as("nothing moves during the outage").isEqualTo(held);
        down.set(false);
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(newWeights(d)).containsExactly(10, 100);
        assertThat(journal.read(d.id())).anyMatch(e -> e.type().equals("resumed") && "metric source answered".equals(e.get("by")));
    }

    @Test
    void aMetricSourceOutageLongerThanTheLimitRollsBackAndSaysSo() {
        MetricSource source = (q, ctx) -> Measurement.error("datadog: 429 rate limited");
        Deployment d = gated(source, a -> a.consecutiveErrorLimit(2).metricOutageTimeout(Duration.ofMinutes(15)));
        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(d.statusReason()).startsWith("metric source").contains("could not answer for 15m", "429",
                "metric outage timeout of 15m");
        // the tag is the engine's typed reason; reading the message's words made this one "error"
        assertThat(meters.find("cutover.rollbacks").tag("reason", "metric-outage").counter().count()).isEqualTo(1.0);
    }

    @Test
    void anInconclusivePauseRollsBackAfterItsTimeoutAndSaysWhy() {
        MetricSource source = (q, ctx) -> Measurement.noData("no requests yet");
        Deployment d = gated(source, a -> a.inconclusiveTimeout(Duration.ofMinutes(45)));
        time.runUntil(() -> d.status() == DeploymentStatus.PAUSED);
        assertThat(d.statusReason()).contains("inconclusive", "rolls back by itself after 45m");
        Instant pausedAt = now();
        time.advance(Duration.ofMinutes(44));
        assertThat(d.status()).isEqualTo(DeploymentStatus.PAUSED);
        time.advance(Duration.ofMinutes(2));
        assertThat(d.status()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(d.statusReason()).contains("analysis inconclusive at 10%", "no decision within the inconclusive timeout of 45m");
        assertThat(Duration.between(pausedAt, events(d, DeploymentEvent.RolledBack.class).get(0).at()))
                .isEqualTo(Duration.ofMinutes(45));
    }

    // ------------------------------------------------------------ a torn journal line

    @Test
    void aTornLastJournalLineIsIgnoredOnResumeWithAWarningAndCutOffByTheNextAppend(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws java.io.IOException {
        dev.cutover.journal.FileJournalStore files = new dev.cutover.journal.FileJournalStore(dir);
        RevisionRef old = baseline(builder().journal(files).build());
        dev.cutover.time.MortalScheduler mortal = new dev.cutover.time.MortalScheduler(time);
        CrashResumeFaultTest.DyingJournal dying = new CrashResumeFaultTest.DyingJournal(files, 6);
        Cutover doomed = builder().journal(dying).scheduler(mortal).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            apply(doomed, release("2.0.0", canary()));
            time.runUntil(() -> false);
        }).isInstanceOf(CrashResumeFaultTest.ProcessDeath.class);
        mortal.dead = true;
        java.nio.file.Path file = dir.resolve(dying.deploymentId + ".jsonl");
        // the process died in the middle of its seventh append: half a line, no newline
        String seventh = dev.cutover.journal.JournalCodec.encode(new JournalEntry(dying.deploymentId, 7, now(), "intent",
                Map.of("action", "shift", "weights", "x=50")));
        java.nio.file.Files.writeString(file, seventh.substring(0, seventh.length() / 2),
                java.nio.file.StandardOpenOption.APPEND);

        assertThat(files.read(dying.deploymentId)).hasSize(6);
        Cutover survivor = builder().journal(files).deployer("cutover@host-b").build();
        assertThat(survivor.resume(dying.deploymentId).await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(assertSettled(cloud, files, dying.deploymentId, time.clock())).isEqualTo(old);
        assertThat(java.nio.file.Files.readAllLines(file)).allSatisfy(l -> assertThat(l).startsWith("{").endsWith("}"));
    }
}

package dev.cutover;

import static dev.cutover.Strategies.allAtOnce;
import static dev.cutover.Strategies.blueGreen;
import static dev.cutover.Strategies.canary;
import static dev.cutover.Strategies.linear;
import static dev.cutover.Strategies.rolling;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.JournalStore;
import dev.cutover.spi.RevisionRef;
import dev.cutover.time.MortalScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Process death at every step boundary, with and without a seeded fault injector (throttling,
 * 5xx, timeouts), followed by {@code resume} from a new Cutover over the same provider and journal:
 * after each, 100% of traffic is on exactly one healthy revision, nothing is orphaned, the journal
 * ends with 'finished' and the lock is free.
 */
class CrashResumeFaultTest {

    /** The process died: escapes the engine (it only catches RuntimeException) and ends that Cutover's work. */
    static final class ProcessDeath extends Error {
        ProcessDeath() {
            super("simulated process death", null, false, false);
        }
    }

    /** A journal that lets {@code budget} appends through, then kills the process on the next one. */
    static final class DyingJournal implements JournalStore {
        private final JournalStore inner;
        private int budget;
        String deploymentId;

        DyingJournal(JournalStore inner, int budget) {
            this.inner = inner;
            this.budget = budget;
        }

        @Override
        public synchronized void append(JournalEntry entry) {
            if (budget-- <= 0) {
                throw new ProcessDeath();
            }
            deploymentId = entry.deploymentId();
            inner.append(entry);
        }

        @Override
        public List<JournalEntry> read(String id) {
            return inner.read(id);
        }

        @Override
        public List<String> deployments() {
            return inner.deployments();
        }
    }

    enum Artifact { HEALTHY, ERRORS, CRASHES, FAILING_SMOKE_TEST }

    private static final List<Strategy> STRATEGIES = List.of(
            canary().steps(10, 50, 100).bake(Duration.ofMinutes(2)).analysis(a -> a.errorRateBelow(0.01)),
            linear().stepPercent(50).interval(Duration.ofMinutes(1)).analysis(a -> a.errorRateBelow(0.01)),
            blueGreen().previewBake(Duration.ofMinutes(1)).bake(Duration.ofMinutes(2)).analysis(a -> a.errorRateBelow(0.01)),
            rolling().minHealthyPercent(50).maxPercent(100).bake(Duration.ofMinutes(1)),
            allAtOnce());

    /** How a world ended. */
    record Outcome(boolean crashed, RevisionRef serving, int appends) {
    }

    /**
     * Deploys 1.0.0, then 2.0.0 with {@code strategy} from a process that dies on journal append
     * number {@code crashAt} of the second deployment (never, if the deployment needs fewer), and
     * resumes from a new Cutover on another host.
     */
    static Outcome run(Strategy strategy, Artifact artifact, long seed, double faultRate, int crashAt) {
        RolloutHarness w = new RolloutHarness();
        Cutover first = w.builder().build();
        w.baseline(first);
        String bad = switch (artifact) {
            case HEALTHY -> null;
            case ERRORS -> strategy.analysis().gates().isEmpty() ? null : "errors"; // no gate measures errors otherwise
            case CRASHES -> "crashes";
            case FAILING_SMOKE_TEST -> "smoke";
        };
        InMemoryProvider.Behavior b = InMemoryProvider.Behavior.healthy();
        w.cloud.behave("orders:2.0.0", switch (artifact) {
            case HEALTHY -> b;
            case ERRORS -> b.errorRate(0.2);
            case CRASHES -> b.crashing();
            case FAILING_SMOKE_TEST -> b.hookExitCode(1);
        });

        MortalScheduler mortal = new MortalScheduler(w.time);
        DyingJournal dying = new DyingJournal(w.journal, crashAt);
        Cutover doomed = w.builder().scheduler(mortal).journal(dying).resilience(r -> r.jitterSeed(seed)).build();
        Service service = RolloutHarness.orders("2.0.0").smokeTest(Hook.command("./smoke")).build();
        boolean crashed = false;
        Deployment d = null;
        try {
            d = RolloutHarness.apply(doomed, RolloutHarness.release(service, RolloutHarness.STAGE, strategy));
            w.cloud.faults(seed, faultRate); // from here on, every provider call the rollout makes may fail
            Deployment running = d;
            java.time.Instant giveUp = w.now().plus(Duration.ofDays(1));
            // settled: the outcome, and after a success the old revision retired (the rollback window)
            w.time.runUntil(() -> running.status().isTerminal() && !doomed.running().contains(running)
                    || w.now().isAfter(giveUp));
        } catch (ProcessDeath death) {
            crashed = true;
        }
        mortal.dead = true;
        String id = dying.deploymentId;
        if (crashed) {
            Cutover survivor = w.builder().deployer("cutover@host-b").resilience(r -> r.jitterSeed(seed + 1)).build();
            Deployment resumed = survivor.resume(id);
            assertThat(resumed.await()).isIn(DeploymentStatus.SUCCEEDED, DeploymentStatus.ROLLED_BACK);
        } else {
            assertThat(d.status()).as("uncrashed deployment of seed " + seed).isIn(DeploymentStatus.SUCCEEDED, DeploymentStatus.ROLLED_BACK);
        }
        w.cloud.faults(seed, 0.0);
        RevisionRef serving = RolloutHarness.assertSettled(w.cloud, w.journal, id, w.time.clock());
        if (bad != null) {
            assertThat(serving.version()).as("a bad artifact (%s) never ends up serving", bad).isEqualTo("1.0.0");
        }
        List<JournalEntry> entries = w.journal.read(id);
        int resumedAt = IntStream.range(0, entries.size()).filter(i -> entries.get(i).type().equals("resumed")
                && entries.get(i).get("by") == null)
                .findFirst().orElse(entries.size());
        boolean promotedBeforeCrash = entries.subList(0, resumedAt).stream().anyMatch(e -> e.type().equals("promoted"));
        boolean rollbackBeforeCrash = entries.subList(0, resumedAt).stream()
                .anyMatch(e -> e.type().equals("intent") && "rollback".equals(e.get("action")));
        if (crashed) {
            assertThat(serving.version()).as("resume finishes a journaled promotion, rolls back anything earlier")
                    .isEqualTo(promotedBeforeCrash && !rollbackBeforeCrash ? "2.0.0" : "1.0.0");
        }
        return new Outcome(crashed, serving, entries.size());
    }

    private static final Map<String, Integer> CLEAN_APPENDS = new ConcurrentHashMap<>();

    /** How many journal appends a crash-free deployment of this kind makes. */
    static int cleanAppends(int strategy, Artifact artifact) {
        return CLEAN_APPENDS.computeIfAbsent(strategy + "/" + artifact,
                k -> run(STRATEGIES.get(strategy), artifact, 0, 0.0, Integer.MAX_VALUE).appends());
    }

    static Stream<Arguments> everyBoundary() {
        return IntStream.range(0, STRATEGIES.size()).boxed().flatMap(s -> Stream.of(Artifact.values())
                .map(a -> Arguments.of(s, a)));
    }

    @ParameterizedTest(name = "{0}: strategy {0}, {1} artifact")
    @MethodSource("everyBoundary")
    void aCrashAtEveryStepBoundaryResumesToOneHealthyRevision(int strategy, Artifact artifact) {
        int appends = cleanAppends(strategy, artifact);
        assertThat(appends).isGreaterThan(3);
        for (int crashAt = 1; crashAt < appends; crashAt++) {
            Outcome o = run(STRATEGIES.get(strategy), artifact, crashAt, 0.0, crashAt);
            assertThat(o.crashed()).as("crash at append %d of %d", crashAt + 1, appends).isTrue();
        }
    }

    static IntStream seeds() {
        return IntStream.rangeClosed(1, 200);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void seededFaultsAndACrashAnywhereStillEndOnOneHealthyRevision(int seed) {
        Random r = new Random(seed);
        int strategy = r.nextInt(STRATEGIES.size());
        Artifact artifact = Artifact.values()[r.nextInt(Artifact.values().length)];
        double faultRate = 0.05 + r.nextDouble() * 0.25;
        int crashAt = 1 + r.nextInt(cleanAppends(strategy, artifact) + 2);
        run(STRATEGIES.get(strategy), artifact, seed, faultRate, crashAt);
    }
}

package dev.cutover.aws;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.locks.InMemoryLocks;
import dev.cutover.Release;
import dev.cutover.Strategy;
import dev.cutover.analysis.Measurement;
import dev.cutover.analysis.MetricGate;
import dev.cutover.analysis.MetricSource;
import dev.cutover.aws.AwsWorld.Deployer;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.journal.InMemoryJournalStore;
import dev.cutover.journal.JournalEntry;
import dev.cutover.spi.LockManager;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's lifecycle on the AWS provider against the local cloud, in virtual time: an Error in
 * a rollout action, a lock that cannot be renewed, a shutdown mid-canary and the resume after it.
 */
class AwsLifecycleEndToEndTest {

    private final AwsWorld world = new AwsWorld();
    private final Environment stage = AwsFixture.meshEnv();
    private final InMemoryJournalStore journal = new InMemoryJournalStore();

    private static final Strategy CANARY = canary().steps(25, 50, 75, 100).bake(Duration.ofMinutes(2))
            .analysis(a -> a.gate(MetricGate.errorRateBelow(0.01)).interval(Duration.ofMinutes(1)));

    @AfterEach
    void close() {
        world.close();
    }

    private static Release release(String version, Strategy strategy, Environment env) {
        return Release.of(AwsFixture.orders(version)).to(env).strategy(strategy).build();
    }

    private static Deployment start(Deployer d, Release r) {
        return d.cutover().apply(d.cutover().plan(r));
    }

    private Map<String, Integer> weights(Deployer d) {
        return d.aws().traffic().orElseThrow().weights("stage", "orders");
    }

    private static long shifts(Deployment d) {
        return d.events().stream().filter(e -> e instanceof DeploymentEvent.TrafficShifted).count();
    }

    @Test
    void anErrorThrownInARolloutActionRollsBackToOneRevisionAndFreesTheLock() {
        AtomicInteger calls = new AtomicInteger();
        Deployer d = world.deployer(p -> { }, (time, c) -> {
            MetricSource datadog = world.datadog(time);
            c.journal(journal).metrics((q, ctx) -> {
                if (calls.incrementAndGet() == 4) {
                    throw new NoClassDefFoundError("com/example/MissingMetricsClass");
                }
                return datadog.measure(q, ctx);
            });
        });
        assertThat(start(d, release("1.0.0", dev.cutover.Strategies.allAtOnce(), stage)).await())
                .isEqualTo(DeploymentStatus.SUCCEEDED);
        Deployment dep = start(d, release("2.0.0", CANARY, stage));
        assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(dep.statusReason()).contains("unexpected failure", "NoClassDefFoundError");
        assertThat(weights(d)).isEqualTo(Map.of("stage-orders:1", 100));
        assertThat(d.aws().compute().orElseThrow().revisions("stage", "orders")).extracting(r -> r.id())
                .containsExactly("stage-orders:1");
        assertThat(journal.read(dep.id())).extracting(JournalEntry::type).last().isEqualTo("finished");
        // the lock was released: the next deployment starts at once
        assertThat(start(d, release("3.0.0", dev.cutover.Strategies.allAtOnce(), stage)).await())
                .isEqualTo(DeploymentStatus.SUCCEEDED);
    }

    /** Locks whose renewal fails (the lock service does not answer) once {@code down} is set. */
    private static LockManager unreachableWhen(AtomicBoolean down, LockManager inner) {
        return (key, owner, lease) -> {
            LockManager.LockHandle h = inner.acquire(key, owner, lease);
            return new LockManager.LockHandle() {
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
                    if (down.get()) {
                        throw new IllegalStateException("lock service unreachable");
                    }
                    h.renew();
                }

                @Override
                public void close() {
                    h.close();
                }
            };
        };
    }

    @Test
    void aRolloutWhoseLockLeaseRunsOutUnrenewedStopsShiftingTrafficAndSaysSo() {
        AtomicBoolean down = new AtomicBoolean();
        Deployer d = world.deployer(p -> { }, (time, c) -> c.journal(journal)
                .locks(unreachableWhen(down, new InMemoryLocks(time.clock()))));
        assertThat(start(d, release("1.0.0", dev.cutover.Strategies.allAtOnce(), stage)).await())
                .isEqualTo(DeploymentStatus.SUCCEEDED);
        Deployment dep = start(d, release("2.0.0", canary().steps(25, 50, 75, 100).bake(Duration.ofMinutes(2)), stage));
        d.time().runUntil(() -> shifts(dep) >= 1);
        Map<String, Integer> split = weights(d);
        assertThat(split).hasSize(2);
        down.set(true);
        assertThat(dep.await()).isEqualTo(DeploymentStatus.STOPPED);
        assertThat(dep.statusReason()).contains("could not renew the lock", "lock service unreachable");
        assertThat(shifts(dep)).as("no shift after the lease could not be renewed").isEqualTo(1);
        d.time().advance(Duration.ofHours(1));
        assertThat(weights(d)).isEqualTo(split);
        assertThat(journal.read(dep.id())).extracting(JournalEntry::type).last().isEqualTo("stopped");
    }

    @Test
    void aShutdownMidCanaryStopsInPlaceJournaledAndANewProcessResumesToOneRevision() {
        Deployer first = world.deployer(p -> { }, c -> c.journal(journal).shutdownHook(false));
        assertThat(start(first, release("1.0.0", dev.cutover.Strategies.allAtOnce(), stage)).await())
                .isEqualTo(DeploymentStatus.SUCCEEDED);
        Deployment dep = start(first, release("2.0.0", canary().steps(25, 50, 100).bake(Duration.ofMinutes(2)), stage));
        first.time().runUntil(() -> shifts(dep) >= 2);
        Map<String, Integer> split = weights(first);
        assertThat(split).hasSize(2);

        assertThat(first.cutover().shutdown()).containsExactly(dep);
        assertThat(dep.status()).isEqualTo(DeploymentStatus.STOPPED);
        first.time().advance(Duration.ofHours(1));
        assertThat(weights(first)).as("nothing acts after the shutdown").isEqualTo(split);
        JournalEntry last = journal.read(dep.id()).get(journal.read(dep.id()).size() - 1);
        assertThat(last.type()).isEqualTo("stopped");
        assertThat(last.get("reason")).contains("shutting down");

        try (Deployer second = world.deployer(p -> p.environment(stage), c -> c.journal(journal))) {
            Deployment resumed = second.cutover().resume(dep.id());
            assertThat(resumed.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
            assertThat(weights(second)).isEqualTo(Map.of("stage-orders:1", 100));
            assertThat(second.aws().compute().orElseThrow().revisions("stage", "orders")).extracting(r -> r.id())
                    .containsExactly("stage-orders:1");
        }
    }

    // ------------------------------------------------------------ when a deployment is done

    @Test
    void awaitReturnsWhenTheNewRevisionServesAllTrafficAndTheOldOneIsRetiredAfterTheWindow() {
        Deployer d = world.deployer(p -> { }, (time, c) -> c.journal(journal).rollbackWindow(Duration.ofMinutes(5))
                .metrics(world.datadog(time)));
        assertThat(start(d, release("1.0.0", dev.cutover.Strategies.allAtOnce(), stage)).await())
                .isEqualTo(DeploymentStatus.SUCCEEDED);
        java.time.Instant begin = d.time().clock().instant();
        Deployment dep = start(d, release("2.0.0", dev.cutover.Strategies.blueGreen().previewBake(Duration.ZERO)
                .bake(Duration.ZERO).analysis(a -> a.gate(MetricGate.errorRateBelow(0.01))), stage));
        assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(Duration.between(begin, d.time().clock().instant())).as("zero bake, no rollback window in await()")
                .isLessThan(Duration.ofMinutes(3));
        assertThat(weights(d)).isEqualTo(Map.of("stage-orders:2", 100));
        assertThat(d.aws().compute().orElseThrow().revisions("stage", "orders")).extracting(r -> r.id())
                .as("the old revision is kept warm").containsExactly("stage-orders:1", "stage-orders:2");

        assertThat(dep.awaitRetirement()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(d.aws().compute().orElseThrow().revisions("stage", "orders")).extracting(r -> r.id())
                .containsExactly("stage-orders:2");
        assertThat(world.cloud.appMesh().serviceDiscovery("internal", "stage-orders_1")).as("old virtual node").isEmpty();
        assertThat(journal.read(dep.id())).extracting(JournalEntry::type).last().isEqualTo("finished");
    }

    // ------------------------------------------------------------ what a gate may believe (Datadog on the local cloud)

    @Test
    void theDatadogSourceMeasuresOnlyTheAnalysedRevisionsSeriesNeverAnAverageOfSeveral() {
        Deployer d = world.deployer(p -> { }, (time, c) -> c.journal(journal).metrics(
                dev.cutover.datadog.DatadogMetricSource.builder().uri(world.cloud.endpoint()).scheduler(time)
                        .apiKey(dev.cutover.localcloud.Datadog.DEFAULT_API_KEY)
                        .applicationKey(dev.cutover.localcloud.Datadog.DEFAULT_APPLICATION_KEY)
                        // every revision's series at once, grouped by revision (and cluster: "{revision}" alone is a placeholder)
                        .template(dev.cutover.analysis.MetricQuery.Kind.ERROR_RATE,
                                "avg:cutover.sim.error_rate{*} by {revision,cluster}")
                        .build()));
        assertThat(start(d, release("1.0.0", dev.cutover.Strategies.allAtOnce(), stage)).await())
                .isEqualTo(DeploymentStatus.SUCCEEDED);
        world.cloud.images().behave("repo/orders:2.0.0", b -> b.errorRate(0.3));
        // averaged with the old revision's clean series, 0.3 would look like about 0.15 and pass
        Deployment dep = start(d, release("2.0.0", canary().steps(50, 100).bake(Duration.ofMinutes(5))
                .analysis(a -> a.gate(MetricGate.errorRateBelow(0.2)).initialDelay(Duration.ofMinutes(1))), stage));
        assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(dep.statusReason()).contains("analysis failed at 50%", "error rate");
        assertThat(weights(d)).isEqualTo(Map.of("stage-orders:1", 100));
    }

    @Test
    void aDatadogRateLimitOutagePausesTheRolloutSafelyAndItSucceedsWhenDatadogAnswersAgain() {
        Deployer d = world.deployer(p -> { }, (time, c) -> c.journal(journal).metrics(world.datadog(time)));
        assertThat(start(d, release("1.0.0", dev.cutover.Strategies.allAtOnce(), stage)).await())
                .isEqualTo(DeploymentStatus.SUCCEEDED);
        Deployment dep = start(d, release("2.0.0", canary().steps(50, 100).bake(Duration.ofMinutes(5))
                .analysis(a -> a.gate(MetricGate.errorRateBelow(0.01)).initialDelay(Duration.ofMinutes(1))
                        .consecutiveErrorLimit(2).metricOutageTimeout(Duration.ofHours(2))), stage));
        d.time().runUntil(() -> shifts(dep) >= 1);
        world.cloud.datadog().queryRateLimit(1, Duration.ofHours(1)); // every query after the first gets 429 for an hour
        d.time().runUntil(() -> dep.status() == DeploymentStatus.PAUSED);
        assertThat(dep.statusReason()).contains("metric source", "429", "paused safely");
        Map<String, Integer> held = weights(d);
        assertThat(held).hasSize(2);
        dep.await(Duration.ofMinutes(30));
        assertThat(dep.status()).isEqualTo(DeploymentStatus.PAUSED);
        assertThat(weights(d)).as("nothing moves while Datadog cannot answer").isEqualTo(held);
        world.cloud.datadog().queryRateLimit(0, Duration.ofHours(1));
        assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(weights(d)).isEqualTo(Map.of("stage-orders:2", 100));
    }

    // ------------------------------------------------------------ migrations before the code that needs them

    @Test
    void aMigrationRunsWithTheNewImageBeforeTheNewRevisionStartsAndAFailingOneEndsTheDeploymentBeforeAnyNewTask() {
        Deployer d = world.deployer(p -> { }, c -> c.journal(journal));
        assertThat(start(d, release("1.0.0", dev.cutover.Strategies.allAtOnce(), stage)).await())
                .isEqualTo(DeploymentStatus.SUCCEEDED);
        world.cloud.images().behave("repo/orders:2.0.0", dev.cutover.localcloud.ImageBehavior.exitsWith(2));
        Deployment failing = start(d, Release.of(AwsFixture.orders("2.0.0").toBuilder()
                .preDeploy(dev.cutover.Hook.command("./migrate", "up")).build()).to(stage).strategy(canary()).build());
        assertThat(failing.await()).isEqualTo(DeploymentStatus.FAILED);
        assertThat(failing.statusReason()).contains("pre-deploy hook failed with exit code 2", "no new task ran");
        assertThat(failing.events()).noneMatch(e -> e instanceof DeploymentEvent.RevisionStarted
                || e instanceof DeploymentEvent.TrafficShifted);
        assertThat(failing.events()).filteredOn(e -> e instanceof DeploymentEvent.HookCompleted).singleElement()
                .asString().contains("exit 2", "task arn:aws:ecs:");
        assertThat(weights(d)).isEqualTo(Map.of("stage-orders:1", 100));
        assertThat(d.aws().compute().orElseThrow().revisions("stage", "orders")).extracting(r -> r.id())
                .as("no ECS service of the new revision was created").containsExactly("stage-orders:1");

        Deployment ok = start(d, Release.of(AwsFixture.orders("3.0.0").toBuilder()
                .preDeploy(dev.cutover.Hook.command("./migrate", "up")).build()).to(stage)
                .strategy(canary().steps(50, 100).bake(Duration.ofMinutes(1))).build());
        assertThat(ok.await()).as(ok.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(ok.events().stream().filter(e -> e instanceof DeploymentEvent.HookCompleted
                || e instanceof DeploymentEvent.RevisionStarted).map(e -> e.getClass().getSimpleName()).toList())
                .containsExactly("HookCompleted", "RevisionStarted");
        assertThat(journal.read(ok.id())).filteredOn(e -> "pre-deploy".equals(e.get("action")) && e.type().equals("done"))
                .singleElement().satisfies(e -> assertThat(e.get("task")).startsWith("arn:aws:ecs:"));
    }
}

package dev.cutover.aws;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.aws.AwsWorld.Deployer;
import dev.cutover.aws.AwsWorld.SimulatedCrash;
import dev.cutover.journal.InMemoryJournalStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A deployer killed at every provider call boundary of a multi-call step — start revision (task
 * definition, Cloud Map service, virtual node, ECS service, scalable target) and retire (ECS service,
 * scalable target, virtual node, Cloud Map service), the retire of the old revision after promotion
 * and the retire of a bad new revision in a rollback — then resumed by a new process: the cloud ends
 * with exactly the serving revision's resources and all traffic on it.
 */
class AwsCrashResumeNoOrphansTest {

    private final Environment stage = AwsFixture.meshEnv();

    private static Service orders(String version) {
        return AwsFixture.orders(version).toBuilder().scaling(s -> s.min(2).max(4).targetCpuPercent(60)).build();
    }

    private Release next() {
        return Release.of(orders("2.0.0")).to(stage).strategy(canary().steps(50, 100).bake(Duration.ofMinutes(1))).build();
    }

    /** A world with 1.0.0 serving, and a crashing deployer with its journal. */
    private record Run(AwsWorld world, CrashingProvider crash, InMemoryJournalStore journal, Deployer deployer) {
    }

    private Run setUp(boolean badNext) {
        AwsWorld world = new AwsWorld();
        if (badNext) {
            world.cloud.images().behave("repo/orders:2.0.0", b -> b.crashOnStart(true));
        }
        InMemoryJournalStore journal = new InMemoryJournalStore();
        CrashingProvider[] crash = new CrashingProvider[1];
        Deployer d = world.deployer(p -> { }, aws -> crash[0] = new CrashingProvider(aws),
                (time, c) -> c.journal(crash[0].journal(journal)));
        Deployment first = d.cutover().apply(d.cutover().plan(Release.of(orders("1.0.0")).to(stage).build()));
        assertThat(first.await()).as(first.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        return new Run(world, crash[0], journal, d);
    }

    /**
     * The crash points: after each provider call from the one before a step's intent is journaled to
     * the last one of the step (start-revision, and each retire; with a bad new revision only the
     * retires of its rollback), counted from a dry run.
     */
    private List<Integer> crashPoints(boolean badNext) {
        Run dry = setUp(badNext);
        try {
            dry.crash().record();
            Deployment d = dry.deployer().cutover().apply(dry.deployer().cutover().plan(next()));
            assertThat(d.await()).as(d.statusReason())
                    .isEqualTo(badNext ? DeploymentStatus.ROLLED_BACK : DeploymentStatus.SUCCEEDED);
            List<Integer> points = new ArrayList<>();
            int call = 0;
            boolean inStep = false;
            for (String c : dry.crash().calls()) {
                if (c.startsWith(CrashingProvider.JOURNAL)) {
                    String what = c.substring(CrashingProvider.JOURNAL.length());
                    if (what.equals("intent retire") || what.equals("intent start-revision") && !badNext) {
                        inStep = true;
                        if (call > 0 && !points.contains(call)) {
                            points.add(call); // dies right before the step's first call
                        }
                    } else if (what.equals("revision-started") || what.equals("done retire")) {
                        inStep = false;
                    }
                    continue;
                }
                call++;
                if (inStep) {
                    points.add(call);
                }
            }
            return points;
        } finally {
            AwsWorld.closeDead(dry.deployer());
            dry.world().close();
        }
    }

    @TestFactory
    Stream<DynamicTest> aCrashAtEveryProviderCallOfStartRevisionAndRetireLeavesOnlyTheServingRevision() {
        List<Integer> points = crashPoints(false);
        assertThat(points).as("start-revision and retire make calls").hasSizeGreaterThan(8);
        return points.stream().map(n -> DynamicTest.dynamicTest("crash after provider call " + n, () -> crashAndResume(n, false)));
    }

    @TestFactory
    Stream<DynamicTest> aCrashAtEveryProviderCallOfARollbacksRetireLeavesOnlyThePreviousRevision() {
        List<Integer> points = crashPoints(true);
        assertThat(points).as("the rollback's retire makes calls").hasSizeGreaterThan(3);
        return points.stream().map(n -> DynamicTest.dynamicTest("crash after provider call " + n, () -> crashAndResume(n, true)));
    }

    private void crashAndResume(int n, boolean badNext) {
        Run run = setUp(badNext);
        try (AwsWorld world = run.world()) {
            run.crash().crashAfter(n);
            Deployment d = run.deployer().cutover().apply(run.deployer().cutover().plan(next()));
            try {
                d.await();
            } catch (SimulatedCrash expected) {
                // the process died
            }
            assertThat(run.crash().crashed()).as("crashed after call %d: %s", n, run.crash().calls()).isTrue();

            try (Deployer second = world.deployer(p -> p.environment(stage), c -> c.journal(run.journal()))) {
                Deployment resumed = second.cutover().resume(d.id());
                assertThat(resumed.await()).as(resumed.statusReason())
                        .isIn(DeploymentStatus.ROLLED_BACK, DeploymentStatus.SUCCEEDED);
                Map<String, Integer> weights = second.aws().traffic().orElseThrow().weights("stage", "orders");
                assertThat(weights).as("100% on exactly one revision").hasSize(1).containsValue(100);
                String serving = weights.keySet().iterator().next();
                if (badNext) {
                    assertThat(serving).as("the bad revision never keeps traffic").isEqualTo("stage-orders:1");
                }
                String node = Names.perRevision(serving);

                world.cloud.faults().reset();
                CloudInventory.Snapshot s = CloudInventory.of(world.cloud, "stage", "orders").cluster("main").mesh("internal")
                        .namespace("stage.local").read();
                String where = "crash after call " + n + " (" + run.crash().lastCall() + "), resumed " + resumed.status() + ": " + s;
                assertThat(s.revisionsWithResources()).as(where).containsExactly(serving);
                assertThat(s.ecsServices()).as(where).containsExactly(node);
                assertThat(s.virtualNodes()).as(where).containsExactly(node);
                assertThat(s.cloudMapServices().keySet()).as(where).containsExactlyInAnyOrder("orders", node);
                assertThat(s.scalableTargets()).as(where).containsExactly("service/main/" + node);
                assertThat(s.routes()).as(where).containsExactly("stage-orders/stage-orders");
                assertThat(s.taskDefinitions()).as(where).contains(serving);
            }
        } finally {
            AwsWorld.closeDead(run.deployer());
        }
    }

    /** Names as the AWS provider gives them (kept here so the test reads without the internal package). */
    private static final class Names {
        static String perRevision(String revision) {
            return revision.replace(':', '_');
        }
    }
}

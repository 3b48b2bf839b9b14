package dev.cutover.aws;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Strategies;
import dev.cutover.analysis.MetricGate;
import dev.cutover.aws.AwsWorld.Deployer;
import dev.cutover.aws.AwsWorld.SimulatedCrash;
import dev.cutover.journal.InMemoryJournalStore;
import dev.cutover.localcloud.ImageBehavior;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Service Connect mode (ECS native canary moves the traffic), a bad new revision: a deployer killed at
 * a provider call between starting the new revision and the rollback (ECS's canary deployment in
 * flight, traffic about to move or partly moved), then resumed by a new process. Resume rolls back:
 * 100% on the previous revision, which stays there once ECS's canary bake would have ended, never on
 * the bad revision (chaos seed 62, docs/reliability.md).
 */
class AwsServiceConnectCrashResumeTest {

    private final Environment test = AwsFixture.serviceConnectEnv();

    private Release next() {
        return Release.of(AwsFixture.orders("2.0.0")).to(test).strategy(canary().steps(25, 100).bake(Duration.ofMinutes(1))
                .analysis(an -> an.gate(MetricGate.errorRateBelow(0.05)).initialDelay(Duration.ofSeconds(30))
                        .interval(Duration.ofSeconds(30)).inconclusiveLimit(2))).build();
    }

    private record Run(AwsWorld world, CrashingProvider crash, InMemoryJournalStore journal, Deployer deployer) {
    }

    /** 1.0.0 serves; 2.0.0 answers 40% of requests with errors. */
    private Run setUp() {
        AwsWorld world = new AwsWorld();
        world.cloud.images().behave("repo/orders:2.0.0", ImageBehavior.errorRate(0.4));
        InMemoryJournalStore journal = new InMemoryJournalStore();
        CrashingProvider[] crash = new CrashingProvider[1];
        Deployer d = world.deployer(p -> { }, aws -> crash[0] = new CrashingProvider(aws),
                (time, c) -> c.journal(crash[0].journal(journal)).metrics(world.datadog(time)));
        Deployment first = d.cutover().apply(d.plan(Release.of(AwsFixture.orders("1.0.0")).to(test)
                .strategy(Strategies.allAtOnce()).build()));
        assertThat(first.await()).as(first.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        return new Run(world, crash[0], journal, d);
    }

    /** Every provider call from the start of the new revision up to the rollback's intent, from a dry run. */
    private List<Integer> crashPoints() {
        Run dry = setUp();
        try {
            dry.crash().record();
            Deployment d = dry.deployer().cutover().apply(dry.deployer().plan(next()));
            assertThat(d.await()).as(d.statusReason()).isEqualTo(DeploymentStatus.ROLLED_BACK);
            List<Integer> points = new ArrayList<>();
            int call = 0;
            boolean inWindow = false;
            for (String c : dry.crash().calls()) {
                if (c.startsWith(CrashingProvider.JOURNAL)) {
                    String what = c.substring(CrashingProvider.JOURNAL.length());
                    if (what.equals("intent start-revision")) {
                        inWindow = true;
                    } else if (what.equals("intent rollback")) {
                        inWindow = false;
                    }
                    continue;
                }
                call++;
                if (inWindow) {
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
    Stream<DynamicTest> aDeployerKilledDuringTheNativeCanaryAndResumedLeavesAllTrafficOnThePreviousRevision() {
        List<Integer> points = crashPoints();
        assertThat(points).as("the canary makes calls before its rollback").hasSizeGreaterThan(5);
        return points.stream().map(n -> DynamicTest.dynamicTest("crash after provider call " + n, () -> crashAndResume(n)));
    }

    private void crashAndResume(int n) {
        Run run = setUp();
        try (AwsWorld world = run.world()) {
            run.crash().crashAfter(n);
            Deployment d = run.deployer().cutover().apply(run.deployer().plan(next()));
            try {
                d.await();
            } catch (SimulatedCrash expected) {
                // the process died
            }
            assertThat(run.crash().crashed()).as("crashed after call %d: %s", n, run.crash().calls()).isTrue();

            try (Deployer second = world.deployer(p -> p.environment(test),
                    (time, c) -> c.journal(run.journal()).metrics(world.datadog(time)))) {
                Deployment resumed = second.cutover().resume(d.id());
                assertThat(resumed.await()).as(resumed.statusReason()).isEqualTo(DeploymentStatus.ROLLED_BACK);
                String where = "crash after call " + n + " (" + run.crash().lastCall() + ")";
                var traffic = second.aws().traffic().orElseThrow();
                assertThat(traffic.weights("test", "orders")).as(where + ", when resume finished")
                        .isEqualTo(Map.of("test-orders:1", 100));
                // long after ECS's canary bake (1 min) and its deployment would have ended
                second.time().advance(Duration.ofMinutes(15));
                assertThat(traffic.weights("test", "orders")).as(where + ", 15 minutes later")
                        .isEqualTo(Map.of("test-orders:1", 100));
                assertThat(second.aws().compute().orElseThrow().revisions("test", "orders"))
                        .as(where + ": only the previous revision runs").extracting(r -> r.id()).containsExactly("test-orders:1");
            }
        } finally {
            AwsWorld.closeDead(run.deployer());
        }
    }
}

package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.aws.AwsWorld.Deployer;
import dev.cutover.aws.AwsWorld.SimulatedCrash;
import dev.cutover.journal.InMemoryJournalStore;
import dev.cutover.journal.JournalEntry;
import dev.cutover.localcloud.ImageBehavior;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * LOAD_BALANCER mode: a failed first deployment (no revision ever held traffic) leaves nothing of the
 * service behind but what bootstrap owns (the load balancer and listener Cutover created): no ECS service,
 * target group, listener rule or scalable target; the journal names what was retired; a fresh process's
 * next plan creates the service again. A crash at any provider call of that cleanup is completed by
 * {@code resume} in a new process. Everything is read back through the real SDK from the local cloud.
 */
class AwsLoadBalancerFailedFirstTest {

    private final Environment prod = Environment.named("prod").region("us-east-1").cluster("main")
            .network(n -> n.vpc("vpc-0a1b2c3d").subnets("subnet-0a1b2c3d", "subnet-4e5f6a7b").securityGroups("sg-0a1b2c3d"))
            .loadBalancer(lb -> lb.name("orders-alb").create(true))
            .build();

    private static Service orders(String version) {
        return AwsFixture.orders(version).toBuilder().scaling(s -> s.min(2).max(4).targetCpuPercent(60)).build();
    }

    private Release first() {
        return Release.of(orders("1.0.0")).to(prod).build();
    }

    /** A world whose 1.0.0 never passes the target group's health checks, and a deployer journaling to {@code journal}. */
    private static final java.util.regex.Pattern WRITE =
            java.util.regex.Pattern.compile("Create|Update|Delete|Modify|Deregister|Register|Put|Stop");

    private record Run(AwsWorld world, CrashingProvider crash, InMemoryJournalStore journal, Deployer deployer) {
    }

    private Run setUp() {
        AwsWorld world = new AwsWorld();
        world.cloud.images().behave("repo/orders:1.0.0", ImageBehavior.failsHealthChecks());
        InMemoryJournalStore journal = new InMemoryJournalStore();
        CrashingProvider[] crash = new CrashingProvider[1];
        Deployer d = world.deployer(p -> { }, aws -> crash[0] = new CrashingProvider(aws),
                (time, c) -> c.journal(crash[0].journal(journal)));
        return new Run(world, crash[0], journal, d);
    }

    private static CloudInventory.Snapshot inventory(AwsWorld world) {
        world.cloud.faults().reset();
        return CloudInventory.of(world.cloud, "prod", "orders").cluster("main").loadBalancer("orders-alb").read();
    }

    /** Nothing of the service but the retained task definition; the load balancer and its listener stay (bootstrap's). */
    private static void nothingLeftBehind(AwsWorld world, String where) {
        CloudInventory.Snapshot s = inventory(world);
        assertThat(s.ecsServices()).as(where + ": ECS services " + s).isEmpty();
        assertThat(s.targetGroups()).as(where + ": target groups " + s).isEmpty();
        assertThat(s.listenerRules()).as(where + ": listener rules " + s).isEmpty();
        assertThat(s.scalableTargets()).as(where + ": scalable targets " + s).isEmpty();
        assertThat(s.runningTasks()).as(where + ": running tasks " + s).isEmpty();
        assertThat(s.revisionsWithResources()).as(where + ": " + s).isEmpty();
        // task definitions follow the revision retention as in every mode: the one registered stays ACTIVE, unused
        assertThat(s.taskDefinitions()).as(where + ": task definitions " + s).containsExactly("prod-orders:1");
        try (ElasticLoadBalancingV2Client elb = ElasticLoadBalancingV2Client.builder().endpointOverride(world.cloud.endpoint())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).credentialsProvider(AwsFixture.CREDENTIALS)
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build()) {
            String lb = elb.describeLoadBalancers(b -> b.names("orders-alb")).loadBalancers().get(0).loadBalancerArn();
            String listener = elb.describeListeners(b -> b.loadBalancerArn(lb)).listeners().get(0).listenerArn();
            assertThat(elb.describeRules(b -> b.listenerArn(listener)).rules()).as(where + ": only the listener's default rule")
                    .hasSize(1).allMatch(r -> Boolean.TRUE.equals(r.isDefault()));
            assertThat(elb.describeTargetGroups().targetGroups()).as(where + ": target groups of the account").isEmpty();
        }
    }

    /** A fresh process plans the release again as a first deployment and, once the image is good, deploys it. */
    private static void aFreshProcessCreatesAgain(AwsWorld world, Release release, String where) {
        world.cloud.images().behave("repo/orders:1.0.0", ImageBehavior.healthy());
        try (Deployer fresh = world.deployer()) {
            Plan again = fresh.plan(release);
            assertThat(again.isRollout()).as(where + ": " + again).isTrue();
            assertThat(again.toString()).as(where).contains("+ revision prod/orders", "+ route prod/orders");
            Deployment dep = fresh.cutover().apply(again);
            assertThat(dep.await()).as(where + ": " + dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(fresh.aws().traffic().orElseThrow().weights("prod", "orders")).hasSize(1).containsValue(100);
            assertThat(fresh.plan(release).isEmpty()).as(where + ": re-planning").isTrue();
        }
    }

    @Test
    void aFailedFirstDeploymentLeavesOnlyTheLoadBalancerAndTheNextPlanCreatesAgain() {
        Run run = setUp();
        try (AwsWorld world = run.world(); Deployer d = run.deployer()) {
            Deployment dep = d.cutover().apply(d.plan(first()));
            assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.FAILED);
            assertThat(dep.statusReason()).contains("no previous revision");

            nothingLeftBehind(world, "after the failed first deployment");
            List<JournalEntry> journal = run.journal().read(dep.id());
            assertThat(journal).as("the journal says what was removed")
                    .anySatisfy(e -> {
                        assertThat(e.type()).isEqualTo("done");
                        assertThat(e.data()).containsEntry("action", "retire");
                        assertThat(e.get("revision")).startsWith("prod|orders|prod-orders:1|");
                    });
            aFreshProcessCreatesAgain(world, first(), "after the failed first deployment");
        }
    }

    /**
     * The crash points, counted from a dry run: right before the cleanup's first call, and right after
     * each of its writes (a crash after a read is the same as one before the next write).
     */
    private List<Integer> crashPoints() {
        Run dry = setUp();
        try (AwsWorld world = dry.world()) {
            dry.crash().record();
            Deployment d = dry.deployer().cutover().apply(dry.deployer().cutover().plan(first()));
            assertThat(d.await()).as(d.statusReason()).isEqualTo(DeploymentStatus.FAILED);
            List<Integer> points = new ArrayList<>();
            int call = 0;
            boolean inCleanup = false;
            for (String c : dry.crash().calls()) {
                if (c.startsWith(CrashingProvider.JOURNAL)) {
                    String what = c.substring(CrashingProvider.JOURNAL.length());
                    if (what.equals("intent rollback")) {
                        inCleanup = true;
                        points.add(call); // dies right before the cleanup's first call
                    } else if (what.startsWith("finished") || what.startsWith("done rollback")) {
                        inCleanup = false;
                    }
                    continue;
                }
                call++;
                if (inCleanup && WRITE.matcher(c).lookingAt() && !points.contains(call)) {
                    points.add(call);
                }
            }
            return points;
        } finally {
            AwsWorld.closeDead(dry.deployer());
        }
    }

    @TestFactory
    Stream<DynamicTest> aCrashAtEveryProviderCallOfTheCleanupIsCompletedOnResume() {
        List<Integer> points = crashPoints();
        assertThat(points).as("the cleanup deletes the ECS service, scalable target, rule and target group").hasSizeGreaterThanOrEqualTo(5);
        return points.stream().map(n -> DynamicTest.dynamicTest("crash after provider call " + n, () -> crashAndResume(n)));
    }

    private void crashAndResume(int n) {
        Run run = setUp();
        try (AwsWorld world = run.world()) {
            run.crash().crashAfter(n);
            Deployment d = run.deployer().cutover().apply(run.deployer().cutover().plan(first()));
            try {
                d.await();
            } catch (SimulatedCrash expected) {
                // the process died
            }
            assertThat(run.crash().crashed()).as("crashed after call %d: %s", n, run.crash().calls()).isTrue();
            String where = "crash after call " + n + " (" + run.crash().lastCall() + ")";
            try (Deployer second = world.deployer(p -> p.environment(prod), c -> c.journal(run.journal()))) {
                Deployment resumed = second.cutover().resume(d.id());
                assertThat(resumed.await()).as(where + ": " + resumed.statusReason()).isEqualTo(DeploymentStatus.FAILED);
                assertThat(second.aws().traffic().orElseThrow().weights("prod", "orders")).as(where).isEqualTo(Map.of());
            }
            nothingLeftBehind(world, where);
            try (Deployer fresh = world.deployer()) {
                Plan again = fresh.plan(first());
                assertThat(again.isRollout()).as(where + ": " + again).isTrue();
                assertThat(again.toString()).as(where).contains("+ revision prod/orders", "+ route prod/orders");
            }
        } finally {
            AwsWorld.closeDead(run.deployer());
        }
    }
}

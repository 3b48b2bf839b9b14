package dev.cutover.aws;

import static dev.cutover.Strategies.blueGreen;
import static dev.cutover.Strategies.canary;
import static dev.cutover.aws.AwsFixture.orders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Plan;
import dev.cutover.Problem;
import dev.cutover.ValidationException;
import dev.cutover.Release;
import dev.cutover.Strategy;
import dev.cutover.analysis.MetricGate;
import dev.cutover.aws.AwsWorld.Deployer;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.RevisionStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupTuple;

/**
 * LOAD_BALANCER mode end to end on the local cloud (issue 13 items 1 and 2): Cutover creates the
 * ALB and its listener in bootstrap, one target group per revision with the ECS service of the
 * revision registered in it, a listener rule per service whose forward weights carry a canary
 * 10 → 50 → 100 or a blue/green; with a preview header the new revision first gets only tagged test
 * requests, analysed before any production weight. A good artifact is promoted, a bad one rolled
 * back within one analysis interval with 100% on the old target group, and nothing is left behind.
 */
class AwsLoadBalancerEndToEndTest {

    private final AwsWorld world = new AwsWorld();
    private final Environment prod = Environment.named("prod").region("us-east-1").cluster("main")
            .network(n -> n.vpc("vpc-0a1b2c3d").subnets("subnet-0a1b2c3d", "subnet-4e5f6a7b").securityGroups("sg-0a1b2c3d"))
            .loadBalancer(lb -> lb.name("orders-alb").create(true))
            .build();
    private final Environment previewed = prod.toBuilder().loadBalancer(lb -> lb.preview("x-cutover-preview", "1")).build();
    private static final Duration INTERVAL = Duration.ofMinutes(1);

    @AfterEach
    void close() {
        world.close();
    }

    private Deployer deployer() {
        return world.analysedDeployer();
    }

    private static Strategy canary10to100() {
        return canary().steps(10, 50, 100).bake(Duration.ofMinutes(3))
                .analysis(a -> a.gate(MetricGate.errorRateBelow(0.05)).interval(INTERVAL).initialDelay(INTERVAL));
    }

    static Strategy blueGreenWithAnalysis() {
        return blueGreen().previewBake(Duration.ofMinutes(3)).bake(Duration.ofMinutes(3))
                .analysis(a -> a.gate(MetricGate.errorRateBelow(0.05)).interval(INTERVAL).initialDelay(INTERVAL));
    }

    static Deployment apply(Deployer d, Release r) {
        Deployment dep = d.cutover().apply(d.plan(r));
        dep.await();
        return dep;
    }

    /** The production rule's forward: target group name to weight. */
    private Map<String, Integer> productionRule(String service) {
        try (ElasticLoadBalancingV2Client elb = world.elb()) {
            String lb = elb.describeLoadBalancers(b -> b.names("orders-alb")).loadBalancers().get(0).loadBalancerArn();
            String listener = elb.describeListeners(b -> b.loadBalancerArn(lb)).listeners().get(0).listenerArn();
            Rule rule = elb.describeRules(b -> b.listenerArn(listener)).rules().stream()
                    .filter(r -> r.conditions().size() == 1 && r.conditions().get(0).pathPatternConfig().values().contains("/" + service + "*"))
                    .findFirst().orElseThrow();
            Map<String, Integer> out = new java.util.TreeMap<>();
            for (TargetGroupTuple t : rule.actions().get(0).forwardConfig().targetGroups()) {
                out.put(t.targetGroupArn().split("/")[1], t.weight());
            }
            return out;
        }
    }

    /**
     * The preview's tagged requests (5 a second) reached ECS service {@code ecsService} of the new revision
     * between the 0% step and the switch, while it had no production weight.
     */
    static void previewedOnTaggedRequestsOnly(AwsWorld world, Deployment dep, String ecsService) {
        Instant previewStart = at(dep, DeploymentEvent.StepStarted.class, 0);
        Instant switched = at(dep, DeploymentEvent.StepStarted.class, 1);
        List<RevisionStats> preview = world.cloud.traffic().stats("main", ecsService, previewStart, switched);
        assertThat(preview).hasSize(1);
        assertThat(preview.get(0).requests()).isGreaterThan(100);
        assertThat(preview.get(0).requestRate()).isLessThan(10); // only the 5/s of test traffic, no production share
    }

    static List<Integer> stepWeights(Deployment dep) {
        return dep.events().stream().filter(e -> e instanceof DeploymentEvent.StepStarted)
                .map(e -> ((DeploymentEvent.StepStarted) e).weight()).toList();
    }

    static Instant at(Deployment dep, Class<? extends DeploymentEvent> type, int nth) {
        return dep.events().stream().filter(type::isInstance).skip(nth).findFirst().map(DeploymentEvent::at).orElseThrow();
    }

    private CloudInventory.Snapshot inventory() {
        world.cloud.faults().reset();
        return CloudInventory.of(world.cloud, "prod", "orders").cluster("main").loadBalancer("orders-alb").read();
    }

    @Test
    void planningTheFirstDeploymentOnlyReadsTheLoadBalancerItWillCreate() {
        try (Deployer d = deployer()) {
            Plan plan = d.plan(Release.of(orders("1.0.0")).to(prod).strategy(canary10to100()).build());
            assertThat(plan.requiredPermissions()).contains("elasticloadbalancing:CreateLoadBalancer");
            try (ElasticLoadBalancingV2Client elb = ElasticLoadBalancingV2Client.builder().endpointOverride(world.cloud.endpoint())
                    .region(software.amazon.awssdk.regions.Region.US_EAST_1).credentialsProvider(AwsFixture.CREDENTIALS)
                    .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build()) {
                assertThat(elb.describeLoadBalancers().loadBalancers()).as("planning created a load balancer").isEmpty();
            }
            assertThat(apply(d, Release.of(orders("1.0.0")).to(prod).strategy(canary10to100()).build()).status())
                    .isEqualTo(DeploymentStatus.SUCCEEDED); // the first start creates it
        }
    }

    @Test
    void aCanaryTenFiftyHundredPromotesAGoodArtifactAndRollsBackABadOneToTheOldTargetGroupWithinOneInterval() {
        try (Deployer d = deployer()) {
            Deployment first = apply(d, Release.of(orders("1.0.0")).to(prod).strategy(canary10to100()).build());
            assertThat(first.status()).as(first.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(productionRule("orders")).isEqualTo(Map.of("prod-orders-1", 100));

            Release good = Release.of(orders("2.0.0")).to(prod).strategy(canary10to100()).build();
            Plan plan = d.plan(good);
            assertThat(plan.toString()).contains("load balancer orders-alb", "path /orders*", "prod-orders-<n>",
                    "10% → 50% → 100%");
            assertThat(plan.requiredPermissions().toString()).contains("elasticloadbalancing:ModifyRule",
                    "listener-rule/app/orders-alb/*", "targetgroup/prod-orders-*/*");
            Deployment dep = d.cutover().apply(plan);
            assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(stepWeights(dep)).containsExactly(10, 50, 100);
            assertThat(d.aws().traffic().orElseThrow().weights("prod", "orders")).isEqualTo(Map.of("prod-orders:2", 100));
            dep.awaitRetirement();
            CloudInventory.Snapshot after = inventory();
            assertThat(after.targetGroups()).containsExactly("prod-orders-2"); // the old revision's group went with its service
            assertThat(after.ecsServices()).containsExactly("prod-orders_2");
            assertThat(after.listenerRules()).hasSize(1).allMatch(r -> r.endsWith("production"));

            world.cloud.images().behave("repo/orders:3.0.0", ImageBehavior.errorRate(0.5));
            Deployment bad = apply(d, Release.of(orders("3.0.0")).to(prod).strategy(canary10to100()).build());
            assertThat(bad.status()).as(bad.statusReason()).isEqualTo(DeploymentStatus.ROLLED_BACK);
            assertThat(stepWeights(bad)).containsExactly(10); // never got to 50%
            Duration decided = Duration.between(at(bad, DeploymentEvent.StepStarted.class, 0), at(bad, DeploymentEvent.RolledBack.class, 0));
            assertThat(decided).as("rolled back at the first analysis").isLessThanOrEqualTo(INTERVAL.plus(INTERVAL));
            assertThat(productionRule("orders")).isEqualTo(Map.of("prod-orders-2", 100));
            bad.awaitRetirement();
            assertThat(inventory().revisionsWithResources()).containsExactly("prod-orders:2");
        }
    }

    @Test
    void aBlueGreenPreviewsTheNewRevisionOnHeaderRoutedTestTrafficBeforeAnyProductionWeight() {
        try (Deployer d = deployer()) {
            assertThat(apply(d, Release.of(orders("1.0.0")).to(previewed).strategy(blueGreenWithAnalysis()).build()).status())
                    .isEqualTo(DeploymentStatus.SUCCEEDED);
            world.cloud.traffic().rate("orders-alb:80/orders [x-cutover-preview: 1]", 5);

            Release good = Release.of(orders("2.0.0")).to(previewed).strategy(blueGreenWithAnalysis()).build();
            assertThat(d.plan(good).toString()).contains("preview on header x-cutover-preview: 1");
            Deployment dep = apply(d, good);
            assertThat(dep.status()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(stepWeights(dep)).containsExactly(0, 100);
            previewedOnTaggedRequestsOnly(world, dep, "prod-orders_2");
            dep.awaitRetirement();
            assertThat(inventory().listenerRules()).as("the preview rule is gone at promotion").hasSize(1)
                    .allMatch(r -> r.endsWith("production"));

            world.cloud.images().behave("repo/orders:3.0.0", ImageBehavior.errorRate(0.5));
            Deployment bad = apply(d, Release.of(orders("3.0.0")).to(previewed).strategy(blueGreenWithAnalysis()).build());
            assertThat(bad.status()).as(bad.statusReason()).isEqualTo(DeploymentStatus.ROLLED_BACK);
            assertThat(stepWeights(bad)).containsExactly(0); // rolled back in preview: never any production weight
            assertThat(bad.statusReason()).contains("analysis failed at 0%");
            assertThat(productionRule("orders")).isEqualTo(Map.of("prod-orders-2", 100));
            bad.awaitRetirement();
            CloudInventory.Snapshot after = inventory();
            assertThat(after.listenerRules()).as("the preview rule is gone at rollback").hasSize(1)
                    .allMatch(r -> r.endsWith("production"));
            assertThat(after.revisionsWithResources()).containsExactly("prod-orders:2");
        }
    }

    @Test
    void aCanaryWithAPreviewHeaderStartsWithAPreviewStep() {
        try (Deployer d = deployer()) {
            apply(d, Release.of(orders("1.0.0")).to(previewed).strategy(canary10to100()).build());
            Deployment dep = apply(d, Release.of(orders("2.0.0")).to(previewed).strategy(canary10to100()).build());
            assertThat(dep.status()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(stepWeights(dep)).containsExactly(0, 10, 50, 100);
        }
    }

    @Test
    void whatLoadBalancerModeCannotCarryOutIsRefusedAtPlanTimeBeforeAnyWrite() {
        try (Deployer d = deployer()) {
            Environment missing = Environment.named("prod").region("us-east-1").cluster("main")
                    .network(n -> n.vpc("vpc-0a1b2c3d").subnets("subnet-0a1b2c3d")).loadBalancer("no-such-alb").build();
            assertThatThrownBy(() -> d.plan(Release.of(orders("1.0.0")).to(missing).build()))
                    .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
                            .extracting(Problem::path).containsExactly("environment.loadBalancer"));
            Environment oneSubnet = missing.toBuilder().loadBalancer(lb -> lb.create(true)).build();
            assertThatThrownBy(() -> d.plan(Release.of(orders("1.0.0")).to(oneSubnet).build()))
                    .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
                            .extracting(Problem::path).containsExactly("environment.network.subnets"));
            assertThat(d.aws().apiCalls().keySet()).as("nothing was written")
                    .allMatch(a -> a.contains(":Describe") || a.contains(":List") || a.contains(":Get"));
        }
    }
}

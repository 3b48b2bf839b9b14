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
import dev.cutover.Release;
import dev.cutover.Strategy;
import dev.cutover.ValidationException;
import dev.cutover.analysis.MetricGate;
import dev.cutover.aws.AwsWorld.Deployer;
import dev.cutover.localcloud.ImageBehavior;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupTuple;

/**
 * LOAD_BALANCER mode with ECS's native deployments ({@code nativeDeployments(true)}, issue 13 item 1)
 * on the local cloud through the real SDK: one ECS service per service with a primary and an
 * alternate target group, a production listener rule and (with a preview header) a test listener
 * rule in {@code loadBalancers[].advancedConfiguration}; the strategy maps to ECS's CANARY or
 * BLUE_GREEN as in Service Connect mode, with the same plan text and plan-time refusals; a bad
 * artifact is rolled back by stopping ECS's deployment, with 100% back on the primary group.
 */
class AwsLoadBalancerNativeTest {

    static final String ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers";
    private static final Duration INTERVAL = Duration.ofMinutes(1);

    private final AwsWorld world = new AwsWorld();
    private final Environment prod = Environment.named("prod").region("us-east-1").cluster("main")
            .network(n -> n.vpc("vpc-0a1b2c3d").subnets("subnet-0a1b2c3d", "subnet-4e5f6a7b").securityGroups("sg-0a1b2c3d"))
            .loadBalancer(lb -> lb.name("orders-alb").create(true).nativeDeployments(true).infrastructureRole(ROLE))
            .build();
    private final Environment previewed = prod.toBuilder().loadBalancer(lb -> lb.preview("x-cutover-preview", "1")).build();

    @AfterEach
    void close() {
        world.close();
    }

    private Deployer deployer() {
        return world.analysedDeployer();
    }

    private static Strategy nativeCanary() {
        return canary().steps(10, 100).bake(Duration.ofMinutes(5))
                .analysis(a -> a.gate(MetricGate.errorRateBelow(0.05)).interval(INTERVAL).initialDelay(INTERVAL));
    }

    private static Deployment apply(Deployer d, Release r) {
        Deployment dep = d.cutover().apply(d.plan(r));
        dep.await();
        return dep;
    }

    /** The service's rules by their tag kind (production, test): target group name to weight. */
    private Map<String, Map<String, Integer>> rules() {
        try (ElasticLoadBalancingV2Client elb = world.elb()) {
            String lb = elb.describeLoadBalancers(b -> b.names("orders-alb")).loadBalancers().get(0).loadBalancerArn();
            String listener = elb.describeListeners(b -> b.loadBalancerArn(lb)).listeners().get(0).listenerArn();
            Map<String, Map<String, Integer>> out = new TreeMap<>();
            for (Rule rule : elb.describeRules(b -> b.listenerArn(listener)).rules()) {
                if (Boolean.TRUE.equals(rule.isDefault())) {
                    continue;
                }
                String kind = elb.describeTags(b -> b.resourceArns(rule.ruleArn())).tagDescriptions().get(0).tags().stream()
                        .filter(t -> t.key().equals("cutover:rule")).findFirst().orElseThrow().value();
                Map<String, Integer> forward = new TreeMap<>();
                for (TargetGroupTuple t : rule.actions().get(0).forwardConfig().targetGroups()) {
                    forward.put(t.targetGroupArn().split("/")[1], t.weight());
                }
                out.put(kind, forward);
            }
            return out;
        }
    }

    /** The ECS service's load balancer entry (its primary group, and the alternate one in advancedConfiguration). */
    private LoadBalancer ecsLoadBalancer() {
        try (EcsClient ecs = EcsClient.builder().endpointOverride(world.cloud.endpoint())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).credentialsProvider(AwsFixture.CREDENTIALS)
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build()) {
            var services = ecs.describeServices(b -> b.cluster("main").services("prod-orders")).services();
            assertThat(services).hasSize(1);
            return services.get(0).loadBalancers().get(0);
        }
    }

    private static String name(String targetGroupArn) {
        return targetGroupArn.split("/")[1];
    }

    @Test
    void aNativeCanaryPromotesAGoodArtifactAndABadOneIsRolledBackWithAllTrafficOnThePrimary() {
        try (Deployer d = deployer()) {
            Deployment first = apply(d, Release.of(orders("1.0.0")).to(prod).strategy(nativeCanary()).build());
            assertThat(first.status()).as(first.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            LoadBalancer lb = ecsLoadBalancer();
            assertThat(name(lb.targetGroupArn())).isEqualTo("prod-orders-a");
            assertThat(name(lb.advancedConfiguration().alternateTargetGroupArn())).isEqualTo("prod-orders-b");
            assertThat(lb.advancedConfiguration().roleArn()).isEqualTo(ROLE);
            assertThat(lb.advancedConfiguration().testListenerRule()).as("no preview header, no test rule").isNull();
            assertThat(rules()).isEqualTo(Map.of("production", Map.of("prod-orders-a", 100, "prod-orders-b", 0)));

            Release good = Release.of(orders("2.0.0")).to(prod).strategy(nativeCanary()).build();
            Plan plan = d.plan(good);
            assertThat(plan.toString()).contains("load balancer orders-alb", "path /orders*", "production listener rule",
                    "target groups prod-orders-a and prod-orders-b", "infrastructure role " + ROLE,
                    "ECS native CANARY: one step at 10%, bake 5 min, then 100%");
            Deployment dep = d.cutover().apply(plan);
            assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(d.aws().traffic().orElseThrow().weights("prod", "orders")).isEqualTo(Map.of("prod-orders:2", 100));
            dep.awaitRetirement();
            // ECS moved the production rule to the alternate group and swapped the groups' roles when it completed
            assertThat(name(ecsLoadBalancer().targetGroupArn())).isEqualTo("prod-orders-b");
            assertThat(rules().get("production")).isEqualTo(Map.of("prod-orders-a", 0, "prod-orders-b", 100));

            world.cloud.images().behave("repo/orders:3.0.0", ImageBehavior.errorRate(0.5));
            Deployment bad = apply(d, Release.of(orders("3.0.0")).to(prod).strategy(nativeCanary()).build());
            assertThat(bad.status()).as(bad.statusReason()).isEqualTo(DeploymentStatus.ROLLED_BACK);
            assertThat(bad.statusReason()).contains("analysis failed at 10%");
            assertThat(d.aws().apiCalls()).as("ECS's deployment was stopped and rolled back").containsKey("ecs:StopServiceDeployment");
            bad.awaitRetirement();
            assertThat(d.aws().traffic().orElseThrow().weights("prod", "orders")).isEqualTo(Map.of("prod-orders:2", 100));
            assertThat(name(ecsLoadBalancer().targetGroupArn())).as("the primary stays").isEqualTo("prod-orders-b");
            assertThat(rules().get("production")).as("all traffic back on the primary")
                    .isEqualTo(Map.of("prod-orders-a", 0, "prod-orders-b", 100));
        }
    }

    @Test
    void aNativeBlueGreenWithAPreviewHeaderUsesEcssTestListenerRule() {
        try (Deployer d = deployer()) {
            Strategy bg = blueGreen().bake(Duration.ofMinutes(2));
            assertThat(apply(d, Release.of(orders("1.0.0")).to(previewed).strategy(bg).build()).status())
                    .isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(rules()).isEqualTo(Map.of("production", Map.of("prod-orders-a", 100, "prod-orders-b", 0),
                    "test", Map.of("prod-orders-a", 100, "prod-orders-b", 0)));
            assertThat(ecsLoadBalancer().advancedConfiguration().testListenerRule()).isNotNull();

            Release good = Release.of(orders("2.0.0")).to(previewed).strategy(bg).build();
            assertThat(d.plan(good).toString()).contains("test listener rule on header x-cutover-preview: 1",
                    "ECS native BLUE_GREEN: all traffic moves to the new revision once its tasks are healthy, then bake 2 min");
            Deployment dep = apply(d, good);
            assertThat(dep.status()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            dep.awaitRetirement();
            assertThat(d.aws().traffic().orElseThrow().weights("prod", "orders")).isEqualTo(Map.of("prod-orders:2", 100));
            assertThat(rules()).isEqualTo(Map.of("production", Map.of("prod-orders-a", 0, "prod-orders-b", 100),
                    "test", Map.of("prod-orders-a", 0, "prod-orders-b", 100)));
        }
    }

    @Test
    void aFailedFirstDeploymentRemovesTheEcsServiceAndTheNextStartReusesTheGroupsAndRules() {
        try (Deployer d = deployer()) {
            world.cloud.images().behave("repo/orders:1.0.0", ImageBehavior.crashesOnStart());
            Release first = Release.of(orders("1.0.0")).to(prod).strategy(nativeCanary()).build();
            assertThat(apply(d, first).status()).isEqualTo(DeploymentStatus.FAILED);
            assertThat(d.aws().compute().orElseThrow().revisions("prod", "orders")).as("nothing of the broken revision runs")
                    .isEmpty();
            assertThat(rules()).as("the groups and the rule stay for the next start")
                    .isEqualTo(Map.of("production", Map.of("prod-orders-a", 100, "prod-orders-b", 0)));

            world.cloud.images().behave("repo/orders:1.0.0", ImageBehavior.healthy());
            Deployment again = apply(d, first);
            assertThat(again.status()).as(again.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(name(ecsLoadBalancer().targetGroupArn())).isEqualTo("prod-orders-a");
            assertThat(d.plan(first).isEmpty()).isTrue();
        }
    }

    @Test
    void whatEcsCannotExpressIsRefusedAtPlanTimeAsInServiceConnectModeBeforeAnyWrite() {
        try (Deployer d = deployer()) {
            Release steps = Release.of(orders("1.0.0")).to(prod).strategy(canary().steps(10, 50, 100)).build();
            assertThatThrownBy(() -> d.plan(steps)).isInstanceOfSatisfying(ValidationException.class, e -> {
                assertThat(e.problems()).extracting(Problem::path).containsExactly("strategy.steps");
                assertThat(e.problems().get(0).message()).contains("LOAD_BALANCER mode with nativeDeployments(true)", "50%",
                        "canary().steps(10, 100)", "linear()", ".nativeDeployments(false)");
            });
            Release small = Release.of(orders("1.0.0")).to(prod).strategy(dev.cutover.Strategies.linear().stepPercent(2)).build();
            assertThatThrownBy(() -> d.plan(small)).isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
                    .extracting(Problem::path).containsExactly("strategy.stepPercent"));
            assertThat(d.aws().apiCalls().keySet()).as("nothing was written")
                    .allMatch(a -> a.contains(":Describe") || a.contains(":List") || a.contains(":Get"));
            assertThat(List.copyOf(d.aws().apiCalls().keySet())).noneMatch(a -> a.contains("CreateLoadBalancer"));
        }
    }
}

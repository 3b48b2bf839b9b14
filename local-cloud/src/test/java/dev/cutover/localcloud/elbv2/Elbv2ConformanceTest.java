package dev.cutover.localcloud.elbv2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.RevisionStats;
import dev.cutover.localcloud.junit.LocalCloudTest;
import dev.cutover.localcloud.sdk.Sdk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DuplicateTargetGroupNameException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ElasticLoadBalancingV2Exception;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.PriorityInUseException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ResourceInUseException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleCondition;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupTuple;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TooManyTargetGroupsException;

/** The ELBv2 emulator through the real, unmodified {@code ElasticLoadBalancingV2Client} (AWS query protocol). */
@LocalCloudTest
class Elbv2ConformanceTest {

    LocalCloud cloud;
    ElasticLoadBalancingV2Client elb;
    EcsClient ecs;
    String lb;
    String listener;

    @BeforeEach
    void start(LocalCloud cloud) {
        this.cloud = cloud;
        cloud.faults().throttling(false);
        elb = Sdk.elbv2(cloud);
        ecs = Sdk.ecs(cloud);
        lb = elb.createLoadBalancer(r -> r.name("shop-alb").subnets("subnet-1", "subnet-2")).loadBalancers().get(0).loadBalancerArn();
        listener = elb.createListener(r -> r.loadBalancerArn(lb).protocol("HTTP").port(80)
                .defaultActions(a -> a.type("fixed-response").fixedResponseConfig(f -> f.statusCode("404")))).listeners().get(0)
                .listenerArn();
    }

    @AfterEach
    void close() {
        elb.close();
        ecs.close();
    }

    String targetGroup(String name) {
        return elb.createTargetGroup(r -> r.name(name).protocol("HTTP").port(8080).vpcId("vpc-1").targetType("ip")
                .healthCheckPath("/health").healthCheckIntervalSeconds(10).healthyThresholdCount(2)).targetGroups().get(0)
                .targetGroupArn();
    }

    static Action forward(Map<String, Integer> weights) {
        List<TargetGroupTuple> tuples = new ArrayList<>();
        weights.forEach((arn, w) -> tuples.add(TargetGroupTuple.builder().targetGroupArn(arn).weight(w).build()));
        return Action.builder().type("forward").forwardConfig(f -> f.targetGroups(tuples)).build();
    }

    static RuleCondition path(String pattern) {
        return RuleCondition.builder().field("path-pattern").pathPatternConfig(p -> p.values(pattern)).build();
    }

    static RuleCondition header(String name, String value) {
        return RuleCondition.builder().field("http-header").httpHeaderConfig(h -> h.httpHeaderName(name).values(value)).build();
    }

    @Test
    void weightedForwardRulesAreStoredAndDescribedInPriorityOrderWithTheDefaultLast() {
        String blue = targetGroup("orders-blue");
        String green = targetGroup("orders-green");
        elb.createRule(r -> r.listenerArn(listener).priority(20).conditions(path("/orders*"))
                .actions(forward(Map.of(blue, 90, green, 10))));
        elb.createRule(r -> r.listenerArn(listener).priority(10).conditions(path("/orders*"), header("x-cutover-preview", "1"))
                .actions(forward(Map.of(green, 1))));

        List<Rule> rules = elb.describeRules(r -> r.listenerArn(listener)).rules();
        assertThat(rules).extracting(Rule::priority).containsExactly("10", "20", "default");
        assertThat(rules.get(2).isDefault()).isTrue();
        Map<String, Integer> weights = rules.get(1).actions().get(0).forwardConfig().targetGroups().stream()
                .collect(Collectors.toMap(TargetGroupTuple::targetGroupArn, TargetGroupTuple::weight));
        assertThat(weights).containsEntry(blue, 90).containsEntry(green, 10);
        assertThat(rules.get(0).conditions()).extracting(RuleCondition::field).containsExactly("path-pattern", "http-header");
        assertThat(rules.get(0).conditions().get(1).httpHeaderConfig().httpHeaderName()).isEqualTo("x-cutover-preview");
        assertThat(elb.describeTargetGroups(r -> r.loadBalancerArn(lb)).targetGroups()).hasSize(2)
                .allSatisfy(tg -> assertThat(tg.loadBalancerArns()).containsExactly(lb));

        // ModifyRule moves weights; SetRulePriorities refuses a priority another rule holds
        String main = rules.get(1).ruleArn();
        elb.modifyRule(r -> r.ruleArn(main).actions(forward(Map.of(blue, 0, green, 100))));
        assertThat(elb.describeRules(r -> r.ruleArns(main)).rules().get(0).actions().get(0).forwardConfig().targetGroups())
                .extracting(TargetGroupTuple::weight).containsExactlyInAnyOrder(0, 100);
        assertThatThrownBy(() -> elb.setRulePriorities(r -> r.rulePriorities(p -> p.ruleArn(main).priority(10))))
                .isInstanceOf(PriorityInUseException.class);
    }

    @Test
    void describeCallsPageWithMarkerAndPageSize() {
        for (int i = 0; i < 5; i++) {
            targetGroup("tg-" + i);
        }
        List<String> names = new ArrayList<>();
        String marker = null;
        int pages = 0;
        do {
            String m = marker;
            var page = elb.describeTargetGroups(r -> r.pageSize(2).marker(m));
            page.targetGroups().forEach(tg -> names.add(tg.targetGroupName()));
            marker = page.nextMarker();
            pages++;
        } while (marker != null);
        assertThat(pages).isEqualTo(3);
        assertThat(names).containsExactly("tg-0", "tg-1", "tg-2", "tg-3", "tg-4");
        // the SDK's paginator follows the same markers
        assertThat(elb.describeTargetGroupsPaginator(r -> r.pageSize(2)).targetGroups().stream().count()).isEqualTo(5);
    }

    @Test
    void refusesWhatElbv2Refuses() {
        String blue = targetGroup("orders-blue");
        // same name, other settings
        assertThatThrownBy(() -> elb.createTargetGroup(r -> r.name("orders-blue").protocol("HTTP").port(9090).vpcId("vpc-1")))
                .isInstanceOf(DuplicateTargetGroupNameException.class);
        // same name, same settings: idempotent
        assertThat(targetGroup("orders-blue")).isEqualTo(blue);
        // out of the model's range (HealthCheckIntervalSeconds 5-300): ValidationError naming the member
        assertThatThrownBy(() -> elb.createTargetGroup(r -> r.name("x").protocol("HTTP").port(80).vpcId("vpc-1")
                .healthCheckIntervalSeconds(301)))
                .isInstanceOfSatisfying(ElasticLoadBalancingV2Exception.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
                    assertThat(e.getMessage()).contains("healthCheckIntervalSeconds", "300");
                });
        assertThatThrownBy(() -> elb.createTargetGroup(r -> r.name("x").protocol("HTTP").port(80).vpcId("vpc-1")
                .healthCheckIntervalSeconds(10).healthCheckTimeoutSeconds(10)))
                .isInstanceOfSatisfying(ElasticLoadBalancingV2Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
        assertThatThrownBy(() -> elb.createTargetGroup(r -> r.name("-bad-").protocol("HTTP").port(80).vpcId("vpc-1")))
                .isInstanceOfSatisfying(ElasticLoadBalancingV2Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
        // rules: unknown group, priority in use, six groups in one forward, weight 1000, no condition
        assertThatThrownBy(() -> elb.createRule(r -> r.listenerArn(listener).priority(1).conditions(path("/a"))
                .actions(forward(Map.of(blue.replace("orders-blue", "nothing"), 1)))))
                .isInstanceOf(TargetGroupNotFoundException.class);
        elb.createRule(r -> r.listenerArn(listener).priority(1).conditions(path("/a")).actions(forward(Map.of(blue, 1))));
        assertThatThrownBy(() -> elb.createRule(r -> r.listenerArn(listener).priority(1).conditions(path("/b"))
                .actions(forward(Map.of(blue, 1))))).isInstanceOf(PriorityInUseException.class);
        Map<String, Integer> six = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            six.put(targetGroup("six-" + i), 1);
        }
        assertThatThrownBy(() -> elb.createRule(r -> r.listenerArn(listener).priority(2).conditions(path("/c"))
                .actions(forward(six)))).isInstanceOf(TooManyTargetGroupsException.class);
        assertThatThrownBy(() -> elb.createRule(r -> r.listenerArn(listener).priority(2).conditions(path("/c"))
                .actions(forward(Map.of(blue, 1000)))))
                .isInstanceOfSatisfying(ElasticLoadBalancingV2Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
        assertThatThrownBy(() -> elb.createRule(r -> r.listenerArn(listener).priority(2).conditions(List.of())
                .actions(forward(Map.of(blue, 1)))))
                .isInstanceOfSatisfying(ElasticLoadBalancingV2Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
        // a group a rule forwards to cannot be deleted
        assertThatThrownBy(() -> elb.deleteTargetGroup(r -> r.targetGroupArn(blue))).isInstanceOf(ResourceInUseException.class);
        // nor used by a second load balancer
        String other = elb.createLoadBalancer(r -> r.name("other").subnets("subnet-1", "subnet-2")).loadBalancers().get(0)
                .loadBalancerArn();
        assertThatThrownBy(() -> elb.createListener(r -> r.loadBalancerArn(other).protocol("HTTP").port(80)
                .defaultActions(forward(Map.of(blue, 1)))))
                .isInstanceOfSatisfying(ElasticLoadBalancingV2Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("TargetGroupAssociationLimit"));
    }

    String register(String family, String image) {
        return ecs.registerTaskDefinition(r -> r.family(family)
                .requiresCompatibilities(software.amazon.awssdk.services.ecs.model.Compatibility.FARGATE)
                .networkMode(NetworkMode.AWSVPC).cpu("256").memory("512")
                .containerDefinitions(ContainerDefinition.builder().name("app").image(image).essential(true)
                        .portMappings(p -> p.containerPort(8080)).build()))
                .taskDefinition().taskDefinitionArn();
    }

    void service(String name, String taskDef, String targetGroup, int count) {
        ecs.createService(r -> r.cluster("prod").serviceName(name).taskDefinition(taskDef).desiredCount(count).launchType("FARGATE")
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1").securityGroups("sg-1")))
                .loadBalancers(l -> l.targetGroupArn(targetGroup).containerName("app").containerPort(8080)));
    }

    List<String> states(String tg) {
        return elb.describeTargetHealth(r -> r.targetGroupArn(tg)).targetHealthDescriptions().stream()
                .map(TargetHealthDescription::targetHealth).map(h -> h.stateAsString()).toList();
    }

    @Test
    void ecsRegistersItsTasksInTheTargetGroupAndTheirHealthFollowsTheTasks() {
        ecs.createCluster(r -> r.clusterName("prod"));
        String blue = targetGroup("orders-blue");
        String td = register("orders", "repo/orders:1");
        // ECS checks the target group before it creates the service
        assertThatThrownBy(() -> service("orders-blue", td, blue, 2)).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("does not have an associated load balancer");
        elb.createRule(r -> r.listenerArn(listener).priority(1).conditions(path("/orders*")).actions(forward(Map.of(blue, 1))));
        String instanceTg = elb.createTargetGroup(r -> r.name("by-instance").protocol("HTTP").port(8080).vpcId("vpc-1"))
                .targetGroups().get(0).targetGroupArn();
        elb.createRule(r -> r.listenerArn(listener).priority(2).conditions(path("/i*")).actions(forward(Map.of(instanceTg, 1))));
        assertThatThrownBy(() -> service("orders-i", td, instanceTg, 1)).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("incompatible with the awsvpc network mode");
        assertThatThrownBy(() -> ecs.createService(r -> r.cluster("prod").serviceName("orders-p").taskDefinition(td).desiredCount(1)
                .launchType("FARGATE").networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1")))
                .loadBalancers(l -> l.targetGroupArn(blue).containerName("app").containerPort(9999))))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("did not have a container port 9999");

        service("orders-blue", td, blue, 2);
        cloud.clock().advance(Duration.ofMinutes(2));
        assertThat(states(blue)).containsExactly("healthy", "healthy");

        // a bad image: registered, then unhealthy after the unhealthy threshold
        cloud.images().behave("repo/orders:2", ImageBehavior.failsHealthChecks());
        String green = targetGroup("orders-green");
        elb.createRule(r -> r.listenerArn(listener).priority(3).conditions(path("/green*")).actions(forward(Map.of(green, 1))));
        service("orders-green", register("orders", "repo/orders:2"), green, 1);
        cloud.clock().advance(Duration.ofMinutes(2));
        assertThat(elb.describeTargetHealth(r -> r.targetGroupArn(green)).targetHealthDescriptions())
                .allSatisfy(d -> assertThat(d.targetHealth().reasonAsString()).isEqualTo("Target.FailedHealthChecks"));

        // deleting the ECS service deregisters its tasks: draining for the deregistration delay, then gone
        ecs.updateService(r -> r.cluster("prod").service("orders-blue").desiredCount(0));
        cloud.clock().advance(Duration.ofSeconds(30));
        assertThat(states(blue)).containsOnly("draining");
        cloud.clock().advance(Duration.ofMinutes(5));
        assertThat(states(blue)).isEmpty();
    }

    @Test
    void trafficFollowsRulePriorityHeaderConditionsAndForwardWeights() {
        ecs.createCluster(r -> r.clusterName("prod"));
        String blue = targetGroup("orders-blue");
        String green = targetGroup("orders-green");
        String main = elb.createRule(r -> r.listenerArn(listener).priority(20).conditions(path("/orders*"))
                .actions(forward(Map.of(blue, 90, green, 10)))).rules().get(0).ruleArn();
        elb.createRule(r -> r.listenerArn(listener).priority(10).conditions(path("/orders*"), header("x-cutover-preview", "1"))
                .actions(forward(Map.of(green, 1))));
        cloud.images().behave("repo/orders:2", ImageBehavior.errorRate(0.5));
        service("orders-blue", register("orders-blue", "repo/orders:1"), blue, 2);
        service("orders-green", register("orders-green", "repo/orders:2"), green, 2);
        cloud.traffic().rate("shop-alb:80/orders", 100).rate("shop-alb:80/orders [x-cutover-preview: 1]", 20);
        cloud.clock().advance(Duration.ofMinutes(2));
        cloud.clock().advance(Duration.ofMinutes(5));

        RevisionStats blueStats = stats("orders-blue");
        RevisionStats greenStats = stats("orders-green");
        // production: 100/s split 90/10; tagged preview: 20/s, all to green
        assertThat(blueStats.requestRate()).isCloseTo(90, within(6.0));
        assertThat(greenStats.requestRate()).isCloseTo(10 + 20, within(4.0));
        assertThat(greenStats.errorRate()).isCloseTo(0.5, within(0.05));
        assertThat(blueStats.errorRate()).isZero();

        // all production weight back on blue: green gets only the tagged requests
        elb.modifyRule(r -> r.ruleArn(main).actions(forward(Map.of(blue, 1, green, 0))));
        cloud.clock().advance(Duration.ofMinutes(5));
        assertThat(stats("orders-green").requestRate()).isCloseTo(20, within(3.0));
        assertThat(stats("orders-blue").requestRate()).isCloseTo(100, within(5.0));
    }

    RevisionStats stats(String service) {
        return cloud.traffic().stats("prod", service, Duration.ofMinutes(5)).get(0);
    }

    Map<String, Integer> forwardOf(String ruleArn, String blue, String green) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (TargetGroupTuple t : elb.describeRules(r -> r.ruleArns(ruleArn)).rules().get(0).actions().get(0).forwardConfig()
                .targetGroups()) {
            out.put(t.targetGroupArn().equals(blue) ? "blue" : t.targetGroupArn().equals(green) ? "green" : t.targetGroupArn(), t.weight());
        }
        return out;
    }

    void nativeService(String td, String primary, String alternate, String production, String test) {
        ecs.createService(r -> r.cluster("prod").serviceName("orders").taskDefinition(td).desiredCount(2).launchType("FARGATE")
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1").securityGroups("sg-1")))
                .deploymentConfiguration(c -> c.strategy("CANARY").bakeTimeInMinutes(1)
                        .canaryConfiguration(k -> k.canaryPercent(10.0).canaryBakeTimeInMinutes(3)))
                .loadBalancers(l -> l.targetGroupArn(primary).containerName("app").containerPort(8080)
                        .advancedConfiguration(a -> a.alternateTargetGroupArn(alternate).productionListenerRule(production)
                                .testListenerRule(test).roleArn("arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers"))));
    }

    @Test
    void ecsNativeCanaryWithAdvancedConfigurationShiftsTheProductionRuleBetweenTheTwoTargetGroups() {
        ecs.createCluster(r -> r.clusterName("prod"));
        String blue = targetGroup("orders-blue");
        String green = targetGroup("orders-green");
        String main = elb.createRule(r -> r.listenerArn(listener).priority(20).conditions(path("/orders*"))
                .actions(forward(Map.of(blue, 100, green, 0)))).rules().get(0).ruleArn();
        String test = elb.createRule(r -> r.listenerArn(listener).priority(10).conditions(path("/orders*"), header("x-test", "1"))
                .actions(forward(Map.of(blue, 100, green, 0)))).rules().get(0).ruleArn();
        String other = elb.createRule(r -> r.listenerArn(listener).priority(30).conditions(path("/other*"))
                .actions(forward(Map.of(green, 1)))).rules().get(0).ruleArn();
        String td1 = register("orders", "repo/orders:1");
        // ECS: BLUE_GREEN/LINEAR/CANARY with a load balancer needs advancedConfiguration, whose parts must all hold
        assertThatThrownBy(() -> ecs.createService(r -> r.cluster("prod").serviceName("orders").taskDefinition(td1).desiredCount(2)
                .launchType("FARGATE").networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1")))
                .deploymentConfiguration(c -> c.strategy("CANARY"))
                .loadBalancers(l -> l.targetGroupArn(blue).containerName("app").containerPort(8080))))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("requires loadBalancers[].advancedConfiguration");
        assertThatThrownBy(() -> ecs.createService(r -> r.cluster("prod").serviceName("orders").taskDefinition(td1).desiredCount(2)
                .launchType("FARGATE").networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1")))
                .loadBalancers(l -> l.targetGroupArn(blue).containerName("app").containerPort(8080)
                        .advancedConfiguration(a -> a.alternateTargetGroupArn(blue).productionListenerRule(other)))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("alternateTargetGroupArn must differ from targetGroupArn")
                .hasMessageContaining("does not forward to the target group " + blue)
                .hasMessageContaining("roleArn must be the ARN of an IAM role");

        nativeService(td1, blue, green, main, test);
        cloud.clock().advance(Duration.ofMinutes(2));
        assertThat(states(blue)).containsExactly("healthy", "healthy"); // the first deployment is a rolling one, on the primary
        assertThat(states(green)).isEmpty();

        ecs.updateService(r -> r.cluster("prod").service("orders").taskDefinition(register("orders", "repo/orders:2")));
        cloud.clock().advance(Duration.ofMinutes(2));
        // the green registered in the alternate target group; 10% of production and all test traffic go to it
        assertThat(states(green)).containsExactly("healthy", "healthy");
        assertThat(forwardOf(main, blue, green)).isEqualTo(Map.of("blue", 90, "green", 10));
        assertThat(forwardOf(test, blue, green)).isEqualTo(Map.of("blue", 0, "green", 100));
        cloud.clock().advance(Duration.ofMinutes(3)); // canary bake: then everything
        assertThat(forwardOf(main, blue, green)).isEqualTo(Map.of("blue", 0, "green", 100));
        cloud.clock().advance(Duration.ofMinutes(2)); // bake time: the blue goes, the target groups swap roles
        var lbs = ecs.describeServices(r -> r.cluster("prod").services("orders")).services().get(0).loadBalancers();
        assertThat(lbs.get(0).targetGroupArn()).isEqualTo(green);
        assertThat(lbs.get(0).advancedConfiguration().alternateTargetGroupArn()).isEqualTo(blue);
        assertThat(forwardOf(main, blue, green)).isEqualTo(Map.of("blue", 0, "green", 100));
        cloud.clock().advance(Duration.ofMinutes(6));
        assertThat(states(blue)).isEmpty();

        // the next deployment's green is in the former blue group; a rollback puts production back on the primary
        ecs.updateService(r -> r.cluster("prod").service("orders").taskDefinition(register("orders", "repo/orders:3")));
        cloud.clock().advance(Duration.ofMinutes(2));
        assertThat(forwardOf(main, blue, green)).isEqualTo(Map.of("blue", 10, "green", 90));
        String arn = ecs.listServiceDeployments(r -> r.cluster("prod").service("orders")).serviceDeployments().get(0)
                .serviceDeploymentArn();
        ecs.stopServiceDeployment(r -> r.serviceDeploymentArn(arn).stopType("ROLLBACK"));
        cloud.clock().advance(Duration.ofSeconds(30));
        assertThat(forwardOf(main, blue, green)).isEqualTo(Map.of("blue", 0, "green", 100));
        assertThat(forwardOf(test, blue, green)).isEqualTo(Map.of("blue", 0, "green", 100));
        assertThat(ecs.describeServices(r -> r.cluster("prod").services("orders")).services().get(0).loadBalancers().get(0)
                .targetGroupArn()).isEqualTo(green);
    }
}

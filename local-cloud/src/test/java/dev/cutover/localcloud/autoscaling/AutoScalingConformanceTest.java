package dev.cutover.localcloud.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.localcloud.AutoScaling;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.sdk.Sdk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.ObjectNotFoundException;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ValidationException;

class AutoScalingConformanceTest {

    static final String ORDERS = "service/prod/orders";

    LocalCloud cloud;
    ApplicationAutoScalingClient aas;

    @BeforeEach
    void start() {
        cloud = LocalCloud.start();
        cloud.faults().throttling(false);
        cloud.autoScaling().requireEcsServices(false); // these tests exercise Auto Scaling alone (see EcsVisibilityTest)
        aas = Sdk.autoScaling(cloud);
    }

    @AfterEach
    void stop() {
        aas.close();
        cloud.close();
    }

    private void register(String resourceId, Integer min, Integer max) {
        aas.registerScalableTarget(r -> r.serviceNamespace("ecs").resourceId(resourceId)
                .scalableDimension("ecs:service:DesiredCount").minCapacity(min).maxCapacity(max));
    }

    @Test
    void scalableTargetsRegisterDescribeAndDeregister() {
        String arn = aas.registerScalableTarget(r -> r.serviceNamespace("ecs").resourceId(ORDERS)
                .scalableDimension("ecs:service:DesiredCount").minCapacity(2).maxCapacity(10)).scalableTargetARN();
        assertThat(arn).startsWith("arn:aws:application-autoscaling:us-east-1:000000000000:scalable-target/");
        register(ORDERS, null, 20);
        ScalableTarget t = aas.describeScalableTargets(r -> r.serviceNamespace("ecs").resourceIds(ORDERS)).scalableTargets().get(0);
        assertThat(t.minCapacity()).isEqualTo(2);
        assertThat(t.maxCapacity()).isEqualTo(20);
        assertThat(t.scalableTargetARN()).isEqualTo(arn);
        assertThat(t.creationTime()).isEqualTo(cloud.clock().instant());
        assertThat(cloud.autoScaling().capacity(ORDERS)).contains(new AutoScaling.Capacity(2, 20));

        assertThatThrownBy(() -> register("service/prod/new", 1, null)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> register("service/prod/new", 5, 1)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> register("cluster/prod", 1, 2)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> aas.registerScalableTarget(r -> r.serviceNamespace("ecs").resourceId(ORDERS)
                .scalableDimension("dynamodb:table:ReadCapacityUnits").minCapacity(1).maxCapacity(2))).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> aas.registerScalableTarget(r -> r.serviceNamespace("bogus").resourceId(ORDERS)
                .scalableDimension("ecs:service:DesiredCount").minCapacity(1).maxCapacity(2))).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> aas.describeScalableTargets(r -> r.resourceIds(ORDERS))).isInstanceOf(ValidationException.class);

        for (int i = 0; i < 3; i++) {
            register("service/prod/s" + i, 1, 2);
        }
        var page = aas.describeScalableTargets(r -> r.serviceNamespace("ecs").maxResults(3));
        assertThat(page.scalableTargets()).hasSize(3);
        assertThat(page.nextToken()).isNotNull();
        assertThat(aas.describeScalableTargetsPaginator(r -> r.serviceNamespace("ecs").maxResults(1)).scalableTargets()).hasSize(4);

        aas.deregisterScalableTarget(r -> r.serviceNamespace("ecs").resourceId(ORDERS).scalableDimension("ecs:service:DesiredCount"));
        assertThatThrownBy(() -> aas.deregisterScalableTarget(r -> r.serviceNamespace("ecs").resourceId(ORDERS)
                .scalableDimension("ecs:service:DesiredCount"))).isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    void targetTrackingPolicies() {
        assertThatThrownBy(() -> putCpuPolicy("cpu", 60.0)).isInstanceOf(ObjectNotFoundException.class);
        register(ORDERS, 1, 4);
        var put = putCpuPolicy("cpu", 60.0);
        assertThat(put.policyARN()).contains(":scalingPolicy:").endsWith(":resource/ecs/" + ORDERS + ":policyName/cpu");
        assertThat(put.alarms()).hasSize(2);
        assertThat(putCpuPolicy("cpu", 70.0).policyARN()).isEqualTo(put.policyARN());

        var policies = aas.describeScalingPolicies(r -> r.serviceNamespace("ecs").resourceId(ORDERS)).scalingPolicies();
        assertThat(policies).singleElement().satisfies(p -> {
            assertThat(p.policyTypeAsString()).isEqualTo("TargetTrackingScaling");
            assertThat(p.targetTrackingScalingPolicyConfiguration().targetValue()).isEqualTo(70.0);
            assertThat(p.targetTrackingScalingPolicyConfiguration().predefinedMetricSpecification().predefinedMetricTypeAsString())
                    .isEqualTo("ECSServiceAverageCPUUtilization");
        });
        assertThatThrownBy(() -> aas.putScalingPolicy(r -> r.policyName("mem").serviceNamespace("ecs").resourceId(ORDERS)
                .scalableDimension("ecs:service:DesiredCount").policyType("TargetTrackingScaling")
                .targetTrackingScalingPolicyConfiguration(c -> c.targetValue(50.0)
                        .predefinedMetricSpecification(m -> m.predefinedMetricType("DynamoDBReadCapacityUtilization")))))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> aas.putScalingPolicy(r -> r.policyName("alb").serviceNamespace("ecs").resourceId(ORDERS)
                .scalableDimension("ecs:service:DesiredCount").policyType("TargetTrackingScaling")
                .targetTrackingScalingPolicyConfiguration(c -> c.targetValue(50.0)
                        .predefinedMetricSpecification(m -> m.predefinedMetricType("ALBRequestCountPerTarget")))))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> aas.putScalingPolicy(r -> r.policyName("none").serviceNamespace("ecs").resourceId(ORDERS)
                .scalableDimension("ecs:service:DesiredCount").policyType("TargetTrackingScaling")))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> aas.putScalingPolicy(r -> r.policyName("weird").serviceNamespace("ecs").resourceId(ORDERS)
                .scalableDimension("ecs:service:DesiredCount").policyType("Magic"))).isInstanceOf(ValidationException.class);

        putCpuPolicy("cpu2", 50.0);
        var page = aas.describeScalingPolicies(r -> r.serviceNamespace("ecs").maxResults(1));
        assertThat(page.scalingPolicies()).hasSize(1);
        assertThat(aas.describeScalingPolicies(r -> r.serviceNamespace("ecs").maxResults(1).nextToken(page.nextToken()))
                .scalingPolicies()).hasSize(1);
        assertThat(aas.describeScalingPolicies(r -> r.serviceNamespace("ecs").policyNames("cpu2")).scalingPolicies()).hasSize(1);

        aas.deleteScalingPolicy(r -> r.policyName("cpu").serviceNamespace("ecs").resourceId(ORDERS).scalableDimension("ecs:service:DesiredCount"));
        assertThatThrownBy(() -> aas.deleteScalingPolicy(r -> r.policyName("cpu").serviceNamespace("ecs").resourceId(ORDERS)
                .scalableDimension("ecs:service:DesiredCount"))).isInstanceOf(ObjectNotFoundException.class);
    }

    private software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyResponse putCpuPolicy(String name, double target) {
        return aas.putScalingPolicy(r -> r.policyName(name).serviceNamespace("ecs").resourceId(ORDERS)
                .scalableDimension("ecs:service:DesiredCount").policyType("TargetTrackingScaling")
                .targetTrackingScalingPolicyConfiguration(c -> c.targetValue(target).scaleInCooldown(60).scaleOutCooldown(60)
                        .predefinedMetricSpecification(m -> m.predefinedMetricType("ECSServiceAverageCPUUtilization"))));
    }
}

package dev.cutover.localcloud.fidelity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.sdk.Sdk;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.ValidationException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * Application Auto Scaling sees ECS eventually: RegisterScalableTarget right after CreateService
 * answers {@code ValidationException: ECS service doesn't exist} for a window of the cloud's clock
 * (AutoScalingEmulator.checkEcsServiceVisible), and always for a service that does not exist.
 */
class EcsVisibilityTest {

    static final String ORDERS = "service/prod/orders";

    LocalCloud cloud;
    EcsClient ecs;
    ApplicationAutoScalingClient aas;

    @BeforeEach
    void start() {
        cloud = LocalCloud.start();
        cloud.faults().throttling(false);
        ecs = Sdk.ecs(cloud);
        aas = Sdk.autoScaling(cloud);
        ecs.createCluster(r -> r.clusterName("prod"));
        ecs.registerTaskDefinition(r -> r.family("orders").containerDefinitions(
                ContainerDefinition.builder().name("app").image("repo/orders:1").memory(256).build()));
    }

    @AfterEach
    void stop() {
        aas.close();
        ecs.close();
        cloud.close();
    }

    private void createOrders() {
        ecs.createService(r -> r.cluster("prod").serviceName("orders").taskDefinition("orders").desiredCount(1));
    }

    private String register() {
        return aas.registerScalableTarget(r -> r.serviceNamespace("ecs").resourceId(ORDERS)
                .scalableDimension("ecs:service:DesiredCount").minCapacity(1).maxCapacity(4)).scalableTargetARN();
    }

    @Test
    void aNewServiceIsInvisibleToAutoScalingForTheWindowThenRegisters() {
        createOrders();
        assertThatThrownBy(this::register).isInstanceOf(ValidationException.class)
                .hasMessageContaining("ECS service doesn't exist: service/prod/orders");
        cloud.clock().advance(Duration.ofMillis(4999));
        assertThatThrownBy(this::register).isInstanceOf(ValidationException.class);
        cloud.clock().advance(Duration.ofMillis(1));
        assertThat(register()).startsWith("arn:aws:application-autoscaling:");
        assertThat(cloud.autoScaling().capacity(ORDERS)).isPresent();
    }

    @Test
    void aServiceThatDoesNotExistIsRejectedAlways() {
        cloud.clock().advance(Duration.ofHours(1));
        assertThatThrownBy(this::register).isInstanceOf(ValidationException.class)
                .hasMessageContaining("ECS service doesn't exist: service/prod/orders");
        assertThat(cloud.autoScaling().capacity(ORDERS)).isEmpty();
    }

    @Test
    void theWindowIsConfigurableAndCanBeTurnedOff() {
        cloud.autoScaling().ecsServiceVisibilityDelay(Duration.ZERO);
        createOrders();
        assertThat(register()).isNotEmpty();
        cloud.autoScaling().requireEcsServices(false);
        assertThat(aas.registerScalableTarget(r -> r.serviceNamespace("ecs").resourceId("service/prod/ghost")
                .scalableDimension("ecs:service:DesiredCount").minCapacity(1).maxCapacity(2)).scalableTargetARN()).isNotEmpty();
        assertThatThrownBy(() -> cloud.autoScaling().ecsServiceVisibilityDelay(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

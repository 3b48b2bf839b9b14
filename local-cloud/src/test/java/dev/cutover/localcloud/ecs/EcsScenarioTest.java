package dev.cutover.localcloud.ecs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.RevisionStats;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.Task;

class EcsScenarioTest extends EcsTestBase {


    @Test
    void rollingDeploymentReachesSteadyState() {
        String v1 = Ecs.register(ecs, "orders", "repo/orders:1.0.0");
        Ecs.create(ecs, "prod", "orders", v1, 4, DeploymentConfiguration.builder()
                .minimumHealthyPercent(50).maximumPercent(200).build());
        assertThat(Ecs.advanceUntil(cloud, Duration.ofMinutes(5), Duration.ofSeconds(5),
                () -> Ecs.primary(Ecs.describe(ecs, "prod", "orders")).rolloutState() == DeploymentRolloutState.COMPLETED))
                .isTrue();
        String v2 = Ecs.register(ecs, "orders", "repo/orders:1.1.0");
        ecs.updateService(r -> r.cluster("prod").service("orders").taskDefinition(v2));
        Service during = Ecs.describe(ecs, "prod", "orders");
        assertThat(during.deployments()).hasSize(2);
        assertThat(Ecs.primary(during).taskDefinition()).isEqualTo(v2);
        assertThat(Ecs.primary(during).rolloutState()).isEqualTo(DeploymentRolloutState.IN_PROGRESS);

        assertThat(Ecs.advanceUntil(cloud, Duration.ofMinutes(10), Duration.ofSeconds(5),
                () -> Ecs.describe(ecs, "prod", "orders").deployments().size() == 1
                        && Ecs.primary(Ecs.describe(ecs, "prod", "orders")).rolloutState() == DeploymentRolloutState.COMPLETED))
                .isTrue();
        Service after = Ecs.describe(ecs, "prod", "orders");
        assertThat(after.runningCount()).isEqualTo(4);
        assertThat(after.taskDefinition()).isEqualTo(v2);
        assertThat(after.events().get(0).message()).isEqualTo("(service orders) has reached a steady state.");
        List<String> running = ecs.listTasks(r -> r.cluster("prod").serviceName("orders")).taskArns();
        List<Task> tasks = ecs.describeTasks(r -> r.cluster("prod").tasks(running)).tasks();
        assertThat(tasks).hasSize(4).allSatisfy(t -> {
            assertThat(t.lastStatus()).isEqualTo("RUNNING");
            assertThat(t.healthStatusAsString()).isEqualTo("HEALTHY");
            assertThat(t.taskDefinitionArn()).isEqualTo(v2);
        });
        List<ServiceDeployment> sds = ecs.describeServiceDeployments(r -> r.serviceDeploymentArns(
                ecs.listServiceDeployments(l -> l.cluster("prod").service("orders")).serviceDeployments().get(0)
                        .serviceDeploymentArn())).serviceDeployments();
        assertThat(sds.get(0).status()).isEqualTo(ServiceDeploymentStatus.SUCCESSFUL);
    }

    @Test
    void crashingImageTripsTheCircuitBreakerAndRollsBack() {
        cloud.images().behave("repo/orders:2.0.0", ImageBehavior.crashesOnStart());
        String v1 = Ecs.register(ecs, "orders", "repo/orders:1.0.0");
        Ecs.create(ecs, "prod", "orders", v1, 2, DeploymentConfiguration.builder()
                .minimumHealthyPercent(100).maximumPercent(200)
                .deploymentCircuitBreaker(c -> c.enable(true).rollback(true)).build());
        Ecs.advanceUntil(cloud, Duration.ofMinutes(5), Duration.ofSeconds(5),
                () -> Ecs.primary(Ecs.describe(ecs, "prod", "orders")).rolloutState() == DeploymentRolloutState.COMPLETED);
        String bad = Ecs.register(ecs, "orders", "repo/orders:2.0.0");
        String badDeployment = Ecs.primary(ecs.updateService(r -> r.cluster("prod").service("orders").taskDefinition(bad))
                .service()).id();

        assertThat(Ecs.advanceUntil(cloud, Duration.ofMinutes(15), Duration.ofSeconds(5),
                () -> Ecs.describe(ecs, "prod", "orders").deployments().size() == 1
                        && Ecs.primary(Ecs.describe(ecs, "prod", "orders")).rolloutState() == DeploymentRolloutState.COMPLETED))
                .isTrue();
        Service after = Ecs.describe(ecs, "prod", "orders");
        assertThat(after.taskDefinition()).isEqualTo(v1);
        assertThat(Ecs.primary(after).id()).isNotEqualTo(badDeployment);
        assertThat(after.events()).anySatisfy(e -> assertThat(e.message())
                .contains("deployment failed: tasks failed to start."));
        List<Task> stopped = ecs.describeTasks(r -> r.cluster("prod").tasks(
                ecs.listTasks(l -> l.cluster("prod").desiredStatus("STOPPED")).taskArns())).tasks();
        assertThat(stopped).anySatisfy(t -> {
            assertThat(t.stoppedReason()).isEqualTo("Essential container in task exited");
            assertThat(t.stopCodeAsString()).isEqualTo("EssentialContainerExited");
            assertThat(t.containers().get(0).exitCode()).isEqualTo(1);
        });
        ServiceDeployment sd = ecs.describeServiceDeployments(r -> r.serviceDeploymentArns(
                ecs.listServiceDeployments(l -> l.cluster("prod").service("orders")).serviceDeployments().get(0)
                        .serviceDeploymentArn())).serviceDeployments().get(0);
        assertThat(sd.status()).isEqualTo(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL);
        assertThat(sd.deploymentCircuitBreaker().threshold()).isEqualTo(3);
        assertThat(sd.deploymentCircuitBreaker().failureCount()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void nativeCanaryShiftsTrafficThroughItsBake() {
        cloud.traffic().rate("orders", 100);
        cloud.images().behave("repo/orders:1.1.0", b -> b.errorRate(0.2));
        String v1 = Ecs.register(ecs, "orders", "repo/orders:1.0.0");
        Ecs.create(ecs, "prod", "orders", v1, 2, DeploymentConfiguration.builder().strategy(DeploymentStrategy.CANARY)
                .canaryConfiguration(c -> c.canaryPercent(10.0).canaryBakeTimeInMinutes(5)).bakeTimeInMinutes(2).build());
        Ecs.advanceUntil(cloud, Duration.ofMinutes(5), Duration.ofSeconds(5),
                () -> Ecs.primary(Ecs.describe(ecs, "prod", "orders")).rolloutState() == DeploymentRolloutState.COMPLETED);
        String v2 = Ecs.register(ecs, "orders", "repo/orders:1.1.0");
        ecs.updateService(r -> r.cluster("prod").service("orders").taskDefinition(v2));
        String sdArn = ecs.listServiceDeployments(l -> l.cluster("prod").service("orders")).serviceDeployments().get(0)
                .serviceDeploymentArn();
        assertThat(Ecs.advanceUntil(cloud, Duration.ofMinutes(3), Duration.ofSeconds(5),
                () -> stage(sdArn).equals("PRODUCTION_TRAFFIC_SHIFT"))).isTrue();
        cloud.clock().advance(Duration.ofMinutes(2));
        List<RevisionStats> canary = cloud.traffic().stats("prod", "orders", Duration.ofMinutes(2));
        RevisionStats green = canary.stream().filter(s -> s.taskDefinition().equals("orders:2")).findFirst().orElseThrow();
        RevisionStats blue = canary.stream().filter(s -> s.taskDefinition().equals("orders:1")).findFirst().orElseThrow();
        double share = (double) green.requests() / (green.requests() + blue.requests());
        assertThat(share).isBetween(0.05, 0.15);
        assertThat(green.errorRate()).isBetween(0.1, 0.3);
        assertThat(blue.errors()).isZero();
        assertThat(green.version()).isEqualTo("1.1.0");
        assertThat(green.p99Millis()).isGreaterThan(green.p50Millis());

        cloud.clock().advance(Duration.ofMinutes(4));
        assertThat(stage(sdArn)).isEqualTo("BAKE_TIME");
        cloud.clock().advance(Duration.ofMinutes(2));
        ServiceDeployment done = ecs.describeServiceDeployments(r -> r.serviceDeploymentArns(sdArn)).serviceDeployments()
                .get(0);
        assertThat(done.status()).isEqualTo(ServiceDeploymentStatus.SUCCESSFUL);
        assertThat(Ecs.describe(ecs, "prod", "orders").taskDefinition()).isEqualTo(v2);
    }

    private String stage(String sdArn) {
        return ecs.describeServiceDeployments(r -> r.serviceDeploymentArns(sdArn)).serviceDeployments().get(0)
                .lifecycleStageAsString();
    }
}

package dev.cutover.localcloud.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.model.EcsException;

class EcsFaultsTest extends EcsTestBase {


    @Test
    void burstOfRegisterTaskDefinitionIsThrottledAtAwsRates() {
        int ok = 0;
        int throttled = 0;
        for (int i = 0; i < 30; i++) {
            try {
                Ecs.register(ecs, "orders", "repo/orders:" + i);
                ok++;
            } catch (EcsException e) {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.isThrottlingException()).isTrue();
                throttled++;
            }
        }
        assertThat(ok).isEqualTo(20);
        assertThat(throttled).isEqualTo(10);
        assertThat(cloud.faults().throttledCalls("ecs")).isEqualTo(10);
        cloud.clock().advance(Duration.ofSeconds(3)); // refills 1 per second
        int after = 0;
        for (int i = 0; i < 5; i++) {
            try {
                Ecs.register(ecs, "orders", "repo/orders:x" + i);
                after++;
            } catch (EcsException e) {
                // throttled
            }
        }
        assertThat(after).isEqualTo(3);
        cloud.faults().throttling(false);
        for (int i = 0; i < 30; i++) {
            Ecs.register(ecs, "orders", "repo/orders:y" + i);
        }
    }

    @Test
    void outageServerErrorsDropsAndLatency() {
        cloud.faults().outage("ecs", true);
        assertThatThrownBy(() -> ecs.listClusters()).isInstanceOf(EcsException.class)
                .satisfies(e -> assertThat(((EcsException) e).statusCode()).isEqualTo(503));
        cloud.faults().outage("ecs", false).dropConnections("ecs", 1);
        assertThatThrownBy(() -> ecs.listClusters()).isInstanceOf(SdkClientException.class);
        assertThat(ecs.listClusters().clusterArns()).hasSize(1);
        cloud.faults().serverErrors("ecs", 1.0);
        assertThatThrownBy(() -> ecs.listClusters()).isInstanceOf(EcsException.class)
                .satisfies(e -> assertThat(((EcsException) e).statusCode()).isGreaterThanOrEqualTo(500));
        cloud.faults().reset().latency("ecs", Duration.ofMillis(250));
        ecs.listClusters();
        ecs.listClusters();
        assertThat(cloud.faults().addedLatency("ecs")).isEqualTo(Duration.ofMillis(500));
    }

    private java.util.function.Consumer<software.amazon.awssdk.services.ecs.model.CreateServiceRequest.Builder> orders(
            String taskDef, int desired, String token) {
        return r -> r.cluster("prod").serviceName("orders").taskDefinition(taskDef).desiredCount(desired)
                .launchType("FARGATE").clientToken(token)
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1").securityGroups("sg-1")));
    }

    @Test
    void lostCreateServiceResponseIsAppliedAndItsRetryWithTheSameTokenReturnsTheSameService() {
        String td = Ecs.register(ecs, "orders", "repo/orders:1");
        cloud.faults().loseResponses("ecs", "CreateService", 1);
        assertThatThrownBy(() -> ecs.createService(orders(td, 2, "deploy-1-start"))).isInstanceOf(SdkClientException.class);
        assertThat(cloud.faults().lostResponses("ecs")).isEqualTo(1);
        // it was applied although the caller never heard of it
        assertThat(Ecs.describe(ecs, "prod", "orders").status()).isEqualTo("ACTIVE");

        var again = ecs.createService(orders(td, 2, "deploy-1-start")).service();
        assertThat(again.serviceName()).isEqualTo("orders");
        assertThat(ecs.listServices(r -> r.cluster("prod")).serviceArns()).hasSize(1);
        // same token, different parameters: refused
        assertThatThrownBy(() -> ecs.createService(orders(td, 3, "deploy-1-start"))).isInstanceOf(EcsException.class)
                .hasMessageContaining("client token");
        // no token: ECS cannot tell a retry from a second creation
        assertThatThrownBy(() -> ecs.createService(orders(td, 2, null))).isInstanceOf(EcsException.class)
                .hasMessageContaining("not idempotent");
    }

    @Test
    void runTaskWithAUsedTokenReturnsTheOriginalTasksAndAChangedRequestConflicts() {
        String td = Ecs.register(ecs, "orders", "repo/orders:1");
        java.util.function.Function<String, software.amazon.awssdk.services.ecs.model.RunTaskRequest> run = cmd ->
                software.amazon.awssdk.services.ecs.model.RunTaskRequest.builder().cluster("prod").taskDefinition(td)
                        .launchType("FARGATE").clientToken("deploy-1-pre-deploy")
                        .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1")))
                        .overrides(o -> o.containerOverrides(c -> c.name("app").command(cmd))).build();
        cloud.faults().loseResponses("ecs", "RunTask", 1);
        assertThatThrownBy(() -> ecs.runTask(run.apply("migrate"))).isInstanceOf(SdkClientException.class);
        String first = ecs.listTasks(r -> r.cluster("prod")).taskArns().get(0);

        assertThat(ecs.runTask(run.apply("migrate")).tasks()).extracting(t -> t.taskArn()).containsExactly(first);
        assertThat(ecs.listTasks(r -> r.cluster("prod")).taskArns()).containsExactly(first);
        assertThatThrownBy(() -> ecs.runTask(run.apply("seed"))).isInstanceOf(EcsException.class)
                .satisfies(e -> assertThat(((EcsException) e).awsErrorDetails().errorCode()).isEqualTo("ConflictException"));
        // tokens live 24 hours
        cloud.clock().advance(Duration.ofHours(25));
        assertThat(ecs.runTask(run.apply("seed")).tasks().get(0).taskArn()).isNotEqualTo(first);
    }

    @Test
    void lostResponsesAtASeededRateOnlyAfterSuccess() {
        cloud.faults().throttling(false).lostResponseRate("ecs", 1.0);
        assertThatThrownBy(() -> ecs.createCluster(r -> r.clusterName("stage"))).isInstanceOf(SdkClientException.class);
        // a rejected call changed nothing and keeps its answer
        assertThatThrownBy(() -> ecs.createCluster(r -> r.clusterName("bad name!"))).isInstanceOf(EcsException.class);
        cloud.faults().reset();
        assertThat(ecs.describeClusters(r -> r.clusters("stage")).clusters()).extracting(c -> c.status()).containsExactly("ACTIVE");
    }
}

package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.StalePlanException;
import dev.cutover.aws.AwsWorld.Deployer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * {@code Cutover.apply(Collection<Plan>)} on the AWS provider against the local cloud: the apply
 * check of 30 Service Connect services is one batched observation (DescribeServices ten names a call,
 * the cluster, namespace and scalable targets once) instead of a round of reads per service, all 30
 * deploy; and a service changed out of band after planning makes the whole apply refuse before any
 * write, naming its plan.
 */
class AwsApplyManyTest {

    static final int SERVICES = 30;

    private static List<Release> next(int n) {
        return AwsPlanningCallsTest.releases(n).stream()
                .map(r -> Release.of(Service.named(r.service().name()).image("repo/" + r.service().name() + ":2.0.0")
                        .port(8080).cpu(256).memoryMiB(512).instances(1).build()).to(r.environment()).build())
                .toList();
    }

    private static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new HashMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d > 0) {
                out.put(k, d);
            }
        });
        return out;
    }

    @Test
    void thirtyServicesAreCheckedInOneBatchedObservationAndAllDeploy() {
        try (AwsWorld world = new AwsWorld(); Deployer d = world.deployer()) {
            world.cloud.faults().throttling(false); // setup only
            AwsPlanningCallsTest.seedRunningServices(world, d, AwsPlanningCallsTest.releases(SERVICES));
            world.cloud.faults().throttling(true);
            List<Plan> plans = d.plan(next(SERVICES));

            Map<String, Long> before = d.aws().apiCalls();
            List<Deployment> running = d.cutover().apply(plans);
            Map<String, Long> check = since(before, d.aws().apiCalls());

            long total = check.values().stream().mapToLong(Long::longValue).sum();
            assertThat(check.getOrDefault("ecs:DescribeServices", 0L)).as("apply check calls: %s", check)
                    .isLessThanOrEqualTo(SERVICES / 10);
            assertThat(total).as("apply check calls for %d services (one apply each made 5-6 per service): %s", SERVICES, check)
                    .isLessThanOrEqualTo(10);
            assertThat(check).as("nothing written by the check").doesNotContainKeys("ecs:RegisterTaskDefinition",
                    "ecs:UpdateService", "ecs:CreateService");
            for (Deployment dep : running) {
                assertThat(dep.await(Duration.ofHours(1))).as(dep.id() + ": " + dep.statusReason())
                        .isEqualTo(DeploymentStatus.SUCCEEDED);
            }
            assertThat(d.plan(next(SERVICES))).allMatch(Plan::isEmpty);
        }
    }

    @Test
    void aServiceChangedOutOfBandAfterPlanningRefusesTheWholeApplyBeforeAnyWrite() {
        try (AwsWorld world = new AwsWorld(); Deployer d = world.deployer()) {
            world.cloud.faults().throttling(false);
            AwsPlanningCallsTest.seedRunningServices(world, d, AwsPlanningCallsTest.releases(5));
            world.cloud.faults().throttling(true);
            List<Plan> plans = d.plan(next(5));
            try (EcsClient ecs = EcsClient.builder().endpointOverride(world.cloud.endpoint()).region(Region.US_EAST_1)
                    .credentialsProvider(AwsFixture.CREDENTIALS).build()) {
                ecs.updateService(b -> b.cluster("apps").service("test-svc0003").desiredCount(3)); // someone scales it
            }

            Map<String, Long> before = d.aws().apiCalls();
            assertThatThrownBy(() -> d.cutover().apply(plans)).isInstanceOf(StalePlanException.class)
                    .hasMessageContaining(plans.get(3).id()).hasMessageNotContaining(plans.get(0).id());
            assertThat(since(before, d.aws().apiCalls())).as("reads only")
                    .doesNotContainKeys("ecs:RegisterTaskDefinition", "ecs:UpdateService", "ecs:CreateService");

            List<Deployment> again = d.cutover().apply(d.plan(next(5))); // planned again: every lock was released
            for (Deployment dep : again) {
                assertThat(dep.await(Duration.ofHours(1))).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            }
        }
    }
}

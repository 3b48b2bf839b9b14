package dev.cutover.junit;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.analysis.MetricGate;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/** What a user of {@code @CutoverTest} gets: a deployment in virtual time on a fresh local cloud per test. */
@CutoverTest(datadog = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CutoverTestExtensionTest {

    static final Environment STAGE = Environment.named("stage").region("us-east-1").cluster("main").mesh("internal")
            .namespace("stage.local").build();

    static Service orders(String version) {
        return Service.named("orders").image("repo/orders:" + version).port(8080).cpu(256).memoryMiB(512).instances(2)
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10))).build();
    }

    static Release canaryOf(String version) {
        return Release.of(orders(version)).to(STAGE).strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(10))
                .analysis(a -> a.gate(MetricGate.errorRateBelow(0.01)).initialDelay(Duration.ofMinutes(1))
                        .interval(Duration.ofMinutes(1)))).build();
    }

    @Test
    @Order(1)
    void aCanaryWithHourLongBakesRunsInVirtualTimeAndTheNextPlanIsEmpty(Cutover cutover, VirtualScheduler time) {
        assertThat(cutover.apply(cutover.plan(Release.of(orders("1.0.0")).to(STAGE).build())).await())
                .isEqualTo(DeploymentStatus.SUCCEEDED);
        Instant before = time.clock().instant();
        Deployment d = cutover.apply(cutover.plan(canaryOf("2.0.0")));
        assertThat(d.await()).as(d.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(Duration.between(before, time.clock().instant())).as("virtual time passed").isGreaterThan(Duration.ofMinutes(30));
        assertThat(cutover.plan(canaryOf("2.0.0")).isEmpty()).isTrue();
    }

    @Test
    @Order(2)
    void eachTestGetsAFreshCloudAndABadImageIsRolledBackByTheLocalDatadog(Cutover cutover, LocalCloud cloud) {
        assertThat(servicesIn(cloud)).as("nothing left from the previous test").isZero();
        assertThat(cutover.apply(cutover.plan(Release.of(orders("1.0.0")).to(STAGE).build())).await())
                .isEqualTo(DeploymentStatus.SUCCEEDED);
        cloud.images().behave("repo/orders:2.0.0", b -> b.errorRate(0.3));
        Deployment d = cutover.apply(cutover.plan(canaryOf("2.0.0")));
        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(d.statusReason()).containsIgnoringCase("error");
    }

    @Test
    @Order(3)
    void theWorldAndItsPartsAreTheSameWithinOneTest(LocalCutover world, Cutover cutover, LocalCloud cloud) {
        assertThat(world.cutover()).isSameAs(cutover);
        assertThat(world.cloud()).isSameAs(cloud);
        assertThat(world.toString()).contains("127.0.0.1", "seed=42", "datadog");
    }

    private static long servicesIn(LocalCloud cloud) {
        try (EcsClient ecs = EcsClient.builder().endpointOverride(cloud.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create()).build()) {
            return ecs.listClusters().clusterArns().stream()
                    .mapToLong(c -> ecs.listServices(b -> b.cluster(c)).serviceArns().size()).sum();
        }
    }
}

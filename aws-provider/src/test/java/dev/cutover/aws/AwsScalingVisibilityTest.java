package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.localcloud.AutoScaling;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Application Auto Scaling sees a new ECS service eventually: on the local cloud (as on AWS)
 * RegisterScalableTarget right after CreateService answers {@code ValidationException: ECS service
 * doesn't exist} for a window of time. The provider waits it out (AutoScalingCapability,
 * AwsErrors.isEcsServiceNotYetVisible), in virtual time.
 */
class AwsScalingVisibilityTest {

    private final AwsWorld world = new AwsWorld();
    private final AwsWorld.Deployer deployer = world.deployer();

    @AfterEach
    void close() {
        deployer.close();
        world.close();
    }

    private static Service scaled() {
        return AwsFixture.orders("1.0.0").toBuilder().scaling(s -> s.min(2).max(6).targetCpuPercent(60)).build();
    }

    @Test
    void aFirstDeploymentWithScalingWaitsUntilAutoScalingSeesTheNewService() {
        world.cloud.autoScaling().ecsServiceVisibilityDelay(Duration.ofSeconds(30));
        Cutover cutover = deployer.cutover();
        Deployment d = cutover.apply(cutover.plan(Release.of(scaled()).to(AwsFixture.serviceConnectEnv()).build()));
        assertThat(d.await()).as(d.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(world.cloud.autoScaling().capacity("service/apps/test-orders")).contains(new AutoScaling.Capacity(2, 6));
        // the first answers were "ECS service doesn't exist"; the provider asked again after its poll interval
        assertThat(deployer.aws().apiCalls().get("application-autoscaling:RegisterScalableTarget")).isGreaterThan(1L);
    }
}

package dev.cutover.aws;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Hook;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Strategies;
import dev.cutover.localcloud.ImageBehavior;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cutover's plan/apply/rollout engine driving the AWS provider on the local cloud, all in virtual time, on the
 * shared {@link AwsWorld} harness (whose IAM audit checks every call against the plans' policies). */
class AwsEndToEndTest {

    private final AwsWorld world = new AwsWorld();
    private final AwsWorld.Deployer deployer = world.deployer();
    private final Cutover cutover = deployer.cutover();

    @AfterEach
    void close() {
        deployer.close();
        world.close(); // also audits every call against the plans' IAM policies
    }

    private static Service orders(String version) {
        return AwsFixture.orders(version);
    }

    private DeploymentStatus deploy(Release release) {
        Plan plan = deployer.plan(release);
        Deployment d = cutover.apply(plan);
        DeploymentStatus status = d.await();
        return status;
    }

    @Test
    void bootstrapThenCanaryTenFiftyHundredInMeshMode() {
        Environment stage = AwsFixture.meshEnv();
        Plan first = deployer.plan(Release.of(orders("1.0.0")).to(stage).build());
        assertThat(first.toString()).contains("cluster stage/main", "mesh stage/internal", "namespace stage/stage.local");
        assertThat(cutover.apply(first).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(deployer.plan(Release.of(orders("1.0.0")).to(stage).build()).isEmpty()).isTrue();

        Release next = Release.of(orders("2.0.0")).to(stage)
                .strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(5))).build();
        Deployment d = cutover.apply(deployer.plan(next));
        assertThat(d.await()).as(d.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(deployer.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:2", 100));
        assertThat(deployer.plan(next).isEmpty()).isTrue();
    }

    @Test
    void aFailingPreDeployMigrationShiftsNothing() {
        Environment stage = AwsFixture.meshEnv();
        assertThat(deploy(Release.of(orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        world.cloud.images().behave("repo/orders:2.0.0", ImageBehavior.exitsWith(2));
        Release next = Release.of(orders("2.0.0").toBuilder().preDeploy(Hook.command("./migrate", "up")).build()).to(stage)
                .strategy(canary()).build();
        Deployment d = cutover.apply(deployer.plan(next));
        assertThat(d.await()).isNotEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(deployer.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:1", 100));
    }

    @Test
    void aCrashingArtifactIsRolledBackWithAllTrafficOnTheOldRevision() {
        Environment stage = AwsFixture.meshEnv();
        assertThat(deploy(Release.of(orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        world.cloud.images().behave("repo/orders:2.0.0", ImageBehavior.crashesOnStart());
        Deployment d = cutover.apply(deployer.plan(Release.of(orders("2.0.0")).to(stage)
                .strategy(Strategies.blueGreen()).build()));
        assertThat(d.await()).isNotEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(deployer.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:1", 100));
    }

    @Test
    void blueGreenAndRollingSucceedInMeshMode() {
        Environment stage = AwsFixture.meshEnv();
        assertThat(deploy(Release.of(orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(deploy(Release.of(orders("2.0.0")).to(stage).strategy(Strategies.blueGreen()).build()))
                .isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(deployer.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:2", 100));
        assertThat(deploy(Release.of(orders("3.0.0")).to(stage).strategy(Strategies.rolling()).build()))
                .isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(deployer.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:3", 100));
    }

    @Test
    void serviceConnectModeDeploysThroughEcsNativeCanary() {
        Environment test = AwsFixture.serviceConnectEnv();
        assertThat(deploy(Release.of(orders("1.0.0")).to(test).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        Deployment d = cutover.apply(deployer.plan(Release.of(orders("2.0.0")).to(test)
                .strategy(canary().steps(20, 100).bake(Duration.ofMinutes(5))).build()));
        assertThat(d.await()).as(d.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(deployer.aws().traffic().orElseThrow().weights("test", "orders")).isEqualTo(Map.of("test-orders:2", 100));
    }
}

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
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.SimClock;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cutover's plan/apply/rollout engine driving the AWS provider on the local cloud, all in virtual time. */
class AwsEndToEndTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final VirtualScheduler time = Scheduler.virtual(T0);
    private final SimClock cloudClock = SimClock.virtual(T0);
    private final AwsFixture f;
    private final Cutover cutover;

    AwsEndToEndTest() {
        time.onAdvance((from, to) -> {
            if (to.isAfter(cloudClock.instant())) {
                cloudClock.advance(Duration.between(cloudClock.instant(), to));
            }
        });
        f = new AwsFixture(LocalCloud.builder().clock(cloudClock).start(), b -> b.clock(time.clock()).sleeper(time::sleep));
        cutover = Cutover.builder().provider(f.aws).discoverProviders(false).scheduler(time).build();
    }

    @AfterEach
    void close() {
        cutover.close();
        f.close();
        cloudClock.close();
    }

    private static Service orders(String version) {
        return AwsFixture.orders(version);
    }

    private DeploymentStatus deploy(Release release) {
        Plan plan = cutover.plan(release);
        Deployment d = cutover.apply(plan);
        DeploymentStatus status = d.await();
        return status;
    }

    @Test
    void bootstrapThenCanaryTenFiftyHundredInMeshMode() {
        Environment stage = AwsFixture.meshEnv();
        Plan first = cutover.plan(Release.of(orders("1.0.0")).to(stage).build());
        assertThat(first.toString()).contains("cluster stage/main", "mesh stage/internal", "namespace stage/stage.local");
        assertThat(cutover.apply(first).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(cutover.plan(Release.of(orders("1.0.0")).to(stage).build()).isEmpty()).isTrue();

        Release next = Release.of(orders("2.0.0")).to(stage)
                .strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(5))).build();
        Deployment d = cutover.apply(cutover.plan(next));
        assertThat(d.await()).as(d.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(f.aws.traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:2", 100));
        assertThat(cutover.plan(next).isEmpty()).isTrue();
    }

    @Test
    void aFailingPreDeployMigrationShiftsNothing() {
        Environment stage = AwsFixture.meshEnv();
        assertThat(deploy(Release.of(orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        f.cloud.images().behave("repo/orders:2.0.0", ImageBehavior.exitsWith(2));
        Release next = Release.of(orders("2.0.0").toBuilder().preDeploy(Hook.command("./migrate", "up")).build()).to(stage)
                .strategy(canary()).build();
        Deployment d = cutover.apply(cutover.plan(next));
        assertThat(d.await()).isNotEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(f.aws.traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:1", 100));
    }

    @Test
    void aCrashingArtifactIsRolledBackWithAllTrafficOnTheOldRevision() {
        Environment stage = AwsFixture.meshEnv();
        assertThat(deploy(Release.of(orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        f.cloud.images().behave("repo/orders:2.0.0", ImageBehavior.crashesOnStart());
        Deployment d = cutover.apply(cutover.plan(Release.of(orders("2.0.0")).to(stage)
                .strategy(Strategies.blueGreen()).build()));
        assertThat(d.await()).isNotEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(f.aws.traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:1", 100));
    }

    @Test
    void blueGreenAndRollingSucceedInMeshMode() {
        Environment stage = AwsFixture.meshEnv();
        assertThat(deploy(Release.of(orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(deploy(Release.of(orders("2.0.0")).to(stage).strategy(Strategies.blueGreen()).build()))
                .isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(f.aws.traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:2", 100));
        assertThat(deploy(Release.of(orders("3.0.0")).to(stage).strategy(Strategies.rolling()).build()))
                .isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(f.aws.traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:3", 100));
    }

    @Test
    void serviceConnectModeDeploysThroughEcsNativeCanary() {
        Environment test = AwsFixture.serviceConnectEnv();
        assertThat(deploy(Release.of(orders("1.0.0")).to(test).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        Deployment d = cutover.apply(cutover.plan(Release.of(orders("2.0.0")).to(test)
                .strategy(canary().steps(20, 100).bake(Duration.ofMinutes(5))).build()));
        assertThat(d.await()).as(d.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(f.aws.traffic().orElseThrow().weights("test", "orders")).isEqualTo(Map.of("test-orders:2", 100));
    }
}

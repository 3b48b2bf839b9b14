package dev.cutover.aws;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.HistoryEntry;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Strategies;
import dev.cutover.ValidationException;
import dev.cutover.aws.AwsWorld.Deployer;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.journal.FileJournalStore;
import dev.cutover.spi.RevisionHealth;
import dev.cutover.spi.RevisionRef;
import dev.cutover.time.Scheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Issue 10 items 1-3 on the local cloud through the AWS provider, in virtual time: rollback
 * restores the previous release as it was deployed (also from a new process), autoscaled services
 * keep their capacity across plans, rollouts and rollbacks, and promotion demands the digest the
 * source environment ran.
 */
class AwsRollbackScalingPromotionTest {

    private final AwsWorld world = new AwsWorld();
    private final Environment stage = AwsFixture.meshEnv();

    @TempDir
    Path journalDir;

    @AfterEach
    void close() {
        world.close();
    }

    /** A service with everything a default one lacks: 3 tasks, env vars, cpu/memory, a secret reference. */
    private static Service.Builder full(String version) {
        return Service.named("orders").image("repo/orders:" + version).port(8080).cpu(512).memoryMiB(1024).instances(3)
                .env("LOG_LEVEL", "info").env("FEATURE_X", "on").secret("DB_PASSWORD", "stage/orders/db")
                .executionRole("arn:aws:iam::123456789012:role/ecsTaskExecutionRole")
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10)));
    }

    private static Service.Builder scaled(String version, int min, int max) {
        return Service.named("orders").image("repo/orders:" + version).port(8080).cpu(256).memoryMiB(512)
                .scaling(s -> s.min(min).max(max).targetCpuPercent(60))
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10)));
    }

    private Release release(Service.Builder s) {
        return Release.of(s.build()).to(stage).strategy(canary().steps(25, 100).bake(Duration.ofMinutes(1))).build();
    }

    private static Deployment deploy(Deployer d, Release r) {
        Deployment dep = d.cutover().apply(d.cutover().plan(r));
        assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        return dep;
    }

    private Deployer deployer(Path journal) {
        return world.deployer(p -> p.environment(stage),
                c -> c.journal(new FileJournalStore(journal)).rollbackWindow(Duration.ofMinutes(1)));
    }

    private Optional<ScalableTarget> target(String ecsService) {
        try (ApplicationAutoScalingClient as = ApplicationAutoScalingClient.builder().endpointOverride(world.cloud.endpoint())
                .region(Region.US_EAST_1).credentialsProvider(AwsFixture.CREDENTIALS).build()) {
            return as.describeScalableTargets(b -> b.serviceNamespace("ecs").resourceIds("service/main/" + ecsService))
                    .scalableTargets().stream().findFirst();
        }
    }

    private int desiredCount(String ecsService) {
        try (EcsClient ecs = EcsClient.builder().endpointOverride(world.cloud.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(AwsFixture.CREDENTIALS).build()) {
            return ecs.describeServices(b -> b.cluster("main").services(ecsService)).services().get(0).desiredCount();
        }
    }

    // ------------------------------------------------------------------ 1. rollback restores the release

    @Test
    void rollbackRestoresThePreviousReleaseSoItsPlanIsEmpty() {
        world.cloud.secrets().createSecret("stage/orders/db", "not-for-your-eyes");
        try (Deployer d = deployer(journalDir)) {
            Release v1 = release(full("1.0.0"));
            deploy(d, v1);
            deploy(d, release(full("2.0.0").instances(1).env("LOG_LEVEL", "debug")));

            Deployment back = d.cutover().rollback("orders", "stage");
            assertThat(back.await()).as(back.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);

            Plan after = d.cutover().plan(v1);
            assertThat(after.isEmpty()).as(after.toString()).isTrue();
            assertThat(d.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:1", 100));
            assertThat(desiredCount("stage-orders_1")).isEqualTo(3);
        }
    }

    @Test
    void withServiceConnectRollbackRestoresThePreviousReleaseToo() {
        Environment test = AwsFixture.serviceConnectEnv();
        try (Deployer d = world.deployer(p -> p.environment(test),
                c -> c.journal(new FileJournalStore(journalDir)).rollbackWindow(Duration.ofMinutes(1)))) {
            Release v1 = Release.of(scaled("1.0.0", 2, 10).env("LOG_LEVEL", "info").build()).to(test).build();
            deploy(d, v1);
            deploy(d, Release.of(scaled("2.0.0", 1, 4).build()).to(test).build());

            Deployment back = d.cutover().rollback("orders", "test");
            assertThat(back.await()).as(back.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            Plan after = d.cutover().plan(v1);
            assertThat(after.isEmpty()).as(after.toString()).isTrue();
        }
    }

    @Test
    void aNewProcessRollsBackFromAFileJournalAndAnInMemoryJournalSaysHowToKeepHistory() {
        Release v1 = release(scaled("1.0.0", 2, 10).env("LOG_LEVEL", "info"));
        try (Deployer first = deployer(journalDir)) {
            deploy(first, v1);
            deploy(first, release(scaled("2.0.0", 1, 4)));
        }
        try (Deployer second = deployer(journalDir)) { // new Cutover, new provider, same journal directory
            Deployment back = second.cutover().rollback("orders", "stage");
            assertThat(back.await()).as(back.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(second.cutover().plan(v1).isEmpty()).as(second.cutover().plan(v1).toString()).isTrue();
        }
        try (Deployer forgetful = world.deployer(p -> p.environment(stage), c -> { })) {
            assertThatThrownBy(() -> forgetful.cutover().rollback("orders", "stage"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in memory").hasMessageContaining(".journal(new FileJournalStore(dir))");
        }
    }

    @Test
    void afterADeploymentThatStartedNoRevisionRollbackReturnsToTheRevisionBeforeTheLastOneStarted() {
        try (Deployer d = deployer(journalDir)) {
            Release v1 = release(full("1.0.0").noScaling().secrets(Map.of()));
            deploy(d, v1);
            deploy(d, release(full("2.0.0").secrets(Map.of())));
            Deployment resize = deploy(d, release(full("2.0.0").secrets(Map.of()).instances(4))); // count only
            assertThat(resize.events()).noneMatch(e -> e instanceof DeploymentEvent.RevisionStarted);

            Deployment back = d.cutover().rollback("orders", "stage");
            assertThat(back.await()).as(back.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(d.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:1", 100));
            assertThat(d.cutover().plan(v1).isEmpty()).as(d.cutover().plan(v1).toString()).isTrue();
        }
    }

    @Test
    void rollbackOrAbortOfAFinishedDeploymentSaysWhyAndWhatToDoInstead() {
        try (Deployer d = deployer(journalDir)) {
            deploy(d, release(full("1.0.0").secrets(Map.of())));
            Deployment v2 = deploy(d, release(full("2.0.0").secrets(Map.of())));
            assertThat(v2.awaitRetirement()).isEqualTo(DeploymentStatus.SUCCEEDED); // the rollback window is over
            assertThatThrownBy(v2::rollback).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already finished (SUCCEEDED")
                    .hasMessageContaining("cutover.rollback(\"orders\", \"stage\")");
            assertThatThrownBy(v2::abort).isInstanceOf(IllegalStateException.class).hasMessageContaining("already finished");
            assertThat(d.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:2", 100));
        }
    }

    // ------------------------------------------------------------------ 2. autoscaled services

    @Test
    void theAutoscalersCountIsNotDriftInsideTheRangeAndIsClampedOutsideIt() {
        try (Deployer d = deployer(journalDir)) {
            Release v1 = release(scaled("1.0.0", 2, 10));
            deploy(d, v1);
            assertThat(world.cloud.autoScaling().scaleTo("service/main/stage-orders_1", 6)).isEqualTo(6);

            Plan same = d.cutover().plan(v1);
            assertThat(same.isEmpty()).as(same.toString()).isTrue();
            assertThat(same.toString()).contains("desiredCount 6 is managed by the autoscaler (range 2..10)");

            Plan narrower = d.cutover().plan(release(scaled("1.0.0", 2, 4)));
            assertThat(narrower.toString()).contains("desiredCount 6 is outside the autoscaler's range 2..4; clamped to 4")
                    .contains("desiredCount = \"6\" -> \"4\"");
        }
    }

    @Test
    void aNewRevisionStartsAtTheServingCountAndTakesTrafficOnlyWhenThatManyAreHealthy() {
        List<String> atFirstShift = new ArrayList<>();
        List<Integer> started = new ArrayList<>();
        Deployer[] self = new Deployer[1];
        try (Deployer d = world.deployer(p -> p.environment(stage), c -> c.journal(new FileJournalStore(journalDir))
                .listener(e -> {
                    if (e instanceof DeploymentEvent.RevisionStarted rs && rs.revision().endsWith(":2")) {
                        started.add(rs.desiredCount());
                    }
                    if (e instanceof DeploymentEvent.TrafficShifted ts && ts.weights().containsKey("stage-orders:2")
                            && atFirstShift.isEmpty()) {
                        RevisionHealth h = self[0].aws().compute().orElseThrow()
                                .health(new RevisionRef("stage", "orders", "stage-orders:2", "2.0.0"));
                        atFirstShift.add(h.healthy() + "/" + h.desired());
                    }
                }))) {
            self[0] = d;
            deploy(d, release(scaled("1.0.0", 2, 10)));
            world.cloud.autoScaling().scaleTo("service/main/stage-orders_1", 6);
            d.time().advance(Duration.ofMinutes(2)); // the autoscaler's tasks start and pass health checks

            deploy(d, release(scaled("2.0.0", 2, 10)));
            assertThat(started).containsExactly(6);
            assertThat(atFirstShift).containsExactly("6/6");
            assertThat(desiredCount("stage-orders_2")).isEqualTo(6);
        }
    }

    @Test
    void eachRevisionsScalableTargetFollowsItAndRollbackRestoresTheOldOne() {
        try (Deployer d = deployer(journalDir)) {
            Release v1 = release(scaled("1.0.0", 2, 10));
            deploy(d, v1);
            deploy(d, release(scaled("2.0.0", 3, 8)));
            d.time().advance(Duration.ofMinutes(2)); // past the rollback window: revision 1 is retired
            assertThat(target("stage-orders_2")).map(t -> t.minCapacity() + ".." + t.maxCapacity()).contains("3..8");
            assertThat(target("stage-orders_1")).isEmpty();

            Deployment back = d.cutover().rollback("orders", "stage");
            assertThat(back.await()).as(back.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            d.time().advance(Duration.ofMinutes(2));
            assertThat(target("stage-orders_1")).map(t -> t.minCapacity() + ".." + t.maxCapacity()).contains("2..10");
            assertThat(target("stage-orders_2")).isEmpty();
            assertThat(desiredCount("stage-orders_1")).isGreaterThanOrEqualTo(3); // what revision 2 ran, within 2..10
            assertThat(d.cutover().plan(v1).isEmpty()).as(d.cutover().plan(v1).toString()).isTrue();
        }
    }

    // ------------------------------------------------------------------ 3. promotion means the same artifact

    @Test
    void prodAcceptsOnlyADigestStageRanAndTheErrorNamesWhatStageRan() {
        Environment prod = Environment.named("prod").region("us-east-1").cluster("prod").mesh("internal-prod")
                .namespace("prod.local").promotedFrom("stage").requireImageDigest().build();
        try (Deployer d = world.deployer(p -> p.environment(stage).environment(prod),
                c -> c.journal(new FileJournalStore(journalDir)))) {
            deploy(d, release(scaled("2.0.0", 1, 3)));
            String ran = world.cloud.images().digestOf("repo/orders:2.0.0");
            HistoryEntry stageRun = d.cutover().history("orders", "stage").get(0);
            assertThat(stageRun.digest()).as("the digest ECS reported, journaled").isEqualTo(ran);

            // the tag moves after stage ran it: prod may not take the new content under the old tag
            String other = "sha256:" + "ab".repeat(32);
            world.cloud.images().push("repo/orders:2.0.0", other);
            Release wrong = Release.of(scaled("2.0.0", 1, 3).image("repo/orders:2.0.0@" + other).build()).to(prod).build();
            assertThatThrownBy(() -> d.cutover().plan(wrong)).isInstanceOf(ValidationException.class)
                    .hasMessageContaining("environment.promotedFrom")
                    .hasMessageContaining("'stage' ran repo/orders:2.0.0 as " + ran);

            Release same = Release.of(scaled("2.0.0", 1, 3).image("repo/orders:2.0.0@" + ran).build()).to(prod).build();
            Deployment dep = d.cutover().apply(d.cutover().plan(same));
            assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(d.cutover().history("orders", "prod").get(0).digest()).isEqualTo(ran);
        }
    }

    @Test
    void theInMemoryProviderResolvesATagToTheDigestTheLocalCloudRuns() {
        InMemoryProvider memory = new InMemoryProvider();
        try (var cutover = dev.cutover.Cutover.builder().provider(memory).discoverProviders(false)
                .scheduler(Scheduler.virtual(AwsWorld.T0)).build()) {
            Release r = Release.of(scaled("2.0.0", 1, 3).build()).to(stage).strategy(Strategies.allAtOnce()).build();
            assertThat(cutover.apply(cutover.plan(r)).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(cutover.history("orders", "stage").get(0).digest())
                    .isEqualTo(world.cloud.images().digestOf("repo/orders:2.0.0")).startsWith("sha256:").hasSize(71);
        }
    }
}

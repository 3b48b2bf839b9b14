package dev.cutover.aws;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Change;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.analysis.MetricGate;
import dev.cutover.aws.AwsWorld.CrashingJournal;
import dev.cutover.aws.AwsWorld.Deployer;
import dev.cutover.aws.AwsWorld.SimulatedCrash;
import dev.cutover.journal.InMemoryJournalStore;
import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.spi.ResourceType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.appmesh.AppMeshClient;
import software.amazon.awssdk.services.appmesh.model.WeightedTarget;

/**
 * Operations on the local cloud through Cutover with the real SDK, in virtual time: a deployer
 * crashing mid-canary, throttling storms and 5xx bursts, an outage, metric analysis, drift, a
 * mode switch, AWS validation errors, and restarting a retired revision.
 */
class AwsOperationsEndToEndTest {

    private final AwsWorld world = new AwsWorld();
    private final Environment stage = AwsFixture.meshEnv();

    @AfterEach
    void close() {
        world.close();
    }

    private static Service orders(String version) {
        return AwsFixture.orders(version);
    }

    private static Service named(String name, String version) {
        return Service.named(name).image("repo/" + name + ":" + version).port(8080).cpu(256).memoryMiB(512).instances(2)
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10))).build();
    }

    private static Release canaryRelease(String version, Environment env) {
        return Release.of(orders(version)).to(env).strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(2))).build();
    }

    private static DeploymentStatus deploy(Deployer d, Release r) {
        Deployment dep = d.cutover().apply(d.plan(r));
        DeploymentStatus s = dep.awaitRetirement(); // and the old revision retired after the rollback window
        assertThat(s).as(dep.statusReason()).isNotNull();
        return s;
    }

    @Test
    void aDeployerCrashingMidCanaryIsResumedByANewOneWithAllTrafficOnOneRevisionThenTheJobIsFinished() {
        InMemoryJournalStore backing = new InMemoryJournalStore();
        CrashingJournal journal = new CrashingJournal(backing);
        Deployer first = world.deployer(p -> { }, c -> c.journal(journal));
        assertThat(deploy(first, Release.of(orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);

        // started, intent/start-revision, revision-started, then per step intent/done shift: crash mid-canary
        journal.crashAfter(5);
        Deployment d = first.cutover().apply(first.plan(canaryRelease("2.0.0", stage)));
        assertThatThrownBy(d::await).isInstanceOf(SimulatedCrash.class);
        Map<String, Integer> split = first.aws().traffic().orElseThrow().weights("stage", "orders");
        assertThat(split).as("traffic is split when the deployer dies").hasSize(2).containsKey("stage-orders:2");

        // a new process: new scheduler, new provider (told the environment's layout), same journal
        try (Deployer second = world.deployer(p -> p.environment(stage), c -> c.journal(backing))) {
            Deployment resumed = second.cutover().resume(d.id());
            assertThat(resumed.await()).isIn(DeploymentStatus.ROLLED_BACK, DeploymentStatus.SUCCEEDED);
            Map<String, Integer> after = second.aws().traffic().orElseThrow().weights("stage", "orders");
            assertThat(after).as("100% on exactly one revision").hasSize(1).containsValue(100);

            assertThat(deploy(second, canaryRelease("2.0.0", stage))).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(second.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:2", 100));
        }
    }

    @Test
    void aThrottlingStormAndServerErrorBurstsFailNoDeployment() {
        Deployer d = world.deployer(p -> { }, c -> c.resilience(r -> r.maxAttempts(10)));
        List<String> names = List.of("orders", "billing", "stock");
        for (String n : names) {
            assertThat(deploy(d, Release.of(named(n, "1.0.0")).to(stage).build()))
                    .isEqualTo(DeploymentStatus.SUCCEEDED);
        }
        world.cloud.faults()
                .throttle("ecs", "DescribeServices", 3, 0.5)
                .throttle("ecs", "UpdateService", 2, 0.2)
                .throttle("appmesh", "UpdateRoute", 2, 0.5)
                .serverErrors("ecs", 0.15)
                .serverErrors("appmesh", 0.15)
                .serverErrors("servicediscovery", 0.15);
        List<Deployment> running = names.stream()
                .map(n -> d.cutover().apply(d.plan(Release.of(named(n, "2.0.0")).to(stage)
                        .strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(2))).build())))
                .toList();
        for (Deployment dep : running) {
            assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        }
        assertThat(world.cloud.faults().throttledCalls("ecs") + world.cloud.faults().throttledCalls("appmesh"))
                .as("the storm really throttled").isPositive();
        world.cloud.faults().reset();
        d.time().advance(Duration.ofMinutes(1)); // the storm may have left the breaker open for direct reads
        for (String n : names) {
            assertThat(d.aws().traffic().orElseThrow().weights("stage", n)).isEqualTo(Map.of("stage-" + n + ":2", 100));
        }
    }

    @Test
    void anAppMeshOutagePausesTheDeploymentSafelyAndItResumesAfterTheOutage() {
        Deployer d = world.deployer();
        assertThat(deploy(d, Release.of(orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        Deployment dep = d.cutover().apply(d.plan(canaryRelease("2.0.0", stage)));
        dep.await(Duration.ofMinutes(2));
        assertThat(dep.status()).isEqualTo(DeploymentStatus.RUNNING);
        var before = world.cloud.appMesh().routeWeights("internal", "stage-orders", "stage-orders");
        assertThat(before.orElseThrow()).hasSize(2);

        world.cloud.faults().outage("appmesh", true);
        dep.await(Duration.ofMinutes(5));
        assertThat(dep.status()).isEqualTo(DeploymentStatus.PAUSED);
        assertThat(dep.statusReason()).contains("aws unavailable", "paused safely");

        world.cloud.faults().outage("appmesh", false);
        assertThat(world.cloud.appMesh().routeWeights("internal", "stage-orders", "stage-orders"))
                .as("nothing moved during the outage").isEqualTo(before);
        assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(d.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:2", 100));
    }

    /**
     * ECS goes down after the promotion, inside the rollback window: retiring the old revision fails
     * for hours. The promoted release keeps all traffic (it used to pause, then roll back to the old
     * revision through App Mesh, which was up); the deployment stops in place, journaled, and a
     * resume after the outage retires the old revision.
     */
    @Test
    void anEcsOutageInTheRollbackWindowNeverRollsBackThePromotedReleaseAndResumeRetiresTheOldRevision() {
        Deployer d = world.deployer(p -> { }, c -> c.rollbackWindow(Duration.ofMinutes(10)));
        assertThat(deploy(d, Release.of(orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        Deployment dep = d.cutover().apply(d.plan(canaryRelease("2.0.0", stage)));
        assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        var promoted = world.cloud.appMesh().routeWeights("internal", "stage-orders", "stage-orders").orElseThrow();
        assertThat(promoted).hasSize(1);

        world.cloud.faults().outage("ecs", true);
        DeploymentStatus retired = dep.awaitRetirement(Duration.ofHours(3));

        assertThat(world.cloud.appMesh().routeWeights("internal", "stage-orders", "stage-orders").orElseThrow())
                .as("the promoted revision keeps all traffic through the outage (App Mesh is up)").isEqualTo(promoted);
        assertThat(retired).as(dep.statusReason()).isEqualTo(DeploymentStatus.STOPPED);
        assertThat(dep.statusReason()).contains("promoted", "keeps all traffic", "resume");

        world.cloud.faults().outage("ecs", false);
        Deployment resumed = d.cutover().resume(dep.id());
        assertThat(resumed.awaitRetirement()).as(resumed.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(d.aws().compute().orElseThrow().revisions("stage", "orders")).extracting(r -> r.id())
                .containsExactly("stage-orders:2");
        assertThat(d.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:2", 100));
    }

    @Test
    void aBadArtifactWithAHighErrorRateFromDatadogIsRolledBackByMetricAnalysis() {
        Deployer d = world.deployer(p -> { }, (time, c) -> c.metrics(world.datadog(time)));
        assertThat(deploy(d, Release.of(orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        world.cloud.images().behave("repo/orders:2.0.0", b -> b.errorRate(0.3));
        Release bad = Release.of(orders("2.0.0")).to(stage).strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(5))
                .analysis(a -> a.gate(MetricGate.errorRateBelow(0.01)).initialDelay(Duration.ofMinutes(1))
                        .interval(Duration.ofMinutes(1)))).build();
        Deployment dep = d.cutover().apply(d.plan(bad));
        assertThat(dep.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(dep.statusReason()).containsIgnoringCase("error");
        assertThat(d.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:1", 100));
    }

    @Test
    void weightsEditedOutOfBandShowInTheNextPlan() {
        Deployer d = world.deployer();
        assertThat(deploy(d, Release.of(orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        Release v2 = canaryRelease("2.0.0", stage);
        assertThat(deploy(d, v2)).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(d.plan(v2).isEmpty()).isTrue();

        try (AppMeshClient mesh = AppMeshClient.builder().endpointOverride(world.cloud.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(AwsFixture.CREDENTIALS).build()) {
            // someone recreates the retired revision's node by hand and sends it 30% of the traffic
            mesh.createVirtualNode(b -> b.meshName("internal").virtualNodeName("stage-orders_1").spec(s -> s
                    .listeners(l -> l.portMapping(pm -> pm.port(8080).protocol("http")))
                    .serviceDiscovery(sd -> sd.dns(dns -> dns.hostname("orders-1.stage.local")))));
            mesh.updateRoute(b -> b.meshName("internal").virtualRouterName("stage-orders").routeName("stage-orders")
                    .spec(s -> s.httpRoute(h -> h.match(m -> m.prefix("/")).action(a -> a.weightedTargets(
                            WeightedTarget.builder().virtualNode("stage-orders_1").weight(30).build(),
                            WeightedTarget.builder().virtualNode("stage-orders_2").weight(70).build())))));
        }
        Plan drift = d.plan(v2);
        assertThat(drift.isEmpty()).isFalse();
        Change route = drift.changes().stream().filter(c -> c.id().type() == ResourceType.ROUTE).findFirst().orElseThrow();
        assertThat(route.isNoOp()).isFalse();
        assertThat(route.reason()).contains("drift");
        assertThat(route.beforeState().orElseThrow().value("weights")).isEqualTo("stage-orders:1=30,stage-orders:2=70");
        assertThat(drift.toString()).contains("stage-orders:1=30,stage-orders:2=70");
    }

    @Test
    void switchingAnEnvironmentToServiceConnectIsOneLineAMigrationPlanAndAMigration() {
        Deployer d = world.deployer();
        assertThat(deploy(d, Release.of(orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);

        Environment switched = stage.toBuilder().serviceConnect().build(); // the one line
        assertThatThrownBy(() -> d.plan(Release.of(orders("1.0.0")).to(switched)
                .strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(5))).build()))
                .as("ECS's native canary has one step").hasMessageContaining("strategy.steps");
        Plan migration = d.plan(Release.of(orders("1.0.0")).to(switched)
                .strategy(canary().steps(10, 100).bake(Duration.ofMinutes(5))).build());
        assertThat(migration.isEmpty()).isFalse();
        Change route = migration.changes().stream().filter(c -> c.id().type() == ResourceType.ROUTE).findFirst().orElseThrow();
        assertThat(route.reason()).contains("migration from App Mesh (mesh internal) to Service Connect",
                "ECS native CANARY: one step at 10%, bake 5 min, then 100%");
        assertThat(migration.toString()).contains("migration from App Mesh");

        Deployment moved = d.cutover().apply(migration);
        assertThat(moved.awaitRetirement()).as(moved.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(d.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:2", 100));
        assertThat(d.aws().compute().orElseThrow().revisions("stage", "orders")).extracting(r -> r.id())
                .containsExactly("stage-orders:2");
        assertThat(world.cloud.appMesh().serviceDiscovery("internal", "stage-orders_1")).as("virtual node").isEmpty();
        assertThat(world.cloud.appMesh().routeWeights("internal", "stage-orders", "stage-orders")).as("route").isEmpty();
        assertThat(world.cloud.cloudMap().findService("stage.local", "stage-orders_1")).as("Cloud Map service").isEmpty();
        assertThat(d.plan(Release.of(orders("1.0.0")).to(switched).build()).isEmpty())
                .as("after the migration the Service Connect environment plans as unchanged").isTrue();
    }

    @Test
    void awsValidationErrorsSurfaceAsCutoverErrorsNamingTheFieldAndTheAwsError() {
        Deployer d = world.deployer(p -> p.subnets(), c -> { });
        Deployment dep = d.cutover().apply(d.plan(Release.of(orders("1.0.0")).to(stage).build()));
        assertThat(dep.await()).isIn(DeploymentStatus.FAILED, DeploymentStatus.ROLLED_BACK);
        assertThat(dep.statusReason()).contains("CreateService", "InvalidParameterException", "Network Configuration")
                .doesNotContain("\tat ", "software.amazon");
    }

    @Test
    void aRetiredRevisionIsCleanedUpAndCanBeRestartedFromItsTaskDefinition() {
        Deployer d = world.deployer(p -> p.revisionRetention(2), c -> c.rollbackWindow(Duration.ofMinutes(1)));
        for (String v : List.of("1.0.0", "2.0.0", "3.0.0", "4.0.0")) {
            assertThat(deploy(d, Release.of(orders(v)).to(stage).strategy(dev.cutover.Strategies.blueGreen()).build()))
                    .isEqualTo(DeploymentStatus.SUCCEEDED); // awaitRetirement(): the old revision is retired too
        }
        var compute = d.aws().compute().orElseThrow();
        assertThat(compute.revisions("stage", "orders")).extracting(r -> r.id()).containsExactly("stage-orders:4");
        for (String gone : List.of("stage-orders_1", "stage-orders_2", "stage-orders_3")) {
            assertThat(world.cloud.appMesh().serviceDiscovery("internal", gone)).as("virtual node " + gone).isEmpty();
            assertThat(world.cloud.cloudMap().findService("stage.local", gone)).as("Cloud Map service " + gone).isEmpty();
        }
        assertThat(world.cloud.appMesh().serviceDiscovery("internal", "stage-orders_4")).isPresent();
        try (var ecs = software.amazon.awssdk.services.ecs.EcsClient.builder().endpointOverride(world.cloud.endpoint())
                .region(Region.US_EAST_1).credentialsProvider(AwsFixture.CREDENTIALS).build()) {
            assertThat(ecs.listTaskDefinitions(b -> b.familyPrefix("stage-orders").status("ACTIVE")).taskDefinitionArns())
                    .hasSize(2);
        }

        var v3 = compute.restartRevision(new dev.cutover.spi.RevisionRef("stage", "orders", "stage-orders:3", "3.0.0"), 1);
        assertThat(v3.id()).isEqualTo("stage-orders:3");
        assertThat(compute.revisions("stage", "orders")).extracting(r -> r.id()).containsExactly("stage-orders:3", "stage-orders:4");
        assertThatThrownBy(() -> compute.restartRevision(new dev.cutover.spi.RevisionRef("stage", "orders", "stage-orders:1", "1.0.0"), 1))
                .hasMessageContaining("deregistered").hasMessageContaining("deploy its release again");
    }
}

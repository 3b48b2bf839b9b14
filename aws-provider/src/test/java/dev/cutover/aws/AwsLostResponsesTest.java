package dev.cutover.aws;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Hook;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.aws.AwsWorld.Deployer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Writes whose response is lost after AWS applied them (the local cloud's "applied, then the
 * response is lost" fault): the guarded executor's retry must not do the work twice. Client tokens
 * where the API has them (ECS CreateService, RunTask), read-before-retry where it has none.
 */
class AwsLostResponsesTest {

    private final AwsWorld world = new AwsWorld();
    private final Environment stage = AwsFixture.meshEnv();

    @AfterEach
    void close() {
        world.close();
    }

    private static Service withHooks(String version) {
        return AwsFixture.orders(version).toBuilder()
                .preDeploy(Hook.command("./migrate", "up"))
                .smokeTest(Hook.command("./smoke"))
                .build();
    }

    private static DeploymentStatus deploy(Deployer d, Release r) {
        Deployment dep = d.cutover().apply(d.cutover().plan(r));
        DeploymentStatus s = dep.awaitRetirement(); // and the old revision retired after the rollback window
        assertThat(s).as(dep.statusReason()).isNotNull();
        return s;
    }

    private EcsClient ecs() {
        return EcsClient.builder().endpointOverride(world.cloud.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    }

    /** The one-off tasks the deployer started (every status), by the command they ran. */
    private Map<String, Integer> oneOffTasksByCommand() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        try (EcsClient ecs = ecs()) {
            List<String> arns = new ArrayList<>();
            for (DesiredStatus st : List.of(DesiredStatus.RUNNING, DesiredStatus.STOPPED)) {
                arns.addAll(ecs.listTasks(b -> b.cluster("main").startedBy("cutover").desiredStatus(st)).taskArns());
            }
            for (int i = 0; i < arns.size(); i += 100) {
                List<String> chunk = arns.subList(i, Math.min(arns.size(), i + 100));
                for (Task t : ecs.describeTasks(b -> b.cluster("main").tasks(chunk)).tasks()) {
                    String cmd = String.join(" ", t.overrides().containerOverrides().get(0).command());
                    out.merge(cmd, 1, Integer::sum);
                }
            }
        }
        return out;
    }

    @Test
    void preDeployAndSmokeTestRunOnceWhenEveryRunTaskResponseIsLostTwice() {
        Deployer d = world.deployer(p -> { }, c -> c.resilience(r -> r.maxAttempts(5)));
        assertThat(deploy(d, Release.of(AwsFixture.orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);

        world.cloud.faults().loseResponses("ecs", "RunTask", 2);
        Release next = Release.of(withHooks("2.0.0")).to(stage).strategy(canary().steps(50, 100).bake(Duration.ofMinutes(1)))
                .build();
        Deployment dep = d.cutover().apply(d.cutover().plan(next));
        assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        // the pre-deploy's RunTask was applied twice without an answer, then answered: still one task
        world.cloud.faults().loseResponses("ecs", "RunTask", 0);
        assertThat(world.cloud.faults().lostResponses("ecs")).isEqualTo(2);
        assertThat(oneOffTasksByCommand()).isEqualTo(Map.of("./migrate up", 1, "./smoke", 1));
    }

    @Test
    void aLostCreateServiceLeavesExactlyOneActiveServiceAndTheDeploymentSucceeds() {
        Deployer d = world.deployer();
        world.cloud.faults().loseResponses("ecs", "CreateService", 1);
        assertThat(deploy(d, Release.of(AwsFixture.orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(world.cloud.faults().lostResponses("ecs")).isEqualTo(1);

        world.cloud.faults().loseResponses("ecs", "CreateService", 1);
        Release next = Release.of(AwsFixture.orders("2.0.0")).to(stage).strategy(canary().steps(50, 100)
                .bake(Duration.ofMinutes(1))).build();
        assertThat(deploy(d, next)).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(world.cloud.faults().lostResponses("ecs")).isEqualTo(2);

        CloudInventory.Snapshot s = CloudInventory.of(world.cloud, "stage", "orders").cluster("main").mesh("internal")
                .namespace("stage.local").read();
        assertThat(s.ecsServices()).containsExactly("stage-orders_2");
        assertThat(s.revisionsWithResources()).as(s.toString()).containsExactly("stage-orders:2");
        assertThat(d.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:2", 100));
    }

    @Test
    void aLostRegisterTaskDefinitionRegistersOneRevision() {
        Deployer d = world.deployer();
        world.cloud.faults().loseResponses("ecs", "RegisterTaskDefinition", 1);
        assertThat(deploy(d, Release.of(AwsFixture.orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        CloudInventory.Snapshot s = CloudInventory.of(world.cloud, "stage", "orders").cluster("main").mesh("internal")
                .namespace("stage.local").read();
        assertThat(s.taskDefinitions()).containsExactly("stage-orders:1");
        assertThat(s.revisionsWithResources()).as(s.toString()).containsExactly("stage-orders:1");
    }

    @Test
    void lostAppMeshAndCloudMapCreatesAreNotRepeated() {
        Deployer d = world.deployer(p -> { }, c -> c.resilience(r -> r.maxAttempts(6)));
        world.cloud.faults()
                .loseResponses("appmesh", "PUT /v20190125/meshes/internal/virtualNodes", 1)
                .loseResponses("appmesh", "PUT /v20190125/meshes/internal/virtualRouters", 1)
                .loseResponses("appmesh", "PUT /v20190125/meshes/internal/virtualServices", 1)
                .loseResponses("appmesh", "PUT /v20190125/meshes/internal/virtualRouter/stage-orders/routes", 1)
                .loseResponses("servicediscovery", "CreateService", 1);
        assertThat(deploy(d, Release.of(AwsFixture.orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(world.cloud.faults().lostResponses("appmesh")).isEqualTo(4);
        assertThat(world.cloud.faults().lostResponses("servicediscovery")).isEqualTo(1);
        world.cloud.faults().loseResponses("appmesh", "PUT /v20190125/meshes/internal/virtualRouter/stage-orders/routes", 1)
                .loseResponses("appmesh", "PUT /v20190125/meshes/internal/virtualNodes", 1);
        Release next = Release.of(AwsFixture.orders("2.0.0")).to(stage).strategy(canary().steps(50, 100)
                .bake(Duration.ofMinutes(1))).build();
        assertThat(deploy(d, next)).isEqualTo(DeploymentStatus.SUCCEEDED);
        CloudInventory.Snapshot s = CloudInventory.of(world.cloud, "stage", "orders").cluster("main").mesh("internal")
                .namespace("stage.local").read();
        assertThat(s.revisionsWithResources()).as(s.toString()).containsExactly("stage-orders:2");
        assertThat(s.routes()).containsExactly("stage-orders/stage-orders");
    }
}

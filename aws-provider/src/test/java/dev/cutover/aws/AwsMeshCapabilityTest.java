package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Change;
import dev.cutover.Release;
import dev.cutover.spi.Compute;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.RevisionHealth;
import dev.cutover.spi.RevisionRef;
import dev.cutover.spi.Traffic;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Compute, traffic and discovery in App Mesh mode, against the local cloud with the real SDK clients. */
class AwsMeshCapabilityTest {

    private final AwsFixture f = new AwsFixture();
    private final Compute compute = f.aws.compute().orElseThrow();
    private final Traffic traffic = f.aws.traffic().orElseThrow();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void bootstrapStartAndRouteThenAnUnchangedWorldObservesAsDesired() {
        Release release = AwsFixture.release(AwsFixture.orders("1.0.0"), AwsFixture.meshEnv());
        assertThat(f.observe(release)).isEmpty();

        f.bootstrap(release);
        f.bootstrap(release); // idempotent
        RevisionRef v1 = compute.startRevision(release, 2);
        assertThat(v1.id()).isEqualTo("stage-orders:1");
        assertThat(v1.version()).isEqualTo("1.0.0");
        RevisionHealth health = f.awaitConverged(v1);
        assertThat(health.isConverged()).as(health.toString()).isTrue();
        traffic.setWeights("stage", "orders", Map.of(v1.id(), 100));
        Resource discovery = DesiredState.of(release).stream().filter(r -> r.id().type() == ResourceType.DISCOVERY)
                .findFirst().orElseThrow();
        f.aws.discovery().orElseThrow().apply(new Change(discovery.id(), Change.Action.CREATE, null, discovery, "new"));

        Map<ResourceId, Resource> observed = f.observe(release);
        for (Resource want : DesiredState.of(release)) {
            Resource have = observed.get(want.id());
            assertThat(have).as(want.id().toString()).isNotNull();
            if (want.id().type() == ResourceType.ROUTE) {
                assertThat(have.value("weights")).isEqualTo("stage-orders:1=100");
            } else {
                assertThat(have.attributes()).as(want.id().toString()).isEqualTo(want.attributes());
            }
        }
        assertThat(observed.get(ResourceId.of("stage", ResourceType.REVISION, "orders")).ref()).isEqualTo(v1.id());

        long registered = f.aws.apiCalls().getOrDefault("ecs:RegisterTaskDefinition", 0L);
        assertThat(compute.startRevision(release, 2)).isEqualTo(v1);
        assertThat(f.aws.apiCalls().get("ecs:RegisterTaskDefinition")).as("same content, no new revision").isEqualTo(registered);
        assertThat(compute.revisions("stage", "orders")).containsExactly(v1);
    }

    @Test
    void weightsMoveStepByStepAndRetireRemovesTheOldRevision() {
        Release r1 = AwsFixture.release(AwsFixture.orders("1.0.0"), AwsFixture.meshEnv());
        f.bootstrap(r1);
        RevisionRef v1 = compute.startRevision(r1, 2);
        f.awaitConverged(v1);
        traffic.setWeights("stage", "orders", Map.of(v1.id(), 100));

        Release r2 = AwsFixture.release(AwsFixture.orders("2.0.0"), AwsFixture.meshEnv());
        RevisionRef v2 = compute.startRevision(r2, 2);
        assertThat(v2.id()).isEqualTo("stage-orders:2");
        assertThat(f.awaitConverged(v2).isConverged()).isTrue();
        for (int w : new int[] {10, 50, 100}) {
            traffic.setWeights("stage", "orders", Map.of(v1.id(), 100 - w, v2.id(), w));
            Map<String, Integer> expected = w == 100 ? Map.of(v2.id(), 100) : Map.of(v1.id(), 100 - w, v2.id(), w);
            assertThat(traffic.weights("stage", "orders")).isEqualTo(expected);
        }
        assertThat(compute.revisions("stage", "orders")).containsExactly(v1, v2);

        compute.retire(v1);
        compute.retire(v1); // idempotent
        assertThat(compute.revisions("stage", "orders")).containsExactly(v2);
        assertThat(compute.health(v1).desired()).isZero();
        assertThat(compute.health(v2).isConverged()).isTrue();
    }

    @Test
    void aTaskDefinitionChangedOutOfBandShowsAsDrift() {
        Release release = AwsFixture.release(AwsFixture.orders("1.0.0"), AwsFixture.meshEnv());
        f.bootstrap(release);
        RevisionRef v1 = compute.startRevision(release, 1);
        traffic.setWeights("stage", "orders", Map.of(v1.id(), 100));
        try (var ecs = f.ecs()) {
            var td = ecs.describeTaskDefinition(b -> b.taskDefinition(v1.id())).taskDefinition();
            var changed = td.containerDefinitions().stream().map(c -> c.name().equals("app")
                    ? c.toBuilder().image("repo/orders:hotfix").build() : c).toList();
            var registered = ecs.registerTaskDefinition(b -> b.family(td.family()).networkMode(td.networkMode())
                    .requiresCompatibilities(td.requiresCompatibilities()).cpu(td.cpu()).memory(td.memory())
                    .executionRoleArn(td.executionRoleArn()).proxyConfiguration(td.proxyConfiguration())
                    .containerDefinitions(changed)).taskDefinition();
            ecs.updateService(b -> b.cluster("main").service("stage-orders_1").taskDefinition(registered.taskDefinitionArn()));
        }
        Resource revision = f.observe(release).get(ResourceId.of("stage", ResourceType.REVISION, "orders"));
        assertThat(revision.value("image")).isEqualTo("repo/orders:hotfix");
        assertThat(revision.value("env.LOG_LEVEL")).isEqualTo("info");
    }

    @Test
    void preDeployTasksReportExitCodeAndStopReason() {
        Release ok = AwsFixture.release(AwsFixture.orders("1.0.0"), AwsFixture.meshEnv());
        f.bootstrap(ok);
        RevisionRef v1 = compute.startRevision(ok, 1);
        var result = compute.runTask(v1, dev.cutover.Hook.command("./migrate", "up"));
        assertThat(result.succeeded()).as(result.toString()).isTrue();

        f.cloud.images().behave("repo/orders:bad-migration", dev.cutover.localcloud.ImageBehavior.exitsWith(3));
        RevisionRef bad = compute.startRevision(AwsFixture.release(AwsFixture.orders("bad-migration"), AwsFixture.meshEnv()), 0);
        var failed = compute.runTask(bad, dev.cutover.Hook.command("./migrate", "up"));
        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.reason()).contains("exit code 3");
        assertThat(failed.taskId()).startsWith("arn:aws:ecs:");
    }
}

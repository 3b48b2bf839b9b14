package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Change;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Strategies;
import dev.cutover.aws.internal.Layouts;
import dev.cutover.aws.internal.Permissions;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.spi.Compute;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.Provider.PolicyStatement;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.RevisionRef;
import dev.cutover.spi.SecretNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Secrets, scaling, Service Connect mode, bad input and permissions against the local cloud. */
class AwsCapabilityTest {

    private AwsFixture f = new AwsFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void secretsResolveToArnsWithoutReadingValuesAndMissingOnesAreNamed() {
        String arn;
        try (var sm = f.secretsManager()) {
            arn = sm.createSecret(b -> b.name("stage/orders/db").secretString("s3cr3t-value")).arn();
        }
        var secrets = f.aws.secrets().orElseThrow();
        assertThat(secrets.resolve("stage", List.of("stage/orders/db"))).containsEntry("stage/orders/db", arn);
        assertThat(secrets.resolve("stage", List.of("stage/orders/db:password")))
                .containsEntry("stage/orders/db:password", arn + ":password::");
        assertThatThrownBy(() -> secrets.resolve("stage", List.of("stage/orders/db", "stage/orders/missing")))
                .isInstanceOf(SecretNotFoundException.class).hasMessageContaining("stage/orders/missing")
                .hasMessageNotContaining("s3cr3t");
        assertThat(f.aws.apiCalls()).containsKey("secretsmanager:DescribeSecret").doesNotContainKey("secretsmanager:GetSecretValue");

        Service withSecret = AwsFixture.orders("1.0.0").toBuilder().secret("DB_PASSWORD", "stage/orders/db").build();
        Release release = AwsFixture.release(withSecret, AwsFixture.meshEnv());
        f.bootstrap(release);
        RevisionRef v1 = f.aws.compute().orElseThrow().startRevision(release, 1);
        try (var ecs = f.ecs()) {
            var container = ecs.describeTaskDefinition(b -> b.taskDefinition(v1.id())).taskDefinition().containerDefinitions().get(0);
            assertThat(container.secrets()).singleElement().satisfies(s -> {
                assertThat(s.name()).isEqualTo("DB_PASSWORD");
                assertThat(s.valueFrom()).isEqualTo(arn);
            });
            assertThat(container.toString()).doesNotContain("s3cr3t");
        }
        f.aws.traffic().orElseThrow().setWeights("stage", "orders", Map.of(v1.id(), 100));
        Resource revision = f.observe(release).get(ResourceId.of("stage", ResourceType.REVISION, "orders"));
        assertThat(revision.attributes().get("secret.DB_PASSWORD").sensitive()).isTrue();
        assertThat(revision.attributes()).isEqualTo(DesiredState.revision(release.service()));
    }

    @Test
    void scalingRegistersATargetAndACpuPolicyThatObserveReadsBack() {
        Service scaled = AwsFixture.orders("1.0.0").toBuilder().scaling(s -> s.min(2).max(6).targetCpuPercent(60)).build();
        Release release = AwsFixture.release(scaled, AwsFixture.meshEnv());
        f.bootstrap(release);
        RevisionRef v1 = f.aws.compute().orElseThrow().startRevision(release, 2);
        f.aws.traffic().orElseThrow().setWeights("stage", "orders", Map.of(v1.id(), 100));
        Resource scaling = f.observe(release).get(ResourceId.of("stage", ResourceType.SCALING, "orders"));
        assertThat(scaling).isNotNull();
        assertThat(scaling.attributes()).isEqualTo(DesiredState.of(release).stream()
                .filter(r -> r.id().type() == ResourceType.SCALING).findFirst().orElseThrow().attributes());

        Resource changed = Resource.of(scaling.id(), Map.of("min", dev.cutover.spi.Attribute.of("3"),
                "max", dev.cutover.spi.Attribute.of("9"), "targetCpuPercent", dev.cutover.spi.Attribute.of("50")));
        f.aws.scaling().orElseThrow().apply(new Change(scaling.id(), Change.Action.UPDATE, scaling, changed, "differs"));
        assertThat(f.observe(release).get(scaling.id()).attributes()).isEqualTo(changed.attributes());
    }

    @Test
    void serviceConnectModeRunsOneEcsServiceAndShiftsThroughEcsNativeDeployments() {
        Release r1 = AwsFixture.release(AwsFixture.orders("1.0.0"), AwsFixture.serviceConnectEnv());
        f.bootstrap(r1);
        Compute compute = f.aws.compute().orElseThrow();
        RevisionRef v1 = compute.startRevision(r1, 2);
        assertThat(f.awaitConverged(v1).isConverged()).isTrue();
        assertThat(f.aws.traffic().orElseThrow().weights("test", "orders")).isEqualTo(Map.of(v1.id(), 100));
        try (var ecs = f.ecs()) {
            var service = ecs.describeServices(b -> b.cluster("apps").services("test-orders")).services().get(0);
            assertThat(service.deployments().get(0).serviceConnectConfiguration().enabled()).isTrue();
        }
        Release r2 = Release.of(AwsFixture.orders("2.0.0")).to(AwsFixture.serviceConnectEnv())
                .strategy(Strategies.canary().steps(20, 100).bake(Duration.ofMinutes(5))).build();
        RevisionRef v2 = compute.startRevision(r2, 2);
        assertThat(v2.id()).isEqualTo("test-orders:2");
        for (int i = 0; i < 200 && !f.aws.traffic().orElseThrow().weights("test", "orders").equals(Map.of(v2.id(), 100)); i++) {
            f.cloud.clock().advance(Duration.ofSeconds(15));
        }
        assertThat(f.aws.traffic().orElseThrow().weights("test", "orders")).isEqualTo(Map.of(v2.id(), 100));
        assertThat(compute.health(v2).isConverged()).isTrue();
    }

    @Test
    void badInputFromAwsSurfacesAsACutoverErrorNamingTheFieldAndTheAwsError() {
        f.close();
        f = new AwsFixture(LocalCloud.start(), b -> b.subnets());
        Release release = AwsFixture.release(AwsFixture.orders("1.0.0"), AwsFixture.meshEnv());
        f.bootstrap(release);
        assertThatThrownBy(() -> f.aws.compute().orElseThrow().startRevision(release, 1))
                .isInstanceOfSatisfying(AwsProviderException.class, e -> {
                    assertThat(e.provider()).isEqualTo("aws");
                    assertThat(e.operation()).isEqualTo("CreateService");
                    assertThat(e.errorCode()).contains("InvalidParameterException");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("aws CreateService failed: ecs InvalidParameterException (HTTP 400)", "Network Configuration");
                    assertThat(e.getMessage()).doesNotContain("\tat ", "software.amazon");
                });
    }

    @Test
    void everyCallOfARolloutIsCoveredByThePlansPolicy() {
        Service s = AwsFixture.orders("1.0.0").toBuilder().scaling(sc -> sc.min(1).max(3))
                .preDeploy(dev.cutover.Hook.command("./migrate")).taskRole("arn:aws:iam::123456789012:role/orders").build();
        Release release = AwsFixture.release(s, AwsFixture.meshEnv());
        List<Change> changes = new ArrayList<>();
        for (Resource r : DesiredState.of(release)) {
            changes.add(new Change(r.id(), Change.Action.CREATE, null, r, "new"));
        }
        var settings = new dev.cutover.aws.internal.AwsSettings("us-east-1", "123456789012", "/cutover", true, null, null, 5,
                Duration.ofMinutes(15), List.of("subnet-1"), List.of(), false, "vpc-1", Duration.ofSeconds(5), Duration.ofMinutes(5));
        Layouts layouts = new Layouts(settings);
        layouts.learn(release);
        List<PolicyStatement> policy = Permissions.of(settings, layouts.of("stage"), release, changes, null, Permissions.Context.of(null));

        f.aws.apiCalls();
        f.observe(release);
        f.bootstrap(release);
        Compute compute = f.aws.compute().orElseThrow();
        RevisionRef v1 = compute.startRevision(release, 1);
        compute.runTask(v1, s.preDeploy().orElseThrow());
        f.awaitConverged(v1);
        f.aws.traffic().orElseThrow().setWeights("stage", "orders", Map.of(v1.id(), 100));
        Resource discovery = DesiredState.of(release).stream().filter(r -> r.id().type() == ResourceType.DISCOVERY)
                .findFirst().orElseThrow();
        f.aws.discovery().orElseThrow().apply(new Change(discovery.id(), Change.Action.CREATE, null, discovery, "new"));
        f.observe(release);

        Set<String> allowed = new TreeSet<>();
        policy.forEach(p -> allowed.addAll(p.actions()));
        assertThat(allowed).containsAll(f.aws.apiCalls().keySet());
        assertThat(allowed).contains("iam:PassRole");
        assertThat(policy).filteredOn(p -> p.actions().contains("iam:PassRole")).singleElement()
                .satisfies(p -> assertThat(p.resources()).containsExactly("arn:aws:iam::123456789012:role/orders"));
        assertThat(AwsProvider.policyJson(policy)).startsWith("{").contains("\"Version\": \"2012-10-17\"");
    }
}

package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.LaunchType;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Logs;
import dev.cutover.Sidecar;
import dev.cutover.ValidationException;
import dev.cutover.analysis.MetricGate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.appmesh.AppMeshClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * What goes into a task definition so that real ECS accepts it: plan, apply and roll out through
 * the real SDK against the local cloud, whose RegisterTaskDefinition refuses what ECS refuses.
 */
class AwsTaskDefinitionEndToEndTest {

    private final AwsWorld world = new AwsWorld();

    @AfterEach
    void close() {
        world.close();
    }

    private static final Environment STAGE = AwsFixture.meshEnv();

    private static DeploymentStatus deploy(AwsWorld.Deployer d, Release release) {
        Deployment dep = d.cutover().apply(d.cutover().plan(release));
        DeploymentStatus status = dep.await();
        assertThat(status).as(dep.statusReason()).isNotNull();
        return status;
    }

    private static ContainerDefinition container(TaskDefinition td, String name) {
        return td.containerDefinitions().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name + " in " + td.containerDefinitions()));
    }

    private TaskDefinition taskDefinition(String family) {
        try (EcsClient ecs = EcsClient.builder().endpointOverride(world.cloud.endpoint())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).credentialsProvider(AwsFixture.CREDENTIALS).build()) {
            return ecs.describeTaskDefinition(r -> r.taskDefinition(family)).taskDefinition();
        }
    }

    // ------------------------------------------------------------------ item 1: execution role

    @Test
    void withoutAnExecutionRoleTheFargatePlanIsRefusedBeforeAnyCallNamingTheRoleAndHowToSetIt() {
        world.cloud.secrets().createSecret("stage/orders/db", "{\"password\":\"x\"}");
        dev.cutover.time.VirtualScheduler time = dev.cutover.time.Scheduler.virtual(AwsWorld.T0);
        {
            AwsProvider bare = AwsProvider.builder().region("us-east-1").endpointOverride(world.cloud.endpoint())
                    .credentials(AwsFixture.CREDENTIALS).subnets("subnet-0a1b2c3d").securityGroups("sg-0a1b2c3d")
                    .clock(time.clock()).sleeper(time::sleep).build();
            try (bare; dev.cutover.Cutover cutover = dev.cutover.Cutover.builder().provider(bare).discoverProviders(false)
                    .scheduler(time).build()) {
                Service orders = AwsFixture.orders("1.0.0").toBuilder().secret("DB_PASSWORD", "stage/orders/db").build();
                assertThatThrownBy(() -> cutover.plan(AwsFixture.release(orders, AwsFixture.meshEnv())))
                        .isInstanceOf(ValidationException.class)
                        .satisfies(e -> assertThat(((ValidationException) e).problems()).singleElement().satisfies(p -> {
                            assertThat(p.path()).isEqualTo("service.executionRole");
                            assertThat(p.message()).contains("awslogs", "Secrets Manager secrets (DB_PASSWORD)",
                                    "AwsProvider.builder().executionRole(", "aws.execution-role",
                                    "Amazon ECS task execution IAM role");
                        }));
                assertThat(bare.apiCalls()).as("refused before any AWS call").isEmpty();

                // EC2 without secrets needs no role: the container instance role sends the logs
                Service ec2 = AwsFixture.orders("1.0.0").toBuilder().launchType(LaunchType.EC2).build();
                assertThat(cutover.plan(AwsFixture.release(ec2, AwsFixture.meshEnv())).changes()).isNotEmpty();
            }
        }
    }

    @Test
    void theConfiguredExecutionRoleGoesIntoEveryTaskDefinitionAndTheServiceDeploys() {
        world.cloud.secrets().createSecret("stage/orders/db", "{\"password\":\"x\"}");
        try (AwsWorld.Deployer d = world.deployer()) {
            Service orders = AwsFixture.orders("1.0.0").toBuilder().secret("DB_PASSWORD", "stage/orders/db").build();
            Deployment dep = d.cutover().apply(d.cutover().plan(Release.of(orders).to(AwsFixture.meshEnv()).build()));
            assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            TaskDefinition td = taskDefinition("stage-orders");
            assertThat(td.executionRoleArn()).isEqualTo(AwsFixture.EXECUTION_ROLE);
            assertThat(td.containerDefinitions()).anySatisfy(c -> assertThat(c.logConfiguration().logDriverAsString())
                    .isEqualTo("awslogs"));
        }
    }

    @Test
    void aServiceWithoutSecretsRegistersNoSecretsListAndAServiceRoleWinsOverTheProvidersOne() {
        try (AwsWorld.Deployer d = world.deployer()) {
            Environment stage = AwsFixture.meshEnv();
            String own = "arn:aws:iam::123456789012:role/orders-execution";
            Service orders = AwsFixture.orders("1.0.0").toBuilder().executionRole(own).build();
            Deployment dep = d.cutover().apply(d.cutover().plan(Release.of(orders).to(stage).build()));
            assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            TaskDefinition td = taskDefinition("stage-orders");
            assertThat(td.executionRoleArn()).isEqualTo(own);
            assertThat(td.containerDefinitions()).allSatisfy(c -> assertThat(c.hasSecrets()).isFalse());
            assertThat(d.cutover().plan(Release.of(orders).to(stage).build()).isEmpty()).isTrue();
        }
    }

    // ------------------------------------------------------------------ item 2: Envoy in App Mesh mode

    @Test
    void inAppMeshModeEveryTaskRunsEnvoyForItsOwnVirtualNodeWithTheAppMeshProxyConfiguration() {
        try (AwsWorld.Deployer d = world.deployer()) {
            assertThat(deploy(d, Release.of(AwsFixture.orders("1.0.0")).to(STAGE).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
            TaskDefinition td = taskDefinition("stage-orders");
            String nodeArn;
            try (AppMeshClient mesh = AppMeshClient.builder().endpointOverride(world.cloud.endpoint())
                    .region(software.amazon.awssdk.regions.Region.US_EAST_1).credentialsProvider(AwsFixture.CREDENTIALS).build()) {
                nodeArn = mesh.describeVirtualNode(b -> b.meshName("internal").virtualNodeName("stage-orders_1"))
                        .virtualNode().metadata().arn();
            }
            ContainerDefinition envoy = container(td, "envoy");
            assertThat(envoy.image()).isEqualTo(dev.cutover.aws.internal.TaskDefs.DEFAULT_ENVOY_IMAGE);
            assertThat(envoy.essential()).isTrue();
            assertThat(envoy.user()).isEqualTo("1337");
            assertThat(envoy.environment()).containsExactly(KeyValuePair.builder().name("APPMESH_RESOURCE_ARN").value(nodeArn).build());
            assertThat(envoy.healthCheck().command()).anySatisfy(c -> assertThat(c).contains("9901/server_info"));
            assertThat(td.proxyConfiguration().typeAsString()).isEqualTo("APPMESH");
            assertThat(td.proxyConfiguration().containerName()).isEqualTo("envoy");
            assertThat(td.proxyConfiguration().properties()).extracting(KeyValuePair::name, KeyValuePair::value).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("IgnoredUID", "1337"), org.assertj.core.groups.Tuple.tuple("ProxyIngressPort", "15000"),
                    org.assertj.core.groups.Tuple.tuple("ProxyEgressPort", "15001"), org.assertj.core.groups.Tuple.tuple("AppPorts", "8080"),
                    org.assertj.core.groups.Tuple.tuple("EgressIgnoredIPs", "169.254.170.2,169.254.169.254"));
            assertThat(container(td, "app").dependsOn()).singleElement().satisfies(dep -> {
                assertThat(dep.containerName()).isEqualTo("envoy");
                assertThat(dep.conditionAsString()).isEqualTo("HEALTHY");
            });

            // the next revision's Envoy names the next virtual node; the canary succeeds through it
            Release next = Release.of(AwsFixture.orders("2.0.0")).to(STAGE)
                    .strategy(dev.cutover.Strategies.canary().steps(10, 50, 100).bake(Duration.ofMinutes(5))).build();
            var plan = d.cutover().plan(next);
            assertThat(d.aws().taskRolePermissions(plan)).singleElement().satisfies(st -> {
                assertThat(st.actions()).containsExactly("appmesh:StreamAggregatedResources");
                assertThat(st.resources()).containsExactly("arn:aws:appmesh:us-east-1:123456789012:mesh/internal/virtualNode/stage-orders_*");
            });
            Deployment dep = d.cutover().apply(plan);
            assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(container(taskDefinition("stage-orders:2"), "envoy").environment().get(0).value())
                    .endsWith("/virtualNode/stage-orders_2");
            assertThat(d.cutover().plan(next).isEmpty()).as("the registered revision is recognised").isTrue();
        }
    }

    @Test
    void aRevisionWhoseTasksRunNoEnvoyGetsNoMeshTrafficAndItsRolloutFails() throws Exception {
        try (RewritingProxy proxy = new RewritingProxy(world.cloud.endpoint());
             AwsWorld.Deployer d = world.deployer(p -> p.endpointOverride(proxy.uri()), (time, c) -> c.metrics(world.datadog(time)))) {
            assertThat(deploy(d, Release.of(AwsFixture.orders("1.0.0")).to(STAGE).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
            proxy.stripEnvoy = true; // from now on the task definitions reach ECS without the sidecar
            Release next = Release.of(AwsFixture.orders("2.0.0")).to(STAGE).strategy(dev.cutover.Strategies.canary()
                    .steps(10, 50, 100).bake(Duration.ofMinutes(5))
                    .analysis(a -> a.gate(MetricGate.errorRateBelow(0.01)).initialDelay(Duration.ofMinutes(1))
                            .interval(Duration.ofMinutes(1)))).build();
            Deployment dep = d.cutover().apply(d.cutover().plan(next));
            assertThat(dep.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
            assertThat(dep.statusReason()).containsIgnoringCase("error");
            assertThat(taskDefinition("stage-orders:2").proxyConfiguration()).as("registered without Envoy").isNull();
            assertThat(d.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:1", 100));
        }
    }

    // ------------------------------------------------------------------ sidecars

    @Test
    void sidecarsRunNextToTheAppAndAChangedSidecarIsARevisionChange() {
        try (AwsWorld.Deployer d = world.deployer()) {
            Service withAgent = AwsFixture.orders("1.0.0").toBuilder()
                    .sidecar("datadog-agent", s -> s.image("public.ecr.aws/datadog/agent:7").cpu(64).memoryMiB(128)
                            .env("ECS_FARGATE", "true").essential(false).dependsOn("app", Sidecar.Condition.START))
                    .build();
            Release release = Release.of(withAgent).to(STAGE).build();
            assertThat(deploy(d, release)).isEqualTo(DeploymentStatus.SUCCEEDED);
            ContainerDefinition agent = container(taskDefinition("stage-orders"), "datadog-agent");
            assertThat(agent.image()).isEqualTo("public.ecr.aws/datadog/agent:7");
            assertThat(agent.cpu()).isEqualTo(64);
            assertThat(agent.memory()).isEqualTo(128);
            assertThat(agent.essential()).isFalse();
            assertThat(agent.environment()).extracting(KeyValuePair::name).containsExactly("ECS_FARGATE");
            assertThat(agent.dependsOn()).singleElement().satisfies(dep -> assertThat(dep.containerName()).isEqualTo("app"));
            assertThat(d.cutover().plan(release).isEmpty()).as("the sidecar reads back as declared").isTrue();

            Service upgraded = withAgent.toBuilder().sidecars(List.of(withAgent.sidecars().get(0).toBuilder()
                    .image("public.ecr.aws/datadog/agent:7.1").build())).build();
            var plan = d.cutover().plan(Release.of(upgraded).to(STAGE).build());
            assertThat(plan.toString()).contains("sidecar.datadog-agent", "agent:7.1");
        }
    }

    // ------------------------------------------------------------------ item 7: logs

    @Test
    void datadogLogsGoThroughAFireLensRouterWithTheApiKeyOnlyAsASecretReference() {
        String keyArn = world.cloud.secrets().createSecret("stage/datadog/api-key", "0123456789abcdef0123456789abcdef");
        try (AwsWorld.Deployer d = world.deployer()) {
            Service orders = AwsFixture.orders("1.0.0").toBuilder()
                    .logs(Logs.datadog("stage/datadog/api-key").site("datadoghq.eu").source("java").tag("team", "shop")).build();
            Release release = Release.of(orders).to(STAGE).build();
            assertThat(deploy(d, release)).isEqualTo(DeploymentStatus.SUCCEEDED);
            TaskDefinition td = taskDefinition("stage-orders");
            var logs = container(td, "app").logConfiguration();
            assertThat(logs.logDriverAsString()).isEqualTo("awsfirelens");
            assertThat(logs.options()).containsEntry("Name", "datadog").containsEntry("Host", "http-intake.logs.datadoghq.eu")
                    .containsEntry("dd_service", "orders").containsEntry("dd_source", "java")
                    .containsEntry("dd_tags", "env:stage,team:shop");
            assertThat(logs.options().values()).noneMatch(v -> v.contains("0123456789abcdef"));
            assertThat(logs.options().keySet()).noneMatch(k -> k.toLowerCase().contains("key"));
            assertThat(logs.secretOptions()).singleElement().satisfies(so -> {
                assertThat(so.name()).isEqualTo("apikey");
                assertThat(so.valueFrom()).isEqualTo(keyArn);
            });
            ContainerDefinition router = container(td, "log_router");
            assertThat(router.firelensConfiguration().typeAsString()).isEqualTo("fluentbit");
            assertThat(router.image()).isEqualTo(Logs.Datadog.DEFAULT_ROUTER_IMAGE);
            assertThat(td.toString()).doesNotContain("0123456789abcdef");
            assertThat(d.cutover().plan(release).isEmpty()).isTrue();
            assertThat(d.aws().executionRolePermissions(d.cutover().plan(release))).anySatisfy(st -> {
                assertThat(st.actions()).containsExactly("secretsmanager:GetSecretValue");
                assertThat(st.resources()).containsExactly("arn:aws:secretsmanager:us-east-1:123456789012:secret:stage/datadog/api-key-??????");
            });
        }
    }

    @Test
    void aDatadogKeySecretThatDoesNotExistIsRefusedAtPlanTime() {
        try (AwsWorld.Deployer d = world.deployer()) {
            Service orders = AwsFixture.orders("1.0.0").toBuilder().logs(Logs.datadog("stage/datadog/missing")).build();
            assertThatThrownBy(() -> d.cutover().plan(Release.of(orders).to(STAGE).build()))
                    .isInstanceOf(dev.cutover.spi.SecretNotFoundException.class).hasMessageContaining("stage/datadog/missing");
        }
    }

    @Test
    void anEnvironmentChoosesTheAwslogsGroupAndPrefixOfItsServices() {
        try (AwsWorld.Deployer d = world.deployer()) {
            Environment stage = STAGE.toBuilder().logs(Logs.awslogs().group("/shop/stage").streamPrefix("web")).build();
            assertThat(deploy(d, Release.of(AwsFixture.orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
            var options = container(taskDefinition("stage-orders"), "app").logConfiguration().options();
            assertThat(options).containsEntry("awslogs-group", "/shop/stage").containsEntry("awslogs-stream-prefix", "web")
                    .containsEntry("awslogs-region", "us-east-1");
            assertThat(d.cutover().plan(Release.of(AwsFixture.orders("1.0.0")).to(stage).build()).isEmpty()).isTrue();
        }
    }

    @Test
    void aLiteralDatadogKeyOrASecretInLogOptionsIsRejectedAtBuildTime() {
        assertThatThrownBy(() -> AwsFixture.orders("1.0.0").toBuilder()
                .logs(Logs.datadog("0123456789abcdef0123456789abcdef").tag("api_key", "x")).build())
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).problems()).extracting(dev.cutover.Problem::path)
                        .contains("service.logs.apiKeySecret", "service.logs.tags.api_key"))
                .hasMessageNotContaining("0123456789abcdef");
    }
}

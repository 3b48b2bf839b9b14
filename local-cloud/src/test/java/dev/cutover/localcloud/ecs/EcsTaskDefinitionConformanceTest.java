package dev.cutover.localcloud.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerCondition;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.ProxyConfigurationType;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;

/**
 * RegisterTaskDefinition's semantic rules through the real SDK: the task execution role (ECS
 * developer guide, "Amazon ECS task execution IAM role"), App Mesh proxy configuration, container
 * dependencies and FireLens log routing, each as ECS rejects it.
 */
class EcsTaskDefinitionConformanceTest extends EcsTestBase {

    private static final String ROLE = "arn:aws:iam::000000000000:role/ecsTaskExecutionRole";

    private static ContainerDefinition.Builder app(String image) {
        return ContainerDefinition.builder().name("app").image(image).essential(true);
    }

    private String register(boolean fargate, String executionRole, ContainerDefinition... containers) {
        return register(fargate, executionRole, b -> b, containers);
    }

    private String register(boolean fargate, String executionRole, UnaryOperator<RegisterTaskDefinitionRequest.Builder> more,
            ContainerDefinition... containers) {
        RegisterTaskDefinitionRequest.Builder b = RegisterTaskDefinitionRequest.builder().family("orders")
                .requiresCompatibilities(fargate ? Compatibility.FARGATE : Compatibility.EC2)
                .networkMode(NetworkMode.AWSVPC).cpu("256").memory("512").executionRoleArn(executionRole)
                .containerDefinitions(containers);
        return ecs.registerTaskDefinition(more.apply(b).build()).taskDefinition().taskDefinitionArn();
    }

    @Test
    void fargateWithAwslogsNeedsAnExecutionRole() {
        ContainerDefinition logging = app("repo/orders:1").logConfiguration(l -> l.logDriver(LogDriver.AWSLOGS)
                .options(java.util.Map.of("awslogs-group", "/x", "awslogs-region", "us-east-1", "awslogs-stream-prefix", "o")))
                .build();
        assertThatThrownBy(() -> register(true, null, logging)).isInstanceOf(ClientException.class)
                .hasMessageStartingWith("Fargate requires task definition to have execution role ARN to support log driver awslogs.");
        assertThat(register(true, ROLE, logging)).endsWith(":1");
        assertThat(register(false, null, logging)).as("EC2 uses the container instance role for awslogs").endsWith(":2");
    }

    @Test
    void fargateWithAnEcrImageNeedsAnExecutionRole() {
        ContainerDefinition ecr = app("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1").build();
        assertThatThrownBy(() -> register(true, null, ecr)).isInstanceOf(ClientException.class)
                .hasMessageStartingWith("Fargate requires task definition to have execution role ARN to support ECR images.");
        assertThat(register(true, ROLE, ecr)).endsWith(":1");
        assertThat(register(true, null, app("public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.12.1-prod").build()))
                .as("a public image needs no role").endsWith(":2");
    }

    @Test
    void secretsAndPrivateRegistryAuthNeedAnExecutionRoleOnEveryLaunchType() {
        ContainerDefinition secret = app("repo/orders:1").secrets(s -> s.name("DB_PASSWORD")
                .valueFrom("arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf")).build();
        for (boolean fargate : new boolean[] {true, false}) {
            assertThatThrownBy(() -> register(fargate, null, secret)).isInstanceOf(ClientException.class)
                    .hasMessageStartingWith("When you are specifying container secrets, you must also specify a value for "
                            + "'executionRoleArn'.");
        }
        ContainerDefinition privateAuth = app("registry.example.com/orders:1").repositoryCredentials(c -> c
                .credentialsParameter("arn:aws:secretsmanager:us-east-1:000000000000:secret:registry-AbCdEf")).build();
        assertThatThrownBy(() -> register(false, null, privateAuth)).isInstanceOf(ClientException.class)
                .hasMessageStartingWith("Private repository authentication requires that the task definition specify a value "
                        + "for executionRoleArn.");
        assertThat(register(true, ROLE, secret)).endsWith(":1");
        assertThat(register(false, ROLE, privateAuth)).endsWith(":2");
    }

    @Test
    void appMeshProxyConfigurationNamesItsEnvoyContainerWithTheRequiredProperties() {
        ContainerDefinition envoy = ContainerDefinition.builder().name("envoy").image("public.ecr.aws/appmesh/aws-appmesh-envoy:v1")
                .essential(true).user("1337")
                .environment(KeyValuePair.builder().name("APPMESH_RESOURCE_ARN")
                        .value("arn:aws:appmesh:us-east-1:000000000000:mesh/m/virtualNode/orders-1").build())
                .healthCheck(h -> h.command("CMD-SHELL", "curl -s http://localhost:9901/server_info | grep state | grep -q LIVE"))
                .build();
        ContainerDefinition appDependingOnEnvoy = app("repo/orders:1")
                .dependsOn(d -> d.containerName("envoy").condition(ContainerCondition.HEALTHY)).build();
        assertThat(register(true, null, b -> b.proxyConfiguration(p -> p.type(ProxyConfigurationType.APPMESH)
                .containerName("envoy").properties(props("IgnoredUID", "1337", "ProxyIngressPort", "15000", "ProxyEgressPort", "15001",
                        "AppPorts", "8080", "EgressIgnoredIPs", "169.254.170.2,169.254.169.254"))), appDependingOnEnvoy, envoy))
                .endsWith(":1");
        assertThatThrownBy(() -> register(true, null, b -> b.proxyConfiguration(p -> p.containerName("proxy")
                .properties(props("IgnoredUID", "1337", "ProxyIngressPort", "15000", "ProxyEgressPort", "15001", "AppPorts", "8080"))),
                appDependingOnEnvoy, envoy)).isInstanceOf(ClientException.class).hasMessageContaining("'proxy'");
        assertThatThrownBy(() -> register(true, null, b -> b.proxyConfiguration(p -> p.containerName("envoy")
                .properties(props("IgnoredUID", "1337", "ProxyIngressPort", "15000", "ProxyEgressPort", "15001"))),
                appDependingOnEnvoy, envoy)).isInstanceOf(ClientException.class).hasMessageContaining("AppPorts");
        assertThatThrownBy(() -> register(true, null, b -> b.proxyConfiguration(p -> p.containerName("envoy")
                .properties(props("IgnoredUID", "1337", "ProxyIngressPort", "15000", "ProxyEgressPort", "15001", "AppPorts", "8080",
                        "Mode", "x"))), appDependingOnEnvoy, envoy)).isInstanceOf(ClientException.class).hasMessageContaining("'Mode'");
    }

    @Test
    void dependenciesNameAnotherContainerAndHealthyNeedsAHealthCheck() {
        ContainerDefinition sidecar = ContainerDefinition.builder().name("agent").image("datadog/agent:7").essential(false).build();
        assertThatThrownBy(() -> register(true, null, app("repo/orders:1")
                .dependsOn(d -> d.containerName("agent").condition(ContainerCondition.HEALTHY)).build(), sidecar))
                .isInstanceOf(ClientException.class).hasMessageContaining("no health check");
        assertThatThrownBy(() -> register(true, null, app("repo/orders:1")
                .dependsOn(d -> d.containerName("nope").condition(ContainerCondition.START)).build(), sidecar))
                .isInstanceOf(ClientException.class).hasMessageContaining("'nope'");
        assertThat(register(true, null, app("repo/orders:1")
                .dependsOn(d -> d.containerName("agent").condition(ContainerCondition.START)).build(), sidecar)).endsWith(":1");
    }

    @Test
    void awsfirelensNeedsALogRouterContainer() {
        ContainerDefinition firelens = app("repo/orders:1").logConfiguration(l -> l.logDriver(LogDriver.AWSFIRELENS)
                .options(java.util.Map.of("Name", "datadog"))).build();
        assertThatThrownBy(() -> register(true, null, firelens)).isInstanceOf(ClientException.class)
                .hasMessageContaining("firelensConfiguration");
        ContainerDefinition router = ContainerDefinition.builder().name("log_router").image("public.ecr.aws/aws-observability/aws-for-fluent-bit:stable")
                .essential(true).firelensConfiguration(f -> f.type("fluentbit")).build();
        assertThat(register(true, null, firelens, router)).endsWith(":1");
    }

    private static KeyValuePair[] props(String... kv) {
        KeyValuePair[] out = new KeyValuePair[kv.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = KeyValuePair.builder().name(kv[2 * i]).value(kv[2 * i + 1]).build();
        }
        return out;
    }
}

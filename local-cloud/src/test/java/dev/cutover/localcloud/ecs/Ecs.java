package dev.cutover.localcloud.ecs;

import dev.cutover.localcloud.LocalCloud;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Service;

/** Test helpers: a real SDK client against the local cloud, and small builders. */
final class Ecs {

    private Ecs() {
    }

    static EcsClient client(LocalCloud cloud) {
        return client(cloud, Region.US_EAST_1);
    }

    static EcsClient client(LocalCloud cloud, Region region) {
        return EcsClient.builder()
                .endpointOverride(cloud.endpoint())
                .region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    static String register(EcsClient ecs, String family, String image) {
        return ecs.registerTaskDefinition(r -> r.family(family)
                .requiresCompatibilities(software.amazon.awssdk.services.ecs.model.Compatibility.FARGATE)
                .networkMode(NetworkMode.AWSVPC).cpu("256").memory("512")
                .containerDefinitions(ContainerDefinition.builder().name("app").image(image).essential(true)
                        .healthCheck(h -> h.command("CMD-SHELL", "curl -f http://localhost/health").interval(10).retries(3))
                        .build()))
                .taskDefinition().taskDefinitionArn();
    }

    /** Registers a Fargate definition whose tasks run the App Mesh Envoy proxy for {@code virtualNodeArn}. */
    static String registerWithEnvoy(EcsClient ecs, String family, String image, String virtualNodeArn) {
        ContainerDefinition envoy = ContainerDefinition.builder().name("envoy").image("public.ecr.aws/appmesh/aws-appmesh-envoy:v1")
                .essential(true).user("1337")
                .environment(software.amazon.awssdk.services.ecs.model.KeyValuePair.builder().name("APPMESH_RESOURCE_ARN")
                        .value(virtualNodeArn).build())
                .healthCheck(h -> h.command("CMD-SHELL", "curl -s http://localhost:9901/server_info | grep state | grep -q LIVE"))
                .build();
        return ecs.registerTaskDefinition(r -> r.family(family)
                .requiresCompatibilities(software.amazon.awssdk.services.ecs.model.Compatibility.FARGATE)
                .networkMode(NetworkMode.AWSVPC).cpu("256").memory("512")
                .proxyConfiguration(p -> p.type("APPMESH").containerName("envoy").properties(
                        kv("IgnoredUID", "1337"), kv("ProxyIngressPort", "15000"), kv("ProxyEgressPort", "15001"),
                        kv("AppPorts", "8080")))
                .containerDefinitions(ContainerDefinition.builder().name("app").image(image).essential(true)
                        .healthCheck(h -> h.command("CMD-SHELL", "curl -f http://localhost/health").interval(10).retries(3))
                        .build(), envoy))
                .taskDefinition().taskDefinitionArn();
    }

    private static software.amazon.awssdk.services.ecs.model.KeyValuePair kv(String name, String value) {
        return software.amazon.awssdk.services.ecs.model.KeyValuePair.builder().name(name).value(value).build();
    }

    static Service create(EcsClient ecs, String cluster, String name, String taskDef, int desired,
            DeploymentConfiguration config) {
        return ecs.createService(r -> r.cluster(cluster).serviceName(name).taskDefinition(taskDef).desiredCount(desired)
                .launchType("FARGATE")
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1").securityGroups("sg-1")))
                .deploymentConfiguration(config)).service();
    }

    static Service describe(EcsClient ecs, String cluster, String name) {
        return ecs.describeServices(r -> r.cluster(cluster).services(name)).services().get(0);
    }

    static Deployment primary(Service s) {
        return s.deployments().stream().filter(d -> d.status().equals("PRIMARY")).findFirst().orElseThrow();
    }

    /** Advances virtual time in steps of {@code step} until the condition holds or {@code max} passed. */
    static boolean advanceUntil(LocalCloud cloud, Duration max, Duration step, java.util.function.BooleanSupplier done) {
        Duration passed = Duration.ZERO;
        while (passed.compareTo(max) < 0) {
            if (done.getAsBoolean()) {
                return true;
            }
            cloud.clock().advance(step);
            passed = passed.plus(step);
        }
        return done.getAsBoolean();
    }
}

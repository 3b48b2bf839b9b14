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

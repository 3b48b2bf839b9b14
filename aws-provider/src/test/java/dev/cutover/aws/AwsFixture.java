package dev.cutover.aws;

import dev.cutover.Change;
import dev.cutover.Environment;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Strategies;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderContext;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceCapability;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.RevisionHealth;
import dev.cutover.spi.RevisionRef;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** A local cloud, an AWS provider pointed at it (virtual time), and helpers to drive both. */
final class AwsFixture implements AutoCloseable {

    /** The task execution role every test provider is configured with (ECS needs one for awslogs on Fargate). */
    static final String EXECUTION_ROLE = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";

    static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    final LocalCloud cloud;
    final AwsProvider aws;

    AwsFixture() {
        this(LocalCloud.start(), b -> b);
    }

    AwsFixture(LocalCloud cloud, Function<AwsProvider.Builder, AwsProvider.Builder> customize) {
        this.cloud = cloud;
        this.aws = customize.apply(AwsProvider.builder()
                .region("us-east-1").endpointOverride(cloud.endpoint()).credentials(CREDENTIALS)
                .accountId("123456789012").subnets("subnet-0a1b2c3d").securityGroups("sg-0a1b2c3d").vpcId("vpc-0a1b2c3d")
                .executionRole(EXECUTION_ROLE)
                .pollInterval(Duration.ofSeconds(5)).observeConcurrency(1)
                .clock(cloud.clock()).sleeper(cloud.clock()::advance)).build();
        aws.start(ProviderContext.direct(cloud.clock()));
    }

    static Environment meshEnv() {
        return Environment.named("stage").region("us-east-1").cluster("main").mesh("internal").namespace("stage.local").build();
    }

    static Environment serviceConnectEnv() {
        return Environment.named("test").region("us-east-1").cluster("apps").namespace("test.local").serviceConnect().build();
    }

    static Service orders(String version) {
        return Service.named("orders").image("repo/orders:" + version).port(8080).cpu(256).memoryMiB(512).instances(2)
                .env("LOG_LEVEL", "info").healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10))).build();
    }

    static Release release(Service s, Environment e) {
        return Release.of(s).to(e).strategy(Strategies.canary()).build();
    }

    /** Applies the environment-level creates (cluster, namespace, mesh) of a release. */
    void bootstrap(Release release) {
        for (Resource r : dev.cutover.spi.DesiredState.of(release)) {
            if (r.id().type().isEnvironmentLevel()) {
                capability(aws, r.id()).apply(new Change(r.id(), Change.Action.CREATE, null, r, "environment bootstrap"));
            }
        }
    }

    static ResourceCapability capability(Provider p, ResourceId id) {
        return switch (id.type().capability()) {
            case COMPUTE -> p.compute().orElseThrow();
            case TRAFFIC -> p.traffic().orElseThrow();
            case DISCOVERY -> p.discovery().orElseThrow();
            case SCALING -> p.scaling().orElseThrow();
            default -> throw new IllegalArgumentException(id.toString());
        };
    }

    /** Observes every candidate id of a release through the capability that owns it. */
    Map<ResourceId, Resource> observe(Release release) {
        var ids = dev.cutover.spi.DesiredState.candidateIds(release).stream()
                .filter(id -> aws.capabilities().contains(id.type().capability())).toList();
        return ids.stream().collect(Collectors.groupingBy(id -> id.type().capability())).values().stream()
                .flatMap(group -> capability(aws, group.get(0)).observe(group).stream())
                .collect(Collectors.toMap(Resource::id, r -> r));
    }

    /** Advances virtual time until the revision is converged (or fails after 10 simulated minutes). */
    RevisionHealth awaitConverged(RevisionRef ref) {
        RevisionHealth h = aws.compute().orElseThrow().health(ref);
        for (int i = 0; i < 120 && !h.isConverged(); i++) {
            cloud.clock().advance(Duration.ofSeconds(5));
            h = aws.compute().orElseThrow().health(ref);
        }
        return h;
    }

    EcsClient ecs() {
        return EcsClient.builder().endpointOverride(cloud.endpoint()).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .build();
    }

    SecretsManagerClient secretsManager() {
        return SecretsManagerClient.builder().endpointOverride(cloud.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).build();
    }

    @Override
    public void close() {
        aws.close();
        cloud.close();
    }
}

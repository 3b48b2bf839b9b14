package dev.cutover.datadog;

import dev.cutover.analysis.MetricContext;
import dev.cutover.localcloud.Datadog;
import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.SimClock;
import dev.cutover.spi.Provider;
import dev.cutover.testkit.MetricsCompatibilityKit;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.NetworkMode;

/** The Datadog metric source passes the metrics kit against the local cloud's Datadog query API. */
class DatadogMetricsKitTest extends MetricsCompatibilityKit {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private VirtualScheduler time;
    private SimClock cloudClock;
    private LocalCloud cloud;

    @Override
    protected Provider createProvider() {
        time = Scheduler.virtual(T0);
        cloudClock = SimClock.virtual(T0);
        cloud = LocalCloud.builder().clock(cloudClock).start();
        time.onAdvance((from, to) -> {
            if (to.isAfter(cloudClock.instant())) {
                cloudClock.advance(Duration.between(cloudClock.instant(), to));
            }
        });
        return DatadogMetricSource.builder().uri(cloud.endpoint()).scheduler(time)
                .apiKey(Datadog.DEFAULT_API_KEY).applicationKey(Datadog.DEFAULT_APPLICATION_KEY).build();
    }

    @Override
    protected Clock clock() {
        return time.clock();
    }

    @Override
    protected void advance(Duration duration) {
        time.advance(duration);
    }

    @Override
    protected void tearDown() {
        cloud.close();
        cloudClock.close();
    }

    @Override
    protected MetricContext revisionWithTraffic() {
        String image = "registry.example.com/kit-svc:1.0.0";
        cloud.images().behave(image, ImageBehavior.healthy());
        try (EcsClient ecs = EcsClient.builder().endpointOverride(cloud.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("kit", "kit"))).build()) {
            ecs.createCluster(r -> r.clusterName("kit"));
            String td = ecs.registerTaskDefinition(r -> r.family("kit-svc")
                    .requiresCompatibilities(Compatibility.FARGATE).networkMode(NetworkMode.AWSVPC).cpu("256").memory("512")
                    .containerDefinitions(ContainerDefinition.builder().name("app").image(image).essential(true).build()))
                    .taskDefinition().taskDefinitionArn();
            ecs.createService(r -> r.cluster("kit").serviceName("kit-svc").taskDefinition(td).desiredCount(2)
                    .launchType("FARGATE")
                    .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1").securityGroups("sg-1"))));
        }
        advance(Duration.ofMinutes(2));
        Instant from = clock().instant();
        advance(Duration.ofMinutes(5));
        return new MetricContext("kit", "kit-svc", "kit-svc:1", from, clock().instant());
    }
}

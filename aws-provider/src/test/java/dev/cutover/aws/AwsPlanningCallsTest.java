package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Environment;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.aws.AwsWorld.Deployer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Planning reads in batches: 200 running Service Connect services cost at most 20 DescribeServices
 * calls (ten names per call, shared by compute's and traffic's observation), and one unfiltered
 * DescribeScalableTargets page answers for all of them. The 1,000-service fleet is measured by the
 * benchmarks module's {@code AwsPlanningBenchmark} (docs/benchmarks.md); 200 keep this test quick.
 */
class AwsPlanningCallsTest {

    static final int SERVICES = 200;

    @Test
    void planningTwoHundredRunningServicesTakesAtMostTwentyDescribeServicesCalls() {
        try (AwsWorld world = new AwsWorld()) {
            List<Release> releases = releases(SERVICES);
            try (Deployer d = world.deployer()) {
                world.cloud.faults().throttling(false); // setup only: the running services are created directly
                seedRunningServices(world, d, releases);
                world.cloud.faults().throttling(true);

                Map<String, Long> before = d.aws().apiCalls();
                List<Plan> plans = d.plan(releases);
                Map<String, Long> calls = d.aws().apiCalls();
                long describe = calls.getOrDefault("ecs:DescribeServices", 0L) - before.getOrDefault("ecs:DescribeServices", 0L);

                assertThat(plans).hasSize(SERVICES);
                assertThat(describe).as("DescribeServices calls for %d services (all calls: %s)", SERVICES, calls)
                        .isLessThanOrEqualTo(SERVICES / 10);
                assertThat(calls.getOrDefault("application-autoscaling:DescribeScalableTargets", 0L)
                        - before.getOrDefault("application-autoscaling:DescribeScalableTargets", 0L))
                        .as("no service scales: one unfiltered page answers for all").isEqualTo(1);
                assertThat(calls.getOrDefault("ecs:ListServiceDeployments", 0L)).as("no deployment is in flight")
                        .isZero();
                assertThat(world.cloud.faults().throttledCalls("ecs")).as("the rate limiter kept planning under AWS's buckets")
                        .isZero();
            }
        }
    }

    /** {@code n} releases {@code svc0000...} of one image to a Service Connect environment {@code test} (cluster {@code apps}). */
    static List<Release> releases(int n) {
        Environment env = Environment.named("test").region("us-east-1").cluster("apps").namespace("test.local")
                .serviceConnect().build();
        List<Release> releases = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            releases.add(Release.of(Service.named(String.format("svc%04d", i)).image("repo/svc:1.0.0").port(8080)
                    .cpu(256).memoryMiB(512).instances(1).build()).to(env).build());
        }
        return releases;
    }

    /** Registers the task definition and creates the Service Connect service of each release, as Cutover would. */
    static void seedRunningServices(AwsWorld world, Deployer d, List<Release> releases) {
        // the first release goes through Cutover (bootstrap: cluster, namespace); the rest are copies of its shape
        Release first = releases.get(0);
        assertThat(d.cutover().apply(d.plan(first)).await(Duration.ofHours(1))).isNotNull();
        try (EcsClient ecs = EcsClient.builder().endpointOverride(world.cloud.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(AwsFixture.CREDENTIALS).build()) {
            var template = ecs.describeServices(b -> b.cluster("apps").services("test-" + first.service().name()))
                    .services().get(0);
            var td = ecs.describeTaskDefinition(b -> b.taskDefinition(template.taskDefinition())).taskDefinition();
            for (Release r : releases.subList(1, releases.size())) {
                String family = "test-" + r.service().name();
                String arn = ecs.registerTaskDefinition(b -> b.family(family).containerDefinitions(td.containerDefinitions())
                        .cpu(td.cpu()).memory(td.memory()).networkMode(td.networkMode()).executionRoleArn(td.executionRoleArn())
                        .proxyConfiguration(td.proxyConfiguration())
                        .requiresCompatibilities(td.requiresCompatibilities())).taskDefinition().taskDefinitionArn();
                ecs.createService(b -> b.cluster("apps").serviceName(family).taskDefinition(arn).desiredCount(0)
                        .launchType(template.launchType()).networkConfiguration(template.networkConfiguration()));
            }
        }
    }
}

package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.ImageRef;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Strategies;
import dev.cutover.ValidationException;
import dev.cutover.aws.AwsWorld.Deployer;
import dev.cutover.localcloud.ImageBehavior;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Issue 13 item 3 on the local cloud through the AWS provider: an ECR image given by tag is
 * resolved to its digest at plan time (ecr:DescribeImages), shown in the plan, journaled and run by
 * digest, so prod runs the bytes stage ran even after the tag moved; a missing tag is a plan problem
 * before any change.
 */
class AwsEcrDigestTest {

    static final String ACCOUNT = "123456789012";
    static final String REPO = ACCOUNT + ".dkr.ecr.us-east-1.amazonaws.com/orders";

    private final AwsWorld world = new AwsWorld();
    private final Environment stage = AwsFixture.meshEnv();
    private final Environment prod = Environment.named("prod").region("us-east-1").cluster("prod").mesh("internal-prod")
            .namespace("prod.local").promotedFrom("stage").build();
    private EcrClient ecr;

    @BeforeEach
    void repository() {
        // pushed as the registry's own account would push, through the real SDK client
        ecr = EcrClient.builder().endpointOverride(world.cloud.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCOUNT, "test")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        ecr.createRepository(r -> r.repositoryName("orders"));
    }

    @AfterEach
    void close() {
        ecr.close();
        world.close();
    }

    /** Pushes a manifest under {@code tag} and returns the digest ECR gives it. */
    private String push(String tag, String content) {
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
                + "\"config\":{\"digest\":\"sha256:" + content.repeat(64).substring(0, 64) + "\"},\"layers\":[]}";
        return ecr.putImage(r -> r.repositoryName("orders").imageTag(tag).imageManifest(manifest)).image().imageId().imageDigest();
    }

    private static Service orders(String image) {
        return Service.named("orders").image(image).port(8080).cpu(256).memoryMiB(512).instances(2)
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10))).build();
    }

    private static Release release(String image, Environment env) {
        return Release.of(orders(image)).to(env).strategy(Strategies.canary().steps(50, 100).bake(Duration.ofMinutes(1))).build();
    }

    private static Deployment deploy(Deployer d, Plan plan) {
        Deployment dep = d.cutover().apply(plan);
        assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        return dep;
    }

    /** The image of the app container of the task definition the service's newest ECS service runs. */
    private String runningImage(String cluster, String family) {
        try (EcsClient ecs = EcsClient.builder().endpointOverride(world.cloud.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(AwsFixture.CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build()) {
            var arns = ecs.listTaskDefinitions(r -> r.familyPrefix(family)).taskDefinitionArns();
            String newest = arns.get(arns.size() - 1);
            return ecs.describeTaskDefinition(r -> r.taskDefinition(newest)).taskDefinition().containerDefinitions().stream()
                    .filter(c -> c.name().equals(dev.cutover.aws.internal.Names.CONTAINER)).findFirst().orElseThrow().image();
        }
    }

    @Test
    void aTagMovedBetweenStageAndProdLeavesProdOnTheDigestStageRan() {
        String a = push("1.4", "a");
        try (Deployer d = world.deployer()) {
            Plan stagePlan = d.plan(release(REPO + ":1.4", stage));
            assertThat(stagePlan.release().service().image().digest()).contains(a);
            assertThat(stagePlan.toString()).contains(REPO + ":1.4@" + a);
            assertThat(stagePlan.toJson()).contains(REPO + ":1.4@" + a);
            deploy(d, stagePlan);
            assertThat(d.cutover().history("orders", "stage").get(0).digest()).as("ECS's imageDigest, journaled").isEqualTo(a);
            assertThat(d.cutover().history("orders", "stage").get(0).image()).isEqualTo(REPO + ":1.4@" + a);
            assertThat(runningImage("main", "stage-orders")).endsWith("@" + a);

            // the tag moves to other bytes (which would crash) after stage ran it
            String b = push("1.4", "b");
            world.cloud.images().behave(REPO + "@" + b, ImageBehavior.crashesOnStart());
            assertThat(b).isNotEqualTo(a);

            Plan prodPlan = d.plan(release(REPO + ":1.4", prod));
            assertThat(prodPlan.release().service().image().digest()).as("the digest stage ran, not the tag's new one").contains(a);
            assertThat(prodPlan.toString()).contains("@" + a).doesNotContain(b);
            deploy(d, prodPlan);
            assertThat(d.cutover().history("orders", "prod").get(0).digest()).isEqualTo(a);
            assertThat(runningImage("prod", "prod-orders")).endsWith("@" + a);

            // an environment that promotes from nowhere takes what the tag points to now
            assertThat(d.plan(release(REPO + ":1.4", stage)).release().service().image().digest()).contains(b);
        }
    }

    @Test
    void aTagThatDoesNotExistIsAPlanProblemBeforeAnyChange() {
        push("1.4", "a");
        try (Deployer d = world.deployer()) {
            assertThatThrownBy(() -> d.plan(release(REPO + ":9.9", stage))).isInstanceOf(ValidationException.class)
                    .hasMessageContaining("service.image").hasMessageContaining(REPO + ":9.9").hasMessageContaining("has no tag '9.9'");
            String otherRepo = ACCOUNT + ".dkr.ecr.us-east-1.amazonaws.com/payments:1.0";
            assertThatThrownBy(() -> d.plan(release(otherRepo, stage))).isInstanceOf(ValidationException.class)
                    .hasMessageContaining("'payments'").hasMessageContaining("does not exist");
            Map<String, Long> calls = d.aws().apiCalls();
            assertThat(calls).containsKey("ecr:DescribeImages");
            assertThat(calls.keySet()).as("no write call").allMatch(a -> a.matches("[a-z-]+:(Describe|List|Get).*"));
        }
    }

    @Test
    void imagesOutsidePrivateEcrDeployByTagAsBefore() {
        try (Deployer d = world.deployer()) {
            Plan plan = d.plan(release("repo/orders:2.0.0", stage));
            assertThat(plan.release().service().image()).isEqualTo(ImageRef.parse("repo/orders:2.0.0"));
            assertThat(d.aws().apiCalls()).doesNotContainKey("ecr:DescribeImages");
        }
    }
}

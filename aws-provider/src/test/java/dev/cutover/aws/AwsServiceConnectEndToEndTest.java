package dev.cutover.aws;

import static dev.cutover.Strategies.canary;
import static dev.cutover.Strategies.linear;
import static dev.cutover.aws.AwsFixture.orders;
import static dev.cutover.aws.AwsWorld.deploy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Problem;
import dev.cutover.Release;
import dev.cutover.ValidationException;
import dev.cutover.aws.AwsWorld.Deployer;
import dev.cutover.localcloud.ImageBehavior;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Service Connect mode on the local cloud: what ECS's native deployments cannot carry out is
 * refused at plan time (naming the nearest native strategy), what is accepted runs to the end, and
 * a failed first deployment leaves nothing behind.
 */
class AwsServiceConnectEndToEndTest {

    private final AwsWorld world = new AwsWorld();
    private final Environment test = Environment.named("test").region("us-east-1").build(); // the default: Service Connect

    @AfterEach
    void close() {
        world.close();
    }

    @Test
    void theDefaultCanaryIsRefusedAtPlanTimeNamingTheNearestNativeStrategyBeforeAnyWrite() {
        try (Deployer d = world.deployer()) {
            Release release = Release.of(orders("1.0.0")).to(test).strategy(canary()).build();
            assertThatThrownBy(() -> d.plan(release)).isInstanceOfSatisfying(ValidationException.class, e -> {
                assertThat(e.problems()).extracting(Problem::path).containsExactly("strategy.steps");
                assertThat(e.problems().get(0).message()).contains("Service Connect", "50%",
                        "canary().steps(10, 100).bake(Duration.ofMinutes(5))", "linear()", ".mesh(");
            });
            assertThat(d.aws().apiCalls().keySet()).as("nothing was written")
                    .allMatch(a -> a.contains(":Describe") || a.contains(":List") || a.contains(":Get"));
        }
    }

    @Test
    void strategiesEcsCannotRunAreRefusedWithWhatIsWrong() {
        try (Deployer d = world.deployer()) {
            Release steps = Release.of(orders("1.0.0")).to(test).strategy(canary().steps(5, 20, 60, 100)).build();
            assertThatThrownBy(() -> d.plan(steps)).isInstanceOfSatisfying(ValidationException.class, e -> {
                assertThat(e.problems()).extracting(Problem::path).containsExactly("strategy.steps");
                assertThat(e.problems().get(0).message()).contains("20%, 60%", "canary().steps(5, 100)");
            });
            Release small = Release.of(orders("1.0.0")).to(test).strategy(linear().stepPercent(2)).build();
            assertThatThrownBy(() -> d.plan(small)).isInstanceOfSatisfying(ValidationException.class, e -> {
                assertThat(e.problems()).extracting(Problem::path).containsExactly("strategy.stepPercent");
                assertThat(e.problems().get(0).message()).contains("3%", "linear().stepPercent(3)");
            });
        }
    }

    @Test
    void aNativeCanaryAndANativeLinearRunToTheEnd() {
        try (Deployer d = world.deployer()) {
            assertThat(deploy(d, Release.of(orders("1.0.0")).to(test).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(deploy(d, Release.of(orders("2.0.0")).to(test)
                    .strategy(canary().steps(10, 100).bake(Duration.ofMinutes(5))).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(d.aws().traffic().orElseThrow().weights("test", "orders")).isEqualTo(Map.of("test-orders:2", 100));
            assertThat(deploy(d, Release.of(orders("3.0.0")).to(test)
                    .strategy(linear().stepPercent(25).interval(Duration.ofMinutes(1))).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(d.aws().traffic().orElseThrow().weights("test", "orders")).isEqualTo(Map.of("test-orders:3", 100));
            assertThat(d.plan(Release.of(orders("3.0.0")).to(test)
                    .strategy(linear().stepPercent(25).interval(Duration.ofMinutes(1))).build()).isEmpty()).isTrue();
        }
    }

    @Test
    void aFailedFirstDeploymentIsRemovedSoTheNextPlanCreatesAgain() {
        try (Deployer d = world.deployer()) {
            world.cloud.images().behave("repo/orders:1.0.0", ImageBehavior.crashesOnStart());
            Release first = Release.of(orders("1.0.0")).to(test).build();
            assertThat(deploy(d, first)).isEqualTo(DeploymentStatus.FAILED);
            assertThat(d.aws().compute().orElseThrow().revisions("test", "orders")).as("nothing of the broken revision runs")
                    .isEmpty();
            var again = d.plan(first);
            assertThat(again.isEmpty()).as(again.toString()).isFalse();
            assertThat(again.isRollout()).isTrue();

            world.cloud.images().behave("repo/orders:1.0.0", ImageBehavior.healthy());
            assertThat(deploy(d, first)).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(d.plan(first).isEmpty()).isTrue();
        }
    }
}

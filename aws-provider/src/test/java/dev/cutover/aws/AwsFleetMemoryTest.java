package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Change;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.aws.AwsWorld.Deployer;
import dev.cutover.journal.FileJournalStore;
import dev.cutover.journal.JournalStore;
import dev.cutover.spi.ResourceType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Issue 14 item 6: a fresh process planning from the same journal store knows every task
 * definition Cutover registered (their attributes are remembered beside the journal, keyed by ARN)
 * and describes only the ones someone else registered: a fleet of unchanged services is planned
 * with DescribeServices (ten per call), one unfiltered DescribeScalableTargets page and one
 * DescribeTaskDefinition per foreign task definition.
 */
class AwsFleetMemoryTest {

    static final int OURS = 2;
    static final int FOREIGN = 25;

    @TempDir
    Path dir;

    private final Environment env = Environment.named("test").region("us-east-1").cluster("apps").namespace("test.local")
            .serviceConnect().build();

    private Release release(int i, String version) {
        return Release.of(Service.named(String.format("svc%04d", i)).image("repo/svc:" + version).port(8080)
                .cpu(256).memoryMiB(512).instances(1).build()).to(env).build();
    }

    @Test
    void aFreshProcessPlansAFleetWithoutDescribingTheTaskDefinitionsCutoverRegistered() {
        JournalStore journal = new FileJournalStore(dir.resolve("journal"));
        List<Release> fleet = new ArrayList<>();
        for (int i = 0; i < OURS + FOREIGN; i++) {
            fleet.add(release(i, "1.0.0"));
        }
        try (AwsWorld world = new AwsWorld()) {
            try (Deployer first = world.deployer(p -> { }, c -> c.journal(journal))) {
                for (Release r : fleet.subList(0, OURS)) {
                    assertThat(AwsWorld.deploy(first, r)).isEqualTo(DeploymentStatus.SUCCEEDED);
                }
            }
            assertThat(journal.remembered("aws")).as("the facts of each task definition Cutover registered, by ARN")
                    .hasSize(OURS).allSatisfy((arn, facts) -> assertThat(arn).startsWith("arn:aws:ecs:us-east-1:"));
            world.cloud.faults().throttling(false); // setup only: the foreign services are created directly
            String outOfBand = seedForeignServicesAndChangeOneOfOurs(world, fleet);
            world.cloud.faults().throttling(true);

            try (Deployer fresh = world.deployer(p -> { }, c -> c.journal(journal))) {
                List<Plan> plans = fresh.plan(fleet);
                Map<String, Long> calls = fresh.aws().apiCalls();

                assertThat(plans).hasSize(fleet.size());
                assertThat(plans.subList(0, OURS).stream().filter(p -> !p.isEmpty()).map(p -> p.release().service().name()).toList())
                        .as("of the services Cutover deployed, only the one changed out of band has changes")
                        .containsExactly("svc0001");
                assertThat(plans.stream().filter(p -> p.changes().stream().anyMatch(c -> c.id().type() == ResourceType.REVISION
                        && c.action() != Change.Action.NO_OP)).map(p -> p.release().service().name()).toList())
                        .as("every task definition was read right: only the one changed out of band differs")
                        .containsExactly("svc0001");
                assertThat(calls.getOrDefault("ecs:DescribeTaskDefinition", 0L))
                        .as("one DescribeTaskDefinition per task definition Cutover did not register (%d foreign, 1 out of "
                                + "band), none for the %d it registered; all calls: %s", FOREIGN, OURS, calls)
                        .isEqualTo(FOREIGN + 1);
                long others = calls.values().stream().mapToLong(Long::longValue).sum()
                        - calls.getOrDefault("ecs:DescribeTaskDefinition", 0L);
                // DescribeServices (10 per call), DescribeClusters, ListNamespaces, Cloud Map ListServices, DescribeScalableTargets,
                // and for the service changed out of band (its deployment is in flight) ListServiceDeployments,
                // DescribeServiceDeployments and DescribeServiceRevisions
                assertThat(others).as("calls besides DescribeTaskDefinition: %s", calls)
                        .isLessThanOrEqualTo((fleet.size() + 9) / 10 + 4 + 3);
                assertThat(calls.getOrDefault("application-autoscaling:DescribeScalableTargets", 0L))
                        .as("one unfiltered page answers for %d services", fleet.size()).isEqualTo(1);
                assertThat(outOfBand).isNotBlank();
            }
        }
    }

    /** The foreign services (registered and created directly), and svc0001 moved to a definition registered directly. */
    private static String seedForeignServicesAndChangeOneOfOurs(AwsWorld world, List<Release> fleet) {
        try (EcsClient ecs = EcsClient.builder().endpointOverride(world.cloud.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(AwsFixture.CREDENTIALS).build()) {
            var template = ecs.describeServices(b -> b.cluster("apps").services("test-svc0000")).services().get(0);
            var td = ecs.describeTaskDefinition(b -> b.taskDefinition(template.taskDefinition())).taskDefinition();
            for (Release r : fleet.subList(OURS, fleet.size())) {
                String family = "test-" + r.service().name();
                String arn = ecs.registerTaskDefinition(b -> b.family(family).containerDefinitions(td.containerDefinitions())
                        .proxyConfiguration(td.proxyConfiguration()).cpu(td.cpu()).memory(td.memory()).networkMode(td.networkMode()).executionRoleArn(td.executionRoleArn())
                        .requiresCompatibilities(td.requiresCompatibilities())).taskDefinition().taskDefinitionArn();
                ecs.createService(b -> b.cluster("apps").serviceName(family).taskDefinition(arn).desiredCount(0)
                        .launchType(template.launchType()).networkConfiguration(template.networkConfiguration()));
            }
            // someone changes svc0001's memory by hand: a new revision (a new ARN) Cutover never registered
            var ours = ecs.describeServices(b -> b.cluster("apps").services("test-svc0001")).services().get(0);
            var mine = ecs.describeTaskDefinition(b -> b.taskDefinition(ours.taskDefinition())).taskDefinition();
            String changed = ecs.registerTaskDefinition(b -> b.family(mine.family()).containerDefinitions(mine.containerDefinitions())
                    .cpu(mine.cpu()).memory("1024").networkMode(mine.networkMode()).executionRoleArn(mine.executionRoleArn())
                    .requiresCompatibilities(mine.requiresCompatibilities())).taskDefinition().taskDefinitionArn();
            ecs.updateService(b -> b.cluster("apps").service("test-svc0001").taskDefinition(changed));
            return changed;
        }
    }
}

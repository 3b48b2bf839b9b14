package dev.cutover.aws;

import static dev.cutover.Strategies.canary;
import static dev.cutover.aws.AwsWorld.deploy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Problem;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Strategy;
import dev.cutover.ValidationException;
import dev.cutover.aws.AwsWorld.Deployer;
import dev.cutover.aws.AwsWorld.SimulatedCrash;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.consul.ConsulProvider;
import dev.cutover.journal.InMemoryJournalStore;
import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.spi.Capability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Consul next to ECS (issue 12 item 5) on the local cloud, in virtual time: discovery from the
 * Consul provider ({@code use(Capability.DISCOVERY, "consul")}), compute and Service Connect traffic
 * from the AWS provider. Consul holds one instance per RUNNING ECS task — its ENI's private IP and
 * the container port, an HTTP check on the health path — and nothing else: after a deployment, a
 * scale, a task stopped during a rollout, a rollback of a bad canary, {@code cutover.rollback} and a
 * crash at any journal step followed by resume. App Mesh with Consul discovery is refused at plan time.
 */
class AwsConsulDiscoveryEndToEndTest {

    private final AwsWorld world = new AwsWorld();
    private final Environment test = Environment.named("test").region("us-east-1").cluster("apps").namespace("test.local")
            .serviceConnect().build();

    @AfterEach
    void close() {
        world.close();
    }

    private Deployer deployer(Consumer<dev.cutover.Cutover.Builder> more) {
        return withConsul(world, p -> { }, more);
    }

    /** A deployer of {@code w}: AWS compute and traffic, Consul discovery, the local Datadog as metric source. */
    private static Deployer withConsul(AwsWorld w, Consumer<AwsProvider.Builder> aws, Consumer<dev.cutover.Cutover.Builder> more) {
        return w.deployer(aws, (time, c) -> {
            c.provider(ConsulProvider.builder().url(w.cloud.consul().endpoint()).sessionRenewal(Duration.ZERO)
                    .timeout(Duration.ofSeconds(5)).build())
                    .use(Capability.DISCOVERY, ConsulProvider.NAME).use(Capability.TRAFFIC, "aws").metrics(w.datadog(time));
            more.accept(c);
        });
    }

    /** A canary ECS carries natively in Service Connect mode, gated on the error rate the tasks report. */
    private static final Strategy GATED = canary().steps(10, 100).bake(Duration.ofMinutes(5))
            .analysis(a -> a.gate(dev.cutover.analysis.MetricGate.errorRateBelow(0.05)).interval(Duration.ofMinutes(1)));

    private Deployer deployer() {
        return deployer(c -> { });
    }

    private static Service orders(String version, int instances) {
        return AwsFixture.orders(version).toBuilder().instances(instances).build();
    }

    private Release release(String version, int instances, Strategy strategy) {
        return Release.of(orders(version, instances)).to(test).strategy(strategy).build();
    }

    private Release release(String version, int instances) {
        return Release.of(orders(version, instances)).to(test).build();
    }

    private CloudInventory.Snapshot inventory() {
        return CloudInventory.of(world.cloud, "test", "orders").cluster("apps").namespace("test.local").read();
    }

    /** Consul's instances are exactly the revision's running tasks (ip:port), every check passing one interval later. */
    private void assertRegisteredExactly(String revision, int tasks) {
        world.cloudClock.advance(Duration.ofSeconds(10)); // one check interval: Consul has run every check once
        CloudInventory.Snapshot s = inventory();
        assertThat(s.runningTasksOf(revision)).as("running tasks: %s", s).hasSize(tasks);
        assertThat(s.consulInstances().keySet()).as("Consul instances == the running tasks of %s: %s", revision, s)
                .containsExactlyInAnyOrderElementsOf(s.runningTasksOf(revision));
        assertThat(s.consulInstances()).as("every check passes: %s", s).allSatisfy((k, status) -> assertThat(status).isEqualTo("passing"));
        assertThat(s.cloudMapServices()).as("no Cloud Map service or registration: discovery is Consul's").isEmpty();
    }

    @Test
    void eachRunningTaskIsOneConsulInstanceAtItsIpAndPortWithAPassingHttpCheckAndTheNextRevisionReplacesThem() {
        try (Deployer d = deployer()) {
            assertThat(deploy(d, release("1.0.0", 2))).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertRegisteredExactly("test-orders:1", 2);
            var consul = com.orbitz.consul.Consul.builder().withUrl(world.cloud.consul().endpoint().toString()).build();
            try {
                var instances = consul.healthClient().getHealthyServiceInstances("orders").getResponse();
                assertThat(instances).hasSize(2);
                Set<String> ips = inventory().runningTasksOf("test-orders:1").stream().map(t -> t.substring(t.indexOf(' ') + 1))
                        .collect(Collectors.toCollection(TreeSet::new));
                for (var sh : instances) {
                    assertThat(sh.getService().getMeta()).containsEntry("cutover_revision", "test-orders:1")
                            .containsKey("cutover_task");
                    assertThat(sh.getService().getTags()).contains("revision=test-orders:1", "version=1.0.0");
                    assertThat(ips).contains(sh.getService().getAddress() + ":" + sh.getService().getPort());
                    assertThat(sh.getService().getPort()).isEqualTo(8080);
                }
                var checks = consul.agentClient().getChecks();
                assertThat(checks.values()).hasSize(2).allSatisfy(c -> assertThat(c.getServiceId()).isPresent());
            } finally {
                consul.destroy();
            }

            Deployment next = d.cutover().apply(d.plan(release("2.0.0", 3)));
            assertThat(next.await()).as(next.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            next.awaitRetirement();
            assertRegisteredExactly("test-orders:2", 3);
        }
    }

    @Test
    void aTaskStoppedDuringARolloutIsDeregisteredAndItsReplacementRegistered() {
        try (Deployer d = deployer()) {
            assertThat(deploy(d, release("1.0.0", 2))).isEqualTo(DeploymentStatus.SUCCEEDED);
            Deployment dep = d.cutover().apply(d.plan(release("2.0.0", 2, canary().steps(10, 100).bake(Duration.ofMinutes(10)))));
            List<String> stopped = new ArrayList<>();
            List<CloudInventory.Snapshot> during = new ArrayList<>();
            d.time().schedule(Duration.ofMinutes(3), () -> {
                String task = inventory().runningTasksOf("test-orders:1").iterator().next();
                stopped.add(task.substring(task.indexOf(' ') + 1));
                try (EcsClient ecs = ecs()) {
                    String ip = stopped.get(0).substring(0, stopped.get(0).indexOf(':'));
                    String arn = ecs.listTasks(b -> b.cluster("apps").desiredStatus("RUNNING")).taskArns().stream()
                            .filter(a -> ecs.describeTasks(b -> b.cluster("apps").tasks(a)).tasks().get(0).attachments().stream()
                                    .flatMap(x -> x.details().stream()).anyMatch(x -> ip.equals(x.value())))
                            .findFirst().orElseThrow();
                    ecs.stopTask(b -> b.cluster("apps").task(arn).reason("chaos: a host went away"));
                }
            });
            d.time().schedule(Duration.ofMinutes(7), () -> during.add(inventory()));
            assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);

            assertThat(stopped).hasSize(1);
            assertThat(during).hasSize(1);
            CloudInventory.Snapshot mid = during.get(0);
            Set<String> runningMid = new TreeSet<>(mid.runningTasksOf("test-orders:1"));
            runningMid.addAll(mid.runningTasksOf("test-orders:2"));
            assertThat(mid.consulInstances().keySet()).as("4 minutes after the stop, in the middle of the bake: %s", mid)
                    .noneMatch(k -> k.endsWith(" " + stopped.get(0)))
                    .containsExactlyInAnyOrderElementsOf(runningMid);
            assertThat(runningMid).as("ECS replaced the stopped task").noneMatch(k -> k.endsWith(" " + stopped.get(0)))
                    .hasSizeGreaterThanOrEqualTo(3);
            dep.awaitRetirement();
            assertRegisteredExactly("test-orders:2", 2);
        }
    }

    @Test
    void aCanaryWithABadImageRollsBackAndConsulKeepsOnlyTheServingRevisionsTasks() {
        try (Deployer d = deployer()) {
            assertThat(deploy(d, release("1.0.0", 2))).isEqualTo(DeploymentStatus.SUCCEEDED);
            // healthy to ECS (so its tasks are registered) but failing its users: the gate rolls it back
            world.cloud.images().behave("repo/orders:2.0.0", ImageBehavior.errorRate(0.5));
            Deployment dep = d.cutover().apply(d.plan(release("2.0.0", 2, GATED)));
            assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.ROLLED_BACK);
            assertThat(dep.events()).as("the canary's tasks were registered before the rollback")
                    .anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(DeploymentEvent.InstancesRegistered.class,
                            r -> assertThat(r.revision() + " " + r.tasks().size()).isEqualTo("test-orders:2 2")));
            assertRegisteredExactly("test-orders:1", 2);
        }
    }

    @Test
    void cutoverRollbackDeregistersTheRolledBackRevisionAndRegistersTheRestoredOnesTasks() {
        InMemoryJournalStore journal = new InMemoryJournalStore();
        try (Deployer d = deployer(c -> c.journal(journal))) {
            assertThat(deploy(d, release("1.0.0", 2))).isEqualTo(DeploymentStatus.SUCCEEDED);
            Deployment second = d.cutover().apply(d.plan(release("2.0.0", 3)));
            assertThat(second.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
            second.awaitRetirement();
            assertRegisteredExactly("test-orders:2", 3);

            Deployment back = d.cutover().rollback("orders", "test");
            assertThat(back.await()).as(back.statusReason()).isIn(DeploymentStatus.SUCCEEDED, DeploymentStatus.ROLLED_BACK);
            back.awaitRetirement();
            assertRegisteredExactly("test-orders:1", 2);
        }
    }

    @Test
    void appMeshWithConsulDiscoveryIsRefusedAtPlanTimeNamingTheAlternativesBeforeAnyCall() {
        try (Deployer d = deployer()) {
            Release mesh = Release.of(orders("1.0.0", 2)).to(AwsFixture.meshEnv()).build();
            assertThatThrownBy(() -> d.plan(mesh)).isInstanceOfSatisfying(ValidationException.class, e -> {
                assertThat(e.problems()).extracting(Problem::path).containsExactly("environment.trafficMode");
                assertThat(e.problems().get(0).message()).contains("Cloud Map", "Consul", "SERVICE_CONNECT");
            });
            assertThat(d.aws().apiCalls()).as("refused before any AWS call").isEmpty();
        }
    }

    /** The journal appends of one deployment of 2.0.0 (bad: rolled back by its gate), counted in a dry run. */
    private int journalAppends(boolean bad) {
        try (AwsWorld dry = new AwsWorld()) {
            InMemoryJournalStore journal = new InMemoryJournalStore();
            Deployer d = withConsul(dry, p -> { }, c -> c.journal(journal));
            try {
                assertThat(deploy(d, release("1.0.0", 2))).isEqualTo(DeploymentStatus.SUCCEEDED);
                if (bad) {
                    dry.cloud.images().behave("repo/orders:2.0.0", ImageBehavior.errorRate(0.5));
                }
                Deployment dep = d.cutover().apply(d.plan(release("2.0.0", 2, GATED)));
                assertThat(dep.await()).isEqualTo(bad ? DeploymentStatus.ROLLED_BACK : DeploymentStatus.SUCCEEDED);
                dep.awaitRetirement();
                return journal.read(dep.id()).size();
            } finally {
                d.close();
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> aCrashAtAnyJournalStepThenResumeLeavesOnlyTheServingRevisionsTasksInConsul() {
        List<DynamicTest> tests = new ArrayList<>();
        for (boolean bad : new boolean[] {false, true}) {
            int appends = journalAppends(bad);
            assertThat(appends).isGreaterThan(5);
            for (int n = 1; n < appends; n++) {
                int at = n;
                tests.add(DynamicTest.dynamicTest((bad ? "bad" : "good") + " canary, crash before journal append " + (n + 1),
                        () -> crashAndResume(at, bad)));
            }
        }
        return tests.stream();
    }

    private void crashAndResume(int n, boolean bad) {
        try (AwsWorld w = new AwsWorld()) {
            InMemoryJournalStore journal = new InMemoryJournalStore();
            AwsWorld.CrashingJournal crashing = new AwsWorld.CrashingJournal(journal);
            Deployer first = withConsul(w, p -> { }, c -> c.journal(crashing));
            assertThat(deploy(first, release("1.0.0", 2))).isEqualTo(DeploymentStatus.SUCCEEDED);
            if (bad) {
                w.cloud.images().behave("repo/orders:2.0.0", ImageBehavior.errorRate(0.5));
            }
            crashing.crashAfter(n);
            Deployment dep = first.cutover().apply(first.plan(release("2.0.0", 2, GATED)));
            try {
                dep.await();
                dep.awaitRetirement();
            } catch (SimulatedCrash expected) {
                // the process died
            }
            AwsWorld.closeDead(first);
            try (Deployer second = withConsul(w, p -> p.environment(test), c -> c.journal(journal))) {
                if (journal.read(dep.id()).stream().noneMatch(e -> e.type().equals("finished"))) {
                    Deployment resumed = second.cutover().resume(dep.id());
                    resumed.await();
                    resumed.awaitRetirement();
                }
                Map<String, Integer> weights = second.aws().traffic().orElseThrow().weights("test", "orders");
                assertThat(weights).as("100% on one revision").hasSize(1).containsValue(100);
                String serving = weights.keySet().iterator().next();
                if (bad) {
                    assertThat(serving).isEqualTo("test-orders:1");
                }
                w.cloud.faults().reset();
                CloudInventory.Snapshot s = CloudInventory.of(w.cloud, "test", "orders").cluster("apps").namespace("test.local").read();
                assertThat(s.runningTasksOf(serving)).as("crash before append %d: %s", n + 1, s).hasSize(2);
                assertThat(s.consulInstances().keySet()).as("crash before append %d: %s", n + 1, s)
                        .containsExactlyInAnyOrderElementsOf(s.runningTasksOf(serving));
            }
        }
    }

    private EcsClient ecs() {
        return EcsClient.builder().endpointOverride(world.cloud.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(AwsFixture.CREDENTIALS).httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none())).build();
    }
}

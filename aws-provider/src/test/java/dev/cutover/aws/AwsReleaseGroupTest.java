package dev.cutover.aws;

import static dev.cutover.group.ReleaseGroup.after;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Strategies;
import dev.cutover.aws.AwsWorld.Deployer;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.group.GroupDeployment;
import dev.cutover.group.GroupHistoryEntry;
import dev.cutover.group.GroupStatus;
import dev.cutover.group.MemberStatus;
import dev.cutover.group.OnFailure;
import dev.cutover.group.ReleaseCoordinator;
import dev.cutover.group.ReleaseGroup;
import dev.cutover.journal.FileJournalStore;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.JournalStore;
import dev.cutover.localcloud.ImageBehavior;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coordinated releases (issue 14 item 1) on the AWS provider against the local cloud, in virtual
 * time: real ECS, App Mesh and Cloud Map calls through the unmodified AWS SDK. Three services of a
 * checkout, {@code payments} before {@code orders} and {@code inventory}; the group's waves, its
 * concurrency limit and approval, both failure policies, and a crash in the middle of a member
 * resumed by a new process from a file journal.
 */
class AwsReleaseGroupTest {

    private static final List<String> SERVICES = List.of("payments", "orders", "inventory");

    private final AwsWorld world = new AwsWorld();
    private final Environment stage = AwsFixture.meshEnv();
    private final List<DeploymentEvent> events = new CopyOnWriteArrayList<>();

    @TempDir
    Path journalDir;

    @AfterEach
    void close() {
        world.close();
    }

    private static Service service(String name, String version) {
        return Service.named(name).image("repo/" + name + ":" + version).port(8080).cpu(256).memoryMiB(512).instances(2)
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10))).build();
    }

    private Release release(String name, String version) {
        return Release.of(service(name, version)).to(stage)
                .strategy(Strategies.canary().steps(50, 100).bake(Duration.ofMinutes(1))).build();
    }

    private ReleaseGroup.Builder checkout() {
        return ReleaseGroup.named("checkout")
                .member(release("payments", "2.0.0"))
                .member(release("orders", "2.0.0"), after("payments"))
                .member(release("inventory", "2.0.0"), after("payments"));
    }

    private Deployer deployer(JournalStore journal) {
        return world.deployer(p -> p.environment(stage),
                c -> c.journal(journal).rollbackWindow(Duration.ofMinutes(1)).listener(events::add).shutdownHook(false));
    }

    /** Deploys 1.0.0 of every service, each waited for until its old revision is retired. */
    private static void baseline(Deployer d, Environment env) {
        for (String s : SERVICES) {
            Release r = Release.of(service(s, "1.0.0")).to(env).strategy(Strategies.allAtOnce()).build();
            Deployment dep = d.cutover().apply(d.plan(r));
            assertThat(dep.awaitRetirement()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        }
    }

    private static Map<String, Integer> weights(Deployer d, String service) {
        return d.aws().traffic().orElseThrow().weights("stage", service);
    }

    private static Set<String> deployments(JournalStore journal, String service, String strategy) {
        Set<String> out = new HashSet<>();
        for (String id : journal.deployments()) {
            JournalEntry first = journal.read(id).get(0);
            if (("stage/" + service).equals(first.get("target")) && strategy.equals(first.get("strategy"))) {
                out.add(id);
            }
        }
        return out;
    }

    /** The most of {@code ids} rolling out at once: from DeploymentStarted until Promoted, RolledBack or DeploymentFinished. */
    private int maxConcurrent(Set<String> ids) {
        Set<String> active = new HashSet<>();
        int max = 0;
        for (DeploymentEvent e : events) {
            if (!ids.contains(e.deploymentId())) {
                continue;
            }
            if (e instanceof DeploymentEvent.DeploymentStarted) {
                active.add(e.deploymentId());
                max = Math.max(max, active.size());
            } else if (e instanceof DeploymentEvent.Promoted || e instanceof DeploymentEvent.RolledBack
                    || e instanceof DeploymentEvent.DeploymentFinished) {
                active.remove(e.deploymentId());
            }
        }
        return max;
    }

    private int index(String id, Class<? extends DeploymentEvent> type) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).deploymentId().equals(id) && type.isInstance(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void oneApprovalThenWavesInOrderWithinTheConcurrencyLimit() {
        Environment guarded = stage.toBuilder().requireApproval().build();
        JournalStore journal = new FileJournalStore(journalDir);
        try (Deployer d = deployer(journal)) {
            baseline(d, stage);
            ReleaseGroup group = ReleaseGroup.named("checkout")
                    .member(release("payments", "2.0.0").toBuilder().to(guarded).build())
                    .member(release("orders", "2.0.0").toBuilder().to(guarded).build(), after("payments"))
                    .member(release("inventory", "2.0.0").toBuilder().to(guarded).build(), after("payments"))
                    .concurrency(1).requireApproval(Duration.ofMinutes(30)).build();
            ReleaseCoordinator coordinator = ReleaseCoordinator.of(d.cutover());
            GroupDeployment g = coordinator.apply(coordinator.plan(group));
            assertThat(g.await(Duration.ofMinutes(10))).isEqualTo(GroupStatus.AWAITING_APPROVAL);
            assertThat(deployments(journal, "payments", "canary")).as("nothing starts before the approval").isEmpty();

            g.approve();
            assertThat(g.await()).as(g.statusReason()).isEqualTo(GroupStatus.SUCCEEDED);

            for (String s : SERVICES) {
                assertThat(weights(d, s)).as(s).isEqualTo(Map.of("stage-" + s + ":2", 100));
            }
            int paymentsPromoted = index(g.member("payments").deployment(), DeploymentEvent.Promoted.class);
            assertThat(index(g.member("orders").deployment(), DeploymentEvent.DeploymentStarted.class)).isGreaterThan(paymentsPromoted);
            assertThat(index(g.member("inventory").deployment(), DeploymentEvent.DeploymentStarted.class)).isGreaterThan(paymentsPromoted);
            assertThat(maxConcurrent(Set.of(g.member("orders").deployment(), g.member("inventory").deployment())))
                    .as("concurrency 1: orders and inventory one after the other").isEqualTo(1);
            assertThat(events).as("the group's approval approved each member").noneMatch(e -> e instanceof DeploymentEvent.ApprovalRequested);
            d.time().runUntil(() -> d.cutover().running().isEmpty());
        }
    }

    @Test
    void whenOrdersFailsRollbackAllReturnsPaymentsFromHistoryAndInventoryIsAborted() {
        JournalStore journal = new FileJournalStore(journalDir);
        world.cloud.images().behave("repo/orders:2.0.0", ImageBehavior.crashesOnStart());
        try (Deployer d = deployer(journal)) {
            baseline(d, stage);
            ReleaseCoordinator coordinator = ReleaseCoordinator.of(d.cutover());
            GroupDeployment g = coordinator.apply(coordinator.plan(checkout().concurrency(2).build()));

            assertThat(g.await()).as(g.statusReason()).isEqualTo(GroupStatus.ROLLED_BACK);
            d.time().runUntil(() -> d.cutover().running().isEmpty());

            assertThat(g.member("orders").status()).isEqualTo(MemberStatus.FAILED);
            assertThat(g.member("payments").status()).isEqualTo(MemberStatus.ROLLED_BACK);
            assertThat(g.member("inventory").status()).isIn(MemberStatus.ROLLED_BACK);
            assertThat(maxConcurrent(Set.of(g.member("orders").deployment(), g.member("inventory").deployment()))).isEqualTo(2);
            for (String s : SERVICES) {
                assertThat(weights(d, s)).as(s).containsOnlyKeys("stage-" + s + ":1").containsValue(100);
                assertThat(d.aws().compute().orElseThrow().revisions("stage", s)).as("nothing of 2.0.0 left running")
                        .extracting(r -> r.id()).containsExactly("stage-" + s + ":1");
            }
            assertThat(deployments(journal, "payments", "rollback")).containsExactly(g.member("payments").rollback());
            GroupHistoryEntry h = coordinator.history("checkout").get(0);
            assertThat(h.outcome()).isEqualTo("ROLLED_BACK");
            assertThat(h.detail()).contains("member orders failed", "every member this release promoted was rolled back");
        }
    }

    @Test
    void onlyFailedKeepsPaymentsOnItsNewRevision() {
        JournalStore journal = new FileJournalStore(journalDir);
        world.cloud.images().behave("repo/orders:2.0.0", ImageBehavior.crashesOnStart());
        try (Deployer d = deployer(journal)) {
            baseline(d, stage);
            ReleaseCoordinator coordinator = ReleaseCoordinator.of(d.cutover());
            GroupDeployment g = coordinator.apply(coordinator.plan(checkout().onFailure(OnFailure.ONLY_FAILED).build()));

            assertThat(g.await()).as(g.statusReason()).isEqualTo(GroupStatus.FAILED);
            d.time().runUntil(() -> d.cutover().running().isEmpty());

            assertThat(weights(d, "payments")).isEqualTo(Map.of("stage-payments:2", 100));
            assertThat(weights(d, "orders")).containsOnlyKeys("stage-orders:1");
            assertThat(weights(d, "inventory")).as("inventory waited behind orders (concurrency 1) and never started")
                    .isEqualTo(Map.of("stage-inventory:1", 100));
            assertThat(g.member("inventory").status()).isEqualTo(MemberStatus.SKIPPED);
            assertThat(deployments(journal, "payments", "rollback")).isEmpty();
        }
    }

    /** A journal that "kills" its process (throws {@link AwsWorld.SimulatedCrash}) at the first entry matching. */
    private record DyingJournal(JournalStore inner, Predicate<JournalEntry> dieAt) implements JournalStore {
        @Override
        public void append(JournalEntry entry) {
            if (dieAt.test(entry)) {
                throw new AwsWorld.SimulatedCrash("deployer crashed before journaling " + entry.type() + " of " + entry.deploymentId());
            }
            inner.append(entry);
        }

        @Override
        public List<JournalEntry> read(String id) {
            return inner.read(id);
        }

        @Override
        public List<String> deployments() {
            return inner.deployments();
        }
    }

    @Test
    void aNewProcessResumesAGroupWhoseProcessDiedInTheMiddleOfOrders() {
        FileJournalStore journal = new FileJournalStore(journalDir);
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        Deployer first = deployer(new DyingJournal(journal, e -> armed.get() && e.deploymentId().startsWith("stage-orders-")
                && "intent".equals(e.type()) && "shift".equals(e.get("action")) && e.get("weights").contains("=100")));
        baseline(first, stage);
        armed.set(true);
        ReleaseCoordinator coordinator = ReleaseCoordinator.of(first.cutover());
        GroupDeployment g = coordinator.apply(coordinator.plan(checkout().build()));
        try {
            g.await();
            throw new AssertionError("the first process should have died: " + g);
        } catch (AwsWorld.SimulatedCrash expected) {
            // orders serves 50% of its traffic from 2.0.0 when its process dies
        }
        String interrupted = g.member("orders").deployment();
        assertThat(weights(first, "orders")).containsOnlyKeys("stage-orders:1", "stage-orders:2");
        AwsWorld.closeDead(first);

        try (Deployer second = deployer(new FileJournalStore(journalDir))) {
            GroupDeployment resumed = ReleaseCoordinator.of(second.cutover()).resume(g.id());
            assertThat(resumed.await()).as(resumed.statusReason()).isEqualTo(GroupStatus.SUCCEEDED);
            second.time().runUntil(() -> second.cutover().running().isEmpty());

            assertThat(deployments(journal, "payments", "canary")).as("payments is not deployed again").hasSize(1);
            assertThat(deployments(journal, "orders", "canary")).as("the interrupted rollout, then a new one")
                    .hasSize(2).contains(interrupted);
            assertThat(deployments(journal, "inventory", "canary")).as("inventory still starts").hasSize(1);
            for (String s : SERVICES) {
                Map<String, Integer> w = weights(second, s);
                assertThat(w.values()).as(s).containsExactly(100);
                assertThat(w).as(s + " serves 2.0.0, not its baseline").doesNotContainKey("stage-" + s + ":1");
                assertThat(second.aws().compute().orElseThrow().revisions("stage", s)).as("one revision of " + s + " runs")
                        .extracting(r -> r.id()).containsExactlyElementsOf(w.keySet());
            }
            assertThat(resumed.member("orders").detail()).contains("interrupted by a crash");
        }
    }
}

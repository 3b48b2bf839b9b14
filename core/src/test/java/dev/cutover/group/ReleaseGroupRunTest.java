package dev.cutover.group;

import static dev.cutover.group.GroupWorld.release;
import static dev.cutover.group.ReleaseGroup.after;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.event.DeploymentEvent;
import dev.cutover.journal.FileJournalStore;
import dev.cutover.journal.JournalEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 1 on the in-memory provider, in virtual time: waves in dependency order, the
 * concurrency limit, one approval for the group, ROLLBACK_ALL versus ONLY_FAILED, the group's
 * journal and history, and a crash between members or in the middle of one, resumed by a new
 * process from a file journal.
 */
class ReleaseGroupRunTest {

    @TempDir
    Path journalDir;

    private static ReleaseGroup.Builder checkout() {
        return ReleaseGroup.named("checkout")
                .member(release("payments", "2.0.0"))
                .member(release("orders", "2.0.0"), after("payments"))
                .member(release("inventory", "2.0.0"), after("payments"));
    }

    private static Set<String> canaryDeployments(GroupWorld w, String... services) {
        Set<String> ids = new HashSet<>();
        for (String s : services) {
            ids.addAll(w.deploymentsOf(s, "canary"));
        }
        return ids;
    }

    @Test
    void wavesRunInDependencyOrderWithinTheConcurrencyLimit() {
        GroupWorld w = new GroupWorld();
        GroupWorld.Process p = w.process();
        w.baseline(p, "payments", "orders", "inventory", "search");
        ReleaseGroup group = checkout().member(release("search", "2.0.0"), after("payments")).concurrency(2).build();
        assertThat(group.waves()).containsExactly(List.of("payments"), List.of("orders", "inventory", "search"));

        GroupDeployment g = p.coordinator.apply(p.coordinator.plan(group));
        assertThat(p.run(g)).isTrue();

        assertThat(g.status()).as(g.statusReason()).isEqualTo(GroupStatus.SUCCEEDED);
        for (String s : List.of("payments", "orders", "inventory", "search")) {
            assertThat(w.serving(s)).as(s).isEqualTo("2.0.0");
            assertThat(g.member(s).status()).isEqualTo(MemberStatus.SUCCEEDED);
        }
        String payments = g.member("payments").deployment();
        for (String s : List.of("orders", "inventory", "search")) {
            assertThat(w.indexOf(g.member(s).deployment(), DeploymentEvent.DeploymentStarted.class))
                    .as(s + " starts after payments serves 100%")
                    .isGreaterThan(w.indexOf(payments, DeploymentEvent.Promoted.class));
        }
        // wave 2 has three members and the limit is two: two overlap, never three
        assertThat(w.maxConcurrentRollouts(canaryDeployments(w, "orders", "inventory", "search"))).isEqualTo(2);
    }

    @Test
    void oneApprovalForTheGroupStartsItAndApprovesMembersWhoseEnvironmentRequiresApproval() {
        GroupWorld w = new GroupWorld();
        GroupWorld.Process p = w.process();
        w.baseline(p, "payments", "orders");
        dev.cutover.Environment guarded = GroupWorld.STAGE.toBuilder().requireApproval().build();
        ReleaseGroup group = ReleaseGroup.named("checkout")
                .member(release("payments", "2.0.0").toBuilder().to(guarded).build())
                .member(release("orders", "2.0.0").toBuilder().to(guarded).build(), after("payments"))
                .requireApproval(Duration.ofMinutes(30)).build();

        GroupDeployment g = p.coordinator.apply(p.coordinator.plan(group));
        p.run(g);
        assertThat(g.status()).isEqualTo(GroupStatus.AWAITING_APPROVAL);
        assertThat(w.deploymentsOf("payments", "canary")).as("nothing starts before the approval").isEmpty();

        g.approve();
        p.run(g);
        assertThat(g.status()).as(g.statusReason()).isEqualTo(GroupStatus.SUCCEEDED);
        assertThat(w.serving("payments")).isEqualTo("2.0.0");
        assertThat(w.serving("orders")).isEqualTo("2.0.0");
        assertThat(w.events).noneMatch(e -> e instanceof DeploymentEvent.DeploymentPaused);
    }

    @Test
    void awaitOnAVirtualSchedulerSaysWhenTheGroupWaitsForAPerson() {
        GroupWorld w = new GroupWorld();
        dev.cutover.Cutover cutover = dev.cutover.Cutover.builder().provider(w.cloud).discoverProviders(false)
                .scheduler(w.time).journal(w.store).shutdownHook(false).build();
        ReleaseCoordinator coordinator = ReleaseCoordinator.of(cutover);
        GroupDeployment g = coordinator.apply(coordinator.plan(ReleaseGroup.named("checkout")
                .member(release("payments", "2.0.0")).requireApproval().build()));

        assertThatThrownBy(g::await).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("waits for a person").hasMessageContaining("approve()");
        g.approve();
        assertThat(g.await()).as(g.statusReason()).isEqualTo(GroupStatus.SUCCEEDED);
        assertThat(w.serving("payments")).isEqualTo("2.0.0");
    }

    @Test
    void withoutItsApprovalTheGroupDeploysNothingAndSaysWhy() {
        GroupWorld w = new GroupWorld();
        GroupWorld.Process p = w.process();
        w.baseline(p, "payments", "orders", "inventory");
        GroupDeployment g = p.coordinator.apply(p.coordinator.plan(checkout().requireApproval(Duration.ofMinutes(30)).build()));
        w.time.advance(Duration.ofMinutes(31));

        assertThat(g.status()).isEqualTo(GroupStatus.FAILED);
        assertThat(g.statusReason()).contains("approval timed out", "nothing was deployed");
        assertThat(w.deploymentsOf("payments", "canary")).isEmpty();
        assertThat(g.members()).allMatch(m -> m.status() == MemberStatus.PENDING);
    }

    @Test
    void rollbackAllReturnsEveryPromotedMemberWhenALaterOneFails() {
        GroupWorld w = new GroupWorld();
        GroupWorld.Process p = w.process();
        w.baseline(p, "payments", "orders", "inventory", "search");
        w.broken("orders", "2.0.0");
        ReleaseGroup group = checkout().member(release("search", "2.0.0"), after("orders")).concurrency(1)
                .onFailure(OnFailure.ROLLBACK_ALL).build();

        GroupDeployment g = p.coordinator.apply(p.coordinator.plan(group));
        p.run(g);

        assertThat(g.status()).as(g.statusReason()).isEqualTo(GroupStatus.ROLLED_BACK);
        assertThat(g.statusReason()).contains("member orders failed");
        assertThat(g.member("payments").status()).isEqualTo(MemberStatus.ROLLED_BACK);
        assertThat(g.member("orders").status()).isEqualTo(MemberStatus.FAILED);
        assertThat(g.member("search").status()).isEqualTo(MemberStatus.SKIPPED);
        for (String s : List.of("payments", "orders", "inventory", "search")) {
            assertThat(w.serving(s)).as(s).isEqualTo("1.0.0");
        }
        // the promoted member went back through the rollback-from-history mechanism
        assertThat(w.deploymentsOf("payments", "rollback")).containsExactly(g.member("payments").rollback());
        assertThat(w.deploymentsOf("search", "canary")).as("no member starts after a failure").isEmpty();
    }

    @Test
    void onlyFailedKeepsThePromotedMembersAndStopsLaterWaves() {
        GroupWorld w = new GroupWorld();
        GroupWorld.Process p = w.process();
        w.baseline(p, "payments", "orders", "inventory", "search");
        w.broken("orders", "2.0.0");
        ReleaseGroup group = checkout().member(release("search", "2.0.0"), after("orders")).concurrency(1)
                .onFailure(OnFailure.ONLY_FAILED).build();

        GroupDeployment g = p.coordinator.apply(p.coordinator.plan(group));
        p.run(g);

        assertThat(g.status()).as(g.statusReason()).isEqualTo(GroupStatus.FAILED);
        assertThat(w.serving("payments")).isEqualTo("2.0.0");
        assertThat(w.serving("orders")).isEqualTo("1.0.0");
        assertThat(w.serving("search")).isEqualTo("1.0.0");
        assertThat(g.member("payments").status()).isEqualTo(MemberStatus.SUCCEEDED);
        assertThat(g.member("search").status()).isEqualTo(MemberStatus.SKIPPED);
        assertThat(w.deploymentsOf("payments", "rollback")).isEmpty();
    }

    @Test
    void theJournalAndHistoryRecordTheGroupItsMembersAndItsOutcome() {
        GroupWorld w = new GroupWorld();
        GroupWorld.Process p = w.process();
        w.baseline(p, "payments", "orders", "inventory");
        w.broken("inventory", "2.0.0");
        GroupDeployment g = p.coordinator.apply(p.coordinator.plan(checkout().build()));
        p.run(g);

        List<GroupHistoryEntry> history = p.coordinator.history("checkout");
        assertThat(history).hasSize(1);
        GroupHistoryEntry h = history.get(0);
        assertThat(h.id()).isEqualTo(g.id());
        assertThat(h.outcome()).isEqualTo("ROLLED_BACK");
        assertThat(h.members()).extracting(MemberState::name, MemberState::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("payments", MemberStatus.ROLLED_BACK),
                org.assertj.core.groups.Tuple.tuple("orders", MemberStatus.ROLLED_BACK),
                org.assertj.core.groups.Tuple.tuple("inventory", MemberStatus.FAILED));
        assertThat(h.members()).isEqualTo(g.members());
        assertThat(w.store.read(g.id())).extracting(JournalEntry::type).startsWith("group-started").endsWith("finished")
                .contains("member-started", "member-finished", "failing", "rolling-back", "member-rolled-back");
        // the members' own history is the service's ordinary history; the group journal is not a service's
        assertThat(p.cutover.history("payments", "stage")).extracting(dev.cutover.HistoryEntry::strategy)
                .containsExactly("all-at-once", "canary", "rollback");
        assertThat(p.coordinator.history("other")).isEmpty();
        assertThatThrownBy(() -> p.coordinator.resume(g.id())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already finished: ROLLED_BACK");
    }

    @Test
    void aNewProcessResumesAGroupThatCrashedBetweenMembers() {
        GroupWorld w = new GroupWorld(new FileJournalStore(journalDir));
        GroupWorld.Process first = w.process();
        w.baseline(first, "payments", "orders", "inventory");
        first.journal.dieAt = e -> "member-starting".equals(e.type()) && "orders".equals(e.get("member"));
        GroupDeployment g = first.coordinator.apply(first.coordinator.plan(checkout().build()));
        assertThat(first.run(g)).as("the first process dies before orders starts").isFalse();
        assertThat(g.member("payments").status()).isEqualTo(MemberStatus.SUCCEEDED);

        GroupWorld.Process second = w.process();
        GroupDeployment resumed = second.coordinator.resume(g.id());
        assertThat(second.run(resumed)).isTrue();

        assertThat(resumed.status()).as(resumed.statusReason()).isEqualTo(GroupStatus.SUCCEEDED);
        assertThat(resumed.member("payments")).as("payments is known as promoted, not planned again")
                .isEqualTo(g.member("payments"));
        assertThat(w.deploymentsOf("payments", "canary")).as("payments is not deployed again").hasSize(1);
        assertThat(w.deploymentsOf("orders", "canary")).hasSize(1);
        assertThat(w.deploymentsOf("inventory", "canary")).hasSize(1);
        for (String s : List.of("payments", "orders", "inventory")) {
            assertThat(w.serving(s)).as(s).isEqualTo("2.0.0");
        }
    }

    @Test
    void aNewProcessResumesAGroupThatCrashedInTheMiddleOfAMember() {
        GroupWorld w = new GroupWorld(new FileJournalStore(journalDir));
        GroupWorld.Process first = w.process();
        w.baseline(first, "payments", "orders", "inventory");
        // orders dies half-way: 50% of its traffic on the new revision, about to shift to 100%
        first.journal.dieAt = e -> e.deploymentId().contains("-orders-") && "intent".equals(e.type())
                && "shift".equals(e.get("action")) && String.valueOf(e.get("weights")).contains("100");
        GroupDeployment g = first.coordinator.apply(first.coordinator.plan(checkout().build()));
        assertThat(first.run(g)).isFalse();
        String interrupted = g.member("orders").deployment();
        assertThat(interrupted).isNotEmpty();

        GroupWorld.Process second = w.process();
        GroupDeployment resumed = second.coordinator.resume(g.id());
        assertThat(second.run(resumed)).isTrue();

        assertThat(resumed.status()).as(resumed.statusReason()).isEqualTo(GroupStatus.SUCCEEDED);
        second.settle();
        assertThat(w.deploymentsOf("payments", "canary")).as("payments is not deployed again").hasSize(1);
        assertThat(w.deploymentsOf("orders", "canary")).as("orders: the interrupted rollout, then a new one")
                .hasSize(2).contains(interrupted);
        assertThat(w.store.read(interrupted).get(w.store.read(interrupted).size() - 1).get("outcome")).isEqualTo("ROLLED_BACK");
        assertThat(w.deploymentsOf("inventory", "canary")).hasSize(1);
        for (String s : List.of("payments", "orders", "inventory")) {
            assertThat(w.serving(s)).as(s).isEqualTo("2.0.0");
            assertThat(w.cloud.running(GroupWorld.ENV, s)).as("nothing orphaned of " + s).hasSize(1);
        }
        assertThat(resumed.member("orders").deployment()).isNotEqualTo(interrupted);
    }

    @Test
    void aCrashAfterAMemberWasAppliedButBeforeTheGroupRecordedItFindsThatDeployment() {
        GroupWorld w = new GroupWorld(new FileJournalStore(journalDir));
        GroupWorld.Process first = w.process();
        w.baseline(first, "payments", "orders", "inventory");
        first.journal.dieAt = e -> "member-started".equals(e.type()) && "orders".equals(e.get("member"));
        GroupDeployment g = first.coordinator.apply(first.coordinator.plan(checkout().build()));
        assertThat(first.run(g)).isFalse();

        GroupWorld.Process second = w.process();
        GroupDeployment resumed = second.coordinator.resume(g.id());
        assertThat(second.run(resumed)).isTrue();

        assertThat(resumed.status()).as(resumed.statusReason()).isEqualTo(GroupStatus.SUCCEEDED);
        assertThat(w.deploymentsOf("orders", "canary")).as("the orphaned start is found, resumed, then deployed again").hasSize(2);
        assertThat(w.serving("orders")).isEqualTo("2.0.0");
        second.settle();
        assertThat(w.cloud.running(GroupWorld.ENV, "orders")).hasSize(1);
    }

    @Test
    void aCrashWhileTheGroupRollsBackIsFinishedByResume() {
        GroupWorld w = new GroupWorld(new FileJournalStore(journalDir));
        GroupWorld.Process first = w.process();
        w.baseline(first, "payments", "orders", "inventory");
        w.broken("orders", "2.0.0");
        first.journal.dieAt = e -> "rollback-started".equals(e.type());
        GroupDeployment g = first.coordinator.apply(first.coordinator.plan(checkout().build()));
        assertThat(first.run(g)).isFalse();

        GroupWorld.Process second = w.process();
        GroupDeployment resumed = second.coordinator.resume(g.id());
        assertThat(second.run(resumed)).isTrue();

        assertThat(resumed.status()).as(resumed.statusReason()).isEqualTo(GroupStatus.ROLLED_BACK);
        // the rollback the dead process had just started was found and resumed; it never began to act, so
        // resume kept traffic where it was, and the group rolled payments back once more
        assertThat(w.deploymentsOf("payments", "rollback")).hasSize(2);
        assertThat(resumed.member("payments").status()).isEqualTo(MemberStatus.ROLLED_BACK);
        for (String s : List.of("payments", "orders", "inventory")) {
            assertThat(w.serving(s)).as(s).isEqualTo("1.0.0");
        }
    }

    @Test
    void abortStopsTheGroupAndRollsBackWhatItPromoted() {
        GroupWorld w = new GroupWorld();
        GroupWorld.Process p = w.process();
        w.baseline(p, "payments", "orders", "inventory");
        GroupDeployment g = p.coordinator.apply(p.coordinator.plan(checkout().build()));
        w.time.runUntil(() -> g.member("orders").status() == MemberStatus.RUNNING);
        g.abort();
        p.run(g);

        assertThat(g.status()).as(g.statusReason()).isEqualTo(GroupStatus.ROLLED_BACK);
        assertThat(g.statusReason()).startsWith("aborted by a person");
        for (String s : List.of("payments", "orders", "inventory")) {
            assertThat(w.serving(s)).as(s).isEqualTo("1.0.0");
        }
    }
}

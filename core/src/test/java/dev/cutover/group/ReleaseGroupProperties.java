package dev.cutover.group;

import static dev.cutover.group.GroupWorld.release;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.event.DeploymentEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Generated groups on the in-memory provider, in virtual time: any acyclic set of dependencies, any
 * concurrency, either failure policy, and no failing member or one. The oracle is written from the
 * issue, not from the engine: a member starts only after every member it waits for serves 100%;
 * never more than {@code concurrency} members roll out at once; without a failure every service
 * serves the new version; with one, nothing starts after it, ROLLBACK_ALL leaves every service on
 * its old version, ONLY_FAILED leaves exactly the members that succeeded on the new one.
 */
class ReleaseGroupProperties {

    @Property(tries = 25)
    void ordersConcurrencyAndOutcomeHoldForAnyGroup(@ForAll @Size(max = 8) List<@IntRange(min = 0, max = 63) Integer> edges,
            @ForAll @IntRange(min = 2, max = 5) int n, @ForAll @IntRange(min = 1, max = 3) int concurrency,
            @ForAll boolean rollbackAll, @ForAll @IntRange(min = -1, max = 4) int failing) {
        List<Set<Integer>> deps = GroupWorld.acyclic(edges, n);
        int broken = failing < n ? failing : -1;
        GroupWorld w = new GroupWorld();
        GroupWorld.Process p = w.process();
        String[] services = new String[n];
        for (int i = 0; i < n; i++) {
            services[i] = "svc" + i;
        }
        w.baseline(p, services);
        if (broken >= 0) {
            w.broken(services[broken], "2.0.0");
        }
        ReleaseGroup.Builder b = ReleaseGroup.named("fleet").concurrency(concurrency)
                .onFailure(rollbackAll ? OnFailure.ROLLBACK_ALL : OnFailure.ONLY_FAILED);
        for (int i = 0; i < n; i++) {
            b.member(release(services[i], "2.0.0"), ReleaseGroup.after(deps.get(i).stream().sorted().map(d -> "svc" + d)
                    .toArray(String[]::new)));
        }
        GroupDeployment g = p.coordinator.apply(p.coordinator.plan(b.build()));
        assertThat(p.run(g)).isTrue();
        p.settle();

        Set<String> rollouts = new HashSet<>();
        for (String s : services) {
            rollouts.addAll(w.deploymentsOf(s, "canary"));
        }
        assertThat(w.maxConcurrentRollouts(rollouts)).as("members rolling out at once").isLessThanOrEqualTo(concurrency);
        for (int i = 0; i < n; i++) {
            List<String> mine = w.deploymentsOf(services[i], "canary");
            assertThat(mine).as("svc%d deployed at most once", i).hasSizeLessThanOrEqualTo(1);
            if (mine.isEmpty()) {
                continue;
            }
            int started = w.indexOf(mine.get(0), DeploymentEvent.DeploymentStarted.class);
            for (int d : deps.get(i)) {
                List<String> dep = w.deploymentsOf(services[d], "canary");
                assertThat(dep).as("svc%d started, so svc%d it waits for did", i, d).hasSize(1);
                int promoted = w.indexOf(dep.get(0), DeploymentEvent.Promoted.class);
                assertThat(promoted).as("svc%d promoted before svc%d started", d, i).isBetween(0, started);
            }
        }
        if (broken < 0) {
            assertThat(g.status()).as(g.statusReason()).isEqualTo(GroupStatus.SUCCEEDED);
            for (String s : services) {
                assertThat(w.serving(s)).as(s).isEqualTo("2.0.0");
            }
            return;
        }
        int failedAt = w.indexOf(w.deploymentsOf(services[broken], "canary").get(0), DeploymentEvent.RolledBack.class);
        for (String id : rollouts) {
            assertThat(w.indexOf(id, DeploymentEvent.DeploymentStarted.class)).as("nothing starts after the failure").isLessThan(failedAt);
        }
        assertThat(g.status()).as(g.statusReason()).isEqualTo(rollbackAll ? GroupStatus.ROLLED_BACK : GroupStatus.FAILED);
        for (int i = 0; i < n; i++) {
            boolean succeeded = g.member(services[i]).status() == MemberStatus.SUCCEEDED;
            assertThat(w.serving(services[i])).as("svc%d (%s)", i, g.member(services[i]))
                    .isEqualTo(!rollbackAll && succeeded ? "2.0.0" : "1.0.0");
            if (rollbackAll) {
                assertThat(succeeded).as("no member stays promoted under ROLLBACK_ALL").isFalse();
            }
        }
    }
}

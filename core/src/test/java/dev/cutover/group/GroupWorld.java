package dev.cutover.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Strategies;
import dev.cutover.Strategy;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.journal.InMemoryJournalStore;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.JournalStore;
import dev.cutover.spi.RevisionRef;
import dev.cutover.time.MortalScheduler;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * One in-memory cloud on one virtual timeline, a journal store, and Cutover "processes" over them:
 * a process can die (its journal throws {@link ProcessDeath} at a chosen entry, and nothing it
 * scheduled runs afterwards) and a new one resume from the same journal.
 */
final class GroupWorld {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final String ENV = "stage";
    static final Environment STAGE = Environment.named(ENV).region("us-east-1").cluster("main").mesh("internal")
            .namespace("internal.local").build();
    /** Two steps with a bake, so rollouts overlap in time when the group lets them. */
    static final Strategy CANARY = Strategies.canary().steps(50, 100).bake(Duration.ofMinutes(1));

    final VirtualScheduler time = Scheduler.virtual(T0);
    final InMemoryProvider cloud = new InMemoryProvider();
    final JournalStore store;
    /** Every event of every process, in order. */
    final List<DeploymentEvent> events = new CopyOnWriteArrayList<>();

    GroupWorld() {
        this(new InMemoryJournalStore());
    }

    GroupWorld(JournalStore store) {
        this.store = store;
    }

    /** The process dies: escapes the engines (they catch RuntimeException only). */
    static final class ProcessDeath extends Error {
        ProcessDeath(String at) {
            super("simulated process death before journaling " + at, null, false, false);
        }
    }

    /** A Cutover process over the world. */
    final class Process {
        final MortalScheduler scheduler = new MortalScheduler(time);
        final DyingJournal journal = new DyingJournal(store, scheduler);
        final Cutover cutover = Cutover.builder().provider(cloud).discoverProviders(false).scheduler(scheduler)
                .journal(journal).listener(events::add).rollbackWindow(Duration.ofMinutes(1)).shutdownHook(false)
                .deployer("cutover@host-" + Integer.toHexString(System.identityHashCode(this))).build();
        final ReleaseCoordinator coordinator = ReleaseCoordinator.of(cutover);

        /** Runs the shared timeline until this process has nothing left to do (old revisions retired after the rollback window). */
        void settle() {
            time.runUntil(() -> cutover.running().isEmpty());
        }

        /** Runs the shared timeline until the group ends or waits for a person; false when this process died meanwhile. */
        boolean run(GroupDeployment g) {
            try {
                time.runUntil(() -> g.status().isTerminal() || g.status() == GroupStatus.AWAITING_APPROVAL);
                return true;
            } catch (ProcessDeath death) {
                return false;
            }
        }
    }

    Process process() {
        return new Process();
    }

    /** A journal that kills its process at the first entry matching {@link #dieAt} (which is not written). */
    static final class DyingJournal implements JournalStore {
        private final JournalStore inner;
        private final MortalScheduler scheduler;
        volatile Predicate<JournalEntry> dieAt = e -> false;

        DyingJournal(JournalStore inner, MortalScheduler scheduler) {
            this.inner = inner;
            this.scheduler = scheduler;
        }

        @Override
        public void append(JournalEntry entry) {
            if (scheduler.dead || dieAt.test(entry)) {
                scheduler.dead = true;
                throw new ProcessDeath(entry.type() + " of " + entry.deploymentId());
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

    /**
     * Dependencies of {@code n} members from generated numbers: each number names a pair, and the
     * later member of the pair waits for the earlier one, so the graph is acyclic.
     */
    static List<Set<Integer>> acyclic(List<Integer> edges, int n) {
        List<Set<Integer>> deps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            deps.add(new HashSet<>());
        }
        for (int e : edges) {
            int to = e % n;
            int from = (e / n) % n;
            if (from < to) {
                deps.get(to).add(from);
            }
        }
        return deps;
    }

    static String image(String service, String version) {
        return "123456789012.dkr.ecr.us-east-1.amazonaws.com/" + service + ":" + version;
    }

    static Release release(String service, String version) {
        return Release.of(Service.named(service).image(image(service, version)).port(8080).cpu(256).memoryMiB(512)
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10))).build())
                .to(STAGE).strategy(CANARY).build();
    }

    /** Deploys version 1.0.0 of each service (all at once) and waits until its old revision is retired. */
    void baseline(Process p, String... services) {
        for (String s : services) {
            Release r = Release.of(release(s, "1.0.0").declaredService()).to(STAGE).strategy(Strategies.allAtOnce()).build();
            Deployment d = p.cutover.apply(p.cutover.plan(r));
            time.runUntil(() -> !p.cutover.running().contains(d));
            assertThat(d.status()).as(d.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        }
    }

    /** Makes version {@code version} of {@code service} crash on start, so its rollout rolls back. */
    void broken(String service, String version) {
        cloud.behave(image(service, version), InMemoryProvider.Behavior.healthy().crashing());
    }

    /** The version serving 100% of {@code service}'s traffic. */
    String serving(String service) {
        Map<String, Integer> w = cloud.weights(ENV, service);
        assertThat(w.values()).as("weights of " + service).containsExactly(100);
        String id = w.keySet().iterator().next();
        return cloud.running(ENV, service).stream().filter(r -> r.id().equals(id)).map(RevisionRef::version)
                .findFirst().orElseThrow(() -> new AssertionError(service + ": revision " + id + " serves but is not running"));
    }

    /** Every deployment (id) of {@code service} with {@code strategy} ("canary", "rollback", ...), in the store's order. */
    List<String> deploymentsOf(String service, String strategy) {
        List<String> out = new ArrayList<>();
        for (String id : store.deployments()) {
            List<JournalEntry> entries = store.read(id);
            if (!entries.isEmpty() && (ENV + "/" + service).equals(entries.get(0).get("target"))
                    && strategy.equals(entries.get(0).get("strategy"))) {
                out.add(id);
            }
        }
        return out;
    }

    /** The most members rolling out at once: from DeploymentStarted until Promoted, RolledBack or DeploymentFinished. */
    int maxConcurrentRollouts(Set<String> deploymentIds) {
        Set<String> active = new HashSet<>();
        int max = 0;
        for (DeploymentEvent e : events) {
            if (!deploymentIds.contains(e.deploymentId())) {
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

    /** The index of the first event of {@code type} of deployment {@code id} in the world's event order, or -1. */
    int indexOf(String id, Class<? extends DeploymentEvent> type) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).deploymentId().equals(id) && type.isInstance(events.get(i))) {
                return i;
            }
        }
        return -1;
    }
}

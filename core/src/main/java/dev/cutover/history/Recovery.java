package dev.cutover.history;

import dev.cutover.Change;
import dev.cutover.CutoverException;
import dev.cutover.Deployment;
import dev.cutover.HistoryEntry;
import dev.cutover.ImageRef;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.engine.Engine;
import dev.cutover.internal.Diff;
import dev.cutover.internal.ReleaseCodec;
import dev.cutover.journal.InMemoryJournalStore;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.JournalException;
import dev.cutover.planner.Planner;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.LockManager;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.RevisionRef;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import java.util.Map;
import java.util.Objects;

/**
 * Resume and rollback from the journal: continues a deployment whose process died, and returns a
 * service to the revision that served before, re-applying the release the journal recorded.
 * Machinery behind {@link dev.cutover.Cutover#resume(String)} and
 * {@link dev.cutover.Cutover#rollback(String, String)}, not API.
 */
public final class Recovery {

    private final Engine rt;
    private final Planner planner;
    private final History journalHistory;
    private final String instanceId;
    private final Plans plans;
    private final Function<JournalEntry, Release> legacyRelease;

    /** Makes the plan a resumed or restoring deployment runs (the facade owns plan values). */
    @FunctionalInterface
    public interface Plans {
        /** The plan {@code id} of {@code release} with {@code changes}, owned by this Cutover, observed nothing. */
        Plan make(String id, Release release, List<Change> changes);
    }

    /**
     * Recovery through {@code engine}; {@code instanceId} names this Cutover in the lock holder of a
     * resume, {@code plans} makes the plans it runs, {@code legacyRelease} makes the release of a
     * journal that records only service, image and layout (written by an older Cutover).
     */
    public Recovery(Engine engine, Planner planner, History history, String instanceId, Plans plans,
            Function<JournalEntry, Release> legacyRelease) {
        this.rt = engine;
        this.planner = planner;
        this.journalHistory = history;
        this.instanceId = instanceId;
        this.plans = plans;
        this.legacyRelease = legacyRelease;
    }

    /**
     * Continues a deployment whose process died, from its journal ({@link dev.cutover.Cutover#resume(String)});
     * with {@code force} its lock is taken over in its holder's name ({@link dev.cutover.Cutover#forceResume(String)}).
     */
    public Deployment resume(String deploymentId, boolean force) {
        Objects.requireNonNull(deploymentId, "deploymentId");
        List<JournalEntry> entries;
        try {
            entries = rt.journal().read(deploymentId);
        } catch (JournalException e) {
            if (rt.journal() instanceof InMemoryJournalStore) {
                throw new JournalException(e.getMessage() + "; this Cutover keeps its journal in memory (the default), "
                        + "which ends with the process that wrote it: make it durable with "
                        + "Cutover.builder().journal(new FileJournalStore(dir)) to resume in a new process", e);
            }
            throw e;
        }
        if (entries.isEmpty() || !"started".equals(entries.get(0).type())) {
            throw new JournalException("journal of " + deploymentId + " does not begin with a 'started' entry");
        }
        JournalEntry last = entries.get(entries.size() - 1);
        if ("finished".equals(last.type())) {
            throw new IllegalStateException("deployment " + deploymentId + " already finished: " + last.get("outcome")
                    + (last.get("detail") == null ? "" : " (" + last.get("detail") + ")"));
        }
        JournalEntry first = entries.get(0);
        RevisionRef old = null;
        RevisionRef neu = null;
        boolean promoted = false;
        boolean rollingBack = false;
        for (JournalEntry e : entries) {
            if ("intent".equals(e.type()) && "start-revision".equals(e.get("action")) && neu == null) {
                old = Engine.parseRef(e.get("old"));
            }
            if ("revision-started".equals(e.type())
                    || "resumed".equals(e.type()) && e.get("new") != null && !e.get("new").isEmpty()) {
                neu = Engine.parseRef(e.get("new"));
                old = Engine.parseRef(e.get("old"));
            }
            if ("promoted".equals(e.type()) || "resumed".equals(e.type()) && "true".equals(e.get("promoted"))) {
                promoted = true;
            }
            if ("intent".equals(e.type()) && "rollback".equals(e.get("action"))
                    || "resumed".equals(e.type()) && "true".equals(e.get("rollingBack"))) {
                rollingBack = true;
            }
        }
        Release release = first.get("release") != null ? journalHistory.journaledRelease(deploymentId)
                : legacyRelease.apply(first);
        planner.prepareProviders(List.of(release));
        LockManager.LockHandle lock = takeOver(release.key(), deploymentId, force);
        Plan plan = plans.make(first.get("plan") == null ? deploymentId : first.get("plan"), release, List.of());
        return rt.resume(plan, deploymentId, lock, last.sequence(), old, neu, promoted, rollingBack);
    }

    /**
     * Takes the lock of a deployment whose process died. The lock is asked for in this instance's own
     * name, so a lock whose holder is alive — and keeps renewing it — is never handed over: resume waits
     * as long as such a lock can outlive a dead holder (the lease, or the lock manager's
     * {@link LockManager#releaseDelay}, e.g. twice the Consul session TTL plus the lock-delay) and one
     * lease more, then refuses. With {@code force} the lock is taken in its holder's name, which a lock
     * manager that knows that owner hands over at once. Another deployment's lock is never taken over.
     */
    private LockManager.LockHandle takeOver(String key, String deploymentId, boolean force) {
        String mine = rt.deployer() + " (resume " + instanceId.substring(0, 8) + ")/" + deploymentId;
        Duration releaseDelay = rt.locks().releaseDelay(rt.lockLease());
        Duration budget = releaseDelay.compareTo(rt.lockLease()) > 0 ? releaseDelay : rt.lockLease();
        java.time.Instant giveUp = rt.scheduler().clock().instant().plus(budget.plus(rt.lockLease()));
        while (true) {
            dev.cutover.spi.LockHeldException held;
            try {
                return rt.locks().acquire(key, mine, rt.lockLease());
            } catch (dev.cutover.spi.LockHeldException e) {
                held = e;
            }
            if (!held.holder().endsWith("/" + deploymentId)) {
                throw held; // another deployment holds it
            }
            if (force) {
                try {
                    return rt.locks().acquire(key, held.holder(), rt.lockLease());
                } catch (dev.cutover.spi.LockHeldException sessionLock) {
                    // a lock manager that cannot hand it over: wait for the lease like any resume
                }
            }
            if (!rt.scheduler().clock().instant().isBefore(giveUp)) {
                throw new dev.cutover.spi.LockHeldException(key, held.holder(), held.since(), "deployment " + deploymentId
                        + " still holds its lock and renews it, so its process looks alive; resume it only after that "
                        + "process stopped, or forceResume(\"" + deploymentId + "\") if you know it has");
            }
            try {
                if (rt.scheduler() instanceof dev.cutover.time.VirtualScheduler v) {
                    v.advance(rt.lockLease().dividedBy(3)); // time passes for everyone: a live holder renews meanwhile
                } else {
                    rt.scheduler().sleep(rt.lockLease().dividedBy(3));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CutoverException("interrupted while waiting for the lock of " + deploymentId, e);
            }
        }
    }

    /** Returns a service to its previous revision, as a new journaled deployment ({@link dev.cutover.Cutover#rollback(String, String)}). */
    public Deployment rollback(String service, String environment) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(environment, "environment");
        // still in its rollback window: it ends here (old revision retired, lock released), and the
        // rollback below re-applies the previous release exactly; Deployment.rollback() is the warm shift
        rt.endRollbackWindow(environment + "/" + service);
        Target target = target(service, environment);
        Release release = target.release();
        HistoryEntry source = target.source();
        planner.prepareProviders(List.of(release));
        String id = rt.newDeploymentId(release);
        LockManager.LockHandle lock = rt.locks().acquire(release.key(), rt.deployer() + "/" + id, rt.lockLease());
        try {
            List<Change> changes = besidesTheRevision(release);
            Map<String, String> started = new LinkedHashMap<>();
            started.put("target", release.key());
            started.put("service", service);
            started.put("environment", environment);
            started.put("region", release.environment().region());
            started.putAll(History.layoutOf(release));
            started.put("image", release.service().image().toString());
            started.put("strategy", "rollback");
            started.put("deployer", rt.deployer());
            started.put("restores", source.deploymentId());
            started.put("release", ReleaseCodec.encode(release));
            rt.journal().append(new JournalEntry(id, 1, rt.scheduler().clock().instant(), "started", started));
            Plan plan = plans.make(id, release, changes);
            return rt.restore(plan, id, lock, target.current(), target.previous());
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * What {@link #rollback(String, String)} would do now, without doing it
     * ({@link dev.cutover.Cutover#previewRollback(String, String)}): the release it restores, the revision
     * traffic moves from and to, and the other changes it applies.
     *
     * @throws IllegalStateException as {@link #rollback(String, String)} does, when there is nothing to roll back to
     */
    public RollbackPlan previewRollback(String service, String environment) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(environment, "environment");
        Target target = target(service, environment);
        Release release = target.release();
        planner.prepareProviders(List.of(release));
        return new RollbackPlan(release, target.current().id(), target.previous().id(), besidesTheRevision(release));
    }

    /**
     * What a rollback restores.
     *
     * @param release      the release re-applied, as the journal recorded it
     * @param fromRevision the revision serving now
     * @param toRevision   the revision restored
     * @param changes      the changes besides the revision and its traffic
     */
    public record RollbackPlan(Release release, String fromRevision, String toRevision, List<Change> changes) {
    }

    /** What {@link #rollback(String, String)} restores: the journaled release, the serving and the previous revision. */
    private record Target(Release release, RevisionRef current, RevisionRef previous, HistoryEntry source) {
    }

    /**
     * What else differs from the restored release (task count, scaling, config, discovery); the
     * revision and its traffic are the rollback's own business.
     */
    private List<Change> besidesTheRevision(Release release) {
        List<ResourceId> candidates = DesiredState.candidateIds(release);
        return Diff.diff(DesiredState.of(release), planner.observe(candidates), candidates).stream()
                .filter(c -> c.id().type() != ResourceType.REVISION && c.id().type() != ResourceType.ROUTE).toList();
    }

    private Target target(String service, String environment) {
        List<HistoryEntry> history = journalHistory.of(service, environment);
        if (history.isEmpty() && rt.journal() instanceof InMemoryJournalStore) {
            throw new IllegalStateException("no deployment of " + environment + "/" + service + " in this process's "
                    + "journal: it is kept in memory (the default), so history ends with the process that wrote it; "
                    + "make history durable with Cutover.builder().journal(new FileJournalStore(dir)) (or a Consul "
                    + "journal) in every process that deploys, and roll back from there");
        }
        HistoryEntry lastGood = null;
        for (HistoryEntry h : history) {
            // a configuration-only deployment started no revision: the one to undo is the last that did
            if ("SUCCEEDED".equals(h.outcome()) && !h.revision().isEmpty() && !h.previous().isEmpty()
                    && !h.revision().equals(h.previous())) {
                lastGood = h;
            }
        }
        if (lastGood == null) {
            throw new IllegalStateException("no previous revision of " + environment + "/" + service
                    + " in the history to roll back to (" + history.size() + " deployment(s) journaled, none replaced "
                    + "a revision successfully)");
        }
        HistoryEntry good = lastGood;
        HistoryEntry source = null;
        for (HistoryEntry h : history) {
            if (good.previous().equals(h.revision()) && h.startedAt().isBefore(good.startedAt())
                    && ("SUCCEEDED".equals(h.outcome()) || "rollback".equals(h.strategy()))) {
                source = h;
            }
        }
        if (source == null) {
            throw new IllegalStateException("the journal does not record the deployment that started " + good.previous()
                    + " (the revision before " + good.revision() + "), so its release is unknown; deploy that release "
                    + "again with plan/apply");
        }
        Release release = journalHistory.journaledRelease(source.deploymentId());
        RevisionRef current = new RevisionRef(environment, service, good.revision(), ImageRef.parse(good.image()).version());
        RevisionRef previous = new RevisionRef(environment, service, good.previous(), release.service().image().version());
        return new Target(release, current, previous, source);
    }
}

package dev.cutover.engine;

import dev.cutover.Change;
import dev.cutover.DeploymentStatus;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.spi.Compute;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.RevisionRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The end of a successful rollout: the plan's changes that follow the rollout, the rollback window,
 * then the old revision retired (and, after a resume, whatever interrupted steps left behind).
 */
final class Retirement {

    private final Rollout rollout;

    Retirement(Rollout rollout) {
        this.rollout = rollout;
    }

    void retireOld() {
        Compute compute = rollout.rt.compute();
        List<RevisionRef> stray = new ArrayList<>(compute.revisions(rollout.release.environment().name(), rollout.release.service().name()));
        stray.removeIf(r -> r.id().equals(rollout.newRevision.id()));
        if (!rollout.weights.equals(Map.of(rollout.newRevision.id(), 100))) {
            rollout.trafficSteps.setWeights(Map.of(rollout.newRevision.id(), 100));
        }
        for (RevisionRef r : stray) {
            retire(r);
        }
        sweepIfResumed(java.util.Set.of(rollout.newRevision.id()));
        rollout.discoverySync.settle(rollout.newRevision, java.util.Set.of(rollout.newRevision.id()));
        if (!stray.isEmpty()) {
            rollout.emit(new DeploymentEvent.RevisionsRetired(rollout.id, rollout.target, rollout.now(), stray.stream().map(RevisionRef::id).toList()));
        }
        if (!rollout.postChangesApplied) {
            applyPostChangeList(); // a restore or a resumed promotion: the release's remaining changes
        }
        rollout.finish(DeploymentStatus.SUCCEEDED, rollout.newRevision.id() + " serves all traffic");
    }

    /**
     * After a crash a step may have been cut between its calls (a revision's discovery service and
     * mesh node created but not its compute service; a retire half done): what the compute provider
     * still holds for a revision that does not serve is removed, journaled as an intent and its result.
     */
    void sweepIfResumed(java.util.Set<String> keep) {
        if (!rollout.resumed) {
            return;
        }
        rollout.lockKeeper.confirmLock();
        rollout.journal("intent", Map.of("action", "sweep", "keep", String.join(",", new java.util.TreeSet<>(keep))));
        List<String> removed = rollout.rt.compute().sweep(rollout.release.environment().name(), rollout.release.service().name(), keep);
        for (String r : removed) {
            RevisionRef gone = new RevisionRef(rollout.release.environment().name(), rollout.release.service().name(), r, "");
            rollout.rt.discovery().ifPresent(d -> d.revisionRetired(gone));
        }
        rollout.journal("done", Map.of("action", "sweep", "removed", String.join(",", removed)));
    }

    void retire(RevisionRef r) {
        rollout.lockKeeper.confirmLock(); // never retire a revision without the lock
        rollout.journal("intent", Map.of("action", "retire", "revision", Rollout.refText(r)));
        rollout.rt.discovery().ifPresent(d -> d.revisionRetired(r));
        rollout.discoverySync.forget(r);
        rollout.rt.compute().retire(r);
        rollout.journal("done", Map.of("action", "retire", "revision", Rollout.refText(r)));
        rollout.rt.metrics().retired(rollout.release, r.id());
    }

    void applyPostChanges() {
        applyPostChangeList();
        rollout.finish(DeploymentStatus.SUCCEEDED, rollout.newRevision == null ? "applied" : rollout.newRevision.id() + " serves all traffic");
    }

    /** The plan's changes that come after the rollout (discovery, scaling, ...), or all but the environment's without one. */
    void applyPostChangeList() {
        rollout.postChangesApplied = true;
        for (Change c : rollout.plan.changes()) {
            if (c.isNoOp() || rollout.launch.isPre(c.id().type()) || c.id().type() == ResourceType.REVISION) {
                continue;
            }
            if (c.id().type() == ResourceType.ROUTE) {
                if (!rollout.plan.isRollout()) {
                    // drift: traffic split with no rollout under way; restore the serving revision
                    rollout.rt.trafficRequired().apply(c);
                }
                continue;
            }
            rollout.launch.applyChange(c);
        }
    }
}

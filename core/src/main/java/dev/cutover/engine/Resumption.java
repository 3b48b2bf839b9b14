package dev.cutover.engine;

import dev.cutover.Change;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.spi.RevisionRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How a rollout continues from its journal after its process died (resume), and how a rollback to a
 * previous release restores that revision (restore).
 */
final class Resumption {

    private final Rollout rollout;

    Resumption(Rollout rollout) {
        this.rollout = rollout;
    }

    /**
     * Continues from a journal after the process that ran the deployment died: a promoted rollout is
     * finished (unless a rollback had been asked for), anything earlier returns traffic to the
     * previous revision. Either way it ends with 100% on exactly one revision and no stray revisions.
     *
     * @param old         the revision that served before, as journaled (null if unknown)
     * @param neu         the new revision, as journaled (null when the crash came before it was recorded)
     * @param promoted    whether the journal records the promotion
     * @param rollingBack whether the journal records a rollback in progress
     */
    void resumeFrom(RevisionRef old, RevisionRef neu, boolean promoted, boolean rollingBack) {
        synchronized (rollout) {
            rollout.oldRevision = old;
            rollout.newRevision = neu;
            rollout.resumed = true;
        }
        rollout.lockKeeper.scheduleRenewal();
        rollout.journal("resumed", Map.of("old", Rollout.refText(old), "new", Rollout.refText(neu), "promoted", String.valueOf(promoted),
                "rollingBack", String.valueOf(rollingBack)));
        rollout.emit(new DeploymentEvent.DeploymentResumed(rollout.id, rollout.target, rollout.now(), "resume after restart"));
        if (neu == null) {
            rollout.run(Duration.ZERO, this::resumeBeforeRevision);
        } else if (promoted && !rollingBack) {
            rollout.run(Duration.ZERO, rollout.retirement::retireOld);
        } else {
            rollout.run(Duration.ZERO, () -> rollout.rollback(RollbackReason.RESUME, rollingBack ? "resumed a rollback interrupted by a crash"
                    : "resumed after a crash mid-rollout; returning traffic to the previous revision"));
        }
    }

    /**
     * The crash came before the new revision was journaled (it may have started nonetheless): keep
     * traffic on the revision that serves, and retire anything else.
     */
    void resumeBeforeRevision() {
        RevisionRef serving = rollout.oldRevision;
        if (serving == null) {
            List<RevisionRef> running = rollout.rt.compute().revisions(rollout.release.environment().name(), rollout.release.service().name());
            Map<String, Integer> current = rollout.rt.traffic()
                    .map(t -> t.weights(rollout.release.environment().name(), rollout.release.service().name())).orElse(Map.of());
            serving = current.isEmpty() ? null : rollout.launch.pickServing(running, current);
        }
        synchronized (rollout) {
            rollout.oldRevision = serving;
        }
        rollout.rollback(RollbackReason.RESUME, "resumed after a crash before the new revision started"
                + (serving == null ? "" : "; traffic stays on " + serving.id()));
    }

    /**
     * Returns traffic to {@code previous} once it is healthy, then retires {@code current}:
     * {@link dev.cutover.Cutover#rollback(String, String)}. The plan's release is the one {@code previous} was
     * deployed with: its configuration is written first, a retired {@code previous} starts again
     * from that release (a warm one is scaled up if it has fewer tasks than the count to serve), and
     * the plan's other changes (task count, scaling, discovery) follow the switch.
     */
    void restore(RevisionRef current, RevisionRef previous) {
        synchronized (rollout) {
            rollout.oldRevision = current;
            rollout.newRevision = previous;
            rollout.phaseStartedAt = rollout.now();
        }
        rollout.lockKeeper.scheduleRenewal();
        rollout.run(Duration.ZERO, () -> {
            for (Change c : rollout.plan.changes()) {
                if (!c.isNoOp() && rollout.launch.isPre(c.id().type())) {
                    rollout.launch.applyChange(c);
                }
            }
            int count = rollout.launch.startCount(current);
            RevisionRef ref = previous;
            if (!rollout.launch.isRunning(previous)) {
                rollout.lockKeeper.confirmLock();
                rollout.journal("intent", Map.of("action", "restart", "revision", Rollout.refText(previous)));
                ref = rollout.rt.compute().startRevision(rollout.release, count);
                rollout.journal("done", Map.of("action", "restart", "revision", Rollout.refText(ref)));
            } else if (rollout.rt.compute().health(previous).desired() < count) {
                rollout.lockKeeper.confirmLock();
                rollout.rt.compute().scale(previous, count);
            }
            RevisionRef restored = ref;
            synchronized (rollout) {
                rollout.newRevision = restored;
                rollout.phaseStartedAt = rollout.now();
            }
            rollout.journal("revision-started", Map.of("old", Rollout.refText(current), "new", Rollout.refText(restored)));
            rollout.emit(new DeploymentEvent.RevisionStarted(rollout.id, rollout.target, rollout.now(), restored.id(), count));
            rollout.launch.awaitHealthy(restored, rollout.now(), () -> {
                rollout.journal("promoted", rollout.launch.promotedEntry(restored, current));
                rollout.emit(new DeploymentEvent.Promoted(rollout.id, rollout.target, rollout.now(), restored.id()));
                rollout.retirement.retireOld();
            }, late -> rollout.rollback(RollbackReason.HEALTH, "restored revision " + restored.id() + " did not become healthy: " + late));
        });
    }
}

package dev.cutover.engine;

import dev.cutover.DeploymentStatus;
import dev.cutover.Step;
import dev.cutover.analysis.Analysis;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.spi.Traffic;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The traffic steps of a rollout: each step's approval gate (at 100% where the environment asks for one)
 * and the weights shifted to the new revision, journaled before they move.
 */
final class TrafficSteps {

    private final Rollout rollout;

    TrafficSteps(Rollout rollout) {
        this.rollout = rollout;
    }

    void startStep(int index) {
        Step step;
        synchronized (rollout) {
            if (rollout.promoteRequested) {
                index = rollout.steps.size() - 1;
                rollout.approved = true;
            }
            rollout.stepIndex = index;
            step = rollout.steps.get(index);
        }
        if (step.weight() == 100 && rollout.release.environment().requiresApproval() && !rollout.isApproved()) {
            awaitApproval(index);
            return;
        }
        rollout.emit(new DeploymentEvent.StepStarted(rollout.id, rollout.target, rollout.now(), index + 1, rollout.steps.size(), step.weight()));
        shift(step.weight());
        if (PreviewSteps.isPreview(step, rollout.oldRevision, rollout.release, rollout.rt.traffic().orElse(null))) {
            rollout.journal("intent", Map.of("action", "preview", "revision", rollout.newRevision.id()));
            rollout.rt.traffic().orElseThrow().preview(rollout.release.environment().name(), rollout.release.service().name(),
                    rollout.newRevision.id());
        }
        synchronized (rollout) {
            rollout.bakeStartedAt = rollout.now();
            rollout.bakedBefore = Duration.ZERO;
            rollout.failures = 0;
            rollout.consecutiveErrors = 0;
            rollout.inconclusive = 0;
            rollout.phaseStartedAt = rollout.now();
        }
        Analysis a = rollout.release.strategy().analysis();
        int i = index;
        rollout.run(Rollout.min(a.initialDelay(), step.bake()), () -> rollout.bake.analyse(i));
    }

    void awaitApproval(int index) {
        Instant asked = rollout.now();
        synchronized (rollout) {
            rollout.status = DeploymentStatus.AWAITING_APPROVAL;
            rollout.reason = "approval required before 100% in " + rollout.release.environment().name() + " (times out after "
                    + rollout.release.environment().approvalTimeout() + ")";
            rollout.parked = () -> startStep(index);
        }
        rollout.journal("awaiting-approval", Map.of("step", String.valueOf(index + 1)));
        rollout.emit(new DeploymentEvent.ApprovalRequested(rollout.id, rollout.target, rollout.now(), index + 1, rollout.release.environment().approvalTimeout()));
        long gen = rollout.generation();
        rollout.rt.scheduler().schedule(rollout.release.environment().approvalTimeout(), () -> {
            synchronized (rollout) {
                if (gen != rollout.generation || rollout.status != DeploymentStatus.AWAITING_APPROVAL) {
                    return;
                }
                rollout.parked = null;
                rollout.status = DeploymentStatus.RUNNING;
            }
            rollout.runNow(() -> rollout.rollback(RollbackReason.APPROVAL_TIMEOUT, "approval timed out after " + Duration.between(asked, rollout.now())));
        });
    }

    void shift(int weightOfNew) {
        Map<String, Integer> w = new LinkedHashMap<>();
        if (rollout.oldRevision != null && weightOfNew < 100) {
            w.put(rollout.oldRevision.id(), 100 - weightOfNew);
        }
        if (weightOfNew > 0 || rollout.oldRevision == null) {
            w.put(rollout.newRevision.id(), rollout.oldRevision == null ? 100 : weightOfNew);
        }
        setWeights(w);
    }

    void setWeights(Map<String, Integer> w) {
        Traffic traffic = rollout.rt.trafficRequired();
        rollout.lockKeeper.confirmLock(); // never move traffic without the lock
        rollout.journal("intent", Map.of("action", "shift", "weights", dev.cutover.spi.DesiredState.weights(w)));
        traffic.setWeights(rollout.release.environment().name(), rollout.release.service().name(), w);
        synchronized (rollout) {
            rollout.weights = Map.copyOf(w);
        }
        rollout.journal("done", Map.of("action", "shift", "weights", dev.cutover.spi.DesiredState.weights(w)));
        rollout.rt.metrics().weights(rollout.release, w);
        rollout.emit(new DeploymentEvent.TrafficShifted(rollout.id, rollout.target, rollout.now(), w));
    }
}

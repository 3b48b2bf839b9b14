package dev.cutover.engine;

import dev.cutover.Change;
import dev.cutover.DeploymentStatus;
import dev.cutover.Hook;
import dev.cutover.Service;
import dev.cutover.Step;
import dev.cutover.analysis.Analysis;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.spi.Compute;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.RevisionHealth;
import dev.cutover.spi.RevisionRef;
import dev.cutover.spi.TaskResult;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The first phase of a rollout: the changes that come before it, the pre-deploy hook, the new revision
 * started and waited for until healthy (or the progress deadline).
 */
final class Launch {

    private final Rollout rollout;

    Launch(Rollout rollout) {
        this.rollout = rollout;
    }

    /**
     * How many tasks a revision starts with: the release's count; with auto scaling, what
     * {@code serving} runs now (or is asked to run, if more), clamped to the scaling range, so a
     * new revision never takes traffic that more tasks served.
     */
    int startCount(RevisionRef serving) {
        Service s = rollout.release.service();
        if (s.scaling().isEmpty()) {
            return s.instances();
        }
        int now = s.instances();
        if (serving != null) {
            RevisionHealth h = rollout.rt.compute().health(serving);
            now = Math.max(h.running(), h.desired());
        }
        return Math.max(s.scaling().get().min(), Math.min(s.scaling().get().max(), Math.max(1, now)));
    }

    /** The journal's "promoted" entry, with the image digest the revision runs when the provider knows it. */
    Map<String, String> promotedEntry(RevisionRef neu, RevisionRef old) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("new", Rollout.refText(neu));
        m.put("old", Rollout.refText(old));
        try {
            rollout.rt.compute().imageDigest(neu).ifPresent(d -> m.put("digest", d));
        } catch (RuntimeException e) {
            Rollout.LOG.warn("{}: could not read the image digest of {}: {}", rollout.id, neu.id(), e.getMessage());
        }
        return m;
    }

    boolean isRunning(RevisionRef r) {
        return rollout.rt.compute().revisions(r.environment(), r.service()).stream().anyMatch(x -> x.id().equals(r.id()));
    }

    /** Polls a revision's health until it converges ({@code then}) or the progress deadline passes ({@code late}). */
    void awaitHealthy(RevisionRef r, Instant since, Runnable then, java.util.function.Consumer<String> late) {
        Duration deadline = rollout.release.strategy().analysis().progressDeadline();
        rollout.discoverySync.sync(r);
        RevisionHealth h = rollout.rt.compute().health(r);
        if (h.isConverged()) {
            then.run();
            return;
        }
        Duration waited = Duration.between(since, rollout.now());
        if (waited.compareTo(deadline) >= 0) {
            late.accept(h + " after " + waited.toSeconds() + " s");
            return;
        }
        rollout.run(Rollout.min(Rollout.POLL, deadline.minus(waited)), () -> awaitHealthy(r, since, then, late));
    }

    void applyPreChanges() {
        for (Change c : rollout.plan.changes()) {
            if (c.isNoOp() || !isPre(c.id().type())) {
                continue;
            }
            applyChange(c);
        }
        if (rollout.plan.isRollout()) {
            rollout.run(Duration.ZERO, this::migrateBeforeStart);
        } else {
            rollout.run(Duration.ZERO, rollout.retirement::applyPostChanges);
        }
    }

    static boolean isPre(ResourceType t) {
        return t == ResourceType.CLUSTER || t == ResourceType.NAMESPACE || t == ResourceType.MESH || t == ResourceType.DNS
                || t == ResourceType.CONFIG;
    }

    void applyChange(Change c) {
        rollout.lockKeeper.confirmLock();
        rollout.journal("intent", Map.of("action", "apply", "change", c.toString()));
        rollout.rt.resourceCapability(c.id().type()).apply(c);
        rollout.journal("done", Map.of("action", "apply", "change", c.toString()));
        rollout.emit(new DeploymentEvent.ChangeApplied(rollout.id, rollout.target, rollout.now(), c.toString()));
    }

    void startRevision() {
        Compute compute = rollout.rt.compute();
        List<RevisionRef> running = compute.revisions(rollout.release.environment().name(), rollout.release.service().name());
        Map<String, Integer> current = rollout.rt.traffic().map(t -> t.weights(rollout.release.environment().name(), rollout.release.service().name()))
                .orElse(Map.of());
        RevisionRef old = pickServing(running, current);
        rollout.lockKeeper.confirmLock(); // never start a revision without the lock
        rollout.journal("intent", Map.of("action", "start-revision", "old", Rollout.refText(old)));
        int count = startCount(old);
        RevisionRef neu = compute.startRevision(rollout.release, count, rollout.id + "/start-revision");
        if (old != null && old.id().equals(neu.id())) {
            old = null; // the desired revision already runs (a resumed or repeated apply)
        }
        synchronized (rollout) {
            rollout.oldRevision = old;
            rollout.newRevision = neu;
            rollout.weights = current.isEmpty() ? Map.of() : Map.copyOf(current);
            rollout.phaseStartedAt = rollout.now();
        }
        rollout.journal("revision-started", Map.of("old", Rollout.refText(old), "new", Rollout.refText(neu)));
        if (!rollout.discoverySync.sync(neu)) {
            rollout.rt.discovery().ifPresent(d -> d.revisionStarted(neu, rollout.release, rollout.id));
        }
        rollout.emit(new DeploymentEvent.RevisionStarted(rollout.id, rollout.target, rollout.now(), neu.id(), count));
        rollout.run(Duration.ZERO, this::waitHealthy);
    }

    static RevisionRef pickServing(List<RevisionRef> running, Map<String, Integer> weights) {
        RevisionRef best = null;
        int bestWeight = -1;
        for (RevisionRef r : running) {
            int w = weights.getOrDefault(r.id(), 0);
            if (w > bestWeight) {
                best = r;
                bestWeight = w;
            }
        }
        return best;
    }

    void waitHealthy() {
        Analysis a = rollout.release.strategy().analysis();
        rollout.discoverySync.sync(rollout.newRevision);
        RevisionHealth h = rollout.rt.compute().health(rollout.newRevision);
        if (h.failed() > a.maxFailedTasks()) {
            rollout.rollback(RollbackReason.HEALTH, "new revision's tasks fail (" + h + ")");
            return;
        }
        if (h.isConverged()) {
            rollout.run(Duration.ZERO, this::preDeploy);
            return;
        }
        Duration waited = Duration.between(rollout.phaseStartedAt, rollout.now());
        if (waited.compareTo(a.progressDeadline()) >= 0) {
            rollout.rollback(RollbackReason.DEADLINE, "progress deadline: " + h + " after " + waited.toSeconds() + " s (deadline "
                    + a.progressDeadline().toSeconds() + " s)");
            return;
        }
        rollout.run(Rollout.min(Rollout.POLL, a.progressDeadline().minus(waited)), this::waitHealthy);
    }

    /**
     * The pre-deploy hook of the default phase ({@link Hook.When#BEFORE_START}): a one-off task of the
     * new image, before any new task runs. A failure ends the deployment with no new task and no
     * traffic moved.
     */
    void migrateBeforeStart() {
        Optional<Hook> hook = rollout.release.service().preDeploy().filter(h -> h.when() == Hook.When.BEFORE_START);
        if (hook.isPresent()) {
            TaskResult r = runPreDeploy(hook.get(), () -> rollout.rt.compute().runTask(rollout.release, hook.get(), rollout.id + "/pre-deploy"));
            if (!r.succeeded()) {
                rollout.finish(DeploymentStatus.FAILED, "pre-deploy hook failed with exit code " + r.exitCode()
                        + (r.reason().isEmpty() ? "" : " (" + r.reason() + ")") + logsOf(r)
                        + "; it ran before the new revision started: no new task ran and no traffic moved");
                return;
            }
        }
        rollout.run(Duration.ZERO, this::startRevision);
    }

    /** Runs the pre-deploy hook once: journaled before and after, its exit code and log location in the event. */
    TaskResult runPreDeploy(Hook hook, java.util.function.Supplier<TaskResult> task) {
        rollout.lockKeeper.confirmLock(); // never run a hook without the lock
        rollout.journal("intent", Map.of("action", "pre-deploy", "hook", hook.toString(), "when", hook.when().name()));
        TaskResult r = task.get();
        rollout.journal("done", Map.of("action", "pre-deploy", "exitCode", String.valueOf(r.exitCode()), "task", r.taskId(),
                "logs", r.logs()));
        rollout.emit(new DeploymentEvent.HookCompleted(rollout.id, rollout.target, rollout.now(), "pre-deploy", r.succeeded(),
                "exit " + r.exitCode() + (r.reason().isEmpty() ? "" : ": " + r.reason())
                        + (r.taskId().isEmpty() ? "" : "; task " + r.taskId()) + logsOf(r)));
        return r;
    }

    static String logsOf(TaskResult r) {
        return r.logs().isEmpty() ? "" : "; logs " + r.logs();
    }

    void preDeploy() {
        Optional<Hook> hook = rollout.release.service().preDeploy().filter(h -> h.when() == Hook.When.AFTER_START);
        if (hook.isPresent()) {
            TaskResult r = runPreDeploy(hook.get(), () -> rollout.rt.compute().runTask(rollout.newRevision, hook.get(), rollout.id + "/pre-deploy"));
            if (!r.succeeded()) {
                rollout.rollback(RollbackReason.HOOK, "pre-deploy hook failed with exit code " + r.exitCode() + (r.reason().isEmpty() ? "" : " (" + r.reason() + ")")
                        + logsOf(r));
                return;
            }
        }
        List<Step> all = PreviewSteps.of(rollout.release, rollout.rt.traffic().orElse(null));
        synchronized (rollout) {
            // with no previous revision there is nothing to split with: go straight to the last step
            rollout.steps = rollout.oldRevision == null ? List.of(all.get(all.size() - 1)) : all;
        }
        rollout.run(Duration.ZERO, () -> rollout.trafficSteps.startStep(0));
    }
}

// Over 400 lines: the state machine's shared state, its scheduling and safe points, and the
// phases that have not moved into their own types yet (issue 15 item 4).
package dev.cutover.engine;

import dev.cutover.Change;
import dev.cutover.CutoverException;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Hook;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Step;
import dev.cutover.analysis.Analysis;
import dev.cutover.analysis.Measurement;
import dev.cutover.analysis.MetricContext;
import dev.cutover.analysis.MetricGate;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.journal.JournalEntry;
import dev.cutover.spi.Compute;
import dev.cutover.spi.Discovery;
import dev.cutover.spi.LockManager;
import dev.cutover.spi.ProviderException;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.RevisionHealth;
import dev.cutover.spi.RevisionRef;
import dev.cutover.spi.TaskResult;
import dev.cutover.spi.Traffic;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollout state machine behind a {@link Deployment}: every action runs as a scheduled task, is
 * journaled before it acts, and schedules the next; manual controls flip flags the next action reads.
 */
final class Rollout implements Deployment {

    private static final Logger LOG = LoggerFactory.getLogger(Rollout.class);
    private static final Duration POLL = Duration.ofSeconds(5);

    private final Engine rt;
    private final Plan plan;
    private final String id;
    private final Release release;
    private final String target;
    private final LockManager.LockHandle lock;
    private final List<DeploymentEvent> events = Collections.synchronizedList(new ArrayList<>());
    /** Counted down when {@link #await()} may return: 100% on the new revision (SUCCEEDED), or the end. */
    private volatile CountDownLatch done = new CountDownLatch(1);
    /** Counted down when the engine has nothing left to do (old revision retired, rolled back, stopped). */
    private final CountDownLatch settled = new CountDownLatch(1);
    private final Instant startedAt;

    // state, guarded by this
    private DeploymentStatus status = DeploymentStatus.RUNNING;
    private String reason = "";
    private long sequence;
    private long generation;
    private boolean pauseRequested;
    private boolean approved;
    private boolean promoteRequested;
    private Runnable parked;
    private Map<String, Integer> weights = Map.of();
    RevisionRef oldRevision;
    RevisionRef newRevision;
    private List<Step> steps = List.of();
    private int stepIndex = -1;
    private Instant phaseStartedAt;
    private Instant bakeStartedAt;
    private Duration bakedBefore = Duration.ZERO;
    private int failures;
    private int consecutiveErrors;
    private int inconclusive;
    private int outageRetries;
    /** When the metric source's current run of errors began (null while it answers). */
    private Instant errorStreakSince;
    /** The rollout is paused because the metric source cannot answer (past consecutiveErrorLimit). */
    private boolean metricOutage;
    private Scheduler.Cancellable renewal;
    /** When the lease of the lock surely runs out unless renewed (last successful renewal + lease). */
    private Instant leaseValidUntil;
    /** The engine stopped acting on this deployment: it finished, or it stopped in place (lost lock, shutdown, journal). */
    private boolean ended;
    /** The outcome metric and the DeploymentFinished event were recorded (at SUCCEEDED, before retiring the old revision). */
    private boolean outcomeRecorded;
    /** The plan's post-rollout changes were applied (before SUCCEEDED; a restore applies them when it retires). */
    private boolean postChangesApplied;
    /** The throwable the journal threw, if an append failed: nothing more can be recorded, so nothing more is done. */
    private Throwable journalFailure;
    /** An action runs right now (stops wait for it: the safe point is between two actions). */
    private boolean acting;
    /** Why a stop was asked for while an action ran; it stops when the action completes. */
    private String stopRequested;
    /** Resumed after a crash: once traffic is on one revision, sweep what interrupted steps left behind. */
    private boolean resumed;
    /** The running tasks last registered in discovery, by revision id (what {@link #syncDiscovery} compares with). */
    private final Map<String, java.util.Set<dev.cutover.spi.RunningTask>> registered = new java.util.concurrent.ConcurrentHashMap<>();
    /** Whether the compute provider reports running tasks for discovery to register ({@link Compute#runningTasks}). */
    private volatile boolean tasksRegistered;
    private final Map<String, String> lastMeasurements = new LinkedHashMap<>();

    Rollout(Engine rt, Plan plan, String id, LockManager.LockHandle lock, long firstSequence) {
        this.rt = rt;
        this.plan = plan;
        this.id = id;
        this.release = plan.release();
        this.target = release.key();
        this.lock = lock;
        this.sequence = firstSequence;
        this.startedAt = rt.scheduler().clock().instant();
        this.phaseStartedAt = startedAt;
        this.leaseValidUntil = startedAt.plus(rt.lockLease());
        rt.live.add(this);
    }

    // ---------------------------------------------------------------- start and resume

    void start() {
        emit(new DeploymentEvent.DeploymentStarted(id, target, now(), release.service().image().version(),
                release.strategy().name(), (int) plan.changes().stream().filter(c -> !c.isNoOp()).count()));
        scheduleRenewal();
        run(Duration.ZERO, this::applyPreChanges);
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
        synchronized (this) {
            this.oldRevision = old;
            this.newRevision = neu;
            this.resumed = true;
        }
        scheduleRenewal();
        journal("resumed", Map.of("old", refText(old), "new", refText(neu), "promoted", String.valueOf(promoted),
                "rollingBack", String.valueOf(rollingBack)));
        emit(new DeploymentEvent.DeploymentResumed(id, target, now(), "resume after restart"));
        if (neu == null) {
            run(Duration.ZERO, this::resumeBeforeRevision);
        } else if (promoted && !rollingBack) {
            run(Duration.ZERO, this::retireOld);
        } else {
            run(Duration.ZERO, () -> rollback(RollbackReason.RESUME, rollingBack ? "resumed a rollback interrupted by a crash"
                    : "resumed after a crash mid-rollout; returning traffic to the previous revision"));
        }
    }

    /**
     * The crash came before the new revision was journaled (it may have started nonetheless): keep
     * traffic on the revision that serves, and retire anything else.
     */
    private void resumeBeforeRevision() {
        RevisionRef serving = oldRevision;
        if (serving == null) {
            List<RevisionRef> running = rt.compute().revisions(release.environment().name(), release.service().name());
            Map<String, Integer> current = rt.traffic()
                    .map(t -> t.weights(release.environment().name(), release.service().name())).orElse(Map.of());
            serving = current.isEmpty() ? null : pickServing(running, current);
        }
        synchronized (this) {
            oldRevision = serving;
        }
        rollback(RollbackReason.RESUME, "resumed after a crash before the new revision started"
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
        synchronized (this) {
            this.oldRevision = current;
            this.newRevision = previous;
            this.phaseStartedAt = now();
        }
        scheduleRenewal();
        run(Duration.ZERO, () -> {
            for (Change c : plan.changes()) {
                if (!c.isNoOp() && isPre(c.id().type())) {
                    applyChange(c);
                }
            }
            int count = startCount(current);
            RevisionRef ref = previous;
            if (!isRunning(previous)) {
                confirmLock();
                journal("intent", Map.of("action", "restart", "revision", refText(previous)));
                ref = rt.compute().startRevision(release, count);
                journal("done", Map.of("action", "restart", "revision", refText(ref)));
            } else if (rt.compute().health(previous).desired() < count) {
                confirmLock();
                rt.compute().scale(previous, count);
            }
            RevisionRef restored = ref;
            synchronized (this) {
                newRevision = restored;
                phaseStartedAt = now();
            }
            journal("revision-started", Map.of("old", refText(current), "new", refText(restored)));
            emit(new DeploymentEvent.RevisionStarted(id, target, now(), restored.id(), count));
            awaitHealthy(restored, now(), () -> {
                journal("promoted", promotedEntry(restored, current));
                emit(new DeploymentEvent.Promoted(id, target, now(), restored.id()));
                retireOld();
            }, late -> rollback(RollbackReason.HEALTH, "restored revision " + restored.id() + " did not become healthy: " + late));
        });
    }

    /**
     * How many tasks a revision starts with: the release's count; with auto scaling, what
     * {@code serving} runs now (or is asked to run, if more), clamped to the scaling range, so a
     * new revision never takes traffic that more tasks served.
     */
    private int startCount(RevisionRef serving) {
        Service s = release.service();
        if (s.scaling().isEmpty()) {
            return s.instances();
        }
        int now = s.instances();
        if (serving != null) {
            RevisionHealth h = rt.compute().health(serving);
            now = Math.max(h.running(), h.desired());
        }
        return Math.max(s.scaling().get().min(), Math.min(s.scaling().get().max(), Math.max(1, now)));
    }

    /** The journal's "promoted" entry, with the image digest the revision runs when the provider knows it. */
    private Map<String, String> promotedEntry(RevisionRef neu, RevisionRef old) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("new", refText(neu));
        m.put("old", refText(old));
        try {
            rt.compute().imageDigest(neu).ifPresent(d -> m.put("digest", d));
        } catch (RuntimeException e) {
            LOG.warn("{}: could not read the image digest of {}: {}", id, neu.id(), e.getMessage());
        }
        return m;
    }

    private boolean isRunning(RevisionRef r) {
        return rt.compute().revisions(r.environment(), r.service()).stream().anyMatch(x -> x.id().equals(r.id()));
    }

    /** Polls a revision's health until it converges ({@code then}) or the progress deadline passes ({@code late}). */
    private void awaitHealthy(RevisionRef r, Instant since, Runnable then, java.util.function.Consumer<String> late) {
        Duration deadline = release.strategy().analysis().progressDeadline();
        syncDiscovery(r);
        RevisionHealth h = rt.compute().health(r);
        if (h.isConverged()) {
            then.run();
            return;
        }
        Duration waited = Duration.between(since, now());
        if (waited.compareTo(deadline) >= 0) {
            late.accept(h + " after " + waited.toSeconds() + " s");
            return;
        }
        run(min(POLL, deadline.minus(waited)), () -> awaitHealthy(r, since, then, late));
    }

    // ---------------------------------------------------------------- actions

    private void applyPreChanges() {
        for (Change c : plan.changes()) {
            if (c.isNoOp() || !isPre(c.id().type())) {
                continue;
            }
            applyChange(c);
        }
        if (plan.isRollout()) {
            run(Duration.ZERO, this::migrateBeforeStart);
        } else {
            run(Duration.ZERO, this::applyPostChanges);
        }
    }

    private static boolean isPre(ResourceType t) {
        return t == ResourceType.CLUSTER || t == ResourceType.NAMESPACE || t == ResourceType.MESH || t == ResourceType.CONFIG;
    }

    private void applyChange(Change c) {
        confirmLock();
        journal("intent", Map.of("action", "apply", "change", c.toString()));
        rt.resourceCapability(c.id().type()).apply(c);
        journal("done", Map.of("action", "apply", "change", c.toString()));
        emit(new DeploymentEvent.ChangeApplied(id, target, now(), c.toString()));
    }

    private void startRevision() {
        Compute compute = rt.compute();
        List<RevisionRef> running = compute.revisions(release.environment().name(), release.service().name());
        Map<String, Integer> current = rt.traffic().map(t -> t.weights(release.environment().name(), release.service().name()))
                .orElse(Map.of());
        RevisionRef old = pickServing(running, current);
        confirmLock(); // never start a revision without the lock
        journal("intent", Map.of("action", "start-revision", "old", refText(old)));
        int count = startCount(old);
        RevisionRef neu = compute.startRevision(release, count, id + "/start-revision");
        if (old != null && old.id().equals(neu.id())) {
            old = null; // the desired revision already runs (a resumed or repeated apply)
        }
        synchronized (this) {
            oldRevision = old;
            newRevision = neu;
            weights = current.isEmpty() ? Map.of() : Map.copyOf(current);
            phaseStartedAt = now();
        }
        journal("revision-started", Map.of("old", refText(old), "new", refText(neu)));
        if (!syncDiscovery(neu)) {
            rt.discovery().ifPresent(d -> d.revisionStarted(neu, release, id));
        }
        emit(new DeploymentEvent.RevisionStarted(id, target, now(), neu.id(), count));
        run(Duration.ZERO, this::waitHealthy);
    }

    private static RevisionRef pickServing(List<RevisionRef> running, Map<String, Integer> weights) {
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

    private void waitHealthy() {
        Analysis a = release.strategy().analysis();
        syncDiscovery(newRevision);
        RevisionHealth h = rt.compute().health(newRevision);
        if (h.failed() > a.maxFailedTasks()) {
            rollback(RollbackReason.HEALTH, "new revision's tasks fail (" + h + ")");
            return;
        }
        if (h.isConverged()) {
            run(Duration.ZERO, this::preDeploy);
            return;
        }
        Duration waited = Duration.between(phaseStartedAt, now());
        if (waited.compareTo(a.progressDeadline()) >= 0) {
            rollback(RollbackReason.DEADLINE, "progress deadline: " + h + " after " + waited.toSeconds() + " s (deadline "
                    + a.progressDeadline().toSeconds() + " s)");
            return;
        }
        run(min(POLL, a.progressDeadline().minus(waited)), this::waitHealthy);
    }

    /**
     * The pre-deploy hook of the default phase ({@link Hook.When#BEFORE_START}): a one-off task of the
     * new image, before any new task runs. A failure ends the deployment with no new task and no
     * traffic moved.
     */
    private void migrateBeforeStart() {
        Optional<Hook> hook = release.service().preDeploy().filter(h -> h.when() == Hook.When.BEFORE_START);
        if (hook.isPresent()) {
            TaskResult r = runPreDeploy(hook.get(), () -> rt.compute().runTask(release, hook.get(), id + "/pre-deploy"));
            if (!r.succeeded()) {
                finish(DeploymentStatus.FAILED, "pre-deploy hook failed with exit code " + r.exitCode()
                        + (r.reason().isEmpty() ? "" : " (" + r.reason() + ")") + logsOf(r)
                        + "; it ran before the new revision started: no new task ran and no traffic moved");
                return;
            }
        }
        run(Duration.ZERO, this::startRevision);
    }

    /** Runs the pre-deploy hook once: journaled before and after, its exit code and log location in the event. */
    private TaskResult runPreDeploy(Hook hook, java.util.function.Supplier<TaskResult> task) {
        confirmLock(); // never run a hook without the lock
        journal("intent", Map.of("action", "pre-deploy", "hook", hook.toString(), "when", hook.when().name()));
        TaskResult r = task.get();
        journal("done", Map.of("action", "pre-deploy", "exitCode", String.valueOf(r.exitCode()), "task", r.taskId(),
                "logs", r.logs()));
        emit(new DeploymentEvent.HookCompleted(id, target, now(), "pre-deploy", r.succeeded(),
                "exit " + r.exitCode() + (r.reason().isEmpty() ? "" : ": " + r.reason())
                        + (r.taskId().isEmpty() ? "" : "; task " + r.taskId()) + logsOf(r)));
        return r;
    }

    private static String logsOf(TaskResult r) {
        return r.logs().isEmpty() ? "" : "; logs " + r.logs();
    }

    private void preDeploy() {
        Optional<Hook> hook = release.service().preDeploy().filter(h -> h.when() == Hook.When.AFTER_START);
        if (hook.isPresent()) {
            TaskResult r = runPreDeploy(hook.get(), () -> rt.compute().runTask(newRevision, hook.get(), id + "/pre-deploy"));
            if (!r.succeeded()) {
                rollback(RollbackReason.HOOK, "pre-deploy hook failed with exit code " + r.exitCode() + (r.reason().isEmpty() ? "" : " (" + r.reason() + ")")
                        + logsOf(r));
                return;
            }
        }
        List<Step> all = PreviewSteps.of(release, rt.traffic().orElse(null));
        synchronized (this) {
            // with no previous revision there is nothing to split with: go straight to the last step
            steps = oldRevision == null ? List.of(all.get(all.size() - 1)) : all;
        }
        run(Duration.ZERO, () -> startStep(0));
    }

    private void startStep(int index) {
        Step step;
        synchronized (this) {
            if (promoteRequested) {
                index = steps.size() - 1;
                approved = true;
            }
            stepIndex = index;
            step = steps.get(index);
        }
        if (step.weight() == 100 && release.environment().requiresApproval() && !isApproved()) {
            awaitApproval(index);
            return;
        }
        emit(new DeploymentEvent.StepStarted(id, target, now(), index + 1, steps.size(), step.weight()));
        shift(step.weight());
        if (PreviewSteps.isPreview(step, oldRevision, release, rt.traffic().orElse(null))) {
            journal("intent", Map.of("action", "preview", "revision", newRevision.id()));
            rt.traffic().orElseThrow().preview(release.environment().name(), release.service().name(), newRevision.id());
        }
        synchronized (this) {
            bakeStartedAt = now();
            bakedBefore = Duration.ZERO;
            failures = 0;
            consecutiveErrors = 0;
            inconclusive = 0;
            phaseStartedAt = now();
        }
        Analysis a = release.strategy().analysis();
        int i = index;
        run(min(a.initialDelay(), step.bake()), () -> analyse(i));
    }

    private synchronized boolean isApproved() {
        return approved;
    }

    private void awaitApproval(int index) {
        Instant asked = now();
        synchronized (this) {
            status = DeploymentStatus.AWAITING_APPROVAL;
            reason = "approval required before 100% in " + release.environment().name() + " (times out after "
                    + release.environment().approvalTimeout() + ")";
            parked = () -> startStep(index);
        }
        journal("awaiting-approval", Map.of("step", String.valueOf(index + 1)));
        emit(new DeploymentEvent.ApprovalRequested(id, target, now(), index + 1, release.environment().approvalTimeout()));
        long gen = generation();
        rt.scheduler().schedule(release.environment().approvalTimeout(), () -> {
            synchronized (this) {
                if (gen != generation || status != DeploymentStatus.AWAITING_APPROVAL) {
                    return;
                }
                parked = null;
                status = DeploymentStatus.RUNNING;
            }
            runNow(() -> rollback(RollbackReason.APPROVAL_TIMEOUT, "approval timed out after " + Duration.between(asked, now())));
        });
    }

    private void shift(int weightOfNew) {
        Map<String, Integer> w = new LinkedHashMap<>();
        if (oldRevision != null && weightOfNew < 100) {
            w.put(oldRevision.id(), 100 - weightOfNew);
        }
        if (weightOfNew > 0 || oldRevision == null) {
            w.put(newRevision.id(), oldRevision == null ? 100 : weightOfNew);
        }
        setWeights(w);
    }

    private void setWeights(Map<String, Integer> w) {
        Traffic traffic = rt.trafficRequired();
        confirmLock(); // never move traffic without the lock
        journal("intent", Map.of("action", "shift", "weights", dev.cutover.spi.DesiredState.weights(w)));
        traffic.setWeights(release.environment().name(), release.service().name(), w);
        synchronized (this) {
            weights = Map.copyOf(w);
        }
        journal("done", Map.of("action", "shift", "weights", dev.cutover.spi.DesiredState.weights(w)));
        rt.metrics().weights(release, w);
        emit(new DeploymentEvent.TrafficShifted(id, target, now(), w));
    }

    private void analyse(int index) {
        Step step = steps.get(index);
        Analysis a = release.strategy().analysis();
        RevisionHealth h = rt.compute().health(newRevision);
        Map<String, String> measured = new LinkedHashMap<>();
        String verdict = "PASSED";
        String why = "";
        if (h.failed() > a.maxFailedTasks() || h.running() < h.desired() && h.healthy() < h.desired()
                && Duration.between(phaseStartedAt, now()).compareTo(a.progressDeadline()) >= 0) {
            verdict = "FAILED";
            why = "health: " + h;
        }
        Optional<Discovery.InstanceHealth> dh = rt.discovery().flatMap(d -> d.health(newRevision));
        if (dh.isPresent()) {
            measured.put("discovery", dh.get().passing() + " passing, " + dh.get().critical() + " critical");
            if (dh.get().critical() > a.maxFailedTasks()) {
                verdict = "FAILED";
                why = "discovery health: " + dh.get().critical() + " critical instances";
            }
        }
        // after reading discovery health: an instance registered now has not been checked yet
        syncDiscovery(newRevision);
        syncDiscovery(oldRevision);
        boolean sawError = false;
        boolean sawNoData = false;
        String lastError = "";
        // a zero bake means no bake: the step is judged on health alone, with no window to measure; a 0% step
        // measures only when tagged test traffic reaches the new revision (a header-routed preview)
        boolean measurable = step.weight() > 0 || PreviewSteps.isPreview(step, oldRevision, release, rt.traffic().orElse(null));
        if (measurable && !a.gates().isEmpty() && !step.bake().isZero() && "PASSED".equals(verdict)) {
            Instant to = now();
            Instant from = to.minus(a.interval());
            MetricContext ctx = new MetricContext(release.environment().name(), release.service().name(),
                    newRevision.id(), from.isBefore(bakeStartedAt) ? bakeStartedAt : from, to);
            for (MetricGate g : a.gates()) {
                Measurement m;
                try {
                    m = rt.metricSource().measure(g.query(), ctx);
                } catch (RuntimeException e) {
                    m = Measurement.error(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                Optional<String> impossible = m.status() == Measurement.Status.VALUE
                        ? g.query().kind().impossible(m.value()) : Optional.empty();
                if (impossible.isPresent()) {
                    // a value that cannot be true is an error of the source or the query, never a pass
                    m = Measurement.error("impossible value " + m.value() + " for " + g.query() + ": " + impossible.get()
                            + (m.detail().isEmpty() ? "" : " [" + m.detail() + "]"));
                }
                measured.put(g.name(), m.toString());
                if (m.status() == Measurement.Status.ERROR) {
                    lastError = g.name() + ": " + m.detail();
                }
                switch (m.status()) {
                    case VALUE -> {
                        if (!g.passes(m.value())) {
                            verdict = "FAILED";
                            why = g.name() + " " + Measurement.format(m.value()) + " breaks " + g;
                        }
                    }
                    case NO_DATA -> sawNoData = true;
                    case ERROR -> sawError = true;
                }
            }
        }
        synchronized (this) {
            lastMeasurements.clear();
            lastMeasurements.putAll(measured);
        }
        if (!sawError || "FAILED".equals(verdict)) {
            endMetricOutage();
        }
        boolean bakeOver = Duration.between(bakeStartedAt, now()).plus(bakedBefore).compareTo(step.bake()) >= 0;
        if ("FAILED".equals(verdict)) {
            failures++;
            consecutiveErrors = 0;
            emit(new DeploymentEvent.AnalysisCompleted(id, target, now(), index + 1, "FAILED", measured, h.toString()));
            if (failures > a.failureLimit()) {
                rollback(RollbackReason.ANALYSIS, "analysis failed at " + step.weight() + "%: " + why);
                return;
            }
        } else if (sawError) {
            consecutiveErrors++;
            if (errorStreakSince == null) {
                errorStreakSince = now();
            }
            emit(new DeploymentEvent.AnalysisCompleted(id, target, now(), index + 1, "ERROR", measured, h.toString()));
            if (consecutiveErrors > a.consecutiveErrorLimit()) {
                Duration down = Duration.between(errorStreakSince, now());
                String source = rt.metricSource().name();
                if (down.compareTo(a.metricOutageTimeout()) >= 0) {
                    rollback(RollbackReason.METRIC_OUTAGE, "metric source " + source + " could not answer for " + human(down) + " (" + consecutiveErrors
                            + " measurements in a row; last: " + lastError + "): past the metric outage timeout of "
                            + human(a.metricOutageTimeout()));
                    return;
                }
                startMetricOutage(source, lastError, a);
            }
        } else if (sawNoData) {
            inconclusive++;
            consecutiveErrors = 0;
            emit(new DeploymentEvent.AnalysisCompleted(id, target, now(), index + 1, "INCONCLUSIVE", measured, h.toString()));
            if (inconclusive > a.inconclusiveLimit()) {
                Runnable keepBaking = () -> {
                    synchronized (this) {
                        inconclusive = 0;
                    }
                    analyse(index);
                };
                pauseForHuman("analysis inconclusive at " + step.weight() + "% (no data: " + measured
                        + "); resume() to keep baking, promote() to go on, abort() to roll back; rolls back by itself after "
                        + human(a.inconclusiveTimeout()), keepBaking);
                rollBackIfStillParked(keepBaking, a.inconclusiveTimeout(), "analysis inconclusive at " + step.weight()
                        + "% (no data: " + measured + ") and no decision within the inconclusive timeout of "
                        + human(a.inconclusiveTimeout()));
                return;
            }
        } else {
            consecutiveErrors = 0;
            emit(new DeploymentEvent.AnalysisCompleted(id, target, now(), index + 1, bakeOver ? "PASSED" : "RUNNING",
                    measured, h.toString()));
            if (bakeOver || isPromoteRequested()) {
                if (index + 1 < steps.size() && !isPromoteRequested()) {
                    run(Duration.ZERO, () -> startStep(index + 1));
                } else if (index + 1 < steps.size()) {
                    run(Duration.ZERO, () -> startStep(steps.size() - 1));
                } else {
                    run(Duration.ZERO, this::smokeTest);
                }
                return;
            }
        }
        Duration left = step.bake().minus(Duration.between(bakeStartedAt, now()).plus(bakedBefore));
        run(left.isNegative() || left.isZero() ? a.interval() : min(a.interval(), left), () -> analyse(index));
    }

    /**
     * The metric source cannot answer past {@code consecutiveErrorLimit}: the rollout pauses safely
     * (traffic stays, the bake clock stops) and keeps measuring every interval, like a provider outage.
     */
    private void startMetricOutage(String source, String lastError, Analysis a) {
        String why;
        synchronized (this) {
            if (metricOutage) {
                return;
            }
            metricOutage = true;
            bakedBefore = bakedBefore.plus(Duration.between(bakeStartedAt, now()));
            bakeStartedAt = now();
            why = "metric source " + source + " unavailable (" + lastError + "); paused safely, measuring every "
                    + human(a.interval()) + "; rolls back if it does not answer by " + errorStreakSince.plus(a.metricOutageTimeout());
            status = DeploymentStatus.PAUSED;
            reason = why;
        }
        journal("paused", Map.of("reason", why));
        emit(new DeploymentEvent.DeploymentPaused(id, target, now(), why));
    }

    /** The metric source answers again: the rollout goes on where it paused. */
    private void endMetricOutage() {
        synchronized (this) {
            errorStreakSince = null;
            if (!metricOutage) {
                return;
            }
            metricOutage = false;
            bakeStartedAt = now(); // the outage does not count as bake time
            if (status == DeploymentStatus.PAUSED && !pauseRequested) {
                status = DeploymentStatus.RUNNING;
                reason = "";
            }
        }
        journal("resumed", Map.of("by", "metric source answered"));
        emit(new DeploymentEvent.DeploymentResumed(id, target, now(), "metric source answered"));
    }

    /** Rolls back after {@code timeout} unless a person moved the deployment on from {@code parkedAction} meanwhile. */
    private void rollBackIfStillParked(Runnable parkedAction, Duration timeout, String why) {
        long gen = generation();
        rt.scheduler().schedule(timeout, () -> {
            synchronized (this) {
                if (gen != generation || ended || parked != parkedAction) {
                    return;
                }
                parked = null;
                pauseRequested = false;
                status = DeploymentStatus.RUNNING;
                reason = "";
            }
            runNow(() -> rollback(RollbackReason.ANALYSIS, why));
        });
    }

    private static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    private synchronized boolean isPromoteRequested() {
        return promoteRequested;
    }

    private void smokeTest() {
        Optional<Hook> hook = release.service().smokeTest();
        if (hook.isPresent()) {
            confirmLock();
            journal("intent", Map.of("action", "smoke-test", "hook", hook.get().toString()));
            TaskResult r = rt.compute().runTask(newRevision, hook.get(), id + "/smoke-test");
            journal("done", Map.of("action", "smoke-test", "exitCode", String.valueOf(r.exitCode())));
            emit(new DeploymentEvent.HookCompleted(id, target, now(), "smoke-test", r.succeeded(),
                    "exit " + r.exitCode() + (r.reason().isEmpty() ? "" : ": " + r.reason())));
            if (!r.succeeded()) {
                rollback(RollbackReason.HOOK, "smoke test failed with exit code " + r.exitCode());
                return;
            }
        }
        journal("promoted", promotedEntry(newRevision, oldRevision));
        applyPostChangeList(); // the release is complete before it counts as done
        RevisionRef old = oldRevision;
        if (old == null) {
            emit(new DeploymentEvent.Promoted(id, target, now(), newRevision.id()));
            retireOld(); // nothing to keep warm
            return;
        }
        String detail = newRevision.id() + " serves all traffic" + (old == null ? ""
                : "; " + old.id() + " stays warm for the rollback window (" + rt.rollbackWindow() + "), then is retired");
        synchronized (this) {
            status = DeploymentStatus.SUCCEEDED;
            reason = "";
            outcomeRecorded = true;
        }
        emit(new DeploymentEvent.Promoted(id, target, now(), newRevision.id()));
        rt.metrics().finished(release, DeploymentStatus.SUCCEEDED, Duration.between(startedAt, now()));
        emit(new DeploymentEvent.DeploymentFinished(id, target, now(), DeploymentStatus.SUCCEEDED.name(), detail));
        done.countDown(); // await() returns now; retiring the old revision continues (awaitRetirement())
        run(old == null ? Duration.ZERO : rt.rollbackWindow(), this::retireOld);
    }

    /**
     * Ends the rollback window now: retires the old revision at once (journaled) and releases the
     * lock, for a newer deployment of the same service from this process. A no-op unless the
     * deployment succeeded and is still retiring.
     */
    void retireNow() {
        synchronized (this) {
            if (ended || status != DeploymentStatus.SUCCEEDED) {
                return;
            }
            generation++; // the scheduled retirement is superseded
        }
        runNow(this::retireOld);
    }

    /** Whether the deployment succeeded and its old revision is still kept warm (the rollback window). */
    synchronized boolean isRetiring() {
        return !ended && status == DeploymentStatus.SUCCEEDED;
    }

    private void retireOld() {
        Compute compute = rt.compute();
        List<RevisionRef> stray = new ArrayList<>(compute.revisions(release.environment().name(), release.service().name()));
        stray.removeIf(r -> r.id().equals(newRevision.id()));
        if (!weights.equals(Map.of(newRevision.id(), 100))) {
            setWeights(Map.of(newRevision.id(), 100));
        }
        for (RevisionRef r : stray) {
            retire(r);
        }
        sweepIfResumed(java.util.Set.of(newRevision.id()));
        settleDiscovery(newRevision, java.util.Set.of(newRevision.id()));
        if (!stray.isEmpty()) {
            emit(new DeploymentEvent.RevisionsRetired(id, target, now(), stray.stream().map(RevisionRef::id).toList()));
        }
        if (!postChangesApplied) {
            applyPostChangeList(); // a restore or a resumed promotion: the release's remaining changes
        }
        finish(DeploymentStatus.SUCCEEDED, newRevision.id() + " serves all traffic");
    }

    /**
     * After a crash a step may have been cut between its calls (a revision's discovery service and
     * mesh node created but not its compute service; a retire half done): what the compute provider
     * still holds for a revision that does not serve is removed, journaled as an intent and its result.
     */
    private void sweepIfResumed(java.util.Set<String> keep) {
        if (!resumed) {
            return;
        }
        confirmLock();
        journal("intent", Map.of("action", "sweep", "keep", String.join(",", new java.util.TreeSet<>(keep))));
        List<String> removed = rt.compute().sweep(release.environment().name(), release.service().name(), keep);
        for (String r : removed) {
            RevisionRef gone = new RevisionRef(release.environment().name(), release.service().name(), r, "");
            rt.discovery().ifPresent(d -> d.revisionRetired(gone));
        }
        journal("done", Map.of("action", "sweep", "removed", String.join(",", removed)));
    }

    /**
     * Makes discovery's instances of {@code r} its running tasks, when the compute provider reports them
     * ({@link Compute#runningTasks}, e.g. ECS next to Consul): tasks that started are registered, tasks
     * that stopped (scaled in, replaced after a failure) deregistered. Writes only when the tasks
     * changed since the last registration, and only with the lock. Returns whether the compute
     * provider reports tasks.
     */
    private boolean syncDiscovery(RevisionRef r) {
        if (r == null) {
            return tasksRegistered;
        }
        Optional<Discovery> discovery = rt.discovery();
        if (discovery.isEmpty()) {
            return false;
        }
        Optional<List<dev.cutover.spi.RunningTask>> tasks = rt.compute().runningTasks(r);
        if (tasks.isEmpty()) {
            return false;
        }
        tasksRegistered = true;
        java.util.Set<dev.cutover.spi.RunningTask> now = java.util.Set.copyOf(tasks.get());
        if (!now.equals(registered.get(r.id()))) {
            confirmLock(); // never write a registration without the lock
            discovery.get().registerTasks(r, release, id, tasks.get());
            registered.put(r.id(), now);
            emit(new DeploymentEvent.InstancesRegistered(id, target, now(), r.id(), tasks.get().stream()
                    .map(dev.cutover.spi.RunningTask::toString).toList()));
        }
        return true;
    }

    /**
     * At the end of a deployment, when discovery registers running tasks: the serving revision's
     * instances are its running tasks, and every other revision's instances are gone (a revision ECS
     * drained by itself, a retirement cut by a crash).
     */
    private void settleDiscovery(RevisionRef serving, java.util.Set<String> keep) {
        if (serving != null) {
            registered.remove(serving.id()); // compare with the registry afresh: the last word of this deployment
        }
        if (!syncDiscovery(serving)) {
            return;
        }
        confirmLock();
        rt.discovery().ifPresent(d -> d.sweep(release.environment().name(), release.service().name(), keep));
    }

    private void retire(RevisionRef r) {
        confirmLock(); // never retire a revision without the lock
        journal("intent", Map.of("action", "retire", "revision", refText(r)));
        rt.discovery().ifPresent(d -> d.revisionRetired(r));
        registered.remove(r.id());
        rt.compute().retire(r);
        journal("done", Map.of("action", "retire", "revision", refText(r)));
        rt.metrics().retired(release, r.id());
    }

    private void applyPostChanges() {
        applyPostChangeList();
        finish(DeploymentStatus.SUCCEEDED, newRevision == null ? "applied" : newRevision.id() + " serves all traffic");
    }

    /** The plan's changes that come after the rollout (discovery, scaling, ...), or all but the environment's without one. */
    private void applyPostChangeList() {
        postChangesApplied = true;
        for (Change c : plan.changes()) {
            if (c.isNoOp() || isPre(c.id().type()) || c.id().type() == ResourceType.REVISION) {
                continue;
            }
            if (c.id().type() == ResourceType.ROUTE) {
                if (!plan.isRollout()) {
                    // drift: traffic split with no rollout under way; restore the serving revision
                    rt.trafficRequired().apply(c);
                }
                continue;
            }
            applyChange(c);
        }
    }

    private void rollback(RollbackReason kind, String why) {
        journal("intent", Map.of("action", "rollback", "reason", why));
        LOG.info("{} {}: rolling back: {}", id, target, why);
        RevisionRef old = oldRevision;
        if (old != null && !isRunning(old)) {
            // the previous revision was retired (e.g. a crash after the rollback window): start it again first
            confirmLock();
            journal("intent", Map.of("action", "restart", "revision", refText(old)));
            RevisionRef restarted = rt.compute().restartRevision(old, startCount(newRevision));
            journal("done", Map.of("action", "restart", "revision", refText(restarted)));
            synchronized (this) {
                oldRevision = restarted;
            }
            awaitHealthy(restarted, now(), () -> completeRollback(kind, why),
                    late -> completeRollback(kind, why + "; the restarted previous revision is not healthy yet (" + late + ")"));
            return;
        }
        completeRollback(kind, why);
    }

    /** Puts 100% of traffic on the previous revision and retires every other revision of the service. */
    private void completeRollback(RollbackReason kind, String why) {
        RevisionRef old = oldRevision;
        if (old != null) {
            setWeights(Map.of(old.id(), 100));
        }
        Map<String, Integer> serving = old != null ? Map.of() : rt.traffic()
                .map(t -> t.weights(release.environment().name(), release.service().name())).orElse(Map.of());
        java.util.Set<String> kept = new java.util.TreeSet<>();
        for (RevisionRef r : rt.compute().revisions(release.environment().name(), release.service().name())) {
            boolean keep = old != null ? r.id().equals(old.id()) : serving.getOrDefault(r.id(), 0) > 0;
            if (!keep) {
                retire(r);
            } else {
                kept.add(r.id());
            }
        }
        sweepIfResumed(old != null ? java.util.Set.of(old.id()) : kept);
        settleDiscovery(old, old != null ? java.util.Set.of(old.id()) : kept);
        rt.metrics().rollback(release, kind);
        emit(new DeploymentEvent.RolledBack(id, target, now(), why, old == null ? "" : old.id()));
        if (old == null) {
            finish(DeploymentStatus.FAILED, why + "; there was no previous revision to return to");
        } else {
            finish(DeploymentStatus.ROLLED_BACK, why);
        }
    }

    private void finish(DeploymentStatus outcome, String detail) {
        boolean recorded;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            recorded = outcomeRecorded;
            status = outcome;
            reason = outcome == DeploymentStatus.SUCCEEDED ? "" : detail;
            generation++;
            if (renewal != null) {
                renewal.cancel();
            }
        }
        journal("finished", Map.of("outcome", outcome.name(), "detail", detail, "new", refText(newRevision),
                "old", refText(oldRevision), "image", release.service().image().toString()));
        try {
            lock.close();
        } catch (RuntimeException e) {
            LOG.warn("{}: could not release the lock on {}", id, target, e);
        }
        rt.live.remove(this);
        if (!recorded || outcome != DeploymentStatus.SUCCEEDED) {
            if (!recorded) {
                rt.metrics().finished(release, outcome, Duration.between(startedAt, now()));
            }
            emit(new DeploymentEvent.DeploymentFinished(id, target, now(), outcome.name(), detail));
        }
        done.countDown();
        settled.countDown();
    }

    // ---------------------------------------------------------------- running actions safely

    private synchronized long generation() {
        return generation;
    }

    /** Schedules an action; it runs unless the deployment ended or was redirected (abort) meanwhile. */
    private void run(Duration delay, Runnable action) {
        long gen = generation();
        rt.scheduler().schedule(delay, () -> {
            synchronized (this) {
                if (gen != generation || ended) {
                    return;
                }
                if (pauseRequested) {
                    parked = action;
                    return;
                }
            }
            runNow(action);
        });
    }

    private void runNow(Runnable action) {
        synchronized (this) {
            acting = true;
        }
        try {
            act(action);
        } finally {
            String stop;
            synchronized (this) {
                acting = false;
                stop = stopRequested;
            }
            if (stop != null) {
                stopInPlace(stop, true);
            }
        }
    }

    /**
     * Asks the deployment to stop at its next safe point: now, if no action runs; else when the
     * running action completes. See {@link #stopInPlace}.
     */
    void requestStop(String why) {
        synchronized (this) {
            if (ended) {
                return;
            }
            if (acting) {
                stopRequested = why;
                return;
            }
        }
        stopInPlace(why, true);
    }

    /** Waits (wall time) until the engine has stopped acting on this deployment. */
    void awaitStopped(Duration timeout) {
        try {
            settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void act(Runnable action) {
        try {
            action.run();
            synchronized (this) {
                outageRetries = 0;
            }
        } catch (LockLostException e) {
            stopInPlace(e.getMessage(), e.journalIsOurs);
        } catch (ProviderException e) {
            onProviderFailure(action, e);
        } catch (Throwable t) {
            rethrowIfJournalFailed(t);
            // an Error too (a provider's NoClassDefFoundError, a listener's AssertionError, a StackOverflowError):
            // left alone it would hang the deployment RUNNING with traffic split and the lock renewed forever
            LOG.error("{} {}: unexpected failure", id, target, t);
            safeRollbackAfter("unexpected failure: " + t);
        }
    }

    /**
     * A journal append threw: the deployment can record nothing more, so it must do nothing more. It
     * stops where it is (the lock is left to expire, so that {@code resume} takes over) and the
     * throwable goes on to whoever runs the scheduler, as a crash would.
     */
    private void rethrowIfJournalFailed(Throwable t) {
        boolean failed;
        synchronized (this) {
            failed = journalFailure != null && journalFailure == t;
        }
        if (failed) {
            stopInPlace("the journal could not be written (" + t + "); nothing more was done; fix the journal store and run "
                    + "cutover.resume(\"" + id + "\")", false);
            if (t instanceof Error e) {
                throw e;
            }
            throw (RuntimeException) t;
        }
    }

    /**
     * Stops acting on the deployment where it stands, without finishing it: the lock was lost, the
     * process is shutting down, or the journal cannot be written. Traffic stays as it is; the lock
     * is not released (another holder may have it; otherwise its lease runs out), so that
     * {@code cutover.resume(id)} finishes the deployment with 100% on one revision.
     */
    void stopInPlace(String why, boolean journalIt) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            status = DeploymentStatus.STOPPED;
            reason = why;
            generation++;
            parked = null;
            if (renewal != null) {
                renewal.cancel();
            }
        }
        rt.live.remove(this);
        LOG.warn("{} {}: stopped acting: {}", id, target, why);
        if (journalIt) {
            try {
                journal("stopped", Map.of("reason", why, "weights", dev.cutover.spi.DesiredState.weights(weights())));
            } catch (Throwable t) {
                LOG.warn("{}: could not journal the stop: {}", id, t.toString());
            }
        }
        emit(new DeploymentEvent.DeploymentFinished(id, target, now(), DeploymentStatus.STOPPED.name(), why));
        done.countDown();
        settled.countDown();
    }

    private void onProviderFailure(Runnable action, ProviderException e) {
        boolean rollingBack;
        int tries;
        synchronized (this) {
            tries = ++outageRetries;
            rollingBack = reason.startsWith("rolling back");
        }
        if (e.retryable()) {
            Duration wait = rt.resilience().breakerOpenDuration();
            String why = e.provider() + " unavailable (" + e.getMessage() + "); paused safely, retrying in " + wait.toSeconds() + " s";
            synchronized (this) {
                status = DeploymentStatus.PAUSED;
                reason = why;
            }
            journal("paused", Map.of("reason", why));
            emit(new DeploymentEvent.DeploymentPaused(id, target, now(), why));
            Duration patience = release.strategy().analysis().progressDeadline().multipliedBy(3);
            if (!rollingBack && wait.multipliedBy(tries).compareTo(patience) > 0) {
                run(wait, () -> {
                    setRunning();
                    rollback(RollbackReason.PROVIDER_OUTAGE, "provider " + e.provider() + " unavailable for too long: " + e.getMessage());
                });
            } else {
                run(wait, () -> {
                    setRunning();
                    action.run();
                });
            }
        } else {
            safeRollbackAfter(e.getMessage());
        }
    }

    private synchronized void setRunning() {
        if (status == DeploymentStatus.PAUSED) {
            status = DeploymentStatus.RUNNING;
            reason = "";
        }
    }

    private void safeRollbackAfter(String why) {
        if (newRevision == null && oldRevision == null) {
            finish(DeploymentStatus.FAILED, why);
            return;
        }
        try {
            rollback(RollbackReason.ERROR, why);
        } catch (LockLostException lost) {
            stopInPlace(lost.getMessage(), lost.journalIsOurs);
        } catch (Throwable again) {
            rethrowIfJournalFailed(again);
            LOG.error("{} {}: rollback failed too; resume({}) once the provider is back", id, target, id, again);
            stopInPlace("rolling back after " + why + " failed too (" + again + "); traffic may be split: run cutover.resume(\""
                    + id + "\") once the provider answers", true);
        }
    }

    private void pauseForHuman(String why, Runnable continuation) {
        synchronized (this) {
            status = DeploymentStatus.PAUSED;
            reason = why;
            parked = continuation;
            pauseRequested = true;
        }
        journal("paused", Map.of("reason", why));
        emit(new DeploymentEvent.DeploymentPaused(id, target, now(), why));
    }

    private void scheduleRenewal() {
        Duration every = rt.lockLease().dividedBy(3);
        Runnable[] renew = new Runnable[1];
        renew[0] = () -> {
            synchronized (this) {
                if (ended) {
                    return;
                }
            }
            try {
                confirmLock();
            } catch (LockLostException lost) {
                stopInPlace(lost.getMessage(), lost.journalIsOurs);
                return;
            } catch (Throwable t) {
                LOG.warn("{}: lock renewal failed: {}", id, t.toString());
            }
            synchronized (this) {
                if (!ended) {
                    renewal = rt.scheduler().schedule(every, renew[0]);
                }
            }
        };
        synchronized (this) {
            renewal = rt.scheduler().schedule(every, renew[0]);
        }
    }

    /**
     * Renews the lock, proving this deployment still holds it. Lost (another owner has it) or not
     * renewed within its lease, it throws {@link LockLostException}: the caller must not act.
     * A renewal that merely failed (the lock service did not answer) is tolerated while the last
     * lease still runs.
     */
    private void confirmLock() {
        Instant t = now();
        try {
            lock.renew();
            synchronized (this) {
                leaseValidUntil = t.plus(rt.lockLease());
            }
        } catch (dev.cutover.spi.LockHeldException held) {
            if (held.holder().equals(lock.owner()) && retake(t)) {
                return; // the lease lapsed (a long action, a slow lock service) but nobody took it: it is ours again
            }
            // the new holder owns the journal now: this engine writes nothing more to it
            throw new LockLostException("lost the lock on " + target + " to " + held.holder() + "; stopped acting with "
                    + "weights " + weights() + "; whoever holds the lock finishes it (or cutover.resume(\"" + id
                    + "\") once it is free)", held, false);
        } catch (RuntimeException e) {
            Instant until;
            synchronized (this) {
                until = leaseValidUntil;
            }
            if (!t.isBefore(until)) {
                throw new LockLostException("could not renew the lock on " + target + " before its lease ran out ("
                        + e.getMessage() + "); stopped acting with weights " + weights()
                        + "; run cutover.resume(\"" + id + "\") to finish it", e, true);
            }
            LOG.warn("{}: lock renewal failed, the lease runs until {}: {}", id, until, e.getMessage());
        }
    }

    /** Takes the lock again after its lease lapsed with nobody else taking it; false if someone else has it now. */
    private boolean retake(Instant t) {
        try {
            LockManager.LockHandle again = rt.locks().acquire(target, lock.owner(), rt.lockLease());
            if (!again.owner().equals(lock.owner())) {
                return false;
            }
            synchronized (this) {
                leaseValidUntil = t.plus(rt.lockLease());
            }
            LOG.warn("{}: the lease on {} had lapsed with nobody else holding it; took it again", id, target);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** This deployment no longer (provably) holds its lock; it must stop acting at once. */
    static final class LockLostException extends CutoverException {
        /** Whether nobody else holds the lock, so that the stop may still be journaled. */
        final boolean journalIsOurs;

        LockLostException(String message, Throwable cause, boolean journalIsOurs) {
            super(message, cause);
            this.journalIsOurs = journalIsOurs;
        }
    }

    // ---------------------------------------------------------------- journal and events

    private void journal(String type, Map<String, String> data) {
        long seq;
        synchronized (this) {
            seq = ++sequence;
        }
        Map<String, String> d = new LinkedHashMap<>(data);
        d.putIfAbsent("target", target);
        try {
            rt.journal().append(new JournalEntry(id, seq, now(), type, d));
        } catch (Throwable t) {
            synchronized (this) {
                journalFailure = t;
            }
            throw t;
        }
    }

    private void emit(DeploymentEvent e) {
        events.add(e);
        rt.emit(e);
    }

    private Instant now() {
        return rt.scheduler().clock().instant();
    }

    static String refText(RevisionRef r) {
        return r == null ? "" : r.environment() + "|" + r.service() + "|" + r.id() + "|" + r.version();
    }

    static RevisionRef parseRef(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String[] p = text.split("\\|", -1);
        if (p.length != 4) {
            throw new dev.cutover.journal.JournalException("corrupt revision reference in journal: " + text);
        }
        return new RevisionRef(p[0], p[1], p[2], p[3]);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    // ---------------------------------------------------------------- Deployment

    @Override
    public String id() {
        return id;
    }

    @Override
    public Release release() {
        return release;
    }

    @Override
    public synchronized DeploymentStatus status() {
        return status;
    }

    @Override
    public synchronized String statusReason() {
        return reason;
    }

    @Override
    public synchronized Map<String, Integer> weights() {
        return weights;
    }

    @Override
    public List<DeploymentEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    @Override
    public DeploymentStatus await() {
        return awaitLatch(() -> done);
    }

    @Override
    public DeploymentStatus await(Duration timeout) {
        return awaitLatch(() -> done, timeout);
    }

    @Override
    public DeploymentStatus awaitRetirement() {
        return awaitLatch(() -> settled);
    }

    @Override
    public DeploymentStatus awaitRetirement(Duration timeout) {
        return awaitLatch(() -> settled, timeout);
    }

    private DeploymentStatus awaitLatch(java.util.function.Supplier<CountDownLatch> which) {
        if (rt.scheduler() instanceof VirtualScheduler v) {
            v.runUntil(() -> which.get().getCount() == 0 || waitsForPerson());
            if (which.get().getCount() != 0) {
                throw new IllegalStateException("deployment " + id + " waits for a person (" + status() + ": "
                        + statusReason() + "); call resume(), approve(), promote() or abort()");
            }
            return status();
        }
        try {
            which.get().await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CutoverException("interrupted while waiting for deployment " + id, e);
        }
        return status();
    }

    private DeploymentStatus awaitLatch(java.util.function.Supplier<CountDownLatch> which, Duration timeout) {
        if (rt.scheduler() instanceof VirtualScheduler v) {
            Instant end = now().plus(timeout);
            v.runUntil(() -> which.get().getCount() == 0 || waitsForPerson() || !now().isBefore(end));
            return status();
        }
        try {
            which.get().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return status();
    }

    private synchronized boolean waitsForPerson() {
        return parked != null && (pauseRequested || status == DeploymentStatus.AWAITING_APPROVAL);
    }

    @Override
    public void pause() {
        synchronized (this) {
            if (status.isTerminal() || pauseRequested) {
                return;
            }
            pauseRequested = true;
            status = DeploymentStatus.PAUSED;
            reason = "paused by a person";
            if (bakeStartedAt != null) {
                bakedBefore = bakedBefore.plus(Duration.between(bakeStartedAt, now()));
            }
        }
        journal("paused", Map.of("reason", "manual"));
        emit(new DeploymentEvent.DeploymentPaused(id, target, now(), "paused by a person"));
    }

    @Override
    public void resume() {
        Runnable next;
        synchronized (this) {
            if (status.isTerminal() || !pauseRequested && status != DeploymentStatus.PAUSED) {
                return;
            }
            pauseRequested = false;
            status = DeploymentStatus.RUNNING;
            reason = "";
            next = parked;
            parked = null;
            if (bakeStartedAt != null) {
                bakeStartedAt = now();
            }
        }
        journal("resumed", Map.of("by", "person"));
        emit(new DeploymentEvent.DeploymentResumed(id, target, now(), "person"));
        if (next != null) {
            run(Duration.ZERO, next);
        }
    }

    @Override
    public void promote() {
        synchronized (this) {
            if (status.isTerminal()) {
                return;
            }
            promoteRequested = true;
            approved = true;
        }
        journal("promote-requested", Map.of());
        continueIfWaiting();
    }

    @Override
    public void approve() {
        synchronized (this) {
            if (status.isTerminal()) {
                return;
            }
            approved = true;
        }
        journal("approved", Map.of());
        continueIfWaiting();
    }

    private void continueIfWaiting() {
        Runnable next = null;
        synchronized (this) {
            if (status == DeploymentStatus.AWAITING_APPROVAL || pauseRequested) {
                next = parked;
                parked = null;
                pauseRequested = false;
                status = DeploymentStatus.RUNNING;
                reason = "";
            }
        }
        if (next != null) {
            emit(new DeploymentEvent.DeploymentResumed(id, target, now(), "person"));
            run(Duration.ZERO, next);
        }
    }

    @Override
    public void abort() {
        redirect("aborted by a person", "abort");
    }

    @Override
    public void rollback() {
        redirect("rolled back by a person" + (isRetiring() ? " after promotion" : ""), "rollback");
    }

    private void redirect(String why, String asked) {
        synchronized (this) {
            if (ended) {
                throw new IllegalStateException("cannot " + asked + " deployment " + id + ": it already finished ("
                        + status + (reason.isEmpty() ? "" : ": " + reason) + ")"
                        + (status == DeploymentStatus.SUCCEEDED ? "; to return " + target + " to the revision before it, "
                        + "call cutover.rollback(\"" + release.service().name() + "\", \"" + release.environment().name()
                        + "\")" : status == DeploymentStatus.STOPPED
                        ? "; its process stopped acting: cutover.resume(\"" + id + "\") finishes it"
                        : "; nothing of it is left to undo"));
            }
            if (status == DeploymentStatus.SUCCEEDED) {
                done = new CountDownLatch(1); // a rollback in the window: await() waits for it again
            }
            generation++;
            pauseRequested = false;
            parked = null;
            status = DeploymentStatus.RUNNING;
            reason = "rolling back: " + why;
        }
        run(Duration.ZERO, () -> rollback(RollbackReason.MANUAL, why));
    }

    @Override
    public String toString() {
        synchronized (this) {
            StringBuilder sb = new StringBuilder("Deployment ").append(id).append(" of ").append(release.service().name())
                    .append(' ').append(release.service().image().version()).append(" to ").append(release.environment().name())
                    .append(": ").append(status);
            if (!reason.isEmpty()) {
                sb.append(" (").append(reason).append(')');
            }
            if (!weights.isEmpty()) {
                sb.append(", weights ").append(weights);
            }
            if (stepIndex >= 0 && !steps.isEmpty()) {
                sb.append(", step ").append(stepIndex + 1).append('/').append(steps.size());
            }
            if (!lastMeasurements.isEmpty()) {
                sb.append(", last analysis ").append(lastMeasurements);
            }
            return sb.toString();
        }
    }
}

// Over 400 lines: the state machine: its shared state (one monitor guards it), scheduling and safe
// points, rollback and finish, and the Deployment controls; the phases are LockKeeper, Launch,
// TrafficSteps, Bake, Retirement and Resumption, which act on this state.
package dev.cutover.engine;

import dev.cutover.CutoverException;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Hook;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Step;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.journal.JournalEntry;
import dev.cutover.spi.LockManager;
import dev.cutover.spi.ProviderException;
import dev.cutover.spi.RevisionRef;
import dev.cutover.spi.TaskResult;
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

    static final Logger LOG = LoggerFactory.getLogger(Rollout.class);
    static final Duration POLL = Duration.ofSeconds(5);

    final Engine rt;
    final Plan plan;
    final String id;
    final Release release;
    final String target;
    final LockManager.LockHandle lock;
    final List<DeploymentEvent> events = Collections.synchronizedList(new ArrayList<>());
    /** Counted down when {@link #await()} may return: 100% on the new revision (SUCCEEDED), or the end. */
    volatile CountDownLatch done = new CountDownLatch(1);
    /** Counted down when the engine has nothing left to do (old revision retired, rolled back, stopped). */
    final CountDownLatch settled = new CountDownLatch(1);
    final Instant startedAt;

    // state, guarded by this
    DeploymentStatus status = DeploymentStatus.RUNNING;
    String reason = "";
    long sequence;
    long generation;
    boolean pauseRequested;
    boolean approved;
    boolean promoteRequested;
    Runnable parked;
    Map<String, Integer> weights = Map.of();
    RevisionRef oldRevision;
    RevisionRef newRevision;
    List<Step> steps = List.of();
    int stepIndex = -1;
    Instant phaseStartedAt;
    Instant bakeStartedAt;
    Duration bakedBefore = Duration.ZERO;
    int failures;
    int consecutiveErrors;
    int inconclusive;
    int outageRetries;
    /** When the metric source's current run of errors began (null while it answers). */
    Instant errorStreakSince;
    /** The rollout is paused because the metric source cannot answer (past consecutiveErrorLimit). */
    boolean metricOutage;
    Scheduler.Cancellable renewal;
    /** When the lease of the lock surely runs out unless renewed (last successful renewal + lease). */
    Instant leaseValidUntil;
    /** The engine stopped acting on this deployment: it finished, or it stopped in place (lost lock, shutdown, journal). */
    boolean ended;
    /** The outcome metric and the DeploymentFinished event were recorded (at SUCCEEDED, before retiring the old revision). */
    boolean outcomeRecorded;
    /** The plan's post-rollout changes were applied (before SUCCEEDED; a restore applies them when it retires). */
    boolean postChangesApplied;
    /** The throwable the journal threw, if an append failed: nothing more can be recorded, so nothing more is done. */
    Throwable journalFailure;
    /** An action runs right now (stops wait for it: the safe point is between two actions). */
    boolean acting;
    /** Why a stop was asked for while an action ran; it stops when the action completes. */
    String stopRequested;
    /** Resumed after a crash: once traffic is on one revision, sweep what interrupted steps left behind. */
    boolean resumed;
    final Map<String, String> lastMeasurements = new LinkedHashMap<>();

    final LockKeeper lockKeeper = new LockKeeper(this);
    final Launch launch = new Launch(this);
    final TrafficSteps trafficSteps = new TrafficSteps(this);
    final Bake bake = new Bake(this);
    final Retirement retirement = new Retirement(this);
    final Resumption resumption = new Resumption(this);
    final DiscoverySync discoverySync = new DiscoverySync(this);

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
        lockKeeper.scheduleRenewal();
        run(Duration.ZERO, launch::applyPreChanges);
    }

    // ---------------------------------------------------------------- actions

    synchronized boolean isApproved() {
        return approved;
    }

    synchronized boolean isPromoteRequested() {
        return promoteRequested;
    }

    void smokeTest() {
        Optional<Hook> hook = release.service().smokeTest();
        if (hook.isPresent()) {
            lockKeeper.confirmLock();
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
        journal("promoted", launch.promotedEntry(newRevision, oldRevision));
        retirement.applyPostChangeList(); // the release is complete before it counts as done
        RevisionRef old = oldRevision;
        if (old == null) {
            emit(new DeploymentEvent.Promoted(id, target, now(), newRevision.id()));
            retirement.retireOld(); // nothing to keep warm
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
        run(old == null ? Duration.ZERO : rt.rollbackWindow(), retirement::retireOld);
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
        runNow(retirement::retireOld);
    }

    /** Whether the deployment succeeded and its old revision is still kept warm (the rollback window). */
    synchronized boolean isRetiring() {
        return !ended && status == DeploymentStatus.SUCCEEDED;
    }

    void rollback(RollbackReason kind, String why) {
        journal("intent", Map.of("action", "rollback", "reason", why));
        LOG.info("{} {}: rolling back: {}", id, target, why);
        RevisionRef old = oldRevision;
        if (old != null && !launch.isRunning(old)) {
            // the previous revision was retired (e.g. a crash after the rollback window): start it again first
            lockKeeper.confirmLock();
            journal("intent", Map.of("action", "restart", "revision", refText(old)));
            RevisionRef restarted = rt.compute().restartRevision(old, launch.startCount(newRevision));
            journal("done", Map.of("action", "restart", "revision", refText(restarted)));
            synchronized (this) {
                oldRevision = restarted;
            }
            launch.awaitHealthy(restarted, now(), () -> completeRollback(kind, why),
                    late -> completeRollback(kind, why + "; the restarted previous revision is not healthy yet (" + late + ")"));
            return;
        }
        completeRollback(kind, why);
    }

    /** Puts 100% of traffic on the previous revision and retires every other revision of the service. */
    void completeRollback(RollbackReason kind, String why) {
        RevisionRef old = oldRevision;
        if (old != null) {
            trafficSteps.setWeights(Map.of(old.id(), 100));
        }
        Map<String, Integer> serving = old != null ? Map.of() : rt.traffic()
                .map(t -> t.weights(release.environment().name(), release.service().name())).orElse(Map.of());
        java.util.Set<String> kept = new java.util.TreeSet<>();
        for (RevisionRef r : rt.compute().revisions(release.environment().name(), release.service().name())) {
            boolean keep = old != null ? r.id().equals(old.id()) : serving.getOrDefault(r.id(), 0) > 0;
            if (!keep) {
                retirement.retire(r);
            } else {
                kept.add(r.id());
            }
        }
        retirement.sweepIfResumed(old != null ? java.util.Set.of(old.id()) : kept);
        discoverySync.settle(old, old != null ? java.util.Set.of(old.id()) : kept);
        rt.metrics().rollback(release, kind);
        emit(new DeploymentEvent.RolledBack(id, target, now(), why, old == null ? "" : old.id()));
        if (old == null) {
            finish(DeploymentStatus.FAILED, why + "; there was no previous revision to return to");
        } else {
            finish(DeploymentStatus.ROLLED_BACK, why);
        }
    }

    void finish(DeploymentStatus outcome, String detail) {
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

    synchronized long generation() {
        return generation;
    }

    /** Schedules an action; it runs unless the deployment ended or was redirected (abort) meanwhile. */
    void run(Duration delay, Runnable action) {
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

    void runNow(Runnable action) {
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

    void act(Runnable action) {
        try {
            action.run();
            synchronized (this) {
                outageRetries = 0;
            }
        } catch (LockLostException e) {
            stopInPlace(e.getMessage(), e.journalIsOurs);
        } catch (ProviderException e) {
            if (isRetiring()) {
                retirementFailed(action, e);
            } else {
                onProviderFailure(action, e);
            }
        } catch (Throwable t) {
            rethrowIfJournalFailed(t);
            // an Error too (a provider's NoClassDefFoundError, a listener's AssertionError, a StackOverflowError):
            // left alone it would hang the deployment RUNNING with traffic split and the lock renewed forever
            LOG.error("{} {}: unexpected failure", id, target, t);
            if (isRetiring()) {
                stopRetiring("unexpected failure: " + t);
            } else {
                safeRollbackAfter("unexpected failure: " + t);
            }
        }
    }

    /**
     * Retiring the old revision failed after the deployment succeeded. The new revision serves and was
     * found healthy; a failure to clean up says nothing about it, so traffic never moves back for it
     * (an outage in the rollback window used to pause the succeeded deployment and, after three
     * progress deadlines, roll the release back). A retryable failure is retried after the breaker's
     * open time, for up to three progress deadlines; then, or at once for any other failure, the
     * deployment stops in place, journaled, and {@code resume} retires the old revision.
     */
    void retirementFailed(Runnable action, ProviderException e) {
        int tries;
        synchronized (this) {
            tries = ++outageRetries;
        }
        Duration wait = rt.resilience().breakerOpenDuration();
        Duration patience = release.strategy().analysis().progressDeadline().multipliedBy(3);
        if (e.retryable() && wait.multipliedBy(tries).compareTo(patience) <= 0) {
            LOG.warn("{} {}: retiring the old revision: {} unavailable ({}); {} keeps all traffic; retrying in {} s", id,
                    target, e.provider(), e.getMessage(), newRevision.id(), wait.toSeconds());
            run(wait, action);
            return;
        }
        stopRetiring(e.getMessage());
    }

    private void stopRetiring(String failure) {
        stopInPlace("promoted; retiring the old revision failed (" + failure + "); " + newRevision.id()
                + " keeps all traffic; cutover.resume(\"" + id + "\") retires the old revision", true);
    }

    /**
     * A journal append threw: the deployment can record nothing more, so it must do nothing more. It
     * stops where it is (the lock is left to expire, so that {@code resume} takes over) and the
     * throwable goes on to whoever runs the scheduler, as a crash would.
     */
    void rethrowIfJournalFailed(Throwable t) {
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

    void onProviderFailure(Runnable action, ProviderException e) {
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

    synchronized void setRunning() {
        if (status == DeploymentStatus.PAUSED) {
            status = DeploymentStatus.RUNNING;
            reason = "";
        }
    }

    void safeRollbackAfter(String why) {
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

    void pauseForHuman(String why, Runnable continuation) {
        synchronized (this) {
            status = DeploymentStatus.PAUSED;
            reason = why;
            parked = continuation;
            pauseRequested = true;
        }
        journal("paused", Map.of("reason", why));
        emit(new DeploymentEvent.DeploymentPaused(id, target, now(), why));
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

    void journal(String type, Map<String, String> data) {
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

    void emit(DeploymentEvent e) {
        events.add(e);
        rt.emit(e);
    }

    Instant now() {
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

    static Duration min(Duration a, Duration b) {
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

    DeploymentStatus awaitLatch(java.util.function.Supplier<CountDownLatch> which) {
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

    DeploymentStatus awaitLatch(java.util.function.Supplier<CountDownLatch> which, Duration timeout) {
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

    synchronized boolean waitsForPerson() {
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

    void continueIfWaiting() {
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

    void redirect(String why, String asked) {
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

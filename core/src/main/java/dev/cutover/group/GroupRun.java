// Over 400 lines: one state machine for a group's run (waves, concurrency, the group approval, failure
// handling and the group rollback) whose decisions share one journaled state; written before the
// size rule of issue 15 item 4, splitting it is left to its owner.
package dev.cutover.group;

import dev.cutover.Change;
import dev.cutover.Cutover;
import dev.cutover.CutoverException;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.HistoryEntry;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.StalePlanException;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.JournalException;
import dev.cutover.journal.JournalStore;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind a {@link GroupDeployment}: a tick on the Cutover's scheduler looks at the
 * running members, starts the next ones (wave by wave, at most {@code concurrency} at once), and on
 * a failure skips the rest and, with {@link OnFailure#ROLLBACK_ALL}, rolls back the promoted members
 * from history, latest wave first. Every decision is journaled before it is acted on.
 */
final class GroupRun implements GroupDeployment {

    private static final Logger LOG = LoggerFactory.getLogger(GroupRun.class);

    static final String ID_PREFIX = "group-";
    static final String STARTED = "group-started";
    /** How often the group looks at its members. */
    static final Duration POLL = Duration.ofSeconds(5);

    private final Cutover cutover;
    private final JournalStore journal;
    private final GroupJournal state;
    private final ReleaseGroup group;
    /** The reviewed plans of the members (empty after a resume: members are planned again when they start). */
    private final Map<String, Plan> plans;
    private final Map<String, Deployment> deployments = new HashMap<>();
    private final Map<String, Deployment> rollbacks = new HashMap<>();
    /** Members resumed after a crash in the middle of their rollout: deployed again once resume has rolled them back. */
    private final java.util.Set<String> redeployAfterResume = new java.util.HashSet<>();
    /** Members whose rollback from history was interrupted by a crash: started again if resume could not finish it. */
    private final java.util.Set<String> retryRollbackAfterResume = new java.util.HashSet<>();
    /** Members the group aborted (ROLLBACK_ALL) while they rolled out. */
    private final java.util.Set<String> aborted = new java.util.HashSet<>();
    private final CountDownLatch done = new CountDownLatch(1);

    // guarded by this
    private GroupStatus status = GroupStatus.RUNNING;
    private String reason = "";
    private boolean abortRequested;
    private dev.cutover.time.Scheduler.Cancellable nextTick;

    private GroupRun(Cutover cutover, GroupJournal state, Map<String, Plan> plans) {
        this.cutover = cutover;
        this.journal = cutover.journalStore();
        this.state = state;
        this.group = state.group;
        this.plans = Map.copyOf(plans);
    }

    static GroupRun start(Cutover cutover, String id, GroupPlan plan) {
        JournalEntry started = new JournalEntry(id, 1, cutover.scheduler().clock().instant(), STARTED,
                GroupJournal.startedEntry(plan.group(), plan.id()));
        cutover.journalStore().append(started);
        GroupRun run = new GroupRun(cutover, GroupJournal.replay(List.of(started)), plan.plans());
        if (plan.group().requiresApproval()) {
            run.askApproval();
        }
        run.schedule(Duration.ZERO);
        return run;
    }

    static GroupRun resume(Cutover cutover, String id) {
        GroupJournal state = GroupJournal.replay(GroupJournal.read(cutover.journalStore(), id));
        if (state.outcome != null) {
            throw new IllegalStateException("release group " + id + " already finished: " + state.outcome
                    + (state.outcomeDetail.isEmpty() ? "" : " (" + state.outcomeDetail + ")"));
        }
        GroupRun run = new GroupRun(cutover, state, Map.of());
        run.journal("resumed", Map.of());
        run.reattach();
        run.schedule(Duration.ZERO);
        LOG.info("release group {} resumed: {}", id, run.members());
        return run;
    }

    // ---------------------------------------------------------------- resume

    /** Finds every member deployment and group rollback the dead process had started, and resumes what is unfinished. */
    private void reattach() {
        synchronized (this) {
            if (state.rollingBack) {
                status = GroupStatus.ROLLING_BACK;
                reason = state.failing;
            } else if (group.requiresApproval() && !state.approved) {
                status = GroupStatus.AWAITING_APPROVAL;
                reason = approvalReason();
            } else if (state.failing != null) {
                reason = state.failing;
            }
        }
        for (GroupJournal.MemberRecord m : state.members.values()) {
            if (m.status == MemberStatus.PENDING && !m.startingPlan.isEmpty()) {
                // a crash between journaling the start and 'member-started': the deployment may exist
                String found = findDeployment(m, d -> m.startingPlan.equals(d.get("plan")), m.startingAt);
                if (found != null) {
                    journal("member-started", Map.of("member", m.member.name(), "deployment", found));
                    m.deployment = found;
                    m.status = MemberStatus.RUNNING;
                }
            }
            if (m.status == MemberStatus.RUNNING) {
                reattachMember(m);
            }
            if (m.status == MemberStatus.SUCCEEDED && m.rollbackStarting) {
                reattachRollback(m);
            }
        }
    }

    private void reattachMember(GroupJournal.MemberRecord m) {
        List<JournalEntry> entries = journal.read(m.deployment);
        JournalEntry last = entries.get(entries.size() - 1);
        if ("finished".equals(last.type())) {
            deployments.put(m.member.name(), new Finished(m.deployment, m.member.release(),
                    DeploymentStatus.valueOf(last.get("outcome")), last.get("detail")));
            return;
        }
        boolean promoted = entries.stream().anyMatch(e -> "promoted".equals(e.type()));
        boolean rollingBack = entries.stream().anyMatch(e -> "intent".equals(e.type()) && "rollback".equals(e.get("action")));
        if (!promoted && !rollingBack && state.failing == null) {
            redeployAfterResume.add(m.member.name()); // interrupted, not judged: resume returns it, then it is deployed again
        }
        deployments.put(m.member.name(), cutover.resume(m.deployment));
    }

    private void reattachRollback(GroupJournal.MemberRecord m) {
        String id = m.rollback;
        if (id.isEmpty()) {
            id = findDeployment(m, d -> "rollback".equals(d.get("strategy")), m.rollbackStartingAt);
        }
        if (id == null) {
            m.rollbackStarting = false; // it never started: start it again
            return;
        }
        if (m.rollback.isEmpty()) {
            journal("rollback-started", Map.of("member", m.member.name(), "deployment", id));
            m.rollback = id;
        }
        List<JournalEntry> entries = journal.read(id);
        JournalEntry last = entries.get(entries.size() - 1);
        if ("finished".equals(last.type())) {
            rollbacks.put(m.member.name(), new Finished(id, m.member.release(), DeploymentStatus.valueOf(last.get("outcome")),
                    last.get("detail")));
        } else {
            retryRollbackAfterResume.add(m.member.name());
            rollbacks.put(m.member.name(), cutover.resume(id));
        }
    }

    /** The deployment of {@code m}'s target, started at or after {@code since}, whose started entry matches. */
    private String findDeployment(GroupJournal.MemberRecord m, java.util.function.Predicate<JournalEntry> matches, Instant since) {
        String found = null;
        for (String id : journal.deployments()) {
            if (id.startsWith(ID_PREFIX)) {
                continue;
            }
            List<JournalEntry> entries;
            try {
                entries = journal.read(id);
            } catch (JournalException e) {
                continue;
            }
            JournalEntry first = entries.isEmpty() ? null : entries.get(0);
            if (first != null && m.member.release().key().equals(first.get("target")) && !first.at().isBefore(since)
                    && matches.test(first)) {
                found = id;
            }
        }
        return found;
    }

    // ---------------------------------------------------------------- the tick

    /** (Re)schedules the one pending tick: there is never more than one. */
    private synchronized void schedule(Duration delay) {
        if (nextTick != null) {
            nextTick.cancel();
        }
        nextTick = cutover.scheduler().schedule(delay, this::tick);
    }

    /** One look at the group; runs under the group's monitor, so decisions never interleave. */
    private synchronized void tick() {
        nextTick = null;
        if (status.isTerminal()) {
            return;
        }
        try {
            step();
        } catch (RuntimeException e) {
            LOG.error("release group {}: unexpected failure; the group stops and can be resumed", state.id, e);
            stop("unexpected failure: " + e);
        }
        if (!status.isTerminal()) {
            Duration next = POLL;
            if (status == GroupStatus.AWAITING_APPROVAL) {
                Duration left = Duration.between(now(), state.approvalAskedAt.plus(group.approvalTimeout()));
                next = left.compareTo(next) < 0 ? left : next;
            }
            schedule(next);
        }
    }

    private void step() {
        GroupStatus s = status();
        if (s == GroupStatus.AWAITING_APPROVAL) {
            Instant deadline = state.approvalAskedAt.plus(group.approvalTimeout());
            if (!now().isBefore(deadline)) {
                finish(GroupStatus.FAILED, "approval timed out after " + group.approvalTimeout() + "; nothing was deployed");
            }
            return;
        }
        if (!observeMembers()) {
            return;
        }
        String failure = failure();
        if (s == GroupStatus.RUNNING && failure == null) {
            startMembers();
            return;
        }
        if (s == GroupStatus.RUNNING) {
            fail(failure);
            if (running() > 0) {
                return; // wait for the members still rolling out (aborted with ROLLBACK_ALL)
            }
            if (group.onFailure() == OnFailure.ONLY_FAILED) {
                finish(GroupStatus.FAILED, failure + "; members promoted before it keep their new revision (ONLY_FAILED)");
                return;
            }
            journal("rolling-back", Map.of("reason", failure));
            state.rollingBack = true;
            synchronized (this) {
                status = GroupStatus.ROLLING_BACK;
            }
        }
        rollBackPromoted(failure == null ? reason() : failure);
    }

    /** Updates every running member from its deployment; false when the group stopped (a member stopped). */
    private boolean observeMembers() {
        for (GroupJournal.MemberRecord m : state.members.values()) {
            Deployment d = deployments.get(m.member.name());
            if (m.status != MemberStatus.RUNNING || d == null) {
                continue;
            }
            DeploymentStatus ds = d.status();
            String name = m.member.name();
            if (ds == DeploymentStatus.SUCCEEDED) {
                if (aborted.contains(name)) {
                    continue; // an abort in its rollback window returns it; wait for that
                }
                memberFinished(m, MemberStatus.SUCCEEDED, m.detail); // a member deployed again keeps saying why
            } else if (ds == DeploymentStatus.STOPPED) {
                stop("member " + name + " stopped (" + d.statusReason() + "); resume the group with "
                        + "ReleaseCoordinator.resume(\"" + state.id + "\")");
                return false;
            } else if (ds.isTerminal()) {
                if (redeployAfterResume.remove(name) && ds == DeploymentStatus.ROLLED_BACK && failure() == null) {
                    String why = "deployed again: its rollout " + d.id() + " was interrupted by a crash, and resume "
                            + "returned it to its previous revision";
                    journal("member-restarting", Map.of("member", name, "deployment", d.id(), "detail", why));
                    m.status = MemberStatus.PENDING;
                    m.deployment = "";
                    m.detail = why;
                    deployments.remove(name);
                } else if (aborted.contains(name)) {
                    memberFinished(m, MemberStatus.ROLLED_BACK, "aborted by the group while rolling out: " + d.statusReason());
                } else {
                    memberFinished(m, MemberStatus.FAILED, ds + ": " + d.statusReason());
                }
            }
        }
        return true;
    }

    /** Why the group fails, or null while it does not. */
    private String failure() {
        synchronized (this) {
            if (state.failing != null) {
                return state.failing;
            }
            if (abortRequested) {
                return "aborted by a person";
            }
        }
        for (GroupJournal.MemberRecord m : state.members.values()) {
            if (m.status == MemberStatus.FAILED) {
                return "member " + m.member.name() + " failed (" + m.detail + ")";
            }
        }
        return null;
    }

    /** Journals the failure once, skips every member not started, and aborts running ones under ROLLBACK_ALL. */
    private void fail(String failure) {
        if (state.failing == null) {
            journal("failing", Map.of("reason", failure));
            state.failing = failure;
            synchronized (this) {
                reason = failure;
            }
            LOG.warn("release group {}: {}; no further member starts", state.id, failure);
        }
        for (GroupJournal.MemberRecord m : state.members.values()) {
            if (m.status == MemberStatus.PENDING) {
                m.status = MemberStatus.SKIPPED;
                m.detail = "not started: " + failure;
                journal("member-skipped", Map.of("member", m.member.name(), "status", MemberStatus.SKIPPED.name(),
                        "detail", m.detail));
            }
            Deployment d = deployments.get(m.member.name());
            if (redeployAfterResume.contains(m.member.name())) {
                aborted.add(m.member.name()); // resume is returning it to its previous revision already
                continue;
            }
            if (group.onFailure() == OnFailure.ROLLBACK_ALL && m.status == MemberStatus.RUNNING && d != null
                    && aborted.add(m.member.name())) {
                try {
                    d.abort();
                } catch (IllegalStateException finishedMeanwhile) {
                    aborted.remove(m.member.name());
                }
            }
        }
    }

    /** Starts the members of the first unfinished wave, up to the concurrency limit; finishes the group after the last. */
    private void startMembers() {
        for (List<String> wave : group.waves()) {
            List<GroupJournal.MemberRecord> members = wave.stream().map(state.members::get).toList();
            if (members.stream().allMatch(m -> m.status == MemberStatus.SUCCEEDED || m.status == MemberStatus.UNCHANGED)) {
                continue;
            }
            for (GroupJournal.MemberRecord m : members) {
                if (m.status == MemberStatus.PENDING && running() < group.concurrency()) {
                    launch(m);
                    if (failure() != null) {
                        return;
                    }
                }
            }
            return;
        }
        finish(GroupStatus.SUCCEEDED, "");
    }

    private void launch(GroupJournal.MemberRecord m) {
        String name = m.member.name();
        Release release = m.member.release();
        Plan plan = m.deployment.isEmpty() && m.detail.isEmpty() ? plans.get(name) : null;
        try {
            if (plan == null) {
                plan = cutover.plan(release);
            }
            if (plan.isEmpty()) {
                memberFinished(m, MemberStatus.UNCHANGED, "");
                return;
            }
            journal("member-starting", Map.of("member", name, "plan", plan.id()));
            Deployment d;
            try {
                d = cutover.apply(plan);
            } catch (StalePlanException stale) {
                // an earlier member may have created what this one's plan would create (the cluster, the mesh)
                Plan fresh = cutover.plan(release);
                if (fresh.isEmpty()) {
                    memberFinished(m, MemberStatus.UNCHANGED, "");
                    return;
                }
                if (!within(fresh, plan)) {
                    throw stale;
                }
                journal("member-starting", Map.of("member", name, "plan", fresh.id()));
                d = cutover.apply(fresh);
            }
            journal("member-started", Map.of("member", name, "deployment", d.id()));
            m.deployment = d.id();
            m.status = MemberStatus.RUNNING;
            deployments.put(name, d);
            LOG.info("release group {}: member {} started as {}", state.id, name, d.id());
            if (group.requiresApproval() && release.environment().requiresApproval()) {
                d.approve(); // the group's one approval covers its members
            }
        } catch (CutoverException | IllegalArgumentException e) {
            if (e instanceof JournalException) {
                throw e;
            }
            memberFinished(m, MemberStatus.FAILED, "could not start: " + e.getMessage());
        }
    }

    /** Whether every change {@code fresh} would make was also in the reviewed {@code plan}. */
    private static boolean within(Plan fresh, Plan plan) {
        for (Change c : fresh.changes()) {
            if (!c.isNoOp() && plan.changes().stream().noneMatch(r -> r.id().equals(c.id()) && r.action() == c.action())) {
                return false;
            }
        }
        return true;
    }

    /** ROLLBACK_ALL: rolls back promoted members from history, latest wave first, up to the concurrency limit. */
    private void rollBackPromoted(String failure) {
        for (Map.Entry<String, Deployment> e : new ArrayList<>(rollbacks.entrySet())) {
            GroupJournal.MemberRecord m = state.members.get(e.getKey());
            DeploymentStatus ds = e.getValue().status();
            if (m.status != MemberStatus.SUCCEEDED || !ds.isTerminal()) {
                continue;
            }
            if (ds == DeploymentStatus.SUCCEEDED) {
                rolledBack(m, MemberStatus.ROLLED_BACK, "rolled back from history (" + e.getValue().id() + ") because " + failure);
            } else if (ds == DeploymentStatus.ROLLED_BACK && retryRollbackAfterResume.remove(e.getKey())) {
                // resume undid the interrupted rollback itself (traffic stayed on the member's new revision): once more
                journal("rollback-restarting", Map.of("member", e.getKey(), "deployment", e.getValue().id()));
                m.rollbackStarting = false;
                m.rollback = "";
                rollbacks.remove(e.getKey());
            } else if (ds == DeploymentStatus.STOPPED) {
                stop("the rollback of member " + m.member.name() + " stopped (" + e.getValue().statusReason() + ")");
                return;
            } else {
                rolledBack(m, MemberStatus.ROLLBACK_FAILED, "its rollback " + e.getValue().id() + " ended " + ds + ": "
                        + e.getValue().statusReason());
            }
        }
        List<List<String>> waves = group.waves();
        for (int w = waves.size() - 1; w >= 0; w--) {
            List<String> latestFirst = new ArrayList<>(waves.get(w));
            java.util.Collections.reverse(latestFirst);
            List<GroupJournal.MemberRecord> promoted = latestFirst.stream().map(state.members::get)
                    .filter(m -> m.status == MemberStatus.SUCCEEDED).toList();
            if (promoted.isEmpty()) {
                continue;
            }
            for (GroupJournal.MemberRecord m : promoted) {
                if (!m.rollbackStarting && rollingBackNow() < group.concurrency()) {
                    rollBack(m, failure);
                }
            }
            return;
        }
        boolean complete = state.members.values().stream().noneMatch(m -> m.status == MemberStatus.ROLLBACK_FAILED);
        finish(complete ? GroupStatus.ROLLED_BACK : GroupStatus.FAILED, failure + (complete
                ? "; every member this release promoted was rolled back"
                : "; some promoted members could not be rolled back: " + state.members.values().stream()
                        .filter(m -> m.status == MemberStatus.ROLLBACK_FAILED).map(m -> m.member.name()).toList()));
    }

    private void rollBack(GroupJournal.MemberRecord m, String failure) {
        Release r = m.member.release();
        String service = r.service().name();
        String environment = r.environment().name();
        List<HistoryEntry> history = cutover.history(service, environment);
        HistoryEntry mine = history.stream().filter(h -> h.deploymentId().equals(m.deployment)).findFirst().orElse(null);
        HistoryEntry lastRevision = history.stream().filter(h -> "SUCCEEDED".equals(h.outcome()) && !h.revision().isEmpty()
                && !h.previous().isEmpty() && !h.revision().equals(h.previous())).reduce((a, b) -> b).orElse(null);
        String refused = null;
        if (mine == null || mine.revision().isEmpty() || mine.revision().equals(mine.previous())) {
            refused = "its deployment started no new revision (configuration or task count only), so history has no "
                    + "revision of this release to undo; plan its previous release again";
        } else if (mine.previous().isEmpty()) {
            refused = "it was the service's first revision: there is no previous revision to return to";
        } else if (lastRevision == null || !lastRevision.deploymentId().equals(m.deployment)) {
            refused = "the service was deployed again since (" + (lastRevision == null ? "?" : lastRevision.deploymentId())
                    + "); rolling back from history would undo that deployment instead";
        }
        if (refused != null) {
            rolledBack(m, MemberStatus.ROLLBACK_FAILED, refused);
            return;
        }
        journal("rollback-starting", Map.of("member", m.member.name()));
        m.rollbackStarting = true;
        try {
            Deployment d = cutover.rollback(service, environment);
            journal("rollback-started", Map.of("member", m.member.name(), "deployment", d.id()));
            m.rollback = d.id();
            rollbacks.put(m.member.name(), d);
            LOG.info("release group {}: rolling back member {} ({}) because {}", state.id, m.member.name(), d.id(), failure);
        } catch (CutoverException | IllegalStateException | IllegalArgumentException e) {
            if (e instanceof JournalException) {
                throw e;
            }
            rolledBack(m, MemberStatus.ROLLBACK_FAILED, "could not roll back: " + e.getMessage());
        }
    }

    private int running() {
        return (int) state.members.values().stream().filter(m -> m.status == MemberStatus.RUNNING).count();
    }

    private int rollingBackNow() {
        return (int) state.members.values().stream()
                .filter(m -> m.status == MemberStatus.SUCCEEDED && m.rollbackStarting).count();
    }

    // ---------------------------------------------------------------- recording

    private void memberFinished(GroupJournal.MemberRecord m, MemberStatus s, String detail) {
        journal("member-finished", Map.of("member", m.member.name(), "status", s.name(), "deployment", m.deployment,
                "detail", detail));
        m.status = s;
        m.detail = detail;
        LOG.info("release group {}: member {} {}{}", state.id, m.member.name(), s, detail.isEmpty() ? "" : " (" + detail + ")");
    }

    private void rolledBack(GroupJournal.MemberRecord m, MemberStatus s, String detail) {
        journal("member-rolled-back", Map.of("member", m.member.name(), "status", s.name(), "deployment", m.rollback,
                "detail", detail));
        m.status = s;
        m.detail = detail;
    }

    private void askApproval() {
        journal("approval-requested", Map.of("timeout", group.approvalTimeout().toString()));
        state.approvalAskedAt = now();
        synchronized (this) {
            status = GroupStatus.AWAITING_APPROVAL;
            reason = approvalReason();
        }
    }

    private String approvalReason() {
        return "the release group " + group.name() + " waits for its approval (approve() within " + group.approvalTimeout() + ")";
    }

    private void finish(GroupStatus outcome, String detail) {
        journal("finished", Map.of("outcome", outcome.name(), "detail", detail));
        state.outcome = outcome.name();
        synchronized (this) {
            status = outcome;
            reason = detail;
        }
        LOG.info("release group {} {}{}", state.id, outcome, detail.isEmpty() ? "" : ": " + detail);
        done.countDown();
    }

    private void stop(String why) {
        try {
            journal("stopped", Map.of("reason", why));
        } finally {
            synchronized (this) {
                status = GroupStatus.STOPPED;
                reason = why;
            }
            done.countDown();
        }
    }

    private synchronized void journal(String type, Map<String, String> data) {
        state.lastSequence++;
        journal.append(new JournalEntry(state.id, state.lastSequence, now(), type, data));
    }

    private Instant now() {
        return cutover.scheduler().clock().instant();
    }

    // ---------------------------------------------------------------- the handle

    @Override
    public String id() {
        return state.id;
    }

    @Override
    public ReleaseGroup group() {
        return group;
    }

    @Override
    public synchronized GroupStatus status() {
        return status;
    }

    @Override
    public synchronized String statusReason() {
        return reason;
    }

    private synchronized String reason() {
        return reason;
    }

    @Override
    public synchronized List<MemberState> members() {
        List<MemberState> out = new ArrayList<>();
        for (ReleaseGroup.Member m : group.members()) {
            out.add(state.members.get(m.name()).state());
        }
        return out;
    }

    @Override
    public synchronized MemberState member(String name) {
        GroupJournal.MemberRecord m = state.members.get(java.util.Objects.requireNonNull(name, "name"));
        if (m == null) {
            throw new IllegalArgumentException("group " + group.name() + " has no member '" + name + "'; members: "
                    + state.members.keySet());
        }
        return m.state();
    }

    @Override
    public GroupStatus await() {
        if (cutover.scheduler() instanceof VirtualScheduler v) {
            v.runUntil(() -> status().isTerminal() || waitsForPerson() != null);
            if (!status().isTerminal()) {
                throw new IllegalStateException("release group " + state.id + " waits for a person: " + waitsForPerson());
            }
            return status();
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CutoverException("interrupted while waiting for release group " + state.id, e);
        }
        return status();
    }

    @Override
    public GroupStatus await(Duration timeout) {
        java.util.Objects.requireNonNull(timeout, "timeout");
        if (cutover.scheduler() instanceof VirtualScheduler v) {
            Instant end = now().plus(timeout);
            v.runUntil(() -> status().isTerminal() || waitsForPerson() != null || !now().isBefore(end));
            return status();
        }
        try {
            done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return status();
    }

    /** What a person must do before the group can move on, or null. */
    private String waitsForPerson() {
        if (status() == GroupStatus.AWAITING_APPROVAL) {
            return statusReason() + "; call approve()";
        }
        for (Map.Entry<String, Deployment> e : new ArrayList<>(deployments.entrySet())) {
            Deployment d = e.getValue();
            DeploymentStatus ds = d.status();
            if (ds == DeploymentStatus.AWAITING_APPROVAL || ds == DeploymentStatus.PAUSED && d.statusReason().startsWith("paused by a person")) {
                return "member " + e.getKey() + " (" + d.id() + ") is " + ds + ": " + d.statusReason();
            }
        }
        return null;
    }

    @Override
    public void approve() {
        synchronized (this) {
            if (status != GroupStatus.AWAITING_APPROVAL) {
                return;
            }
            status = GroupStatus.RUNNING;
            reason = "";
        }
        journal("approved", Map.of());
        state.approved = true;
        LOG.info("release group {} approved", state.id);
        schedule(Duration.ZERO);
    }

    @Override
    public void abort() {
        synchronized (this) {
            if (status.isTerminal()) {
                throw new IllegalStateException("release group " + state.id + " already finished: " + status
                        + (reason.isEmpty() ? "" : " (" + reason + ")"));
            }
            abortRequested = true;
            if (status == GroupStatus.AWAITING_APPROVAL) {
                status = GroupStatus.RUNNING;
            }
        }
        schedule(Duration.ZERO);
    }

    @Override
    public String toString() {
        return "GroupDeployment " + state.id + " of " + group.name() + ": " + status() + (reason().isEmpty() ? "" : " (" + reason() + ")")
                + ", members " + members();
    }

    /** A member deployment that had already finished when the group was resumed. */
    private record Finished(String id, Release release, DeploymentStatus status, String statusReason) implements Deployment {
        @Override
        public Map<String, Integer> weights() {
            return Map.of();
        }

        @Override
        public List<dev.cutover.event.DeploymentEvent> events() {
            return List.of();
        }

        @Override
        public DeploymentStatus await() {
            return status;
        }

        @Override
        public DeploymentStatus await(Duration timeout) {
            return status;
        }

        @Override
        public DeploymentStatus awaitRetirement() {
            return status;
        }

        @Override
        public DeploymentStatus awaitRetirement(Duration timeout) {
            return status;
        }

        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }

        @Override
        public void promote() {
        }

        @Override
        public void approve() {
        }

        @Override
        public void abort() {
            throw new IllegalStateException("deployment " + id + " already finished: " + status);
        }

        @Override
        public void rollback() {
            throw new IllegalStateException("deployment " + id + " already finished: " + status);
        }
    }
}

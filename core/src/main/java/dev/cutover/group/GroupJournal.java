package dev.cutover.group;

import dev.cutover.Release;
import dev.cutover.internal.ReleaseCodec;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.JournalException;
import dev.cutover.journal.JournalStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The group's journal, read back: the group as it was started and, per member, what was last
 * recorded. One reading serves {@link ReleaseCoordinator#history(String)} and resume.
 */
final class GroupJournal {

    /** What the journal last says about one member. */
    static final class MemberRecord {
        final ReleaseGroup.Member member;
        final int wave;
        MemberStatus status = MemberStatus.PENDING;
        String deployment = "";
        String rollback = "";
        String detail = "";
        /** The plan id journaled before the member's apply (a crash may come before 'member-started'). */
        String startingPlan = "";
        Instant startingAt;
        /** A rollback from history was asked for (a crash may come before 'rollback-started'). */
        boolean rollbackStarting;
        Instant rollbackStartingAt;

        MemberRecord(ReleaseGroup.Member member, int wave) {
            this.member = member;
            this.wave = wave;
        }

        MemberState state() {
            return new MemberState(member.name(), member.release().key(), wave + 1, status, deployment, rollback, detail);
        }
    }

    final String id;
    final ReleaseGroup group;
    final Instant startedAt;
    final Map<String, MemberRecord> members = new LinkedHashMap<>();
    boolean approved;
    Instant approvalAskedAt;
    /** Why the group stopped starting members (a member failed, or an abort); null while all goes well. */
    String failing;
    boolean rollingBack;
    String outcome;
    String outcomeDetail = "";
    Instant finishedAt;
    long lastSequence;

    private GroupJournal(String id, ReleaseGroup group, Instant startedAt) {
        this.id = id;
        this.group = group;
        this.startedAt = startedAt;
        List<List<String>> waves = group.waves();
        for (int w = 0; w < waves.size(); w++) {
            for (String name : waves.get(w)) {
                members.put(name, new MemberRecord(group.member(name).orElseThrow(), w));
            }
        }
    }

    /** The started entry's details: everything needed to rebuild the group in another process. */
    static Map<String, String> startedEntry(ReleaseGroup group, String planId) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("group", group.name());
        m.put("plan", planId);
        m.put("members", String.join(",", group.members().stream().map(ReleaseGroup.Member::name).toList()));
        m.put("waves", String.join("|", group.waves().stream().map(w -> String.join(",", w)).toList()));
        m.put("concurrency", String.valueOf(group.concurrency()));
        m.put("approval", group.requiresApproval() ? "required" : "none");
        m.put("approvalTimeout", group.approvalTimeout().toString());
        m.put("onFailure", group.onFailure().name());
        for (ReleaseGroup.Member member : group.members()) {
            m.put("member." + member.name() + ".after", String.join(",", member.after()));
            m.put("member." + member.name() + ".release", ReleaseCodec.encode(member.release()));
        }
        return m;
    }

    static List<JournalEntry> read(JournalStore store, String id) {
        List<JournalEntry> entries = store.read(id);
        if (entries.isEmpty() || !GroupRun.STARTED.equals(entries.get(0).type())) {
            throw new JournalException("journal " + id + " is not a release group's (it does not begin with '"
                    + GroupRun.STARTED + "'); resume a single deployment with cutover.resume(id)");
        }
        return entries;
    }

    static GroupJournal replay(List<JournalEntry> entries) {
        JournalEntry first = entries.get(0);
        GroupJournal j = new GroupJournal(first.deploymentId(), group(first), first.at());
        for (JournalEntry e : entries) {
            j.lastSequence = e.sequence();
            MemberRecord m = e.get("member") == null ? null : j.members.get(e.get("member"));
            switch (e.type()) {
                case "approval-requested" -> j.approvalAskedAt = e.at();
                case "approved" -> j.approved = true;
                case "member-starting" -> {
                    m.startingPlan = e.get("plan");
                    m.startingAt = e.at();
                }
                case "member-started" -> {
                    m.deployment = e.get("deployment");
                    m.status = MemberStatus.RUNNING;
                }
                case "member-finished", "member-skipped", "member-rolled-back" -> {
                    m.status = MemberStatus.valueOf(e.get("status"));
                    m.detail = e.get("detail") == null ? "" : e.get("detail");
                }
                case "member-restarting" -> {
                    m.status = MemberStatus.PENDING;
                    m.deployment = "";
                    m.startingPlan = "";
                    m.detail = e.get("detail") == null ? "" : e.get("detail");
                }
                case "rollback-starting" -> {
                    m.rollbackStarting = true;
                    m.rollbackStartingAt = e.at();
                }
                case "rollback-started" -> m.rollback = e.get("deployment");
                case "rollback-restarting" -> {
                    m.rollbackStarting = false;
                    m.rollback = "";
                }
                case "failing" -> j.failing = e.get("reason");
                case "rolling-back" -> j.rollingBack = true;
                case "finished" -> {
                    j.outcome = e.get("outcome");
                    j.outcomeDetail = e.get("detail") == null ? "" : e.get("detail");
                    j.finishedAt = e.at();
                }
                default -> {
                    // group-started, stopped, resumed: nothing to replay
                }
            }
        }
        return j;
    }

    private static ReleaseGroup group(JournalEntry started) {
        ReleaseGroup.Builder b = ReleaseGroup.named(started.get("group"));
        for (String name : started.get("members").split(",")) {
            String after = started.get("member." + name + ".after");
            Release release;
            try {
                release = ReleaseCodec.decode(started.get("member." + name + ".release"));
            } catch (RuntimeException e) {
                throw new JournalException("the release of member '" + name + "' journaled by group " + started.deploymentId()
                        + " cannot be read: " + e.getMessage());
            }
            b.member(release, ReleaseGroup.after(after == null || after.isEmpty() ? new String[0] : after.split(",")));
        }
        b.concurrency(Integer.parseInt(started.get("concurrency")));
        if ("required".equals(started.get("approval"))) {
            b.requireApproval(Duration.parse(started.get("approvalTimeout")));
        }
        b.onFailure(OnFailure.valueOf(started.get("onFailure")));
        return b.build();
    }

    GroupHistoryEntry history() {
        List<MemberState> states = new ArrayList<>();
        for (ReleaseGroup.Member m : group.members()) {
            states.add(members.get(m.name()).state());
        }
        return new GroupHistoryEntry(id, group.name(), startedAt, finishedAt, outcome == null ? "RUNNING" : outcome,
                outcome == null ? (failing == null ? "" : failing) : outcomeDetail, states);
    }

    @Override
    public String toString() {
        return "GroupJournal[" + id + ", members=" + Arrays.toString(members.values().stream().map(MemberRecord::state).toArray()) + "]";
    }
}

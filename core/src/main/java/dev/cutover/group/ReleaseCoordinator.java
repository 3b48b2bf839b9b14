package dev.cutover.group;

import dev.cutover.Cutover;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.JournalException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans, applies, resumes and lists {@link ReleaseGroup}s over one {@link Cutover}: each member is
 * an ordinary deployment of that Cutover (its own plan, lock, rollout and journal), and the group's
 * own journal, in the same journal store, records the group — who started when, who succeeded,
 * failed, was skipped or rolled back, and the outcome.
 *
 * <pre>{@code
 * ReleaseCoordinator coordinator = ReleaseCoordinator.of(cutover);
 * GroupPlan plan = coordinator.plan(checkout);     // waves, each member's plan inside
 * GroupDeployment d = coordinator.apply(plan);
 * d.approve();                                     // once, for the whole group
 * d.await();                                       // SUCCEEDED, ROLLED_BACK, FAILED or STOPPED
 * coordinator.history("checkout");                 // every run of the group, members and outcome
 * coordinator.resume(d.id());                      // in a new process, after a crash (durable journal)
 * }</pre>
 *
 * <p>Scheduling runs on the Cutover's {@link dev.cutover.time.Scheduler}, so a group follows
 * virtual time in tests.
 */
public final class ReleaseCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseCoordinator.class);

    private final Cutover cutover;
    private final String instanceId = UUID.randomUUID().toString();

    private ReleaseCoordinator(Cutover cutover) {
        this.cutover = cutover;
    }

    /** A coordinator deploying through {@code cutover}. */
    public static ReleaseCoordinator of(Cutover cutover) {
        return new ReleaseCoordinator(Objects.requireNonNull(cutover, "cutover"));
    }

    /**
     * Plans every member at once (batched reads, as {@link Cutover#plan(java.util.Collection)}); nothing
     * changes. Policies and capabilities of every member are checked before any member is applied.
     */
    public GroupPlan plan(ReleaseGroup group) {
        Objects.requireNonNull(group, "group");
        List<Release> releases = group.members().stream().map(ReleaseGroup.Member::release).toList();
        List<Plan> plans = cutover.plan(releases);
        Map<String, Plan> byMember = new LinkedHashMap<>();
        for (int i = 0; i < plans.size(); i++) {
            byMember.put(group.members().get(i).name(), plans.get(i));
        }
        return new GroupPlan(UUID.randomUUID().toString(), instanceId, group, byMember, cutover.scheduler().clock().instant());
    }

    /**
     * Starts the group: journals it, waits for its approval if it requires one, then runs the waves
     * in the background on the Cutover's scheduler, each member applied from its plan.
     *
     * @throws IllegalArgumentException when the plan was made by another coordinator
     */
    public GroupDeployment apply(GroupPlan plan) {
        Objects.requireNonNull(plan, "plan");
        if (!instanceId.equals(plan.owner())) {
            throw new IllegalArgumentException("group plan " + plan.id() + " was made by another ReleaseCoordinator; "
                    + "plan again with this one");
        }
        String id = newId(plan.group().name());
        GroupRun run = GroupRun.start(cutover, id, plan);
        LOG.info("release group {} started as {}: waves {}", plan.group().name(), id, plan.waves());
        return run;
    }

    /**
     * Continues a group whose process died, from its journal (make it durable with a
     * {@link dev.cutover.journal.FileJournalStore}): members that succeeded are not deployed again,
     * members not started yet still start, a member interrupted in the middle of its rollout is
     * resumed ({@link Cutover#resume(String)} returns it to its previous revision) and then deployed
     * again, and a rollback of the group under way is finished.
     *
     * @throws JournalException when the group is unknown or its journal is not a group's
     * @throws IllegalStateException when the group already finished
     */
    public GroupDeployment resume(String groupId) {
        Objects.requireNonNull(groupId, "groupId");
        return GroupRun.resume(cutover, groupId);
    }

    /** Every run of the group named {@code group} in the journal, oldest first. */
    public List<GroupHistoryEntry> history(String group) {
        Objects.requireNonNull(group, "group");
        List<GroupHistoryEntry> out = new ArrayList<>();
        for (String id : cutover.journalStore().deployments()) {
            if (!id.startsWith(GroupRun.ID_PREFIX)) {
                continue;
            }
            List<JournalEntry> entries;
            try {
                entries = cutover.journalStore().read(id);
            } catch (JournalException e) {
                LOG.warn("skipping unreadable group journal {}: {}", id, e.getMessage());
                continue;
            }
            if (!entries.isEmpty() && GroupRun.STARTED.equals(entries.get(0).type()) && group.equals(entries.get(0).get("group"))) {
                out.add(GroupJournal.replay(entries).history());
            }
        }
        out.sort(java.util.Comparator.comparing(GroupHistoryEntry::startedAt));
        return out;
    }

    /** The run {@code groupId} as its journal recorded it, if the journal store knows it. */
    public Optional<GroupHistoryEntry> describe(String groupId) {
        Objects.requireNonNull(groupId, "groupId");
        if (!cutover.journalStore().deployments().contains(groupId)) {
            return Optional.empty();
        }
        return Optional.of(GroupJournal.replay(GroupJournal.read(cutover.journalStore(), groupId)).history());
    }

    private String newId(String group) {
        String stamp = cutover.scheduler().clock().instant().toString().replaceAll("[^0-9]", "").substring(0, 14);
        return GroupRun.ID_PREFIX + group + "-" + stamp + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public String toString() {
        return "ReleaseCoordinator[" + cutover + "]";
    }
}

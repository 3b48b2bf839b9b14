package dev.cutover.group;

import dev.cutover.Plan;
import dev.cutover.internal.Json;
import dev.cutover.internal.PlanRenderer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What applying a {@link ReleaseGroup} would do: its waves, and inside each wave every member's own
 * {@link Plan}. Immutable; {@link #toString()} renders the readable form (each member's diff
 * indented under its wave), {@link #toJson()} a stable JSON form whose members hold their plans'
 * own JSON.
 *
 * <pre>{@code
 * GroupPlan plan = coordinator.plan(checkout);
 * String text = plan.toString();     // Release group checkout: 3 members in 2 waves ...
 * GroupDeployment d = coordinator.apply(plan);
 * }</pre>
 */
public final class GroupPlan {

    /** The version of the JSON form; bumped on any incompatible change. */
    public static final int FORMAT_VERSION = 1;

    private final String id;
    private final String owner;
    private final ReleaseGroup group;
    private final Map<String, Plan> plans;
    private final Instant createdAt;

    GroupPlan(String id, String owner, ReleaseGroup group, Map<String, Plan> plans, Instant createdAt) {
        this.id = Objects.requireNonNull(id, "id");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.group = Objects.requireNonNull(group, "group");
        this.plans = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(plans));
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A unique id for this group plan. */
    public String id() {
        return id;
    }

    public ReleaseGroup group() {
        return group;
    }

    /** The members by wave, as {@link ReleaseGroup#waves()}. */
    public List<List<String>> waves() {
        return group.waves();
    }

    /** Every member's plan by member name, in the order the members were added. */
    public Map<String, Plan> plans() {
        return plans;
    }

    /** The plan of the member named {@code member}. */
    public java.util.Optional<Plan> plan(String member) {
        return java.util.Optional.ofNullable(plans.get(Objects.requireNonNull(member, "member")));
    }

    /** Whether no member would change anything. */
    public boolean isEmpty() {
        return plans.values().stream().allMatch(Plan::isEmpty);
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The id of the coordinator that made the plan. */
    String owner() {
        return owner;
    }

    /** The readable form: a header, then each wave with its members' plans indented below it. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        List<List<String>> waves = waves();
        sb.append("Release group ").append(group.name()).append(": ").append(count(plans.size(), "member")).append(" in ")
                .append(count(waves.size(), "wave")).append(", at most ").append(group.concurrency()).append(" at once")
                .append('\n');
        sb.append("Approval: ").append(group.requiresApproval()
                ? "once for the group before the first member starts (times out after "
                        + PlanRenderer.duration(group.approvalTimeout()) + ")" : "none for the group").append('\n');
        sb.append("On failure: ").append(group.onFailure() == OnFailure.ROLLBACK_ALL
                ? "stop, and roll back every member this release promoted (ROLLBACK_ALL)"
                : "stop; only the failed member rolls back (ONLY_FAILED)").append('\n');
        for (int w = 0; w < waves.size(); w++) {
            sb.append("\n== Wave ").append(w + 1).append(" of ").append(waves.size()).append(": ")
                    .append(String.join(", ", waves.get(w))).append('\n');
            for (String name : waves.get(w)) {
                ReleaseGroup.Member m = group.member(name).orElseThrow();
                Plan p = plans.get(name);
                sb.append("\n-- ").append(name).append(" (").append(m.release().key()).append(')');
                if (!m.after().isEmpty()) {
                    sb.append(" after ").append(String.join(", ", m.after()));
                }
                if (p.isEmpty()) {
                    sb.append(": unchanged, not deployed");
                }
                sb.append('\n');
                p.toString().lines().forEach(line -> sb.append(line.isEmpty() ? "" : "   ").append(line).append('\n'));
            }
        }
        long changing = plans.values().stream().filter(p -> !p.isEmpty()).count();
        sb.append("\nGroup plan: ").append(changing).append(" of ").append(count(plans.size(), "member"))
                .append(" to change, ").append(plans.size() - changing).append(" unchanged.\n");
        return sb.toString();
    }

    /**
     * The stable JSON form: the group's settings, its waves, and each member with its dependencies
     * and its plan in the form {@link Plan#toJson()} writes.
     */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("group", group.name());
        root.put("concurrency", group.concurrency());
        Map<String, Object> approval = new LinkedHashMap<>();
        approval.put("required", group.requiresApproval());
        approval.put("timeoutSeconds", group.approvalTimeout().toSeconds());
        root.put("approval", approval);
        root.put("onFailure", group.onFailure().name());
        root.put("waves", waves());
        List<Object> members = new ArrayList<>();
        for (ReleaseGroup.Member m : group.members()) {
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("name", m.name());
            mm.put("target", m.release().key());
            mm.put("after", m.after());
            mm.put("wave", waveOf(m.name()) + 1);
            mm.put("changes", !plans.get(m.name()).isEmpty());
            mm.put("plan", Json.parse(plans.get(m.name()).toJson()));
            members.add(mm);
        }
        root.put("members", members);
        return Json.pretty(root);
    }

    private int waveOf(String member) {
        List<List<String>> waves = waves();
        for (int i = 0; i < waves.size(); i++) {
            if (waves.get(i).contains(member)) {
                return i;
            }
        }
        throw new IllegalStateException(member);
    }

    private static String count(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}

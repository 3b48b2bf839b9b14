package dev.cutover;

import dev.cutover.internal.PlanRenderer;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What applying a release would change, like {@code terraform plan}: the ordered changes, each
 * with attribute-level before/after and a reason. Immutable; {@link #toString()} renders the
 * readable diff, {@link #toJson()} a stable JSON form for tools.
 *
 * <pre>{@code
 * Plan plan = cutover.plan(release);
 * String diff = plan.toString();     // + cluster stage/main ... Plan: 5 to create, ...
 * if (!plan.isEmpty()) cutover.apply(plan).await();
 * }</pre>
 *
 * <p>A plan belongs to the {@link Cutover} that made it and to the state it observed: applying it
 * elsewhere, or after the world changed, fails instead of applying blindly.
 */
public final class Plan {

    private final String id;
    private final String owner;
    private final Release release;
    private final List<Change> changes;
    private final String observedFingerprint;
    private final Instant createdAt;
    private final String permissions;

    /** For the core's planner; users get plans from {@link Cutover#plan(Release)}. */
    Plan(String id, String owner, Release release, List<Change> changes, String observedFingerprint, Instant createdAt,
            String permissions) {
        this.id = Objects.requireNonNull(id, "id");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.release = Objects.requireNonNull(release, "release");
        this.changes = List.copyOf(changes);
        this.observedFingerprint = Objects.requireNonNull(observedFingerprint, "observedFingerprint");
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.permissions = Objects.requireNonNull(permissions, "permissions");
    }

    /** A unique id for this plan. */
    public String id() {
        return id;
    }

    public Release release() {
        return release;
    }

    /** Every change in the order it will be applied, including no-ops. */
    public List<Change> changes() {
        return changes;
    }

    /** Whether nothing would change. */
    public boolean isEmpty() {
        return changes.stream().allMatch(Change::isNoOp);
    }

    /** Whether the plan replaces the serving revision, i.e. runs a rollout with the release's strategy. */
    public boolean isRollout() {
        return changes.stream().anyMatch(c -> c.id().type() == dev.cutover.spi.ResourceType.REVISION
                && (c.action() == Change.Action.REPLACE || c.action() == Change.Action.CREATE));
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The least-privilege IAM policy (JSON) that applying exactly this plan needs. */
    public String requiredPermissions() {
        return permissions;
    }

    /** The id of the {@link Cutover} instance that made the plan. */
    String owner() {
        return owner;
    }

    /** A digest of the state observed when planning; apply compares it with the state it sees. */
    String observedFingerprint() {
        return observedFingerprint;
    }

    /** Counts of changes by action. */
    public long count(Change.Action action) {
        return changes.stream().filter(c -> c.action() == action).count();
    }

    /** The stable JSON form: release, changes with attribute before/after (secrets as "(secret)"). */
    public String toJson() {
        return PlanRenderer.json(this);
    }

    /** The readable diff, like {@code terraform plan}. */
    @Override
    public String toString() {
        return PlanRenderer.text(this);
    }
}

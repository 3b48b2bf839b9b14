package dev.cutover;

import java.util.List;
import java.util.Objects;

/**
 * What {@link Cutover#rollback(String, String)} would do, computed without changing anything by
 * {@link Cutover#previewRollback(String, String)}: the release it restores, the revision traffic
 * moves from and to, the other changes it applies, and the IAM policy the rollback needs.
 *
 * <pre>{@code
 * RollbackPreview preview = cutover.previewRollback("orders", "prod");
 * log.info("policy: {}", preview.requiredPermissions()); // the rollback's own least-privilege policy
 * cutover.rollback("orders", "prod").await();
 * }</pre>
 */
public final class RollbackPreview {

    private final Release release;
    private final String from;
    private final String to;
    private final List<Change> changes;
    private final String permissions;

    RollbackPreview(Release release, String from, String to, List<Change> changes, String permissions) {
        this.release = Objects.requireNonNull(release, "release");
        this.from = Objects.requireNonNull(from, "from");
        this.to = Objects.requireNonNull(to, "to");
        this.changes = List.copyOf(changes);
        this.permissions = Objects.requireNonNull(permissions, "permissions");
    }

    /** The release the rollback re-applies, exactly as the journal recorded it. */
    public Release release() {
        return release;
    }

    /** The revision serving now, which the rollback moves traffic away from. */
    public String fromRevision() {
        return from;
    }

    /** The revision the rollback restores. */
    public String toRevision() {
        return to;
    }

    /** The changes besides the revision and its traffic (task count, scaling, discovery), as a plan shows them. */
    public List<Change> changes() {
        return changes;
    }

    /** The least-privilege IAM policy (JSON) the rollback needs: a rollback applies no plan, so no plan's policy covers it. */
    public String requiredPermissions() {
        return permissions;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Rollback of ").append(release.key()).append(": ").append(from).append(" -> ")
                .append(to).append(" (").append(release.service().image()).append(")");
        changes.stream().filter(c -> !c.isNoOp()).forEach(c -> sb.append("\n  ").append(c));
        return sb.toString();
    }
}

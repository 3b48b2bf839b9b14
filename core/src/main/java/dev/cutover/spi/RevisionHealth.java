package dev.cutover.spi;

/**
 * How a revision's tasks are doing.
 *
 * @param desired          tasks wanted
 * @param running          tasks running
 * @param healthy          running tasks whose health check passes
 * @param failed           tasks that stopped unexpectedly or failed their health check since the revision started
 * @param lastFailureReason the last failure's reason (e.g. the stopped reason), or an empty string
 */
public record RevisionHealth(int desired, int running, int healthy, int failed, String lastFailureReason) {

    public RevisionHealth {
        java.util.Objects.requireNonNull(lastFailureReason, "lastFailureReason");
    }

    /** All desired tasks run and are healthy. */
    public boolean isConverged() {
        return desired > 0 && healthy >= desired && running >= desired;
    }

    @Override
    public String toString() {
        return healthy + "/" + desired + " healthy, " + running + " running, " + failed + " failed"
                + (lastFailureReason.isEmpty() ? "" : " (" + lastFailureReason + ")");
    }
}

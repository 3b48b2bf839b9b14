package dev.cutover.group;

/** Where a release group stands. */
public enum GroupStatus {
    /** Waiting for {@link GroupDeployment#approve()} before the first member starts. */
    AWAITING_APPROVAL(false),
    /** Members are rolling out, wave by wave. */
    RUNNING(false),
    /** A member failed; members this release promoted are being rolled back ({@link OnFailure#ROLLBACK_ALL}). */
    ROLLING_BACK(false),
    /** Every member succeeded (or had nothing to change). */
    SUCCEEDED(true),
    /**
     * A member failed and every member this release promoted is back on the revision it served
     * before ({@link OnFailure#ROLLBACK_ALL}): the group ends where it started.
     */
    ROLLED_BACK(true),
    /**
     * The group did not end as one: a member failed under {@link OnFailure#ONLY_FAILED} (promoted
     * members keep their new revision), a rollback from history could not be done, or the approval
     * timed out (then nothing was deployed). {@link GroupDeployment#statusReason()} says which.
     */
    FAILED(true),
    /**
     * This process stopped acting on the group (a member's process stopped, or it shut down);
     * {@link ReleaseCoordinator#resume(String)} continues it from the journal.
     */
    STOPPED(true);

    private final boolean terminal;

    GroupStatus(boolean terminal) {
        this.terminal = terminal;
    }

    /** Whether the group has ended. */
    public boolean isTerminal() {
        return terminal;
    }
}

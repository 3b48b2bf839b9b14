package dev.cutover.group;

/** Where one member of a release group stands. */
public enum MemberStatus {
    /** Not started yet (its wave has not come, or the concurrency limit holds it). */
    PENDING,
    /** Its deployment is rolling out. */
    RUNNING,
    /** Its plan had nothing to change, so it was not deployed (and is never rolled back). */
    UNCHANGED,
    /** Its new revision serves all traffic. */
    SUCCEEDED,
    /** Its deployment rolled back, failed or was aborted: this member failed the group. */
    FAILED,
    /** It had succeeded, and the group rolled it back from history ({@link OnFailure#ROLLBACK_ALL}). */
    ROLLED_BACK,
    /** It had succeeded and the group should have rolled it back, but could not (the detail says why). */
    ROLLBACK_FAILED,
    /** Never started: an earlier member failed. */
    SKIPPED
}

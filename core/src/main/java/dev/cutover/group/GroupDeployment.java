package dev.cutover.group;

import java.time.Duration;
import java.util.List;

/**
 * The handle {@link ReleaseCoordinator#apply(GroupPlan)} returns: the group's status, its members,
 * and the group's controls. Thread-safe.
 *
 * <pre>{@code
 * GroupDeployment d = coordinator.apply(plan);
 * d.approve();                         // the one approval of the group (if it requires one)
 * GroupStatus s = d.await();           // SUCCEEDED, ROLLED_BACK, FAILED or STOPPED
 * d.members();                         // [payments (stage/payments, wave 1): SUCCEEDED, ...]
 * }</pre>
 */
public interface GroupDeployment {

    /** The group deployment's id (also its journal's name). */
    String id();

    ReleaseGroup group();

    GroupStatus status();

    /** Why the group is waiting, failed or rolled back; empty otherwise. */
    String statusReason();

    /** Every member in the order they were added. */
    List<MemberState> members();

    /** The member named {@code name}. */
    MemberState member(String name);

    /**
     * Waits until the group has an outcome. On a virtual scheduler this runs the queued work on the
     * calling thread.
     *
     * @throws IllegalStateException on a virtual scheduler when the group (or a member) waits for a
     *         person — the group's approval, or a member paused or awaiting its own approval
     */
    GroupStatus await();

    /** Like {@link #await()}, at most {@code timeout} (virtual time on a virtual scheduler); returns the status. */
    GroupStatus await(Duration timeout);

    /** Gives the group's one approval: the first wave starts, and members that need approval are approved. */
    void approve();

    /**
     * Stops the group as if a member had failed: no further member starts, and the group's
     * {@link OnFailure} policy decides what happens to the members already promoted or rolling out.
     */
    void abort();
}

package dev.cutover;

import dev.cutover.event.DeploymentEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The handle {@link Cutover#apply(Plan)} returns: status, events and the manual controls of a
 * running deployment. Thread-safe.
 *
 * <p>The lifecycle: {@code RUNNING} (start the new revision, shift, bake and analyse step by step;
 * {@code PAUSED} or {@code AWAITING_APPROVAL} on the way) until the new revision serves 100% of
 * traffic: {@code SUCCEEDED}, and {@link #await()} returns. The old revision stays warm for the
 * rollback window ({@code Cutover.builder().rollbackWindow(...)}, default 5 min), during which
 * {@link #rollback()} is a traffic shift; then it is retired, journaled, and the lock is released:
 * {@link #awaitRetirement()} waits for that. A deployment that fails ends {@code ROLLED_BACK} (or
 * {@code FAILED} without a previous revision); one whose process lost its lock or shut down ends
 * {@code STOPPED} and is finished by {@link Cutover#resume(String)}.
 *
 * <pre>{@code
 * Deployment d = cutover.apply(plan);
 * d.pause();            // hold at the current step
 * d.resume();
 * d.promote();          // skip the remaining bake and steps
 * d.abort();            // roll back now
 * DeploymentStatus s = d.await();   // SUCCEEDED as soon as the new revision serves 100%
 * d.awaitRetirement();  // and the old revision was retired after the rollback window
 * }</pre>
 */
public interface Deployment {

    /** The deployment id (also the journal's name). */
    String id();

    Release release();

    DeploymentStatus status();

    /** Why the deployment is paused, rolled back or failed; empty otherwise. */
    String statusReason();

    /** The current traffic weights by revision id. */
    Map<String, Integer> weights();

    /** Every event so far, oldest first. */
    List<DeploymentEvent> events();

    /**
     * Waits until the deployment has an outcome: {@code SUCCEEDED} as soon as the new revision
     * serves all traffic (not after the rollback window: the old revision is retired afterwards,
     * see {@link #awaitRetirement()}), or {@code ROLLED_BACK}, {@code FAILED}, {@code STOPPED}. On a
     * virtual scheduler this runs the deployment's queued work on the calling thread.
     *
     * @throws IllegalStateException on a virtual scheduler when the deployment waits for a person
     *         (paused, awaiting approval) and nothing else can move it
     */
    DeploymentStatus await();

    /** Like {@link #await()}, at most {@code timeout} (wall time; virtual time on a virtual scheduler); returns the status. */
    DeploymentStatus await(Duration timeout);

    /**
     * Waits until the deployment has nothing left to do: after {@code SUCCEEDED}, the rollback
     * window has passed, the old revision is retired (journaled) and the lock is released; or the
     * deployment rolled back, failed or stopped. Returns the final status ({@code ROLLED_BACK} if
     * {@link #rollback()} was called during the window). Use it before ending a process that should
     * not leave the old revision running, or before deploying the service again from another process.
     *
     * @throws IllegalStateException on a virtual scheduler when the deployment waits for a person
     */
    DeploymentStatus awaitRetirement();

    /** Like {@link #awaitRetirement()}, at most {@code timeout}; returns the status. */
    DeploymentStatus awaitRetirement(Duration timeout);

    /** Holds the deployment after its current action; bake timers stop. */
    void pause();

    /** Continues a paused deployment (also after an inconclusive analysis). */
    void resume();

    /** Skips the remaining bake and steps: traffic goes to 100% (counts as approval). */
    void promote();

    /** Approves the move to 100% in an environment that requires approval. */
    void approve();

    /** Rolls back now: traffic returns to the previous revision. */
    void abort();

    /**
     * Rolls back, also after {@code SUCCEEDED} during the rollback window, while the old revision is
     * still warm (a traffic shift, not a cold start).
     */
    void rollback();
}

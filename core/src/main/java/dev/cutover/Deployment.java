package dev.cutover;

import dev.cutover.event.DeploymentEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The handle {@link Cutover#apply(Plan)} returns: status, events and the manual controls of a
 * running deployment. Thread-safe.
 *
 * <pre>{@code
 * Deployment d = cutover.apply(plan);
 * d.pause();            // hold at the current step
 * d.resume();
 * d.promote();          // skip the remaining bake and steps
 * d.abort();            // roll back now
 * DeploymentStatus s = d.await();
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
     * Waits until the deployment ends. On a virtual scheduler this runs the deployment's queued
     * work on the calling thread.
     *
     * @throws IllegalStateException on a virtual scheduler when the deployment waits for a person
     *         (paused, awaiting approval) and nothing else can move it
     */
    DeploymentStatus await();

    /** Waits at most {@code timeout} (wall time; virtual time on a virtual scheduler) and returns the status. */
    DeploymentStatus await(Duration timeout);

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

    /** Rolls back, also during the rollback window after promotion (a traffic shift, not a cold start). */
    void rollback();
}

package dev.cutover;

/** Where a deployment stands. */
public enum DeploymentStatus {
    /** Working through its changes and steps. */
    RUNNING(false),
    /** Held by a person ({@code pause()}), by an inconclusive analysis, or by an unreachable provider; says why. */
    PAUSED(false),
    /** Waiting for {@code approve()} before 100% of traffic. */
    AWAITING_APPROVAL(false),
    /**
     * Done: the new revision serves all traffic. The old revision stays warm for the rollback window
     * ({@link Deployment#rollback()} still shifts back to it), then is retired, journaled;
     * {@link Deployment#awaitRetirement()} waits for that.
     */
    SUCCEEDED(true),
    /** Done: traffic is back on the previous revision and the new one is retired. */
    ROLLED_BACK(true),
    /** Done without a rollout to return from (e.g. the first revision never became healthy), or could not finish. */
    FAILED(true),
    /**
     * This process stopped acting on the deployment without finishing it: it lost its lock, the
     * process is shutting down ({@link Cutover#shutdown()}, the shutdown hook), a rollback could not
     * complete, or the journal could not be written. Traffic stays where it was (possibly split) and
     * the journal says why; {@link Cutover#resume(String)} from any process finishes it with 100% on
     * one revision.
     */
    STOPPED(true);

    private final boolean terminal;

    DeploymentStatus(boolean terminal) {
        this.terminal = terminal;
    }

    /** Whether the deployment has ended. */
    public boolean isTerminal() {
        return terminal;
    }
}

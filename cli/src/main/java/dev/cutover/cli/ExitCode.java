package dev.cutover.cli;

/**
 * The exit codes of the {@code cutover} command line; a pipeline branches on them.
 *
 * <pre>{@code
 * int code = CutoverCli.run("apply", "plan.json");
 * if (code == ExitCode.DEPLOYMENT_FAILED) { ... }   // rolled back: the previous version serves
 * }</pre>
 */
public final class ExitCode {

    /** Done: the plan was made, the deployment succeeded (or there was nothing to do), the command did what it said. */
    public static final int OK = 0;

    /**
     * The deployment did not succeed: it was rolled back, failed, or stopped; or Cutover refused to
     * start it (another deployer holds the lock), or the provider refused a call.
     */
    public static final int DEPLOYMENT_FAILED = 1;

    /**
     * Bad input, found before any change: a usage error, a descriptor with problems (all listed), an
     * edited or stale plan file, an unknown deployment id, a finished deployment, a missing secret.
     */
    public static final int BAD_INPUT = 2;

    /** Could not reach the provider (or the local cloud): connection refused, timeouts, throttling past retries, no credentials. */
    public static final int UNREACHABLE = 3;

    private ExitCode() {
    }
}

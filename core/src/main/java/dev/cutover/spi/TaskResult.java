package dev.cutover.spi;

/**
 * The outcome of a one-off task (a pre-deploy migration, a smoke test).
 *
 * @param taskId   the provider's task id
 * @param exitCode the container's exit code, or -1 when it never ran
 * @param reason   why it stopped, for people
 * @param logs     where its output is (e.g. a CloudWatch Logs group and stream), empty when unknown
 */
public record TaskResult(String taskId, int exitCode, String reason, String logs) {

    public TaskResult {
        java.util.Objects.requireNonNull(taskId, "taskId");
        java.util.Objects.requireNonNull(reason, "reason");
        java.util.Objects.requireNonNull(logs, "logs");
    }

    /** A result without a known log location. */
    public TaskResult(String taskId, int exitCode, String reason) {
        this(taskId, exitCode, reason, "");
    }

    public boolean succeeded() {
        return exitCode == 0;
    }
}

package dev.cutover.spi;

/**
 * The outcome of a one-off task (a pre-deploy migration, a smoke test).
 *
 * @param taskId   the provider's task id
 * @param exitCode the container's exit code, or -1 when it never ran
 * @param reason   why it stopped, for people
 */
public record TaskResult(String taskId, int exitCode, String reason) {

    public TaskResult {
        java.util.Objects.requireNonNull(taskId, "taskId");
        java.util.Objects.requireNonNull(reason, "reason");
    }

    public boolean succeeded() {
        return exitCode == 0;
    }
}

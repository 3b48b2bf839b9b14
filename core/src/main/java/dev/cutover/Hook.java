package dev.cutover;

import dev.cutover.internal.EcsLimits;
import dev.cutover.internal.Problems;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A one-off task run with the new release's image: a pre-deploy hook (e.g. a database migration
 * the new code needs) or a post-deploy smoke test. It succeeds when the command exits 0 within
 * {@link #timeout()}.
 *
 * <p>A pre-deploy hook runs by default <b>before the new revision starts</b> ({@link When#BEFORE_START}),
 * once, as a one-off task of the new image: a migration the new code needs at start-up is in
 * place before any new task runs, and a failing one ends the deployment before any new task or
 * traffic. {@link #afterStart()} runs it instead once the new revision is healthy, before any
 * traffic moves (for a hook that needs the new revision running). A smoke test always runs after
 * the last traffic step.
 *
 * <pre>{@code
 * Hook migrate = Hook.command("./migrate", "up").timeout(Duration.ofMinutes(5));
 * Hook warmUp = Hook.command("./warm-caches").afterStart();
 * }</pre>
 *
 * @param command the command and its arguments
 * @param timeout how long the task may run before it counts as failed (1 s – 24 h)
 * @param when    when a pre-deploy hook runs (ignored for a smoke test)
 */
public record Hook(List<String> command, Duration timeout, When when) {

    /** When a pre-deploy hook runs. */
    public enum When {
        /** Before the new revision starts: no new task and no traffic until it succeeded (the default). */
        BEFORE_START,
        /** After the new revision is healthy, before any traffic moves. */
        AFTER_START
    }

    public Hook {
        Problems.nonNull(command, "hook.command", "give the command and its arguments, e.g. Hook.command(\"./migrate\", \"up\")");
        for (int i = 0; i < command.size(); i++) {
            Problems.nonNull(command.get(i), "hook.command[" + i + "]", "every word of the command is a string; use \"\" or leave it out");
        }
        command = List.copyOf(command);
        Problems.nonNull(timeout, "hook.timeout", "give how long the task may run, e.g. Duration.ofMinutes(10)");
        Problems.nonNull(when, "hook.when", "choose Hook.When.BEFORE_START (the default) or AFTER_START");
    }

    /** A hook that runs before the new revision starts. */
    public Hook(List<String> command, Duration timeout) {
        this(command, timeout, When.BEFORE_START);
    }

    /** A hook running {@code command} with a 10-minute timeout, before the new revision starts. */
    public static Hook command(String... command) {
        Problems.nonNull(command, "hook.command", "give the command and its arguments, e.g. Hook.command(\"./migrate\", \"up\")");
        return new Hook(java.util.Arrays.asList(command), Duration.ofMinutes(10));
    }

    /** This hook with another timeout. */
    public Hook timeout(Duration timeout) {
        return new Hook(command, timeout, when);
    }

    /** This hook run after the new revision is healthy (before traffic moves) instead of before it starts. */
    public Hook afterStart() {
        return new Hook(command, timeout, When.AFTER_START);
    }

    /** This hook run before the new revision starts (the default). */
    public Hook beforeStart() {
        return new Hook(command, timeout, When.BEFORE_START);
    }

    static void validate(Hook h, String at, Problems p) {
        p.check(!h.command.isEmpty() && h.command.stream().noneMatch(String::isEmpty), at + ".command",
                h.command, "must have at least one non-empty word");
        EcsLimits.checkHookCommand(h.command, at, p);
        p.check(h.timeout.compareTo(Duration.ofSeconds(1)) >= 0 && h.timeout.compareTo(Duration.ofHours(24)) <= 0,
                at + ".timeout", h.timeout, "must be from 1 s to 24 h");
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " (timeout " + timeout + (when == When.AFTER_START ? ", after start" : "") + ")";
    }
}

package dev.cutover;

import dev.cutover.internal.EcsLimits;
import dev.cutover.internal.Problems;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A one-off task run with the new revision's image: a pre-deploy hook (e.g. a database migration
 * that must succeed before any traffic moves) or a post-deploy smoke test. It succeeds when the
 * command exits 0 within {@link #timeout()}.
 *
 * <pre>{@code
 * Hook migrate = Hook.command("./migrate", "up").timeout(Duration.ofMinutes(5));
 * }</pre>
 *
 * @param command the command and its arguments
 * @param timeout how long the task may run before it counts as failed (1 s – 24 h)
 */
public record Hook(List<String> command, Duration timeout) {

    public Hook {
        Problems.nonNull(command, "hook.command", "give the command and its arguments, e.g. Hook.command(\"./migrate\", \"up\")");
        for (int i = 0; i < command.size(); i++) {
            Problems.nonNull(command.get(i), "hook.command[" + i + "]", "every word of the command is a string; use \"\" or leave it out");
        }
        command = List.copyOf(command);
        Problems.nonNull(timeout, "hook.timeout", "give how long the task may run, e.g. Duration.ofMinutes(10)");
    }

    /** A hook running {@code command} with a 10-minute timeout. */
    public static Hook command(String... command) {
        Problems.nonNull(command, "hook.command", "give the command and its arguments, e.g. Hook.command(\"./migrate\", \"up\")");
        return new Hook(java.util.Arrays.asList(command), Duration.ofMinutes(10));
    }

    /** This hook with another timeout. */
    public Hook timeout(Duration timeout) {
        return new Hook(command, timeout);
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
        return String.join(" ", command) + " (timeout " + timeout + ")";
    }
}

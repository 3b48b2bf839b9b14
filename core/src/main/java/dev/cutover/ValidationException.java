package dev.cutover;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown by {@code build()} (and by planning) when a specification is invalid. It lists every
 * problem at once, each with its path, value and a fix, so one round trip repairs the whole spec.
 *
 * <pre>{@code
 * catch (ValidationException e) {
 *     e.problems();   // [service.cpu = '300': cpu must be one of 256, 512, ...]
 * }
 * }</pre>
 */
public final class ValidationException extends CutoverException {

    private final List<Problem> problems;

    public ValidationException(String what, List<Problem> problems) {
        super(render(what, problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in the order of the fields. */
    public List<Problem> problems() {
        return problems;
    }

    private static String render(String what, List<Problem> problems) {
        return problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in " + what + ":\n"
                + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n"));
    }
}

package dev.cutover;

import dev.cutover.internal.Problems;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown by {@code build()} (and by planning) when a specification is invalid. It lists every
 * problem at once, each with its path, value and a fix, so one round trip repairs the whole spec.
 * Echoed values are cut to a readable length (the first characters, then the real length), and a
 * value given where a secret reference was expected is never echoed: it shows as {@code (hidden)}.
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
        this(what, problems.stream().map(ValidationException::readable).toList(), true);
    }

    private ValidationException(String what, List<Problem> readable, boolean cut) {
        super(render(what, readable));
        this.problems = List.copyOf(readable);
    }

    /** Every problem found, in the order of the fields. */
    public List<Problem> problems() {
        return problems;
    }

    private static Problem readable(Problem p) {
        String value = Problems.cut(p.value());
        return value == null || value.equals(p.value()) ? p : new Problem(p.path(), value, p.message());
    }

    private static String render(String what, List<Problem> problems) {
        return problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in " + what + ":\n"
                + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n"));
    }
}

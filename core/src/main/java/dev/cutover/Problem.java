package dev.cutover;

import java.util.Objects;

/**
 * One thing wrong with a specification: where it is, what the bad value was, and how to fix it.
 *
 * <pre>{@code
 * try { Service.named("Orders!").build(); }
 * catch (ValidationException e) { e.problems().forEach(p -> log.warn("{}: {}", p.path(), p.message())); }
 * }</pre>
 *
 * @param path    the dotted path of the field, e.g. {@code service.cpu} or {@code strategy.steps[2]}
 * @param value   the rejected value as text ({@code null} when the value is missing; never a secret)
 * @param message what is wrong and how to fix it
 */
public record Problem(String path, String value, String message) {

    public Problem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return value == null ? path + ": " + message : path + " = '" + value + "': " + message;
    }
}

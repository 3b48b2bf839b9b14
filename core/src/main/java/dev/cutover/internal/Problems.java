package dev.cutover.internal;

import dev.cutover.Problem;
import dev.cutover.ValidationException;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects problems while a value is validated, then throws them all at once; and the null checks
 * of the DSL's setters, whose messages name the field path and the fix.
 */
public final class Problems {

    /** Echoed values longer than this are cut: a problem names the value, it need not reprint 512 KiB. */
    public static final int MAX_SHOWN_CHARS = 64;

    /** Shown instead of a value that must never be echoed (a secret given where a reference was expected). */
    public static final String HIDDEN = "(hidden)";

    private final List<Problem> list = new ArrayList<>();

    public void add(String path, Object value, String message) {
        list.add(new Problem(path, value == null ? null : cut(String.valueOf(value)), message));
    }

    /** Adds the problem when {@code ok} is false; returns {@code ok}. */
    public boolean check(boolean ok, String path, Object value, String message) {
        if (!ok) {
            add(path, value, message);
        }
        return ok;
    }

    /** Like {@link #check} for a value that may be a secret: the problem shows {@value #HIDDEN}, never the value. */
    public boolean checkHidden(boolean ok, String path, String message) {
        if (!ok) {
            list.add(new Problem(path, HIDDEN, message));
        }
        return ok;
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public List<Problem> list() {
        return List.copyOf(list);
    }

    public void throwIfAny(String what) {
        if (!list.isEmpty()) {
            throw new ValidationException(what, list);
        }
    }

    /**
     * {@code text} cut to a readable length: its first {@value #MAX_SHOWN_CHARS} characters (never
     * half a surrogate pair), then how long it really is.
     */
    public static String cut(String text) {
        if (text == null || text.length() <= MAX_SHOWN_CHARS) {
            return text;
        }
        int end = MAX_SHOWN_CHARS - 16;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "... (" + text.length() + " chars)";
    }

    /**
     * {@code value}, or a {@link NullPointerException} saying {@code <path> must not be null; <fix>}:
     * the DSL's setters fail at once, naming the field as the validation would
     * ({@code service.env["LOG_LEVEL"]}), not a bare parameter name.
     */
    public static <T> T nonNull(T value, String path, String fix) {
        if (value == null) {
            throw new NullPointerException(path + " must not be null; " + fix);
        }
        return value;
    }

    /** The path of one entry of a map field: {@code service.env["LOG_LEVEL"]}. */
    public static String entry(String mapPath, String key) {
        return mapPath + "[\"" + cut(key) + "\"]";
    }
}

package dev.cutover.internal;

import dev.cutover.Problem;
import dev.cutover.ValidationException;
import java.util.ArrayList;
import java.util.List;

/** Collects problems while a value is validated, then throws them all at once. */
public final class Problems {

    private final List<Problem> list = new ArrayList<>();

    public void add(String path, Object value, String message) {
        list.add(new Problem(path, value == null ? null : String.valueOf(value), message));
    }

    /** Adds the problem when {@code ok} is false; returns {@code ok}. */
    public boolean check(boolean ok, String path, Object value, String message) {
        if (!ok) {
            add(path, value, message);
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
}

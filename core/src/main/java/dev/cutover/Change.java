package dev.cutover;

import dev.cutover.spi.Attribute;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One entry of a {@link Plan}: what happens to one resource, with its attributes before and after
 * and why.
 *
 * @param id     the resource
 * @param action create, update in place, replace, delete or no-op
 * @param before the resource as observed ({@code null} when it does not exist)
 * @param after  the resource as desired ({@code null} when it is deleted)
 * @param reason why the change is needed, in words
 */
public record Change(ResourceId id, Action action, Resource before, Resource after, String reason) {

    /** What a change does. */
    public enum Action {
        /** The resource does not exist and will be created ({@code +}). */
        CREATE("+"),
        /** The resource changes in place ({@code ~}). */
        UPDATE("~"),
        /** A new resource replaces the old one ({@code -/+}); for a revision, this is a rollout. */
        REPLACE("-/+"),
        /** The resource will be removed ({@code -}). */
        DELETE("-"),
        /** Nothing to do. */
        NO_OP(" ");

        private final String symbol;

        Action(String symbol) {
            this.symbol = symbol;
        }

        /** The terraform-style marker. */
        public String symbol() {
            return symbol;
        }
    }

    /**
     * One attribute that differs.
     *
     * @param key    the attribute key
     * @param before the old value, or null when added
     * @param after  the new value, or null when removed
     */
    public record AttributeChange(String key, Attribute before, Attribute after) {

        /** {@code +}, {@code -} or {@code ~}. */
        public String symbol() {
            return before == null ? "+" : after == null ? "-" : "~";
        }
    }

    public Change {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(reason, "reason");
        if (before == null && after == null) {
            throw new IllegalArgumentException("a change needs a before or an after state");
        }
    }

    public Optional<Resource> beforeState() {
        return Optional.ofNullable(before);
    }

    public Optional<Resource> afterState() {
        return Optional.ofNullable(after);
    }

    /** The attributes that differ, sorted by key. */
    public List<AttributeChange> attributeChanges() {
        TreeSet<String> keys = new TreeSet<>();
        if (before != null) {
            keys.addAll(before.attributes().keySet());
        }
        if (after != null) {
            keys.addAll(after.attributes().keySet());
        }
        List<AttributeChange> out = new ArrayList<>();
        for (String k : keys) {
            Attribute b = before == null ? null : before.attributes().get(k);
            Attribute a = after == null ? null : after.attributes().get(k);
            if (!Objects.equals(b == null ? null : b.value(), a == null ? null : a.value())) {
                out.add(new AttributeChange(k, b, a));
            }
        }
        return out;
    }

    /** Whether this change does anything. */
    public boolean isNoOp() {
        return action == Action.NO_OP;
    }

    @Override
    public String toString() {
        return action.symbol().strip() + " " + id + (reason.isEmpty() ? "" : " (" + reason + ")");
    }
}

package dev.cutover.spi;

import java.util.Objects;

/**
 * One attribute of a resource: its canonical text value, and whether it is sensitive. A sensitive
 * attribute (a secret reference) renders as {@code (secret)} in plans, events and logs.
 *
 * @param value     the canonical value (what is compared when diffing)
 * @param sensitive whether to hide the value when rendering
 */
public record Attribute(String value, boolean sensitive) {

    public Attribute {
        Objects.requireNonNull(value, "value");
    }

    public static Attribute of(String value) {
        return new Attribute(value, false);
    }

    public static Attribute secret(String value) {
        return new Attribute(value, true);
    }

    /** What people see: the value, or {@code (secret)}. */
    public String display() {
        return sensitive ? "(secret)" : value;
    }

    @Override
    public String toString() {
        return display();
    }
}

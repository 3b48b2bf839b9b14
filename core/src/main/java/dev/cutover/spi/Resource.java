package dev.cutover.spi;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A resource as desired or as observed: its address, its attributes (compared when planning), and
 * a provider reference (e.g. the ECS task definition ARN or revision id) that is carried along but
 * never compared.
 *
 * @param id         the address
 * @param attributes the compared attributes, sorted by key
 * @param ref        the provider's identifier, or an empty string
 */
public record Resource(ResourceId id, Map<String, Attribute> attributes, String ref) {

    public Resource {
        Objects.requireNonNull(id, "id");
        attributes = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(attributes, "attributes")));
        Objects.requireNonNull(ref, "ref");
    }

    public static Resource of(ResourceId id, Map<String, Attribute> attributes) {
        return new Resource(id, attributes, "");
    }

    /** The value of attribute {@code key}, or null. */
    public String value(String key) {
        Attribute a = attributes.get(key);
        return a == null ? null : a.value();
    }

    /** This resource with another provider reference. */
    public Resource withRef(String ref) {
        return new Resource(id, attributes, ref);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(id.toString());
        if (!ref.isEmpty()) {
            sb.append(" (").append(ref).append(')');
        }
        return sb.append(' ').append(attributes).toString();
    }
}

package dev.cutover.internal;

import dev.cutover.Change;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the changes of a written plan ({@code Plan.write}) back for display. Values are what the plan
 * showed: a sensitive attribute stays {@code (secret)}, since a plan never holds more. Applying such a
 * plan never uses these changes: it plans again and requires the same result.
 */
public final class PlanFiles {

    private PlanFiles() {
    }

    /** The changes of a plan in its {@code toJson()} form. */
    @SuppressWarnings("unchecked")
    public static List<Change> changes(Map<String, Object> plan) {
        List<Change> out = new ArrayList<>();
        for (Object o : (List<Object>) plan.get("changes")) {
            Map<String, Object> c = (Map<String, Object>) o;
            Map<String, Object> r = (Map<String, Object>) c.get("resource");
            ResourceId id = ResourceId.of((String) r.get("environment"), type((String) r.get("type")), (String) r.get("name"));
            String action = ((String) c.get("action")).toUpperCase(Locale.ROOT).replace('-', '_');
            out.add(new Change(id, Change.Action.valueOf(action), state(id, c.get("before")), state(id, c.get("after")),
                    (String) c.get("reason")));
        }
        return out;
    }

    private static ResourceType type(String label) {
        for (ResourceType t : ResourceType.values()) {
            if (t.label().equals(label)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown resource type '" + label + "'");
    }

    @SuppressWarnings("unchecked")
    private static Resource state(ResourceId id, Object o) {
        if (o == null) {
            return null;
        }
        Map<String, Object> m = (Map<String, Object>) o;
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        ((Map<String, Object>) m.get("attributes")).forEach((k, v) -> attributes.put(k,
                "(secret)".equals(v) ? Attribute.secret("(secret)") : Attribute.of(String.valueOf(v))));
        Resource r = Resource.of(id, attributes);
        return m.get("ref") == null ? r : r.withRef((String) m.get("ref"));
    }
}

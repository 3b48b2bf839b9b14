package dev.cutover.localcloud.internal.consul;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads request bodies the way Consul's decoder does: field names match case-insensitively and
 * wrong types are answered with a 400 that names the field.
 */
final class Fields {

    private Fields() {
    }

    /** The field whose name equals one of {@code names} ignoring case, or null. */
    static JsonNode get(JsonNode node, String... names) {
        if (node == null || !node.isObject()) {
            return null;
        }
        for (String name : names) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (field.equalsIgnoreCase(name)) {
                    JsonNode value = node.get(field);
                    return value == null || value.isNull() ? null : value;
                }
            }
        }
        return null;
    }

    static String text(JsonNode node, String... names) {
        JsonNode v = get(node, names);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(names[0], "string", v);
        }
        return v.asText();
    }

    static String textOr(JsonNode node, String fallback, String... names) {
        String v = text(node, names);
        return v == null ? fallback : v;
    }

    static long integer(JsonNode node, long fallback, String... names) {
        JsonNode v = get(node, names);
        if (v == null) {
            return fallback;
        }
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw wrongType(names[0], "int", v);
        }
        return v.asLong();
    }

    static boolean bool(JsonNode node, String... names) {
        JsonNode v = get(node, names);
        if (v == null) {
            return false;
        }
        if (!v.isBoolean()) {
            throw wrongType(names[0], "bool", v);
        }
        return v.asBoolean();
    }

    static List<String> strings(JsonNode node, String... names) {
        JsonNode v = get(node, names);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            throw wrongType(names[0], "[]string", v);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw wrongType(names[0], "[]string", v);
            }
            out.add(item.asText());
        }
        return List.copyOf(out);
    }

    static Map<String, String> stringMap(JsonNode node, String... names) {
        JsonNode v = get(node, names);
        if (v == null) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw wrongType(names[0], "map[string]string", v);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw wrongType(names[0], "map[string]string", v);
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /** A duration given as Go text ({@code "10s"}) or as nanoseconds; null when absent. */
    static Duration duration(JsonNode node, String... names) {
        JsonNode v = get(node, names);
        if (v == null) {
            return null;
        }
        if (v.isNumber()) {
            return Duration.ofNanos(v.asLong());
        }
        if (!v.isTextual()) {
            throw wrongType(names[0], "time.Duration", v);
        }
        if (v.asText().isEmpty()) {
            return null;
        }
        try {
            return GoDuration.parse(v.asText());
        } catch (IllegalArgumentException e) {
            throw ConsulException.badRequest("Request decode failed: " + e.getMessage());
        }
    }

    private static ConsulException wrongType(String field, String type, JsonNode value) {
        return ConsulException.badRequest("Request decode failed: json: cannot unmarshal "
                + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " into Go struct field " + field + " of type " + type);
    }
}

package dev.cutover.localcloud.internal.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the fields of a JSON request and rejects bad input the way AWS does, with AWS's validation
 * wording ({@code 1 validation error detected: Value null at 'name' failed to satisfy constraint:
 * Member must not be null}). Every emulator uses it so that a missing field, a wrong type, an
 * invalid enum or an over-long name is a 400 of the service's own error type, never a 500.
 */
public final class RequestReader {

    private final JsonNode node;
    private final String path;
    private final Function<String, AwsError> invalid;

    private RequestReader(JsonNode node, String path, Function<String, AwsError> invalid) {
        this.node = node;
        this.path = path;
        this.invalid = invalid;
    }

    /**
     * Wraps a request body.
     *
     * @param node    the body (null is treated as an empty object)
     * @param invalid builds the service's validation error from a message
     */
    public static RequestReader of(JsonNode node, Function<String, AwsError> invalid) {
        return new RequestReader(node == null ? AwsJson.object() : node, "", invalid);
    }

    /** The underlying JSON. */
    public JsonNode json() {
        return node;
    }

    /** An error of this service's validation type. */
    public AwsError invalid(String message) {
        return invalid.apply(message);
    }

    private String at(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private AwsError constraint(String field, Object value, String constraint) {
        String shown = value == null ? "null" : "'" + value + "'";
        return invalid.apply("1 validation error detected: Value " + shown + " at '" + at(field)
                + "' failed to satisfy constraint: " + constraint);
    }

    /** Whether the field is present and not null. */
    public boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    /** Rejects the request when {@code field} is absent or null. */
    public RequestReader require(String field) {
        if (!has(field)) {
            throw constraint(field, null, "Member must not be null");
        }
        return this;
    }

    /** A required string of 1 to {@code max} characters. */
    public String string(String field, int max) {
        String v = optString(field, max);
        if (v == null) {
            throw constraint(field, null, "Member must not be null");
        }
        return v;
    }

    /** An optional string of at most {@code max} characters; empty strings are rejected. */
    public String optString(String field, int max) {
        if (!has(field)) {
            return null;
        }
        JsonNode v = node.get(field);
        if (!v.isTextual()) {
            throw invalid.apply("Value at '" + at(field) + "' must be a string");
        }
        String s = v.asText();
        if (s.isEmpty()) {
            throw constraint(field, s, "Member must have length greater than or equal to 1");
        }
        if (s.length() > max) {
            throw constraint(field, s, "Member must have length less than or equal to " + max);
        }
        return s;
    }

    /** An optional string that must be one of {@code allowed}. */
    public String optEnum(String field, Collection<String> allowed) {
        String v = optString(field, 4096);
        if (v != null && !allowed.contains(v)) {
            throw constraint(field, v, "Member must satisfy enum value set: " + allowed);
        }
        return v;
    }

    /** A required string that must be one of {@code allowed}. */
    public String requiredEnum(String field, Collection<String> allowed) {
        String v = optEnum(field, allowed);
        if (v == null) {
            throw constraint(field, null, "Member must not be null");
        }
        return v;
    }

    /** An optional integer in {@code [min, max]}. */
    public Integer optInt(String field, int min, int max) {
        Long v = optLong(field, min, max);
        return v == null ? null : v.intValue();
    }

    /** A required integer in {@code [min, max]}. */
    public int requiredInt(String field, int min, int max) {
        Integer v = optInt(field, min, max);
        if (v == null) {
            throw constraint(field, null, "Member must not be null");
        }
        return v;
    }

    /** An optional long in {@code [min, max]}. */
    public Long optLong(String field, long min, long max) {
        if (!has(field)) {
            return null;
        }
        JsonNode v = node.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw invalid.apply("Value at '" + at(field) + "' must be an integer");
        }
        long l = v.asLong();
        if (l < min) {
            throw constraint(field, l, "Member must have value greater than or equal to " + min);
        }
        if (l > max) {
            throw constraint(field, l, "Member must have value less than or equal to " + max);
        }
        return l;
    }

    /** An optional number. */
    public Double optDouble(String field) {
        if (!has(field)) {
            return null;
        }
        JsonNode v = node.get(field);
        if (!v.isNumber()) {
            throw invalid.apply("Value at '" + at(field) + "' must be a number");
        }
        return v.asDouble();
    }

    /** An optional boolean. */
    public Boolean optBool(String field) {
        if (!has(field)) {
            return null;
        }
        JsonNode v = node.get(field);
        if (!v.isBoolean()) {
            throw invalid.apply("Value at '" + at(field) + "' must be a boolean");
        }
        return v.asBoolean();
    }

    /** A required nested object. */
    public RequestReader object(String field) {
        RequestReader r = optObject(field);
        if (r == null) {
            throw constraint(field, null, "Member must not be null");
        }
        return r;
    }

    /** An optional nested object, or {@code null}. */
    public RequestReader optObject(String field) {
        if (!has(field)) {
            return null;
        }
        JsonNode v = node.get(field);
        if (!v.isObject()) {
            throw invalid.apply("Value at '" + at(field) + "' must be an object");
        }
        return new RequestReader(v, at(field), invalid);
    }

    /** An optional list of objects (empty when absent), at most {@code max} long. */
    public List<RequestReader> objects(String field, int max) {
        List<RequestReader> out = new ArrayList<>();
        if (!has(field)) {
            return out;
        }
        JsonNode v = node.get(field);
        if (!v.isArray()) {
            throw invalid.apply("Value at '" + at(field) + "' must be a list");
        }
        if (v.size() > max) {
            throw constraint(field, "list of " + v.size(), "Member must have length less than or equal to " + max);
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isObject()) {
                throw invalid.apply("Value at '" + at(field) + "[" + i + "]' must be an object");
            }
            out.add(new RequestReader(v.get(i), at(field) + "." + (i + 1), invalid));
        }
        return out;
    }

    /** An optional list of strings (empty when absent), at most {@code max} long. */
    public List<String> strings(String field, int max) {
        List<String> out = new ArrayList<>();
        if (!has(field)) {
            return out;
        }
        JsonNode v = node.get(field);
        if (!v.isArray()) {
            throw invalid.apply("Value at '" + at(field) + "' must be a list");
        }
        if (v.size() > max) {
            throw constraint(field, "list of " + v.size(), "Member must have length less than or equal to " + max);
        }
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw invalid.apply("Value at '" + at(field) + "' must be a list of strings");
            }
            out.add(e.asText());
        }
        return out;
    }

    /** An optional string-to-string map (empty when absent), at most {@code max} entries. */
    public Map<String, String> stringMap(String field, int max) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!has(field)) {
            return out;
        }
        JsonNode v = node.get(field);
        if (!v.isObject()) {
            throw invalid.apply("Value at '" + at(field) + "' must be a map");
        }
        if (v.size() > max) {
            throw constraint(field, "map of " + v.size(), "Member must have length less than or equal to " + max);
        }
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isTextual()) {
                throw invalid.apply("Value at '" + at(field) + "." + e.getKey() + "' must be a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}

package dev.cutover.localcloud.internal.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.localcloud.internal.aws.AwsError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads one ECS request body and rejects bad input with ECS's error types (never a 500). */
final class EcsRequest {

    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,255}");

    private final ObjectNode body;

    EcsRequest(ObjectNode body) {
        this.body = body;
    }

    ObjectNode body() {
        return body;
    }

    static AwsError invalid(String message) {
        return AwsError.badRequest("InvalidParameterException", message);
    }

    static AwsError client(String message) {
        return AwsError.badRequest("ClientException", message);
    }

    boolean has(String field) {
        JsonNode n = body.get(field);
        return n != null && !n.isNull();
    }

    String string(String field) {
        String s = optString(field);
        if (s == null) {
            throw invalid(field + " must be specified.");
        }
        return s;
    }

    String optString(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw AwsError.badRequest("SerializationException", "Expected a string for '" + field + "'");
        }
        return n.asText();
    }

    String optEnum(String field, Set<String> allowed) {
        String s = optString(field);
        if (s != null && !allowed.contains(s)) {
            throw invalid("1 validation error detected: Value '" + s + "' at '" + field
                    + "' failed to satisfy constraint: Member must satisfy enum value set: " + allowed);
        }
        return s;
    }

    Integer optInt(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw AwsError.badRequest("SerializationException", "Expected an integer for '" + field + "'");
        }
        return n.asInt();
    }

    int optInt(String field, int min, int max, int dflt) {
        Integer v = optInt(field);
        if (v == null) {
            return dflt;
        }
        if (v < min || v > max) {
            throw invalid(field + " must be between " + min + " and " + max + ", was " + v + ".");
        }
        return v;
    }

    Boolean optBool(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            throw AwsError.badRequest("SerializationException", "Expected a boolean for '" + field + "'");
        }
        return n.asBoolean();
    }

    ObjectNode optObject(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw AwsError.badRequest("SerializationException", "Expected an object for '" + field + "'");
        }
        return (ObjectNode) n;
    }

    ArrayNode optArray(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw AwsError.badRequest("SerializationException", "Expected a list for '" + field + "'");
        }
        return (ArrayNode) n;
    }

    List<String> strings(String field) {
        List<String> out = new ArrayList<>();
        ArrayNode a = optArray(field);
        if (a != null) {
            for (JsonNode n : a) {
                if (!n.isTextual()) {
                    throw AwsError.badRequest("SerializationException", "Expected strings in '" + field + "'");
                }
                out.add(n.asText());
            }
        }
        return out;
    }

    EcsRequest object(String field) {
        ObjectNode o = optObject(field);
        return o == null ? null : new EcsRequest(o);
    }

    static String checkName(String what, String name) {
        if (!NAME.matcher(name).matches()) {
            throw invalid(what + " can have up to 255 letters (uppercase and lowercase), numbers, hyphens, and "
                    + "underscores; '" + (name.length() > 40 ? name.substring(0, 40) + "..." : name) + "' does not.");
        }
        return name;
    }
}

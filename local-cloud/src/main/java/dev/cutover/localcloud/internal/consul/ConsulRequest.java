package dev.cutover.localcloud.internal.consul;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as the endpoints see it.
 *
 * @param method the HTTP method
 * @param path   the decoded path without the {@code /v1/} prefix
 * @param query  the decoded query parameters; a flag such as {@code ?recurse} maps to {@code [""]}
 * @param body   the raw body (empty when none)
 */
record ConsulRequest(String method, String path, Map<String, List<String>> query, byte[] body) {

    static final ObjectMapper JSON = new ObjectMapper();

    boolean has(String param) {
        return query.containsKey(param);
    }

    /** The first value of a parameter, or null when absent. */
    String param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    List<String> params(String name) {
        return query.getOrDefault(name, List.of());
    }

    /** The path below {@code prefix} (the part Consul's mux leaves to the handler). */
    String rest(String prefix) {
        return path.length() <= prefix.length() ? "" : path.substring(prefix.length());
    }

    /** An unsigned integer parameter, with Consul's answer when it is not one. */
    long unsignedParam(String name, long fallback) {
        String value = param(name);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed < 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ConsulException.badRequest("strconv.ParseUint: parsing \"" + value + "\": invalid syntax");
        }
    }

    /** The body as JSON; {@code null} for an empty body. */
    JsonNode json() {
        if (body.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ConsulException.badRequest("Request decode failed: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ConsulException.badRequest("Request decode failed: " + e.getMessage());
        }
    }

    /** The body as a JSON object, with Consul's 400 when it is missing or not an object. */
    JsonNode jsonObject() {
        JsonNode node = json();
        if (node == null) {
            throw ConsulException.badRequest("Request decode failed: EOF");
        }
        if (!node.isObject()) {
            throw ConsulException.badRequest("Request decode failed: json: cannot unmarshal "
                    + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " into Go value of type object");
        }
        return node;
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}

package dev.cutover.localcloud.internal.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One service's request-shape table, generated from AWS's own service model (botocore's
 * {@code service-2.json}) by {@code local-cloud/tools/gen-shapes.py} into
 * {@code dev/cutover/localcloud/shapes/<service>.json}: per operation the input shape, and per
 * shape its type, required members, enum, length bounds, numeric range and pattern.
 *
 * <p>{@link #check} walks a request against its operation's input shape the way AWS's front end
 * does before the operation runs, and lists every violation in AWS's validation wording
 * ({@code Value 'x' at 'containerDefinitions.1.member.name' failed to satisfy constraint: ...}).
 * The constraint semantics follow the Smithy specification that the models are written in
 * (smithy.io, "Constraint traits": {@code @length} counts Unicode code points of a string and
 * elements of a list or map, {@code @range} bounds numbers inclusively, {@code @pattern} is an
 * unanchored search, {@code @required} members must be present and not null, {@code @enum} lists
 * the allowed strings). Sensitive values ({@code @sensitive}) are never echoed: AWS writes
 * {@code Value at 'x'} for them, and so does this table.
 */
public final class ShapeTable {

    private static final String RESOURCE_DIR = "/dev/cutover/localcloud/shapes/";
    private static final Map<String, Optional<ShapeTable>> CACHE = new ConcurrentHashMap<>();

    private final String service;
    private final JsonNode operations;
    private final JsonNode shapes;
    private final JsonNode origin;
    private final List<RestRoute> routes = new ArrayList<>();
    private final Map<String, Optional<Pattern>> patterns = new ConcurrentHashMap<>();
    private final Map<String, Boolean> holdsSensitive = new ConcurrentHashMap<>();

    private ShapeTable(String service, JsonNode table) {
        this.service = service;
        this.operations = table.path("operations");
        this.shapes = table.path("shapes");
        this.origin = table.path("_origin");
        for (Map.Entry<String, JsonNode> op : operations.properties()) {
            routes.add(RestRoute.of(op.getKey(), op.getValue()));
        }
        // the most literal template wins when two match (e.g. /tags vs /{label})
        routes.sort(Comparator.comparingInt(RestRoute::literalLength).reversed());
    }

    /** The table of {@code service} (e.g. {@code ecs}, {@code appmesh}), or empty when none was generated. */
    public static Optional<ShapeTable> of(String service) {
        return CACHE.computeIfAbsent(service, ShapeTable::load);
    }

    private static Optional<ShapeTable> load(String service) {
        try (InputStream in = ShapeTable.class.getResourceAsStream(RESOURCE_DIR + service + ".json")) {
            if (in == null) {
                return Optional.empty();
            }
            return Optional.of(new ShapeTable(service, AwsJson.MAPPER.readTree(in)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the shape table of " + service, e);
        }
    }

    /** The service this table describes. */
    public String service() {
        return service;
    }

    /** The table's origin header: generator, botocore version, model file, date. */
    public JsonNode origin() {
        return origin;
    }

    /** Whether the model knows {@code operation}. */
    public boolean hasOperation(String operation) {
        return operations.has(operation);
    }

    /** A REST request matched to its operation, with the decoded values of the URI labels. */
    public record RestMatch(String operation, Map<String, String> labels) {
    }

    /** The operation a REST request addresses (method and raw path), if the model has one. */
    public Optional<RestMatch> route(String method, String rawPath) {
        for (RestRoute r : routes) {
            Optional<Map<String, String>> labels = r.match(method, rawPath);
            if (labels.isPresent()) {
                return Optional.of(new RestMatch(r.operation, labels.get()));
            }
        }
        return Optional.empty();
    }

    /**
     * Builds the input of a REST operation the way the REST-JSON protocol spreads it: members bound
     * to URI labels and query strings come from there, the rest from the JSON body.
     */
    public ObjectNode restInput(RestMatch match, Map<String, List<String>> query, JsonNode body) {
        ObjectNode input = body != null && body.isObject() ? ((ObjectNode) body).deepCopy() : AwsJson.object();
        JsonNode shape = inputShape(match.operation());
        if (shape == null) {
            return input;
        }
        for (Map.Entry<String, JsonNode> m : shape.path("members").properties()) {
            String location = m.getValue().path("location").asText("");
            String wire = m.getValue().path("locationName").asText(m.getKey());
            JsonNode target = shapes.path(m.getValue().path("shape").asText());
            if (location.equals("uri") && match.labels().containsKey(wire)) {
                input.set(m.getKey(), scalar(target, match.labels().get(wire)));
            } else if (location.equals("querystring") && query.containsKey(wire)) {
                List<String> values = query.get(wire);
                if (target.path("type").asText().equals("list")) {
                    var array = input.putArray(m.getKey());
                    values.forEach(v -> array.add(scalar(shapes.path(target.path("member").asText()), v)));
                } else {
                    input.set(m.getKey(), scalar(target, values.get(0)));
                }
            }
        }
        return input;
    }

    /**
     * Builds the input of a query-protocol operation from its form parameters the way the protocol
     * flattens it (AWS SDK v2 {@code QueryParamMarshaller}; botocore {@code serialize.QuerySerializer}):
     * {@code A.B=v} is member B of structure A, {@code L.member.N[.X]} is the N-th element (from 1)
     * of list L, {@code L=} an empty list; scalars are typed by the model (a number that does not
     * parse stays text, for {@link #check} to report). Parameters the model does not know are dropped
     * ({@code Action}, {@code Version}).
     */
    public ObjectNode queryInput(String operation, Map<String, String> params) {
        ObjectNode input = AwsJson.object();
        JsonNode shape = inputShape(operation);
        if (shape == null) {
            return input;
        }
        for (Map.Entry<String, String> p : params.entrySet()) {
            queryPut(input, shape, p.getKey().split("\\."), 0, p.getValue());
        }
        return (ObjectNode) queryLists(input, shape);
    }

    private void queryPut(ObjectNode container, JsonNode structure, String[] path, int i, String value) {
        if (i >= path.length) {
            return;
        }
        JsonNode member = structure.path("members").get(path[i]);
        if (member == null) {
            return;
        }
        JsonNode shape = shapes.path(member.path("shape").asText());
        switch (shape.path("type").asText()) {
            case "structure" -> queryPut(container.with(path[i]), shape, path, i + 1, value);
            case "list" -> {
                ObjectNode byIndex = container.with(path[i]); // index -> element until queryLists orders them
                if (i + 2 >= path.length || !path[i + 1].equals("member")) {
                    return; // "L=" : an empty list
                }
                JsonNode element = shapes.path(shape.path("member").asText());
                if (element.path("type").asText().equals("structure")) {
                    queryPut(byIndex.with(path[i + 2]), element, path, i + 3, value);
                } else if (i + 3 == path.length) {
                    byIndex.set(path[i + 2], scalar(element, value));
                }
            }
            default -> {
                if (i + 1 == path.length) {
                    container.set(path[i], scalar(shape, value));
                }
            }
        }
    }

    private JsonNode queryLists(JsonNode value, JsonNode shape) {
        String type = shape.path("type").asText();
        if (type.equals("structure") && value.isObject()) {
            ObjectNode out = AwsJson.object();
            for (Map.Entry<String, JsonNode> f : value.properties()) {
                JsonNode member = shape.path("members").get(f.getKey());
                out.set(f.getKey(), member == null ? f.getValue() : queryLists(f.getValue(), shapes.path(member.path("shape").asText())));
            }
            return out;
        }
        if (type.equals("list") && value.isObject()) {
            java.util.TreeMap<Integer, JsonNode> ordered = new java.util.TreeMap<>();
            for (Map.Entry<String, JsonNode> f : value.properties()) {
                try {
                    ordered.put(Integer.parseInt(f.getKey()), f.getValue());
                } catch (NumberFormatException e) {
                    // not an index: the SDK never sends one
                }
            }
            var array = AwsJson.MAPPER.createArrayNode();
            JsonNode element = shapes.path(shape.path("member").asText());
            ordered.values().forEach(v -> array.add(queryLists(v, element)));
            return array;
        }
        return value;
    }

    private static JsonNode scalar(JsonNode shape, String text) {
        String type = shape.path("type").asText();
        try {
            return switch (type) {
                case "integer", "long" -> AwsJson.MAPPER.getNodeFactory().numberNode(Long.parseLong(text));
                case "double", "float" -> AwsJson.MAPPER.getNodeFactory().numberNode(Double.parseDouble(text));
                case "boolean" -> text.equals("true") || text.equals("false")
                        ? AwsJson.MAPPER.getNodeFactory().booleanNode(Boolean.parseBoolean(text))
                        : AwsJson.MAPPER.getNodeFactory().textNode(text);
                default -> AwsJson.MAPPER.getNodeFactory().textNode(text);
            };
        } catch (NumberFormatException e) {
            return AwsJson.MAPPER.getNodeFactory().textNode(text); // reported as a type error by check()
        }
    }

    private JsonNode inputShape(String operation) {
        JsonNode op = operations.get(operation);
        if (op == null || !op.has("input")) {
            return null;
        }
        return shapes.get(op.get("input").asText());
    }

    /** What {@link #check} found: values of the wrong JSON type, and constraint violations. */
    public record Problems(List<String> typeErrors, List<String> violations) {
        public boolean isEmpty() {
            return typeErrors.isEmpty() && violations.isEmpty();
        }

        /** AWS's message: {@code N validation error(s) detected: <violation>; <violation>}. */
        public String message() {
            int n = violations.size();
            return n + " validation error" + (n == 1 ? "" : "s") + " detected: " + String.join("; ", violations);
        }
    }

    /** Checks {@code input} against the input shape of {@code operation}; unknown operations pass. */
    public Problems check(String operation, JsonNode input) {
        List<String> types = new ArrayList<>();
        List<String> violations = new ArrayList<>();
        JsonNode op = operations.get(operation);
        if (op != null && op.has("input")) {
            String shape = op.get("input").asText();
            walkStructure(shapes.get(shape), input == null ? AwsJson.object() : input, "", types, violations);
        }
        return new Problems(List.copyOf(types), List.copyOf(violations));
    }

    private void walkStructure(JsonNode shape, JsonNode value, String path, List<String> types, List<String> out) {
        JsonNode members = shape.path("members");
        for (JsonNode required : shape.path("required")) {
            String name = required.asText();
            JsonNode v = value.get(name);
            if (v == null || v.isNull()) {
                out.add("Value null at '" + child(path, name) + "' failed to satisfy constraint: Member must not be null");
            }
        }
        for (Map.Entry<String, JsonNode> f : value.properties()) {
            JsonNode member = members.get(f.getKey());
            if (member == null || f.getValue().isNull()) {
                continue; // AWS ignores members its model does not know
            }
            walk(member.path("shape").asText(), f.getValue(), child(path, f.getKey()), types, out);
        }
    }

    private void walk(String shapeName, JsonNode value, String path, List<String> types, List<String> out) {
        JsonNode shape = shapes.get(shapeName);
        if (shape == null) {
            return;
        }
        String type = shape.path("type").asText();
        List<String> broken = new ArrayList<>();
        switch (type) {
            case "structure" -> {
                if (!value.isObject()) {
                    types.add("Expected an object at '" + path + "'");
                    return;
                }
                walkStructure(shape, value, path, types, out);
            }
            case "list" -> {
                if (!value.isArray()) {
                    types.add("Expected a list at '" + path + "'");
                    return;
                }
                length(shape, value.size(), broken);
                for (int i = 0; i < value.size(); i++) {
                    if (!value.get(i).isNull()) {
                        walk(shape.path("member").asText(), value.get(i), path + "." + (i + 1) + ".member", types, out);
                    }
                }
            }
            case "map" -> {
                if (!value.isObject()) {
                    types.add("Expected a map at '" + path + "'");
                    return;
                }
                length(shape, value.size(), broken);
                mapEntries(shape, value, path, types, out);
            }
            case "string" -> {
                if (!value.isTextual()) {
                    types.add("Expected a string at '" + path + "'");
                    return;
                }
                stringConstraints(shape, value.asText(), broken);
            }
            case "integer", "long" -> {
                if (!value.isIntegralNumber()) {
                    types.add("Expected an integer at '" + path + "'");
                    return;
                }
                range(shape, value.asDouble(), broken);
            }
            case "double", "float" -> {
                if (!value.isNumber()) {
                    types.add("Expected a number at '" + path + "'");
                    return;
                }
                range(shape, value.asDouble(), broken);
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    types.add("Expected a boolean at '" + path + "'");
                }
                return;
            }
            case "timestamp" -> {
                if (!value.isNumber() && !value.isTextual()) {
                    types.add("Expected a timestamp at '" + path + "'");
                }
                return;
            }
            default -> {
                return; // blob, document: nothing the emulators rely on
            }
        }
        for (String constraint : broken) {
            out.add("Value " + shown(shapeName, shape, value) + "at '" + path + "' failed to satisfy constraint: " + constraint);
        }
    }

    private void mapEntries(JsonNode shape, JsonNode value, String path, List<String> types, List<String> out) {
        JsonNode keyShape = shapes.path(shape.path("key").asText());
        String valueShapeName = shape.path("value").asText();
        JsonNode valueShape = shapes.path(valueShapeName);
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            List<String> keyBroken = new ArrayList<>();
            stringConstraints(keyShape, e.getKey(), keyBroken);
            if (!keyBroken.isEmpty()) {
                out.add("Value '" + e.getKey() + "' at '" + path + "' failed to satisfy constraint: "
                        + "Map keys must satisfy constraint: " + keyBroken);
            }
            JsonNode v = e.getValue();
            if (v.isNull()) {
                continue;
            }
            String vt = valueShape.path("type").asText();
            if (vt.equals("string") && v.isTextual()) {
                List<String> valueBroken = new ArrayList<>();
                stringConstraints(valueShape, v.asText(), valueBroken);
                if (!valueBroken.isEmpty()) {
                    out.add("Value " + shown(valueShapeName, valueShape, v) + "at '" + path + "' failed to satisfy constraint: "
                            + "Map value must satisfy constraint: " + valueBroken);
                }
            } else {
                walk(valueShapeName, v, path + "." + e.getKey(), types, out);
            }
        }
    }

    private void stringConstraints(JsonNode shape, String s, List<String> broken) {
        if (shape.has("enum")) {
            boolean ok = false;
            List<String> allowed = new ArrayList<>();
            for (JsonNode e : shape.get("enum")) {
                allowed.add(e.asText());
                ok |= e.asText().equals(s);
            }
            if (!ok) {
                broken.add("Member must satisfy enum value set: " + allowed);
            }
        }
        length(shape, s.codePointCount(0, s.length()), broken);
        if (shape.has("pattern")) {
            pattern(shape.get("pattern").asText()).ifPresent(p -> {
                if (!p.matcher(s).find()) {
                    broken.add("Member must satisfy regular expression pattern: " + p.pattern());
                }
            });
        }
    }

    private static void length(JsonNode shape, long n, List<String> broken) {
        if (shape.has("min") && n < shape.get("min").asDouble()) {
            broken.add("Member must have length greater than or equal to " + number(shape.get("min")));
        }
        if (shape.has("max") && n > shape.get("max").asDouble()) {
            broken.add("Member must have length less than or equal to " + number(shape.get("max")));
        }
    }

    private static void range(JsonNode shape, double v, List<String> broken) {
        if (shape.has("min") && v < shape.get("min").asDouble()) {
            broken.add("Member must have value greater than or equal to " + number(shape.get("min")));
        }
        if (shape.has("max") && v > shape.get("max").asDouble()) {
            broken.add("Member must have value less than or equal to " + number(shape.get("max")));
        }
    }

    private static String number(JsonNode n) {
        return n.isIntegralNumber() ? Long.toString(n.asLong()) : n.asText();
    }

    /** How AWS shows the offending value: quoted, or left out for sensitive data (a trailing space either way). */
    private String shown(String shapeName, JsonNode shape, JsonNode value) {
        if (shape.path("sensitive").asBoolean(false) || holdsSensitive(shapeName)) {
            return "";
        }
        return "'" + (value.isTextual() ? value.asText() : render(value)) + "' ";
    }

    private static String render(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(render(v)));
            return items.toString();
        }
        if (value.isObject()) {
            Map<String, String> items = new java.util.LinkedHashMap<>();
            value.properties().forEach(e -> items.put(e.getKey(), render(e.getValue())));
            return items.toString();
        }
        return value.asText();
    }

    private boolean holdsSensitive(String shapeName) {
        Boolean known = holdsSensitive.get(shapeName);
        if (known != null) {
            return known;
        }
        holdsSensitive.put(shapeName, false); // breaks cycles (recursive shapes)
        JsonNode shape = shapes.path(shapeName);
        boolean result = shape.path("sensitive").asBoolean(false);
        List<String> inner = new ArrayList<>();
        shape.path("members").forEach(m -> inner.add(m.path("shape").asText()));
        for (String field : new String[] {"member", "key", "value"}) {
            if (shape.has(field)) {
                inner.add(shape.get(field).asText());
            }
        }
        for (String s : inner) {
            result |= holdsSensitive(s);
        }
        holdsSensitive.put(shapeName, result);
        return result;
    }

    private Optional<Pattern> pattern(String regex) {
        return patterns.computeIfAbsent(regex, r -> {
            try {
                return Optional.of(Pattern.compile(r));
            } catch (PatternSyntaxException e) {
                return Optional.empty(); // a pattern Java cannot read is not enforced
            }
        });
    }

    /** AWS's member path: the member name with a lower-case first letter ({@code SecretId} -> {@code secretId}). */
    private static String child(String path, String member) {
        String name = member.isEmpty() ? member : Character.toLowerCase(member.charAt(0)) + member.substring(1);
        return path.isEmpty() ? name : path + "." + name;
    }

    /** One operation's method and URI template, compiled to a regex over the raw path. */
    private record RestRoute(String operation, String method, Pattern path, List<String> labels, int literalLength) {
        static RestRoute of(String operation, JsonNode op) {
            String uri = op.path("requestUri").asText("/");
            int q = uri.indexOf('?');
            String template = q < 0 ? uri : uri.substring(0, q);
            StringBuilder regex = new StringBuilder();
            List<String> labels = new ArrayList<>();
            int literal = 0;
            Matcher m = Pattern.compile("\\{([^}+]+)(\\+?)}").matcher(template);
            int last = 0;
            while (m.find()) {
                regex.append(Pattern.quote(template.substring(last, m.start())));
                literal += m.start() - last;
                regex.append(m.group(2).isEmpty() ? "([^/]+)" : "(.+)");
                labels.add(m.group(1));
                last = m.end();
            }
            regex.append(Pattern.quote(template.substring(last)));
            literal += template.length() - last;
            return new RestRoute(operation, op.path("method").asText("POST"), Pattern.compile(regex + "/?"),
                    List.copyOf(labels), literal);
        }

        Optional<Map<String, String>> match(String method, String rawPath) {
            if (!this.method.equals(method)) {
                return Optional.empty();
            }
            Matcher m = path.matcher(rawPath);
            if (!m.matches()) {
                return Optional.empty();
            }
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < labels.size(); i++) {
                values.put(labels.get(i), URLDecoder.decode(m.group(i + 1).replace("+", "%2B"), StandardCharsets.UTF_8));
            }
            return Optional.of(values);
        }
    }
}

package dev.cutover.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.Problem;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one object of a release descriptor: typed fields by name, each problem (wrong type, missing
 * field, unknown key with the nearest known one) added to a shared list with its path, so the whole
 * descriptor is read before anything is reported.
 */
public final class Fields {

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final JsonNode node;
    private final String path;
    private final List<Problem> problems;
    private final Set<String> known = new LinkedHashSet<>();

    public Fields(JsonNode node, String path, List<Problem> problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    /** The fields of the document's root object; a problem when it is not an object. */
    public static Fields root(JsonNode node, List<Problem> problems) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            problems.add(new Problem("(descriptor)", null, "is empty; it needs at least 'service' and 'environments'"));
            return new Fields(null, "", problems);
        }
        if (!node.isObject()) {
            problems.add(new Problem("(descriptor)", null, "must be an object with 'service', 'environments' and 'strategy'"));
            return new Fields(null, "", problems);
        }
        return new Fields(node, "", problems);
    }

    /** The path of {@code key} under this object. */
    public String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public String path() {
        return path;
    }

    public void problem(String at, Object value, String message) {
        problems.add(new Problem(at, value == null ? null : String.valueOf(value), message));
    }

    /** Declares the keys this object may hold beside the ones read (so they are not reported as unknown). */
    public void allow(String... keys) {
        known.addAll(List.of(keys));
    }

    /** Whether the key is present (and not null). */
    public boolean has(String key) {
        known.add(key);
        return node != null && node.hasNonNull(key);
    }

    private Optional<JsonNode> raw(String key) {
        known.add(key);
        if (node == null || !node.hasNonNull(key)) {
            return Optional.empty();
        }
        return Optional.of(node.get(key));
    }

    public Optional<String> text(String key) {
        return raw(key).flatMap(v -> {
            if (v.isValueNode()) {
                String s = v.asText();
                if (s.isBlank()) {
                    problem(at(key), null, "is empty; leave it out or give a value");
                    return Optional.empty();
                }
                return Optional.of(s);
            }
            problem(at(key), null, "must be a text value, not " + kind(v));
            return Optional.empty();
        });
    }

    public Optional<String> requiredText(String key, String example) {
        if (!has(key)) {
            problem(at(key), null, "is required, e.g. " + key + ": " + example);
            return Optional.empty();
        }
        return text(key);
    }

    public Optional<Integer> integer(String key) {
        return raw(key).flatMap(v -> {
            if (v.isIntegralNumber() && v.canConvertToInt()) {
                return Optional.of(v.intValue());
            }
            if (v.isTextual() && v.asText().matches("-?\\d{1,9}")) {
                return Optional.of(Integer.parseInt(v.asText()));
            }
            problem(at(key), v.isValueNode() ? v.asText() : null, "must be a whole number");
            return Optional.empty();
        });
    }

    public Optional<Double> number(String key) {
        return raw(key).flatMap(v -> {
            if (v.isNumber()) {
                return Optional.of(v.doubleValue());
            }
            if (v.isTextual()) {
                try {
                    return Optional.of(Double.parseDouble(v.asText()));
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
            problem(at(key), v.isValueNode() ? v.asText() : null, "must be a number, e.g. 0.01");
            return Optional.empty();
        });
    }

    public Optional<Boolean> bool(String key) {
        return raw(key).flatMap(v -> {
            if (v.isBoolean()) {
                return Optional.of(v.booleanValue());
            }
            problem(at(key), v.isValueNode() ? v.asText() : null, "must be true or false");
            return Optional.empty();
        });
    }

    /** A duration: {@code 30s}, {@code 10m}, {@code 1h30m}, {@code 500ms}, {@code 2d}, ISO-8601 {@code PT10M}, or whole seconds. */
    public Optional<Duration> duration(String key) {
        return raw(key).flatMap(v -> {
            Duration d = v.isValueNode() ? parseDuration(v.asText()) : null;
            if (d == null) {
                problem(at(key), v.isValueNode() ? v.asText() : null,
                        "is not a duration; write e.g. 30s, 10m, 1h30m, 500ms or PT10M");
            }
            return Optional.ofNullable(d);
        });
    }

    /** The duration {@code text} denotes, or null. */
    public static Duration parseDuration(String text) {
        String t = text.trim();
        if (t.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        Matcher m = SHORT_DURATION.matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            end = m.end();
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
        }
        return end == t.length() && end > 0 ? total : null;
    }

    /** A list of text values. */
    public Optional<List<String>> strings(String key) {
        return raw(key).flatMap(v -> {
            if (!v.isArray()) {
                problem(at(key), null, "must be a list, e.g. [a, b]");
                return Optional.empty();
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                JsonNode e = v.get(i);
                if (e.isValueNode() && !e.isNull()) {
                    out.add(e.asText());
                } else {
                    problem(at(key) + "[" + i + "]", null, "must be a text value, not " + kind(e));
                }
            }
            return Optional.of(out);
        });
    }

    /** A list of whole numbers. */
    public Optional<List<Integer>> integers(String key) {
        return raw(key).flatMap(v -> {
            if (!v.isArray()) {
                problem(at(key), v.isValueNode() ? v.asText() : null, "must be a list of whole numbers, e.g. [10, 50, 100]");
                return Optional.empty();
            }
            List<Integer> out = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < v.size(); i++) {
                JsonNode e = v.get(i);
                if (e.isIntegralNumber() && e.canConvertToInt()) {
                    out.add(e.intValue());
                } else {
                    problem(at(key) + "[" + i + "]", e.isValueNode() ? e.asText() : null, "must be a whole number");
                    ok = false;
                }
            }
            return ok ? Optional.of(out) : Optional.empty();
        });
    }

    /**
     * A map of text values ({@code env}, {@code secrets}, {@code config}); when {@code hidden}, a
     * bad value is never echoed (it may be a secret given where a reference belongs).
     */
    public Map<String, String> stringMap(String key, boolean hidden) {
        Map<String, String> out = new LinkedHashMap<>();
        raw(key).ifPresent(v -> {
            if (!v.isObject()) {
                problem(at(key), null, "must be a map of NAME: value");
                return;
            }
            Iterator<Map.Entry<String, JsonNode>> it = v.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode value = e.getValue();
                if (value.isValueNode() && !value.isNull()) {
                    out.put(e.getKey(), value.asText());
                } else {
                    problem(at(key) + "[\"" + e.getKey() + "\"]", hidden ? "(hidden)" : null,
                            "must be a text value, not " + kind(value));
                }
            }
        });
        return out;
    }

    /** A nested object, when present (a problem when it is not an object). */
    public Optional<Fields> object(String key) {
        return raw(key).flatMap(v -> {
            if (!v.isObject()) {
                problem(at(key), null, "must be an object (key: value lines), not " + kind(v));
                return Optional.empty();
            }
            return Optional.of(new Fields(v, at(key), problems));
        });
    }

    /** A list of objects. */
    public List<Fields> objects(String key) {
        List<Fields> out = new ArrayList<>();
        raw(key).ifPresent(v -> {
            if (!v.isArray()) {
                problem(at(key), null, "must be a list of objects");
                return;
            }
            for (int i = 0; i < v.size(); i++) {
                if (v.get(i).isObject()) {
                    out.add(new Fields(v.get(i), at(key) + "[" + i + "]", problems));
                } else {
                    problem(at(key) + "[" + i + "]", null, "must be an object, not " + kind(v.get(i)));
                }
            }
        });
        return out;
    }

    /** The object's entries whose values are objects, by name (the environments). */
    public Map<String, Fields> namedObjects(String key) {
        Map<String, Fields> out = new LinkedHashMap<>();
        raw(key).ifPresent(v -> {
            if (!v.isObject()) {
                problem(at(key), null, "must map names to objects, e.g. stage: {region: us-east-1}");
                return;
            }
            Iterator<Map.Entry<String, JsonNode>> it = v.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String at = at(key) + "." + e.getKey();
                if (e.getValue().isObject()) {
                    out.put(e.getKey(), new Fields(e.getValue(), at, problems));
                } else {
                    problem(at, null, "must be an object, not " + kind(e.getValue()));
                }
            }
        });
        return out;
    }

    /** Reports every key of this object that was neither read nor allowed, naming the nearest known key. */
    public void rejectUnknown() {
        if (node == null) {
            return;
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                String near = nearest(name, known);
                problem(at(name), null, "is not a known field" + (near == null ? "" : "; did you mean '" + near + "'?")
                        + " Known here: " + String.join(", ", known));
            }
        }
    }

    /** The known name closest to {@code name} (edit distance at most a third of its length, at least 2), or null. */
    static String nearest(String name, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(name.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String kind(JsonNode v) {
        if (v.isObject()) {
            return "an object";
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isNull()) {
            return "null";
        }
        return "'" + v.asText() + "'";
    }
}

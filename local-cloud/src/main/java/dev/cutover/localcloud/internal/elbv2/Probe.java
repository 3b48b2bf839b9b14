package dev.cutover.localcloud.internal.elbv2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.localcloud.internal.elbv2.Elbv2Model.Rule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One simulated request class of a listener: built to satisfy one rule's conditions, then routed
 * through all the listener's rules the way ALB evaluates them ("Listener rules": rules in priority
 * order, the default last; condition types): {@code path-pattern} matches the path case-sensitively,
 * {@code host-header} the host case-insensitively, {@code http-header} the named header (name and
 * value case-insensitive), {@code http-request-method} the method case-sensitively, {@code query-string}
 * a key/value pair, {@code source-ip} a CIDR; wildcards {@code *} (any run) and {@code ?} (one
 * character) in path, host, header and query values. All conditions of a rule must match; any
 * value of one condition does.
 */
record Probe(String host, String path, String method, Map<String, String> headers, Map<String, String> query, String sourceIp) {

    /** The probe that satisfies {@code rule}'s conditions (the default rule's: {@code GET /} on the load balancer's name). */
    static Probe of(Rule rule, String dnsName) {
        String host = dnsName;
        String path = "/";
        String method = "GET";
        String sourceIp = "203.0.113.10";
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, String> query = new LinkedHashMap<>();
        for (JsonNode c : rule.conditions) {
            List<String> values = Elbv2Emulator.conditionValues(c);
            String first = values.isEmpty() ? "" : values.get(0);
            switch (c.path("Field").asText()) {
                case "host-header" -> host = fill(first, "app");
                case "path-pattern" -> path = fill(first, "");
                case "http-request-method" -> method = first;
                case "http-header" -> headers.put(c.path("HttpHeaderConfig").path("HttpHeaderName").asText().toLowerCase(Locale.ROOT),
                        fill(first, "1"));
                case "query-string" -> {
                    int eq = first.indexOf('=');
                    String k = fill(eq < 0 ? "" : first.substring(0, eq), "k");
                    query.put(k.isEmpty() ? "k" : k, fill(eq < 0 ? first : first.substring(eq + 1), "1"));
                }
                case "source-ip" -> sourceIp = first.contains("/") ? first.substring(0, first.indexOf('/')) : first;
                default -> {
                }
            }
        }
        return new Probe(host, path, method, headers, query, sourceIp);
    }

    /** Whether every condition matches this request. */
    boolean matches(JsonNode conditions) {
        for (JsonNode c : conditions) {
            List<String> values = Elbv2Emulator.conditionValues(c);
            boolean any = false;
            for (String v : values) {
                any |= switch (c.path("Field").asText()) {
                    case "host-header" -> glob(v, true).matcher(host).matches();
                    case "path-pattern" -> glob(v, false).matcher(path).matches();
                    case "http-request-method" -> v.equals(method);
                    case "http-header" -> {
                        String h = headers.get(c.path("HttpHeaderConfig").path("HttpHeaderName").asText().toLowerCase(Locale.ROOT));
                        yield h != null && glob(v, true).matcher(h).matches();
                    }
                    case "query-string" -> {
                        int eq = v.indexOf('=');
                        String k = eq < 0 ? "" : v.substring(0, eq);
                        String val = eq < 0 ? v : v.substring(eq + 1);
                        yield query.entrySet().stream().anyMatch(e -> (k.isEmpty() || glob(k, true).matcher(e.getKey()).matches())
                                && glob(val, true).matcher(e.getValue()).matches());
                    }
                    case "source-ip" -> inCidr(sourceIp, v);
                    default -> false;
                };
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    /** How the split of this request class is named after its listener: {@code /orders*} or {@code /orders [x-cutover-preview: 1]}. */
    String describe() {
        StringBuilder sb = new StringBuilder(path);
        headers.forEach((k, v) -> sb.append(" [").append(k).append(": ").append(v).append(']'));
        return sb.toString();
    }

    private static String fill(String pattern, String star) {
        return pattern.replace("*", star).replace("?", "x");
    }

    private static Pattern glob(String pattern, boolean ignoreCase) {
        StringBuilder re = new StringBuilder();
        for (char ch : pattern.toCharArray()) {
            switch (ch) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return ignoreCase ? Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE) : Pattern.compile(re.toString());
    }

    private static boolean inCidr(String ip, String cidr) {
        try {
            String[] parts = cidr.split("/");
            int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : 32;
            long mask = bits == 0 ? 0 : 0xFFFFFFFFL << (32 - bits) & 0xFFFFFFFFL;
            return (toLong(ip) & mask) == (toLong(parts[0]) & mask);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static long toLong(String ip) {
        long out = 0;
        for (String p : ip.split("\\.")) {
            out = out << 8 | Integer.parseInt(p);
        }
        return out;
    }
}

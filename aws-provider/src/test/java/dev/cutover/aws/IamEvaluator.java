package dev.cutover.aws;

import dev.cutover.spi.Provider.PolicyStatement;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small IAM policy evaluator for identity policies of Allow statements, as the IAM User Guide's
 * "Policy evaluation logic" and "IAM JSON policy elements" pages describe it:
 * <ul>
 *   <li>{@code Action}: the service prefix and action name are case-insensitive; {@code *} matches any
 *       run of characters and {@code ?} one;</li>
 *   <li>{@code Resource}: an ARN pattern matches segment by segment ({@code arn:partition:service:region:account:resource});
 *       {@code *} and {@code ?} never cross a {@code :} between the first five segments, and match any
 *       characters (including {@code /} and {@code :}) inside the resource part; matching is case-sensitive;
 *       {@code "*"} alone matches every resource;</li>
 *   <li>{@code Condition}: every operator block and every key in it must hold (AND), any value of a key
 *       may match (OR); condition key names are case-insensitive, values are not; a key missing from the
 *       request context makes its condition false (no {@code ...IfExists} operators are used).
 *       Operators: {@code StringEquals}, {@code StringLike}, {@code ArnEquals}, {@code ArnLike}, and
 *       {@code ForAllValues:StringEquals} (the audit sends one request per value of a multivalued key).</li>
 * </ul>
 * A request carries one action, one resource ARN ({@code "*"} for actions without resource-level
 * permissions) and its context keys.
 */
final class IamEvaluator {

    /** One authorization request. */
    record Request(String action, String resource, Map<String, String> context) {
        Request {
            context = Map.copyOf(context);
        }

        @Override
        public String toString() {
            return action + " on " + resource + (context.isEmpty() ? "" : " " + context);
        }
    }

    private IamEvaluator() {
    }

    /** Whether any statement of {@code policy} allows {@code request}. */
    static boolean allows(List<PolicyStatement> policy, Request request) {
        return policy.stream().anyMatch(s -> allows(s, request));
    }

    static boolean allows(PolicyStatement s, Request r) {
        return s.actions().stream().anyMatch(a -> actionMatches(a, r.action()))
                && s.resources().stream().anyMatch(p -> resourceMatches(p, r.resource()))
                && conditionsHold(s.conditions(), r.context());
    }

    static boolean actionMatches(String pattern, String action) {
        return glob(pattern.toLowerCase(Locale.ROOT), action.toLowerCase(Locale.ROOT));
    }

    static boolean resourceMatches(String pattern, String arn) {
        if (pattern.equals("*")) {
            return true;
        }
        String[] p = pattern.split(":", 6);
        String[] a = arn.split(":", 6);
        if (p.length != 6 || a.length != 6) {
            return glob(pattern, arn);
        }
        for (int i = 0; i < 6; i++) {
            if (!glob(p[i], a[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean conditionsHold(Map<String, Map<String, List<String>>> conditions, Map<String, String> context) {
        for (var op : conditions.entrySet()) {
            for (var key : op.getValue().entrySet()) {
                String actual = context.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(key.getKey()))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                if (actual == null || key.getValue().stream().noneMatch(v -> holds(op.getKey(), v, actual))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean holds(String operator, String expected, String actual) {
        return switch (operator) {
            // the audit sends one request per value of a multivalued key (one per change of a Route 53 batch), so
            // ForAllValues holds when it holds for each request's single value
            case "StringEquals", "ForAllValues:StringEquals" -> expected.equals(actual);
            case "StringLike" -> glob(expected, actual);
            case "ArnEquals", "ArnLike" -> resourceMatches(expected, actual);
            default -> throw new IllegalArgumentException("the evaluator does not model the condition operator " + operator);
        };
    }

    /** {@code *}: any run of characters, {@code ?}: exactly one; everything else literally. */
    static boolean glob(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int mark = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}

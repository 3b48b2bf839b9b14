package dev.cutover.localcloud.internal.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Defaults and validation of {@code deploymentConfiguration}, and AWS's circuit-breaker threshold. */
final class DeploymentConfigs {

    private DeploymentConfigs() {
    }

    /** Applies {@code update} over {@code current} (or the defaults) and validates the result. */
    static ObjectNode merge(ObjectNode current, EcsRequest update) {
        ObjectNode c;
        if (current != null) {
            c = current.deepCopy();
        } else {
            c = EcsEmulator.JSON.createObjectNode();
            c.putObject("deploymentCircuitBreaker").put("enable", false).put("rollback", false);
            c.put("maximumPercent", 200);
            c.put("minimumHealthyPercent", 100);
            c.put("strategy", "ROLLING");
        }
        if (update == null) {
            return c;
        }
        Integer max = update.optInt("maximumPercent");
        Integer min = update.optInt("minimumHealthyPercent");
        if (min != null && (min < 0 || min > 100)) {
            throw EcsRequest.invalid("minimumHealthyPercent must be between 0 and 100.");
        }
        if (max != null && max < 100) {
            throw EcsRequest.invalid("maximumPercent must be 100 or greater.");
        }
        if (max != null) {
            c.put("maximumPercent", max);
        }
        if (min != null) {
            c.put("minimumHealthyPercent", min);
        }
        if (c.path("maximumPercent").asInt() == 100 && c.path("minimumHealthyPercent").asInt() == 100) {
            throw EcsRequest.invalid("The maximumPercent and minimumHealthyPercent cannot both be 100: "
                    + "the service could never replace a task.");
        }
        EcsRequest cb = update.object("deploymentCircuitBreaker");
        if (cb != null) {
            Boolean enable = cb.optBool("enable");
            Boolean rollback = cb.optBool("rollback");
            if (enable == null || rollback == null) {
                throw EcsRequest.invalid("deploymentCircuitBreaker requires both enable and rollback.");
            }
            ObjectNode out = EcsEmulator.JSON.createObjectNode().put("enable", enable).put("rollback", rollback);
            EcsRequest threshold = cb.object("thresholdConfiguration");
            if (threshold != null) {
                String type = threshold.optEnum("type", java.util.Set.of("COUNT", "BOUNDED_PERCENT", "UNBOUNDED_PERCENT"));
                Integer value = threshold.optInt("value");
                if (value != null && value < 1) {
                    throw EcsRequest.invalid("thresholdConfiguration.value must be at least 1.");
                }
                out.set("thresholdConfiguration", threshold.body());
                if (type == null) {
                    ((ObjectNode) out.get("thresholdConfiguration")).put("type", "BOUNDED_PERCENT");
                }
            }
            if (cb.has("resetOnHealthyTask")) {
                out.put("resetOnHealthyTask", Boolean.TRUE.equals(cb.optBool("resetOnHealthyTask")));
            }
            c.set("deploymentCircuitBreaker", out);
        }
        if (update.has("alarms")) {
            c.set("alarms", update.optObject("alarms"));
        }
        String strategy = update.optEnum("strategy", EcsEmulator.strategies());
        if (strategy != null) {
            c.put("strategy", strategy);
        }
        if (update.has("bakeTimeInMinutes")) {
            c.put("bakeTimeInMinutes", update.optInt("bakeTimeInMinutes", 0, 1440, 0));
        }
        EcsRequest canary = update.object("canaryConfiguration");
        if (canary != null) {
            ObjectNode o = c.putObject("canaryConfiguration");
            double pct = percent(canary, "canaryPercent", 0.1, 100, 5.0);
            if (Math.abs(pct * 10 - Math.round(pct * 10)) > 1e-9) {
                throw EcsRequest.invalid("canaryPercent must be a multiple of 0.1, was " + pct + ".");
            }
            o.put("canaryPercent", pct);
            o.put("canaryBakeTimeInMinutes", canary.optInt("canaryBakeTimeInMinutes", 0, 1440, 10));
        }
        EcsRequest linear = update.object("linearConfiguration");
        if (linear != null) {
            ObjectNode o = c.putObject("linearConfiguration");
            o.put("stepPercent", percent(linear, "stepPercent", 3.0, 100, 10.0));
            o.put("stepBakeTimeInMinutes", linear.optInt("stepBakeTimeInMinutes", 0, 1440, 6));
        }
        if (update.has("lifecycleHooks")) {
            c.set("lifecycleHooks", update.optArray("lifecycleHooks"));
        }
        String s = c.path("strategy").asText();
        if (s.equals("CANARY") && !c.has("canaryConfiguration")) {
            c.putObject("canaryConfiguration").put("canaryPercent", 5.0).put("canaryBakeTimeInMinutes", 10);
        }
        if (s.equals("LINEAR") && !c.has("linearConfiguration")) {
            c.putObject("linearConfiguration").put("stepPercent", 10.0).put("stepBakeTimeInMinutes", 6);
        }
        return c;
    }

    private static double percent(EcsRequest r, String field, double min, double max, double dflt) {
        JsonNode n = r.body().get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isNumber()) {
            throw EcsRequest.invalid(field + " must be a number.");
        }
        double v = n.asDouble();
        if (v < min || v > max) {
            throw EcsRequest.invalid(field + " must be between " + min + " and " + max + ", was " + v + ".");
        }
        return v;
    }

    /**
     * The circuit breaker's failure threshold: by default half the desired count, at least 3 and at most
     * 200 (BOUNDED_PERCENT 50); {@code COUNT} uses the value; {@code UNBOUNDED_PERCENT} drops the bounds.
     */
    static int threshold(ObjectNode config, int desired) {
        JsonNode t = config.path("deploymentCircuitBreaker").path("thresholdConfiguration");
        String type = t.path("type").asText("BOUNDED_PERCENT");
        int value = t.path("value").asInt(type.equals("COUNT") ? 3 : 50);
        return switch (type) {
            case "COUNT" -> Math.max(1, value);
            case "UNBOUNDED_PERCENT" -> Math.max(1, (int) Math.ceil(desired * value / 100.0));
            default -> Math.min(200, Math.max(3, (int) Math.ceil(desired * value / 100.0)));
        };
    }
}

package dev.cutover.internal;

import dev.cutover.Change;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.Resource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders plans as terraform-style text and as stable JSON. Secrets always show as {@code (secret)}. */
public final class PlanRenderer {

    private PlanRenderer() {
    }

    public static String text(Plan plan) {
        Release r = plan.release();
        StringBuilder sb = new StringBuilder();
        sb.append("Cutover plan: ").append(r.service().name()).append(' ').append(r.service().image().version())
                .append(" -> ").append(r.environment().name())
                .append(" (").append(r.strategy()).append(")\n");
        boolean any = false;
        for (Change c : plan.changes()) {
            if (c.isNoOp()) {
                continue;
            }
            any = true;
            sb.append('\n').append(pad(c.action().symbol())).append(' ').append(c.id());
            String ref = c.before() != null && !c.before().ref().isEmpty() ? c.before().ref() : "";
            if (!ref.isEmpty()) {
                sb.append(" [").append(ref).append(']');
            }
            if (!c.reason().isEmpty()) {
                sb.append("  # ").append(c.reason());
            }
            sb.append('\n');
            List<Change.AttributeChange> attrs = c.action() == Change.Action.DELETE ? List.of() : c.attributeChanges();
            int width = attrs.stream().mapToInt(a -> a.key().length()).max().orElse(0);
            for (Change.AttributeChange a : attrs) {
                sb.append("      ").append(a.symbol()).append(' ')
                        .append(String.format("%-" + width + "s", a.key())).append(" = ");
                if (a.before() == null) {
                    sb.append(show(a.after()));
                } else if (a.after() == null) {
                    sb.append(show(a.before())).append(" -> (removed)");
                } else {
                    sb.append(show(a.before())).append(" -> ").append(show(a.after()));
                }
                sb.append('\n');
            }
        }
        if (!any) {
            sb.append("\nNo changes. ").append(r.key()).append(" matches the release.\n");
            return sb.toString();
        }
        sb.append("\nPlan: ").append(plan.count(Change.Action.CREATE)).append(" to create, ")
                .append(plan.count(Change.Action.UPDATE)).append(" to update, ")
                .append(plan.count(Change.Action.REPLACE)).append(" to replace, ")
                .append(plan.count(Change.Action.DELETE)).append(" to delete.");
        if (plan.isRollout()) {
            sb.append("\nRollout: ").append(r.strategy().trafficSteps().stream().map(s -> s.weight() + "%").toList())
                    .append(" with ").append(r.strategy().name()).append('.');
        }
        return sb.append('\n').toString();
    }

    private static String pad(String symbol) {
        return String.format("%3s", symbol);
    }

    private static String show(Attribute a) {
        return a.sensitive() ? "(secret)" : "\"" + a.value() + "\"";
    }

    public static String json(Plan plan) {
        Release r = plan.release();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("formatVersion", 1);
        root.put("release", Map.of(
                "service", r.service().name(),
                "image", r.service().image().toString(),
                "environment", r.environment().name(),
                "strategy", r.strategy().name()));
        List<Object> changes = new ArrayList<>();
        for (Change c : plan.changes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("resource", Map.of("environment", c.id().environment(), "type", c.id().type().label(),
                    "name", c.id().name()));
            m.put("action", c.action().name().toLowerCase(java.util.Locale.ROOT));
            m.put("reason", c.reason());
            m.put("before", state(c.before()));
            m.put("after", state(c.after()));
            List<Object> attrs = new ArrayList<>();
            for (Change.AttributeChange a : c.attributeChanges()) {
                Map<String, Object> am = new LinkedHashMap<>();
                am.put("key", a.key());
                am.put("before", a.before() == null ? null : a.before().display());
                am.put("after", a.after() == null ? null : a.after().display());
                attrs.add(am);
            }
            m.put("attributeChanges", attrs);
            changes.add(m);
        }
        root.put("changes", changes);
        root.put("summary", Map.of(
                "create", plan.count(Change.Action.CREATE),
                "update", plan.count(Change.Action.UPDATE),
                "replace", plan.count(Change.Action.REPLACE),
                "delete", plan.count(Change.Action.DELETE)));
        return Json.pretty(root);
    }

    private static Object state(Resource r) {
        if (r == null) {
            return null;
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        r.attributes().forEach((k, v) -> attrs.put(k, v.display()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ref", r.ref());
        m.put("attributes", attrs);
        return m;
    }
}

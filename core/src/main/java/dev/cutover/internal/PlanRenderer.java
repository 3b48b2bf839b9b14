package dev.cutover.internal;

import dev.cutover.Change;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Step;
import dev.cutover.Strategy;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders plans as terraform-style text and as stable JSON. Secrets always show as {@code (secret)}.
 *
 * <p>The text form: a header naming the release, one block per change in the order the changes are
 * applied ({@code +} create, {@code ~} update in place, {@code -/+} replace, {@code -} delete), each
 * with one aligned line per attribute that changes (a deleted resource lists what goes away), then
 * a summary line and, when the plan runs a rollout, the traffic steps. The JSON form carries the
 * same content for tools; its keys and their order are fixed ({@code formatVersion} changes when
 * they do). {@code docs/plan-format.md} documents both; golden files pin them.
 */
public final class PlanRenderer {

    /** The version of the JSON form; bumped on any incompatible change. */
    public static final int FORMAT_VERSION = 1;

    private static final String INDENT = "      ";

    private PlanRenderer() {
    }

    /** Unchanged resources the plan has something to say about (a task count the autoscaler manages). */
    private static void appendNotes(StringBuilder sb, Plan plan) {
        for (Change c : plan.changes()) {
            if (c.isNoOp() && !c.reason().isEmpty()) {
                sb.append('\n').append(String.format("%3s", "=")).append(' ').append(c.id()).append("  # ")
                        .append(c.reason()).append('\n');
            }
        }
    }

    public static String text(Plan plan) {
        Release r = plan.release();
        StringBuilder sb = new StringBuilder();
        sb.append("Cutover plan: ").append(r.service().name()).append(' ').append(r.service().image().version())
                .append(" -> ").append(r.environment().name())
                .append(" (").append(r.strategy().name()).append(")\n");
        boolean any = false;
        for (Change c : plan.changes()) {
            if (c.isNoOp()) {
                continue;
            }
            any = true;
            sb.append('\n').append(String.format("%3s", c.action().symbol())).append(' ').append(c.id());
            if (c.before() != null && !c.before().ref().isEmpty()) {
                sb.append(" [").append(c.before().ref()).append(']');
            }
            if (!c.reason().isEmpty()) {
                sb.append("  # ").append(c.reason());
            }
            sb.append('\n');
            if (c.action() == Change.Action.DELETE) {
                appendDeleted(sb, c.before());
            } else {
                appendChanged(sb, c.attributeChanges());
            }
        }
        long unchanged = plan.count(Change.Action.NO_OP);
        if (!any) {
            sb.append("\nNo changes. ").append(r.key()).append(" matches the release (")
                    .append(unchanged).append(unchanged == 1 ? " resource" : " resources").append(" checked).\n");
            appendNotes(sb, plan);
            return sb.toString();
        }
        appendNotes(sb, plan);
        sb.append("\nPlan: ").append(plan.count(Change.Action.CREATE)).append(" to create, ")
                .append(plan.count(Change.Action.UPDATE)).append(" to update, ")
                .append(plan.count(Change.Action.REPLACE)).append(" to replace, ")
                .append(plan.count(Change.Action.DELETE)).append(" to delete, ")
                .append(unchanged).append(" unchanged.");
        if (plan.isRollout()) {
            sb.append("\nRollout ").append(rollout(r.strategy())).append('.');
        }
        return sb.append('\n').toString();
    }

    private static void appendChanged(StringBuilder sb, List<Change.AttributeChange> attrs) {
        int width = attrs.stream().mapToInt(a -> a.key().length()).max().orElse(0);
        for (Change.AttributeChange a : attrs) {
            sb.append(INDENT).append(a.symbol()).append(' ').append(padRight(a.key(), width)).append(" = ");
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

    private static void appendDeleted(StringBuilder sb, Resource before) {
        int width = before.attributes().keySet().stream().mapToInt(String::length).max().orElse(0);
        before.attributes().forEach((k, v) ->
                sb.append(INDENT).append("- ").append(padRight(k, width)).append(" = ").append(show(v)).append('\n'));
    }

    private static String padRight(String s, int width) {
        StringBuilder sb = new StringBuilder(width).append(s);
        while (sb.length() < width) {
            sb.append(' ');
        }
        return sb.toString();
    }

    /** {@code (canary) 10% -> 50% -> 100% of traffic to the new revision, baking 5m at each step}. */
    static String rollout(Strategy strategy) {
        List<Step> steps = strategy.trafficSteps();
        StringBuilder sb = new StringBuilder("(").append(strategy.name()).append(") ");
        boolean sameBake = steps.stream().map(Step::bake).distinct().count() <= 1;
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (i > 0) {
                sb.append(" -> ");
            }
            sb.append(s.weight()).append('%');
            if (!sameBake && !s.bake().isZero()) {
                sb.append(" (bake ").append(duration(s.bake())).append(')');
            }
        }
        sb.append(" of traffic to the new revision");
        if (sameBake && !steps.isEmpty() && !steps.get(0).bake().isZero()) {
            sb.append(steps.size() == 1 ? ", then bake " : ", baking ").append(duration(steps.get(0).bake()))
                    .append(steps.size() == 1 ? "" : " at each step");
        }
        return sb.toString();
    }

    /** {@code 5m}, {@code 1h30m}, {@code 45s}: how Cutover prints every duration (plans, progress lines). */
    public static String duration(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    private static String show(Attribute a) {
        return a.sensitive() ? "(secret)" : "\"" + a.value() + "\"";
    }

    public static String json(Plan plan) {
        Release r = plan.release();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("formatVersion", FORMAT_VERSION);
        Map<String, Object> release = new LinkedHashMap<>();
        release.put("service", r.service().name());
        release.put("image", r.service().image().toString());
        release.put("environment", r.environment().name());
        release.put("strategy", r.strategy().name());
        root.put("release", release);
        List<Object> changes = new ArrayList<>();
        for (Change c : plan.changes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            Map<String, Object> resource = new LinkedHashMap<>();
            resource.put("environment", c.id().environment());
            resource.put("type", c.id().type().label());
            resource.put("name", c.id().name());
            m.put("resource", resource);
            m.put("action", action(c.action()));
            m.put("reason", c.reason());
            List<Object> attrs = new ArrayList<>();
            for (Change.AttributeChange a : c.attributeChanges()) {
                Map<String, Object> am = new LinkedHashMap<>();
                am.put("key", a.key());
                am.put("before", a.before() == null ? null : a.before().display());
                am.put("after", a.after() == null ? null : a.after().display());
                am.put("sensitive", (a.before() != null && a.before().sensitive()) || (a.after() != null && a.after().sensitive()));
                attrs.add(am);
            }
            m.put("attributeChanges", attrs);
            m.put("before", state(c.before()));
            m.put("after", state(c.after()));
            changes.add(m);
        }
        root.put("changes", changes);
        Map<String, Object> summary = new LinkedHashMap<>();
        for (Change.Action a : Change.Action.values()) {
            summary.put(a == Change.Action.NO_OP ? "unchanged" : action(a), plan.count(a));
        }
        root.put("summary", summary);
        if (plan.isRollout()) {
            Map<String, Object> rollout = new LinkedHashMap<>();
            rollout.put("strategy", r.strategy().name());
            List<Object> steps = new ArrayList<>();
            for (Step s : r.strategy().trafficSteps()) {
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("weight", s.weight());
                sm.put("bakeSeconds", s.bake().toSeconds());
                steps.add(sm);
            }
            rollout.put("steps", steps);
            root.put("rollout", rollout);
        } else {
            root.put("rollout", null);
        }
        return Json.pretty(root);
    }

    /** {@code create}, {@code update}, {@code replace}, {@code delete}, {@code no-op}. */
    private static String action(Change.Action a) {
        return a == Change.Action.NO_OP ? "no-op" : a.name().toLowerCase(Locale.ROOT);
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

// Over 400 lines: encode and decode of every DSL value a journal records, side by side so that
// each field written has its reader next to it.
package dev.cutover.internal;

import dev.cutover.AllAtOnce;
import dev.cutover.BlueGreen;
import dev.cutover.Canary;
import dev.cutover.Environment;
import dev.cutover.HealthCheck;
import dev.cutover.Hook;
import dev.cutover.LaunchType;
import dev.cutover.Logs;
import dev.cutover.Linear;
import dev.cutover.Release;
import dev.cutover.Rolling;
import dev.cutover.Scaling;
import dev.cutover.Service;
import dev.cutover.Sidecar;
import dev.cutover.ServiceOverride;
import dev.cutover.Strategy;
import dev.cutover.TrafficMode;
import dev.cutover.analysis.Analysis;
import dev.cutover.analysis.MetricGate;
import dev.cutover.analysis.MetricQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Release} as JSON and back, for the journal: the declared service with every field
 * (secrets as their references, which is all a service ever holds), the environment with its
 * layout, policies and overrides, and the strategy with its analysis. {@code decode(encode(r))}
 * equals {@code r}, so a rollback or a resume in a new process re-applies exactly what ran.
 *
 * <pre>{@code
 * String json = ReleaseCodec.encode(release);
 * Release again = ReleaseCodec.decode(json);   // again.equals(release)
 * }</pre>
 */
public final class ReleaseCodec {

    /** The format version written with every release; {@link #decode} refuses others. */
    public static final int VERSION = 1;

    private ReleaseCodec() {
    }

    /** The release as compact JSON. */
    public static String encode(Release release) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", VERSION);
        m.put("service", service(release.declaredService()));
        m.put("environment", environment(release.environment()));
        m.put("strategy", strategy(release.strategy()));
        return Json.write(m);
    }

    /**
     * Reads a release written by {@link #encode}.
     *
     * @throws IllegalArgumentException when the text is not such a release (naming what is wrong)
     */
    public static Release decode(String json) {
        Map<String, Object> m = Json.parseObject(json);
        long version = num(m, "version");
        if (version != VERSION) {
            throw new IllegalArgumentException("release format version " + version + " is not " + VERSION);
        }
        return Release.of(toService(obj(m, "service"))).to(toEnvironment(obj(m, "environment")))
                .strategy(toStrategy(obj(m, "strategy"))).build();
    }

    // ------------------------------------------------------------------ service

    private static Map<String, Object> service(Service s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("image", s.image().toString());
        m.put("port", s.port());
        m.put("cpu", s.cpu());
        m.put("memoryMiB", s.memoryMiB());
        m.put("launchType", s.launchType().name());
        m.put("instances", s.instances());
        m.put("env", s.env());
        m.put("secrets", s.secrets());
        m.put("config", s.config());
        m.put("healthCheck", healthCheck(s.healthCheck()));
        s.scaling().ifPresent(sc -> m.put("scaling", scaling(sc)));
        m.put("discoveryName", s.discoveryName());
        s.preDeploy().ifPresent(h -> m.put("preDeploy", hook(h)));
        s.smokeTest().ifPresent(h -> m.put("smokeTest", hook(h)));
        s.taskRole().ifPresent(r -> m.put("taskRole", r));
        s.executionRole().ifPresent(r -> m.put("executionRole", r));
        if (!s.sidecars().isEmpty()) {
            List<Object> sidecars = new ArrayList<>();
            s.sidecars().forEach(c -> sidecars.add(sidecar(c)));
            m.put("sidecars", sidecars);
        }
        s.logs().ifPresent(l -> m.put("logs", logs(l)));
        return m;
    }

    private static Map<String, Object> sidecar(Sidecar c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("image", c.image());
        m.put("cpu", c.cpu());
        m.put("memoryMiB", c.memoryMiB().orElse(0));
        m.put("env", c.env());
        m.put("essential", c.essential());
        Map<String, Object> deps = new LinkedHashMap<>();
        c.dependsOn().forEach((k, v) -> deps.put(k, v.name()));
        m.put("dependsOn", deps);
        return m;
    }

    private static Sidecar toSidecar(Map<String, Object> m) {
        Sidecar.Builder b = Sidecar.named(str(m, "name")).image(str(m, "image")).cpu(integer(m, "cpu"))
                .memoryMiB(integer(m, "memoryMiB")).env(strings(m, "env")).essential(Boolean.TRUE.equals(m.get("essential")));
        strings(m, "dependsOn").forEach((k, v) -> b.dependsOn(k, Sidecar.Condition.valueOf(v)));
        return b.build();
    }

    /** A log configuration; the Datadog API key is a secret reference, never a value. */
    private static Map<String, Object> logs(Logs logs) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (logs instanceof Logs.AwsLogs a) {
            m.put("type", "awslogs");
            m.put("group", a.group());
            m.put("streamPrefix", a.streamPrefix());
            m.put("region", a.region());
        } else if (logs instanceof Logs.Datadog d) {
            m.put("type", "datadog");
            m.put("apiKeySecret", d.apiKeySecret());
            m.put("site", d.site());
            m.put("source", d.source());
            m.put("tags", d.tags());
            m.put("routerImage", d.routerImage());
        }
        return m;
    }

    private static Logs toLogs(Map<String, Object> m) {
        String type = str(m, "type");
        if (type.equals("awslogs")) {
            return new Logs.AwsLogs(str(m, "group"), str(m, "streamPrefix"), str(m, "region"));
        }
        if (type.equals("datadog")) {
            return new Logs.Datadog(str(m, "apiKeySecret"), str(m, "site"), str(m, "source"), strings(m, "tags"),
                    str(m, "routerImage"));
        }
        throw new IllegalArgumentException("unknown log configuration type '" + type + "'");
    }

    private static Service toService(Map<String, Object> m) {
        Service.Builder b = Service.named(str(m, "name")).image(str(m, "image")).port(integer(m, "port"))
                .cpu(integer(m, "cpu")).memoryMiB(integer(m, "memoryMiB"))
                .launchType(LaunchType.valueOf(str(m, "launchType"))).instances(integer(m, "instances"))
                .env(strings(m, "env")).secrets(strings(m, "secrets")).config(strings(m, "config"))
                .healthCheck(toHealthCheck(obj(m, "healthCheck")));
        if (m.get("scaling") != null) {
            b.scaling(toScaling(obj(m, "scaling")));
        }
        String discoveryName = str(m, "discoveryName");
        if (!discoveryName.equals(str(m, "name"))) {
            b.discoveryName(discoveryName);
        }
        if (m.get("preDeploy") != null) {
            b.preDeploy(toHook(obj(m, "preDeploy")));
        }
        if (m.get("smokeTest") != null) {
            b.smokeTest(toHook(obj(m, "smokeTest")));
        }
        if (m.get("taskRole") != null) {
            b.taskRole(str(m, "taskRole"));
        }
        if (m.get("executionRole") != null) {
            b.executionRole(str(m, "executionRole"));
        }
        if (m.get("sidecars") != null) {
            for (Object o : list(m, "sidecars")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> c = (Map<String, Object>) o;
                b.sidecar(toSidecar(c));
            }
        }
        if (m.get("logs") != null) {
            b.logs(toLogs(obj(m, "logs")));
        }
        return b.build();
    }

    private static Map<String, Object> healthCheck(HealthCheck h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", h.path());
        m.put("interval", h.interval().toString());
        m.put("timeout", h.timeout().toString());
        m.put("retries", h.retries());
        m.put("startPeriod", h.startPeriod().toString());
        return m;
    }

    private static HealthCheck toHealthCheck(Map<String, Object> m) {
        return HealthCheck.builder().path(str(m, "path")).interval(duration(m, "interval")).timeout(duration(m, "timeout"))
                .retries(integer(m, "retries")).startPeriod(duration(m, "startPeriod")).build();
    }

    private static Map<String, Object> scaling(Scaling s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("min", s.min());
        m.put("max", s.max());
        m.put("targetCpuPercent", s.targetCpuPercent());
        return m;
    }

    private static Scaling toScaling(Map<String, Object> m) {
        return Scaling.builder().min(integer(m, "min")).max(integer(m, "max"))
                .targetCpuPercent(integer(m, "targetCpuPercent")).build();
    }

    private static Map<String, Object> hook(Hook h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", h.command());
        m.put("timeout", h.timeout().toString());
        m.put("when", h.when().name());
        return m;
    }

    private static Hook toHook(Map<String, Object> m) {
        List<String> command = new ArrayList<>();
        for (Object o : list(m, "command")) {
            command.add((String) o);
        }
        // journals written before hooks had a phase ran them after start
        Hook.When when = m.containsKey("when") ? Hook.When.valueOf(str(m, "when")) : Hook.When.AFTER_START;
        return new Hook(command, duration(m, "timeout"), when);
    }

    // ------------------------------------------------------------------ environment

    private static Map<String, Object> environment(Environment e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        m.put("region", e.region());
        m.put("cluster", e.cluster());
        e.mesh().ifPresent(mesh -> m.put("mesh", mesh));
        e.meshPreview().ifPresent(h -> {
            Map<String, Object> preview = new LinkedHashMap<>();
            preview.put("header", h.getKey());
            preview.put("value", h.getValue());
            m.put("meshPreview", preview);
        });
        m.put("namespace", e.namespace());
        m.put("traffic", e.trafficMode().name());
        m.put("requireImageDigest", e.requiresImageDigest());
        e.promotedFrom().ifPresent(from -> m.put("promotedFrom", from));
        m.put("requireApproval", e.requiresApproval());
        m.put("approvalTimeout", e.approvalTimeout().toString());
        Map<String, Object> overrides = new LinkedHashMap<>();
        e.overrides().forEach((service, o) -> overrides.put(service, override(o)));
        m.put("overrides", overrides);
        e.logs().ifPresent(l -> m.put("logs", logs(l)));
        if (!e.network().isEmpty()) {
            m.put("network", network(e.network()));
        }
        e.loadBalancer().ifPresent(lb -> m.put("loadBalancer", new LinkedHashMap<>(lb.toMap())));
        e.hostedZone().ifPresent(z -> m.put("hostedZone", z));
        if (!e.dnsNames().isEmpty()) {
            m.put("dnsNames", new LinkedHashMap<>(e.dnsNames()));
        }
        return m;
    }

    private static Map<String, Object> network(dev.cutover.Network n) {
        Map<String, Object> m = new LinkedHashMap<>();
        n.vpc().ifPresent(vpc -> m.put("vpc", vpc));
        m.put("subnets", n.subnets());
        m.put("securityGroups", n.securityGroups());
        n.assignPublicIp().ifPresent(ip -> m.put("assignPublicIp", ip));
        return m;
    }

    private static dev.cutover.Network toNetwork(Map<String, Object> m) {
        dev.cutover.Network.Builder b = dev.cutover.Network.builder();
        if (m.get("vpc") != null) {
            b.vpc(str(m, "vpc"));
        }
        b.subnets(list(m, "subnets").stream().map(String::valueOf).toList());
        b.securityGroups(list(m, "securityGroups").stream().map(String::valueOf).toList());
        if (m.get("assignPublicIp") != null) {
            b.assignPublicIp(Boolean.TRUE.equals(m.get("assignPublicIp")));
        }
        return b.build();
    }

    private static Environment toEnvironment(Map<String, Object> m) {
        Environment.Builder b = Environment.named(str(m, "name")).region(str(m, "region")).cluster(str(m, "cluster"))
                .namespace(str(m, "namespace")).trafficMode(TrafficMode.valueOf(str(m, "traffic")))
                .approvalTimeout(duration(m, "approvalTimeout"));
        if (m.get("mesh") != null) {
            b.mesh(str(m, "mesh"));
        }
        if (m.get("meshPreview") instanceof Map<?, ?> preview) {
            b.meshPreview(String.valueOf(preview.get("header")), String.valueOf(preview.get("value")));
        }
        if (m.get("loadBalancer") != null) {
            Map<String, String> lb = new LinkedHashMap<>();
            obj(m, "loadBalancer").forEach((k, v) -> lb.put(k, String.valueOf(v)));
            dev.cutover.LoadBalancer.fromMap(lb).ifPresent(b::loadBalancer);
        }
        if (m.get("logs") != null) {
            b.logs(toLogs(obj(m, "logs")));
        }
        if (m.get("hostedZone") != null) {
            b.hostedZone(str(m, "hostedZone"));
        }
        if (m.get("dnsNames") != null) {
            obj(m, "dnsNames").forEach((service, dns) -> b.dnsName(service, String.valueOf(dns)));
        }
        if (Boolean.TRUE.equals(m.get("requireImageDigest"))) {
            b.requireImageDigest();
        }
        if (m.get("promotedFrom") != null) {
            b.promotedFrom(str(m, "promotedFrom"));
        }
        if (Boolean.TRUE.equals(m.get("requireApproval"))) {
            b.requireApproval();
        }
        obj(m, "overrides").forEach((service, o) -> b.override(service, toOverride(cast(o, "overrides." + service))));
        if (m.get("network") != null) {
            b.network(toNetwork(obj(m, "network")));
        }
        return b.build();
    }

    private static Map<String, Object> override(ServiceOverride o) {
        Map<String, Object> m = new LinkedHashMap<>();
        o.instances().ifPresent(i -> m.put("instances", i));
        o.cpu().ifPresent(c -> m.put("cpu", c));
        o.memoryMiB().ifPresent(c -> m.put("memoryMiB", c));
        o.scaling().ifPresent(s -> m.put("scaling", scaling(s)));
        m.put("env", o.env());
        m.put("config", o.config());
        o.network().ifPresent(n -> m.put("network", network(n)));
        return m;
    }

    private static ServiceOverride toOverride(Map<String, Object> m) {
        ServiceOverride.Builder b = ServiceOverride.builder();
        if (m.get("instances") != null) {
            b.instances(integer(m, "instances"));
        }
        if (m.get("cpu") != null) {
            b.cpu(integer(m, "cpu"));
        }
        if (m.get("memoryMiB") != null) {
            b.memoryMiB(integer(m, "memoryMiB"));
        }
        if (m.get("scaling") != null) {
            b.scaling(toScaling(obj(m, "scaling")));
        }
        strings(m, "env").forEach(b::env);
        strings(m, "config").forEach(b::config);
        if (m.get("network") != null) {
            b.network(toNetwork(obj(m, "network")));
        }
        return b.build();
    }

    // ------------------------------------------------------------------ strategy

    private static Map<String, Object> strategy(Strategy s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", s.name());
        if (s instanceof AllAtOnce a) {
            m.put("bake", a.bake().toString());
        } else if (s instanceof Rolling r) {
            m.put("minHealthyPercent", r.minHealthyPercent());
            m.put("maxPercent", r.maxPercent());
            m.put("bake", r.bake().toString());
        } else if (s instanceof Canary c) {
            m.put("steps", c.steps());
            m.put("bake", c.bake().toString());
        } else if (s instanceof Linear l) {
            m.put("stepPercent", l.stepPercent());
            m.put("interval", l.interval().toString());
        } else if (s instanceof BlueGreen g) {
            m.put("previewBake", g.previewBake().toString());
            m.put("bake", g.bake().toString());
        }
        m.put("analysis", analysis(s.analysis()));
        return m;
    }

    private static Strategy toStrategy(Map<String, Object> m) {
        Analysis a = toAnalysis(obj(m, "analysis"));
        String kind = str(m, "kind");
        return switch (kind) {
            case "all-at-once" -> new AllAtOnce(duration(m, "bake"), a);
            case "rolling" -> new Rolling(integer(m, "minHealthyPercent"), integer(m, "maxPercent"), duration(m, "bake"), a);
            case "canary" -> {
                List<Integer> steps = new ArrayList<>();
                for (Object o : list(m, "steps")) {
                    steps.add(((Number) o).intValue());
                }
                yield new Canary(steps, duration(m, "bake"), a);
            }
            case "linear" -> new Linear(integer(m, "stepPercent"), duration(m, "interval"), a);
            case "blue-green" -> new BlueGreen(duration(m, "previewBake"), duration(m, "bake"), a);
            default -> throw new IllegalArgumentException("strategy.kind: unknown strategy '" + kind + "'");
        };
    }

    private static Map<String, Object> analysis(Analysis a) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> gates = new ArrayList<>();
        for (MetricGate g : a.gates()) {
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("name", g.name());
            gm.put("kind", g.query().kind().name());
            gm.put("expression", g.query().expression());
            gm.put("comparison", g.comparison().name());
            gm.put("threshold", Double.toString(g.threshold()));
            gates.add(gm);
        }
        m.put("gates", gates);
        m.put("interval", a.interval().toString());
        m.put("initialDelay", a.initialDelay().toString());
        m.put("failureLimit", a.failureLimit());
        m.put("consecutiveErrorLimit", a.consecutiveErrorLimit());
        m.put("inconclusiveLimit", a.inconclusiveLimit());
        m.put("maxFailedTasks", a.maxFailedTasks());
        m.put("progressDeadline", a.progressDeadline().toString());
        m.put("metricOutageTimeout", a.metricOutageTimeout().toString());
        m.put("inconclusiveTimeout", a.inconclusiveTimeout().toString());
        return m;
    }

    private static Analysis toAnalysis(Map<String, Object> m) {
        Analysis.Builder b = Analysis.builder().interval(duration(m, "interval")).initialDelay(duration(m, "initialDelay"))
                .failureLimit(integer(m, "failureLimit")).consecutiveErrorLimit(integer(m, "consecutiveErrorLimit"))
                .inconclusiveLimit(integer(m, "inconclusiveLimit")).maxFailedTasks(integer(m, "maxFailedTasks"))
                .progressDeadline(duration(m, "progressDeadline"));
        if (m.containsKey("metricOutageTimeout")) { // journals written before these options keep the defaults
            b.metricOutageTimeout(duration(m, "metricOutageTimeout"));
        }
        if (m.containsKey("inconclusiveTimeout")) {
            b.inconclusiveTimeout(duration(m, "inconclusiveTimeout"));
        }
        int i = 0;
        for (Object o : list(m, "gates")) {
            Map<String, Object> g = cast(o, "analysis.gates[" + i++ + "]");
            b.gate(MetricGate.of(str(g, "name"),
                    new MetricQuery(MetricQuery.Kind.valueOf(str(g, "kind")), str(g, "expression")),
                    MetricGate.Comparison.valueOf(str(g, "comparison")), Double.parseDouble(str(g, "threshold"))));
        }
        return b.build();
    }

    // ------------------------------------------------------------------ reading

    private static Object field(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("'" + key + "' is missing from the journaled release");
        }
        return v;
    }

    private static String str(Map<String, Object> m, String key) {
        return String.valueOf(field(m, key));
    }

    private static long num(Map<String, Object> m, String key) {
        return ((Number) field(m, key)).longValue();
    }

    private static int integer(Map<String, Object> m, String key) {
        return Math.toIntExact(num(m, key));
    }

    private static Duration duration(Map<String, Object> m, String key) {
        return Duration.parse(str(m, key));
    }

    private static Map<String, Object> obj(Map<String, Object> m, String key) {
        return cast(field(m, key), key);
    }

    private static List<?> list(Map<String, Object> m, String key) {
        return (List<?>) field(m, key);
    }

    private static Map<String, String> strings(Map<String, Object> m, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        obj(m, key).forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o, String at) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException("'" + at + "' is not an object in the journaled release");
        }
        return (Map<String, Object>) o;
    }
}

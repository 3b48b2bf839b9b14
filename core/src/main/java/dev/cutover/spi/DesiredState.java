package dev.cutover.spi;

import dev.cutover.Environment;
import dev.cutover.HealthCheck;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.TrafficMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical resources a release asks for, in the attribute vocabulary every provider observes
 * in. A provider's {@code observe} must describe what exists with exactly these keys and value
 * formats, so that an unchanged world plans as no-ops and drift shows attribute by attribute.
 *
 * <p>Keys by resource type:
 * <ul>
 *   <li>{@code cluster}: {@code name}, {@code region}</li>
 *   <li>{@code namespace}: {@code name} (DNS name)</li>
 *   <li>{@code mesh}: {@code name}</li>
 *   <li>{@code dns}: {@code name} (the DNS name), {@code zone} (the hosted zone as declared, name or id), {@code target}
 *       ({@link #dnsTarget(Environment, Service)}: {@code alias load balancer <name>} or {@code cname <discovery>.<namespace>})</li>
 *   <li>{@code config}: one attribute per config key</li>
 *   <li>{@code revision}: {@code image}, {@code cpu}, {@code memoryMiB}, {@code port}, {@code launchType},
 *       {@code healthCheck} ({@link #healthCheck(HealthCheck)}), {@code env.<NAME>}, {@code secret.<NAME>}
 *       (sensitive; value = the reference as declared), {@code taskRole}, {@code executionRole} when set</li>
 *   <li>{@code service}: {@code desiredCount} (with scaling: the count clamped to its range; planning treats an
 *       observed count inside the range as the autoscaler's, not as drift)</li>
 *   <li>{@code route}: {@code weights} ({@link #weights(Map)}: {@code "<revision>=<percent>,..."} sorted by revision)</li>
 *   <li>{@code discovery}: {@code name}, {@code namespace}, {@code port}</li>
 *   <li>{@code scaling}: {@code min}, {@code max}, {@code targetCpuPercent}</li>
 * </ul>
 * The desired route's weights name the revision that should serve all traffic; before the new
 * revision exists the planner writes {@link #NEW_REVISION} for it.
 */
public final class DesiredState {

    /** Stands for the revision a rollout will create, in a desired route. */
    public static final String NEW_REVISION = "(new revision)";

    private DesiredState() {
    }

    /** Every resource the release asks for, environment-level first, in creation order. */
    public static List<Resource> of(Release release) {
        Environment env = release.environment();
        Service s = release.service();
        String e = env.name();
        List<Resource> out = new ArrayList<>();
        out.add(Resource.of(ResourceId.of(e, ResourceType.CLUSTER, env.cluster()),
                attrs("name", env.cluster(), "region", env.region())));
        out.add(Resource.of(ResourceId.of(e, ResourceType.NAMESPACE, env.namespace()), attrs("name", env.namespace())));
        if (env.trafficMode() == TrafficMode.APP_MESH && env.mesh().isPresent()) {
            out.add(Resource.of(ResourceId.of(e, ResourceType.MESH, env.mesh().get()), attrs("name", env.mesh().get())));
        }
        env.dnsName(s.name()).ifPresent(dns -> out.add(Resource.of(ResourceId.of(e, ResourceType.DNS, s.name()),
                attrs("name", dns, "zone", env.hostedZone().orElse(""), "target", dnsTarget(env, s)))));
        if (!s.config().isEmpty()) {
            Map<String, Attribute> config = new LinkedHashMap<>();
            s.config().forEach((k, v) -> config.put(k, Attribute.of(v)));
            out.add(Resource.of(ResourceId.of(e, ResourceType.CONFIG, s.name()), config));
        }
        out.add(Resource.of(ResourceId.of(e, ResourceType.REVISION, s.name()), revision(s)));
        out.add(Resource.of(ResourceId.of(e, ResourceType.SERVICE, s.name()),
                attrs("desiredCount", String.valueOf(s.scaling()
                        .map(sc -> Math.max(sc.min(), Math.min(sc.max(), s.instances()))).orElse(s.instances())))));
        out.add(Resource.of(ResourceId.of(e, ResourceType.ROUTE, s.name()), attrs("weights", weights(Map.of(NEW_REVISION, 100)))));
        out.add(Resource.of(ResourceId.of(e, ResourceType.DISCOVERY, s.name()),
                attrs("name", s.discoveryName(), "namespace", env.namespace(), "port", String.valueOf(s.port()))));
        s.scaling().ifPresent(sc -> out.add(Resource.of(ResourceId.of(e, ResourceType.SCALING, s.name()),
                attrs("min", String.valueOf(sc.min()), "max", String.valueOf(sc.max()),
                        "targetCpuPercent", String.valueOf(sc.targetCpuPercent())))));
        return out;
    }

    /** The ids of every resource a release could own, including optional ones it does not ask for (to find deletions). */
    public static List<ResourceId> candidateIds(Release release) {
        Environment env = release.environment();
        String e = env.name();
        String s = release.service().name();
        List<ResourceId> ids = new ArrayList<>(of(release).stream().map(Resource::id).toList());
        List<ResourceType> optional = env.hostedZone().isPresent() ? List.of(ResourceType.DNS, ResourceType.CONFIG, ResourceType.SCALING)
                : List.of(ResourceType.CONFIG, ResourceType.SCALING);
        for (ResourceType t : optional) {
            ResourceId id = ResourceId.of(e, t, s);
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    /**
     * What a service's DNS name points at: {@code alias load balancer <name or ARN>} in LOAD_BALANCER mode,
     * else {@code cname <discovery name>.<namespace>} (its Cloud Map name).
     */
    public static String dnsTarget(Environment env, Service s) {
        return env.trafficMode() == TrafficMode.LOAD_BALANCER && env.loadBalancer().isPresent()
                ? "alias load balancer " + env.loadBalancer().get().name()
                : "cname " + s.discoveryName() + "." + env.namespace();
    }

    /** The canonical attributes of a service's revision. */
    public static Map<String, Attribute> revision(Service s) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        m.put("image", Attribute.of(s.image().toString()));
        m.put("cpu", Attribute.of(String.valueOf(s.cpu())));
        m.put("memoryMiB", Attribute.of(String.valueOf(s.memoryMiB())));
        m.put("port", Attribute.of(String.valueOf(s.port())));
        m.put("launchType", Attribute.of(s.launchType().name()));
        m.put("healthCheck", Attribute.of(healthCheck(s.healthCheck())));
        s.env().forEach((k, v) -> m.put("env." + k, Attribute.of(v)));
        s.secrets().forEach((k, v) -> m.put("secret." + k, Attribute.secret(v)));
        s.taskRole().ifPresent(r -> m.put("taskRole", Attribute.of(r)));
        s.executionRole().ifPresent(r -> m.put("executionRole", Attribute.of(r)));
        s.sidecars().forEach(c -> m.put("sidecar." + c.name(), Attribute.of(c.describe())));
        s.logs().ifPresent(l -> m.put("logs", Attribute.of(l.describe())));
        return m;
    }

    /** {@code GET /health every 10s timeout 5s retries 3 start 0s}. */
    public static String healthCheck(HealthCheck h) {
        return "GET " + h.path() + " every " + h.interval().toSeconds() + "s timeout " + h.timeout().toSeconds()
                + "s retries " + h.retries() + " start " + h.startPeriod().toSeconds() + "s";
    }

    /** {@code a=90,b=10}, sorted by revision id, zero weights left out. */
    public static String weights(Map<String, Integer> weights) {
        StringBuilder sb = new StringBuilder();
        weights.entrySet().stream().filter(en -> en.getValue() > 0).sorted(Map.Entry.comparingByKey()).forEach(en -> {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(en.getKey()).append('=').append(en.getValue());
        });
        return sb.toString();
    }

    private static Map<String, Attribute> attrs(String... kv) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], Attribute.of(kv[i + 1]));
        }
        return m;
    }
}

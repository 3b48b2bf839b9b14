package dev.cutover.aws.internal;

import dev.cutover.Environment;
import dev.cutover.Network;
import dev.cutover.Release;
import dev.cutover.TrafficMode;
import dev.cutover.spi.ResourceId;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the provider knows of each environment's layout (cluster, namespace, mesh, traffic mode)
 * and of each service's discovery name. Resource ids carry only the environment's name, so the
 * layout is learned from environments declared on the builder, from releases the provider sees,
 * and from the environment-level ids of an observe batch (the planner asks for the cluster,
 * namespace and mesh before the service-level resources). Unknown environments fall back to the
 * DSL's defaults: cluster = environment name, namespace = {@code <environment>.local}, Service Connect.
 */
public final class Layouts {

    /**
     * One environment's layout.
     *
     * @param environment the environment name
     * @param cluster     the ECS cluster
     * @param namespace   the Cloud Map namespace (DNS name)
     * @param mesh        the App Mesh mesh, or null
     * @param mode        how traffic moves
     * @param region      the AWS Region the environment lives in (its clients, ARNs and policies)
     * @param network     the environment's network over the provider's defaults
     * @param nativeLb    LOAD_BALANCER mode with ECS's native deployments ({@code LoadBalancer.nativeDeployments()})
     */
    public record Layout(String environment, String cluster, String namespace, String mesh, TrafficMode mode, String region,
            Network network, boolean nativeLb) {

        Layout with(String cluster, String namespace, String mesh, TrafficMode mode) {
            return new Layout(environment, cluster, namespace, mesh, mode, region, network, nativeLb);
        }

        public boolean meshMode() {
            return mode == TrafficMode.APP_MESH && mesh != null;
        }

        /** Whether traffic goes through an Application Load Balancer (Cutover's steps or ECS's native deployments). */
        public boolean lbMode() {
            return mode == TrafficMode.LOAD_BALANCER;
        }

        /** LOAD_BALANCER mode with Cutover's steps: one target group per revision. */
        public boolean lbSteps() {
            return lbMode() && !nativeLb;
        }

        /** LOAD_BALANCER mode with ECS's native deployments: one ECS service with a primary and an alternate target group. */
        public boolean lbNative() {
            return lbMode() && nativeLb;
        }

        /**
         * Whether each revision runs as its own ECS service {@code <family>_<n>} (App Mesh mode and load
         * balancer mode with Cutover's steps); else one ECS service per service whose native deployments
         * move the traffic (Service Connect, load balancer with native deployments).
         */
        public boolean perRevision() {
            return meshMode() || lbSteps();
        }
    }

    private final Map<String, Layout> known = new ConcurrentHashMap<>();
    private final Map<String, Layout> previousMesh = new ConcurrentHashMap<>();
    private final Map<String, String> discoveryNames = new ConcurrentHashMap<>();
    private final Map<String, Integer> ports = new ConcurrentHashMap<>();
    private final Map<String, dev.cutover.LoadBalancer> loadBalancers = new ConcurrentHashMap<>();
    private final Map<String, Network> networks = new ConcurrentHashMap<>();
    private final Map<String, Environment> environments = new ConcurrentHashMap<>();
    private final String defaultRegion;
    private final Network defaultNetwork;

    /** Layouts whose unknown environments live in {@code settings.region()} with the provider's network. */
    public Layouts(AwsSettings settings) {
        this.defaultRegion = settings.region();
        Network.Builder n = Network.builder().subnets(settings.subnets()).securityGroups(settings.securityGroups())
                .assignPublicIp(settings.assignPublicIp());
        if (!settings.vpcId().isEmpty()) {
            n.vpc(settings.vpcId());
        }
        this.defaultNetwork = n.build();
    }

    /** Records a declared environment (wins over what ids suggest). */
    public void learn(Environment e) {
        Layout next = new Layout(e.name(), e.cluster(), e.namespace(), e.mesh().orElse(null), e.trafficMode(),
                e.region() == null ? defaultRegion : e.region(), e.network().orElse(defaultNetwork),
                e.trafficMode() == TrafficMode.LOAD_BALANCER && e.loadBalancer().map(dev.cutover.LoadBalancer::nativeDeployments)
                        .orElse(false));
        e.loadBalancer().ifPresent(lb -> loadBalancers.put(e.name(), lb));
        environments.put(e.name(), e);
        Layout before = known.put(e.name(), next);
        if (before != null && before.meshMode() && !next.meshMode()) {
            previousMesh.put(e.name(), before); // a switch to Service Connect: the mesh revisions are migrated
        } else if (next.meshMode()) {
            previousMesh.remove(e.name());
            migrated.removeIf(k -> k.startsWith(e.name() + "/"));
        }
    }

    /**
     * The App Mesh layout an environment had before it was switched to Service Connect (while its
     * mesh revisions are being migrated), if this provider saw the switch.
     */
    public java.util.Optional<Layout> previousMesh(String environment) {
        return java.util.Optional.ofNullable(previousMesh.get(environment));
    }

    private final java.util.Set<String> migrated = ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> meshEra = ConcurrentHashMap.newKeySet();

    /**
     * The App Mesh layout a service still has revisions in while its environment moves to Service
     * Connect (empty when the environment is in mesh mode, never was, or the service is migrated).
     */
    public java.util.Optional<Layout> migratingFrom(String environment, String service) {
        if (of(environment).meshMode() || migrated.contains(key(environment, service))) {
            return java.util.Optional.empty();
        }
        return previousMesh(environment);
    }

    /** Records that nothing of a service is left in App Mesh. */
    public void migrated(String environment, String service) {
        migrated.add(key(environment, service));
    }

    /** Records a revision that runs as an App Mesh revision during a migration. */
    public void meshEraRevision(String environment, String revisionId) {
        meshEra.add(environment + "/" + revisionId);
    }

    /** Whether a revision runs as an App Mesh revision during a migration. */
    public boolean isMeshEra(String environment, String revisionId) {
        return meshEra.contains(environment + "/" + revisionId);
    }

    /** Records a release's environment and its service's discovery name and port. */
    public void learn(Release r) {
        learn(r.environment());
        discoveryNames.put(key(r.environment().name(), r.service().name()), r.service().discoveryName());
        ports.put(key(r.environment().name(), r.service().name()), r.service().port());
        networks.put(key(r.environment().name(), r.service().name()),
                r.environment().network(r.service().name()).orElse(defaultNetwork));
    }

    /** Records the discovery name and port of a service (from a discovery resource). */
    public void learnService(String environment, String service, String discoveryName, Integer port) {
        if (discoveryName != null) {
            discoveryNames.put(key(environment, service), discoveryName);
        }
        if (port != null) {
            ports.put(key(environment, service), port);
        }
    }

    /** Learns from the environment-level ids of an observe batch. */
    public void learnFrom(Collection<ResourceId> ids) {
        for (ResourceId id : ids) {
            Layout l = of(id.environment());
            switch (id.type()) {
                case CLUSTER -> known.put(id.environment(), l.with(id.name(), l.namespace(), l.mesh(), l.mode()));
                case NAMESPACE -> known.put(id.environment(), l.with(l.cluster(), id.name(), l.mesh(), l.mode()));
                case MESH -> known.put(id.environment(), l.with(l.cluster(), l.namespace(), id.name(), TrafficMode.APP_MESH));
                default -> {
                }
            }
        }
    }

    /** The layout of an environment, with the DSL's defaults for what is unknown. */
    public Layout of(String environment) {
        Layout l = known.get(environment);
        return l != null ? l : new Layout(environment, environment, environment + ".local", null, TrafficMode.SERVICE_CONNECT,
                defaultRegion, defaultNetwork, false);
    }

    /** The load balancer of an environment in LOAD_BALANCER mode, if this provider saw it declared. */
    public java.util.Optional<dev.cutover.LoadBalancer> loadBalancer(String environment) {
        return java.util.Optional.ofNullable(loadBalancers.get(environment));
    }

    /** The environment as last declared to this provider (its hosted zone and DNS names), if it saw one. */
    public java.util.Optional<Environment> environment(String environment) {
        return java.util.Optional.ofNullable(environments.get(environment));
    }

    /** The network of a service's tasks: its override's over its environment's over the provider's defaults. */
    public Network network(String environment, String service) {
        Network n = networks.get(key(environment, service));
        return n != null ? n : of(environment).network();
    }

    /**
     * The Region of a task definition family ({@code <environment>-<service>}): that of the known
     * environment with the longest name the family starts with, else the provider's default.
     */
    public String regionOfFamily(String family) {
        Layout best = null;
        for (Layout l : known.values()) {
            if (family.startsWith(l.environment() + "-") && (best == null || l.environment().length() > best.environment().length())) {
                best = l;
            }
        }
        return best == null ? defaultRegion : best.region();
    }

    /** The discovery name of a service (default: the service name). */
    public String discoveryName(String environment, String service) {
        return discoveryNames.getOrDefault(key(environment, service), service);
    }

    /** The container port of a service, if known. */
    public Integer port(String environment, String service) {
        return ports.get(key(environment, service));
    }

    private static String key(String environment, String service) {
        return environment + "/" + service;
    }
}

// Over 400 lines: one immutable DSL value with its public builder, per-service overrides, the
// traffic mode settings (mesh, load balancer), Route 53 names and the validation that reports every problem at once.
package dev.cutover;

import dev.cutover.internal.Names;
import dev.cutover.internal.Problems;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Where services run: a region, a cluster, a traffic layer (App Mesh mesh, ECS Service Connect or
 * Consul) and a discovery namespace, with per-service overrides and policies.
 *
 * <pre>{@code
 * Environment prod = Environment.named("prod")
 *     .region("us-east-1").cluster("main").mesh("internal").namespace("internal.local")
 *     .override("orders", o -> o.instances(6))
 *     .hostedZone("example.internal").dnsName("orders", "orders.example.internal")
 *     .requireImageDigest().promotedFrom("stage").requireApproval()
 *     .build();
 * }</pre>
 */
public final class Environment {

    private final String name;
    private final String region;
    private final String cluster;
    private final String mesh;
    private final String meshPreviewHeader;
    private final String meshPreviewValue;
    private final String namespace;
    private final TrafficMode trafficMode;
    private final boolean trafficModeSet;
    private final Map<String, ServiceOverride> overrides;
    private final boolean requireImageDigest;
    private final String promotedFrom;
    private final boolean requireApproval;
    private final Duration approvalTimeout;
    private final Logs logs;
    private final Network network;
    private final LoadBalancer loadBalancer;
    private final String hostedZone;
    private final Map<String, String> dnsNames;

    private Environment(Builder b) {
        this.name = b.name;
        this.region = b.region;
        this.cluster = b.cluster != null ? b.cluster : b.name;
        this.mesh = b.mesh;
        this.meshPreviewHeader = b.meshPreviewHeader;
        this.meshPreviewValue = b.meshPreviewValue;
        this.namespace = b.namespace != null ? b.namespace : b.name + ".local";
        this.trafficMode = b.trafficMode != null ? b.trafficMode : b.loadBalancer != null ? TrafficMode.LOAD_BALANCER
                : (b.mesh != null ? TrafficMode.APP_MESH : TrafficMode.SERVICE_CONNECT);
        this.trafficModeSet = b.trafficMode != null;
        this.overrides = Collections.unmodifiableMap(new TreeMap<>(b.overrides));
        this.requireImageDigest = b.requireImageDigest;
        this.promotedFrom = b.promotedFrom;
        this.requireApproval = b.requireApproval;
        this.approvalTimeout = b.approvalTimeout;
        this.logs = b.logs;
        this.network = b.network;
        this.loadBalancer = b.loadBalancer;
        this.hostedZone = b.hostedZone;
        this.dnsNames = Collections.unmodifiableMap(new TreeMap<>(b.dnsNames));
    }

    /** Starts an environment description; the name must be 1–63 lowercase letters, digits and hyphens. */
    public static Builder named(String name) {
        return new Builder(Problems.nonNull(name, "environment.name", "name the environment, e.g. Environment.named(\"prod\")"));
    }

    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.region = region;
        b.cluster = cluster;
        b.mesh = mesh;
        b.meshPreviewHeader = meshPreviewHeader;
        b.meshPreviewValue = meshPreviewValue;
        b.namespace = namespace;
        b.trafficMode = trafficModeSet ? trafficMode : null;   // a derived mode follows a mesh set on the copy
        b.overrides.putAll(overrides);
        b.requireImageDigest = requireImageDigest;
        b.promotedFrom = promotedFrom;
        b.requireApproval = requireApproval;
        b.approvalTimeout = approvalTimeout;
        b.logs = logs;
        b.network = network;
        b.loadBalancer = loadBalancer;
        b.hostedZone = hostedZone;
        b.dnsNames.putAll(dnsNames);
        return b;
    }

    public String name() {
        return name;
    }

    public String region() {
        return region;
    }

    /** The ECS cluster (defaults to the environment name). */
    public String cluster() {
        return cluster;
    }

    /** The App Mesh mesh, when the environment uses App Mesh. */
    public Optional<String> mesh() {
        return Optional.ofNullable(mesh);
    }

    /**
     * The App Mesh preview header ({@link Builder#meshPreview(String, String)}): the header and the exact
     * value of the tagged test requests a second route sends to a new revision before any production weight.
     */
    public Optional<Map.Entry<String, String>> meshPreview() {
        return meshPreviewHeader == null ? Optional.empty() : Optional.of(Map.entry(meshPreviewHeader, meshPreviewValue));
    }

    /** The private DNS namespace services are discovered in (defaults to {@code <name>.local}). */
    public String namespace() {
        return namespace;
    }

    /** How traffic moves between revisions: App Mesh when a mesh is set, else ECS Service Connect. */
    public TrafficMode trafficMode() {
        return trafficMode;
    }

    /** The Application Load Balancer of {@link TrafficMode#LOAD_BALANCER} mode, when set. */
    public Optional<LoadBalancer> loadBalancer() {
        return Optional.ofNullable(loadBalancer);
    }

    /**
     * The Route 53 hosted zone of the services' stable DNS names, by name ({@code example.internal}) or id
     * ({@code Z0123456789ABCDEFGHIJ}), when set.
     */
    public Optional<String> hostedZone() {
        return Optional.ofNullable(hostedZone);
    }

    /**
     * The stable DNS names by service: created once (an alias record to the load balancer in
     * {@link TrafficMode#LOAD_BALANCER} mode, else a CNAME to the service's Cloud Map name), shown in
     * the plan, never changed by a rollout.
     */
    public Map<String, String> dnsNames() {
        return dnsNames;
    }

    /** The stable DNS name of {@code service} here, when it has one. */
    public Optional<String> dnsName(String service) {
        return Optional.ofNullable(dnsNames.get(service));
    }

    /** Whether {@link #hostedZone()} is a Route 53 hosted zone id rather than a name. */
    public static boolean isHostedZoneId(String zone) {
        return zone.matches("Z[A-Z0-9]{1,31}");
    }

    /**
     * The VPC, subnets, security groups and public IP of this environment's tasks ({@link Network#inherit()}
     * when not set: the provider's defaults apply).
     */
    public Network network() {
        return network;
    }

    /** The network of {@code service}'s tasks here: its override's network over the environment's. */
    public Network network(String service) {
        ServiceOverride o = overrides.get(service);
        return o == null || o.network().isEmpty() ? network : o.network().get().orElse(network);
    }

    /** Per-service overrides by service name. */
    public Map<String, ServiceOverride> overrides() {
        return overrides;
    }

    /** Whether images must be pinned by digest here. */
    public boolean requiresImageDigest() {
        return requireImageDigest;
    }

    /** The environment a release must have succeeded in before it may come here. */
    public Optional<String> promotedFrom() {
        return Optional.ofNullable(promotedFrom);
    }

    /** Whether a person must approve before a rollout takes 100% of traffic. */
    public boolean requiresApproval() {
        return requireApproval;
    }

    /** How long a rollout waits for approval before it rolls back (default 1 h). */
    public Duration approvalTimeout() {
        return approvalTimeout;
    }

    /** The service as this environment runs it: overrides applied. */
    public Service effective(Service service) {
        ServiceOverride o = overrides.get(service.name());
        Service s = o == null ? service : o.applyTo(service);
        return logs == null || s.logs().isPresent() ? s : s.toBuilder().logs(logs).buildUnchecked();
    }

    /** Where the container logs of this environment's services go, unless a service chooses itself. */
    public Optional<Logs> logs() {
        return Optional.ofNullable(logs);
    }

    static void validate(Environment e, String at, Problems p) {
        String nameProblem = Names.checkName(e.name);
        if (nameProblem != null) {
            p.add(at + ".name", e.name, nameProblem);
        }
        if (e.region == null) {
            p.add(at + ".region", null, "is required, e.g. .region(\"us-east-1\")");
        } else {
            p.check(Names.isRegion(e.region), at + ".region", e.region, "is not an AWS region name like us-east-1");
        }
        p.check(e.cluster.length() <= 255 && e.cluster.matches("[A-Za-z0-9_-]+"), at + ".cluster", e.cluster,
                "must be 1-255 letters, digits, hyphens and underscores (ECS's rule)");
        if (e.mesh != null) {
            p.check(e.mesh.length() <= 255 && e.mesh.matches("[A-Za-z0-9][A-Za-z0-9_-]*"), at + ".mesh", e.mesh,
                    "must be 1-255 letters, digits, hyphens and underscores, starting with a letter or digit");
        }
        if (e.meshPreviewHeader != null) {
            // App Mesh API reference, HttpRouteHeader: name is a HeaderName of 1-50 characters; HeaderMatchMethod.exact 1-255
            p.check(e.meshPreviewHeader.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,50}"), at + ".meshPreview", e.meshPreviewHeader,
                    "the header name must be 1-50 characters of an HTTP header name, e.g. x-cutover-preview");
            p.check(!e.meshPreviewValue.isEmpty() && e.meshPreviewValue.length() <= 255, at + ".meshPreview", e.meshPreviewValue,
                    "the header value must be 1-255 characters, e.g. \"1\"");
            p.check(e.trafficMode == TrafficMode.APP_MESH, at + ".meshPreview", e.meshPreviewHeader,
                    "needs App Mesh traffic (.mesh(\"<mesh name>\")); a load balancer takes .loadBalancer(lb -> lb.preview(...))");
        }
        if (e.trafficMode == TrafficMode.APP_MESH && e.mesh == null) {
            p.add(at + ".mesh", null, "is required when traffic goes through App Mesh; set .mesh(\"<mesh name>\")");
        }
        if (e.trafficMode == TrafficMode.LOAD_BALANCER && e.loadBalancer == null) {
            p.add(at + ".loadBalancer", null, "is required when traffic goes through a load balancer; set .loadBalancer(\"<name or ARN>\")");
        }
        if (e.loadBalancer != null) {
            LoadBalancer.validate(e.loadBalancer, at + ".loadBalancer", p);
        }
        p.check(Names.isDnsName(e.namespace), at + ".namespace", e.namespace,
                "must be a DNS name: dot-separated labels of lowercase letters, digits and hyphens");
        if (e.promotedFrom != null) {
            String problem = Names.checkName(e.promotedFrom);
            if (problem != null) {
                p.add(at + ".promotedFrom", e.promotedFrom, problem);
            }
            p.check(!e.promotedFrom.equals(e.name), at + ".promotedFrom", e.promotedFrom,
                    "must name another environment");
        }
        p.check(!e.approvalTimeout.isNegative() && !e.approvalTimeout.isZero()
                        && e.approvalTimeout.compareTo(Duration.ofDays(7)) <= 0, at + ".approvalTimeout",
                e.approvalTimeout, "must be more than 0 and at most 7 days");
        Network.validate(e.network, at + ".network", p);
        e.overrides.forEach((service, o) -> {
            String problem = Names.checkName(service);
            if (problem != null) {
                p.add(Problems.entry(at + ".overrides", service), service, problem);
            }
            ServiceOverride.validate(o, Problems.entry(at + ".overrides", service), p);
        });
        if (e.logs != null) {
            LogsCheck.validate(e.logs, at + ".logs", p);
        }
        validateDns(e, at, p);
    }

    /** Route 53 names: a zone to put them in, names inside it, one service per name, a mode that can point them. */
    private static void validateDns(Environment e, String at, Problems p) {
        boolean zoneById = e.hostedZone != null && isHostedZoneId(e.hostedZone);
        if (e.hostedZone != null && !zoneById) {
            p.check(Names.isDnsName(e.hostedZone), at + ".hostedZone", e.hostedZone, "must be a hosted zone's name (lowercase DNS "
                    + "labels, no trailing dot, e.g. example.internal) or its id (Z followed by capital letters and digits)");
        }
        if (e.dnsNames.isEmpty()) {
            return;
        }
        if (e.hostedZone == null) {
            p.add(at + ".hostedZone", null, "is required for DNS names: set .hostedZone(\"example.internal\") (the zone's name) or "
                    + ".hostedZone(\"Z...\") (its id)");
        }
        if (e.trafficMode == TrafficMode.CONSUL) {
            p.add(at + ".dnsNames", e.dnsNames.keySet(), "Route 53 names point at a load balancer (LOAD_BALANCER mode) or at Cloud Map "
                    + "(App Mesh, Service Connect); CONSUL mode has neither");
        }
        Map<String, String> byName = new TreeMap<>();
        e.dnsNames.forEach((service, dns) -> {
            String path = Problems.entry(at + ".dnsNames", service);
            String problem = Names.checkName(service);
            if (problem != null) {
                p.add(path, service, problem);
            }
            if (!p.check(Names.isDnsName(dns), path, dns, "must be a DNS name: lowercase labels of letters, digits and hyphens, "
                    + "each at most 63 characters, at most 253 in all, no trailing dot")) {
                return;
            }
            String other = byName.putIfAbsent(dns, service);
            p.check(other == null, path, dns, "is also the DNS name of service '" + other + "'; give each service its own");
            if (e.hostedZone != null && !zoneById && Names.isDnsName(e.hostedZone)) {
                p.check(dns.equals(e.hostedZone) || dns.endsWith("." + e.hostedZone), path, dns, "must lie in hosted zone "
                        + e.hostedZone + " (be it or end with ." + e.hostedZone + ")");
                p.check(!dns.equals(e.hostedZone) || e.trafficMode == TrafficMode.LOAD_BALANCER, path, dns, "is the zone apex, where "
                        + "Route 53 allows no CNAME (outside LOAD_BALANCER mode the name is a CNAME to the Cloud Map name); use a "
                        + "name below the apex");
            }
        });
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Environment e && name.equals(e.name) && Objects.equals(region, e.region)
                && cluster.equals(e.cluster) && Objects.equals(mesh, e.mesh) && Objects.equals(meshPreviewHeader, e.meshPreviewHeader)
                && Objects.equals(meshPreviewValue, e.meshPreviewValue) && namespace.equals(e.namespace)
                && trafficMode == e.trafficMode && overrides.equals(e.overrides) && requireImageDigest == e.requireImageDigest
                && Objects.equals(promotedFrom, e.promotedFrom) && requireApproval == e.requireApproval
                && approvalTimeout.equals(e.approvalTimeout) && Objects.equals(logs, e.logs)
                && network.equals(e.network) && Objects.equals(loadBalancer, e.loadBalancer)
                && Objects.equals(hostedZone, e.hostedZone) && dnsNames.equals(e.dnsNames);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, region, cluster, mesh, meshPreviewHeader, meshPreviewValue, namespace, trafficMode, overrides, requireImageDigest, promotedFrom,
                requireApproval, approvalTimeout, logs, network, loadBalancer, hostedZone, dnsNames);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Environment[").append(name)
                .append(", region=").append(region)
                .append(", cluster=").append(cluster)
                .append(", traffic=").append(trafficMode);
        if (mesh != null) {
            sb.append(", mesh=").append(mesh);
        }
        if (meshPreviewHeader != null) {
            sb.append(", meshPreview=").append(meshPreviewHeader).append(": ").append(meshPreviewValue);
        }
        if (loadBalancer != null) {
            sb.append(", loadBalancer=").append(loadBalancer);
        }
        sb.append(", namespace=").append(namespace);
        if (!dnsNames.isEmpty()) {
            sb.append(", dns=").append(dnsNames).append(" in ").append(hostedZone);
        }
        if (!network.isEmpty()) {
            sb.append(", network=").append(network);
        }
        if (!overrides.isEmpty()) {
            sb.append(", overrides=").append(overrides);
        }
        if (requireImageDigest) {
            sb.append(", requireImageDigest");
        }
        if (promotedFrom != null) {
            sb.append(", promotedFrom=").append(promotedFrom);
        }
        if (requireApproval) {
            sb.append(", requireApproval(timeout ").append(approvalTimeout).append(')');
        }
        if (logs != null) {
            sb.append(", logs=").append(logs.describe());
        }
        return sb.append(']').toString();
    }

    /** Builds an {@link Environment}. */
    public static final class Builder {
        private final String name;
        private String region;
        private String cluster;
        private String mesh;
        private String meshPreviewHeader;
        private String meshPreviewValue;
        private String namespace;
        private TrafficMode trafficMode;
        private final Map<String, ServiceOverride> overrides = new TreeMap<>();
        private boolean requireImageDigest;
        private String promotedFrom;
        private boolean requireApproval;
        private Duration approvalTimeout = Duration.ofHours(1);
        private Logs logs;
        private Network network = Network.inherit();
        private LoadBalancer loadBalancer;
        private String hostedZone;
        private final Map<String, String> dnsNames = new TreeMap<>();

        private Builder(String name) {
            this.name = name;
        }

        /** The VPC, subnets, security groups and public IP of this environment's tasks (default: the provider's). */
        public Builder network(Network network) {
            this.network = Objects.requireNonNull(network, "network");
            return this;
        }

        /** Like {@link #network(Network)}, editing what is set so far: {@code network(n -> n.subnets("subnet-0a1b2c3d"))}. */
        public Builder network(Consumer<Network.Builder> network) {
            Network.Builder b = this.network.toBuilder();
            Objects.requireNonNull(network, "network").accept(b);
            this.network = b.build();
            return this;
        }

        /** The AWS region, e.g. {@code us-east-1}. Required. */
        public Builder region(String region) {
            this.region = Problems.nonNull(region, "environment.region", "give an AWS region, e.g. \"us-east-1\"");
            return this;
        }

        /** The ECS cluster (default: the environment name). */
        public Builder cluster(String cluster) {
            this.cluster = Problems.nonNull(cluster, "environment.cluster", "give the ECS cluster's name, or leave it out to use the environment's name");
            return this;
        }

        /** Routes traffic through this App Mesh mesh. */
        public Builder mesh(String mesh) {
            this.mesh = Problems.nonNull(mesh, "environment.mesh", "give the App Mesh mesh's name, or leave it out for ECS Service Connect");
            return this;
        }

        /**
         * App Mesh mode: before any production weight, a canary or blue/green sends only the requests
         * carrying {@code header: value} to the new revision, through a second route of the virtual
         * router that matches the header exactly and has a higher priority than the production route;
         * the analysis runs on them and the route is deleted at promotion or rollback.
         * {@code .mesh("internal").meshPreview("x-cutover-preview", "1")}.
         */
        public Builder meshPreview(String header, String value) {
            this.meshPreviewHeader = Problems.nonNull(header, "environment.meshPreview", "name the header, e.g. x-cutover-preview");
            this.meshPreviewValue = Problems.nonNull(value, "environment.meshPreview", "give the header's value, e.g. \"1\"");
            return this;
        }

        /** {@code meshPreview("x-cutover-preview", "1")}. */
        public Builder meshPreview() {
            return meshPreview("x-cutover-preview", "1");
        }

        /** The Cloud Map private DNS namespace (default {@code <name>.local}). */
        public Builder namespace(String namespace) {
            this.namespace = Problems.nonNull(namespace, "environment.namespace", "give a DNS name, or leave it out for <name>.local");
            return this;
        }

        /** Chooses how traffic moves; by default App Mesh when a mesh is set, else ECS Service Connect. */
        public Builder trafficMode(TrafficMode mode) {
            this.trafficMode = Problems.nonNull(mode, "environment.trafficMode", "use one of " + java.util.Arrays.toString(TrafficMode.values()));
            return this;
        }

        /**
         * Moves traffic through this existing Application Load Balancer (by name or ARN, listener on
         * port 80): {@link TrafficMode#LOAD_BALANCER}.
         */
        public Builder loadBalancer(String nameOrArn) {
            return loadBalancer(LoadBalancer.builder().name(Problems.nonNull(nameOrArn, "environment.loadBalancer",
                    "give the load balancer's name or ARN, e.g. \"orders-alb\"")).buildUnchecked());
        }

        /** Moves traffic through this Application Load Balancer: {@link TrafficMode#LOAD_BALANCER}. */
        public Builder loadBalancer(LoadBalancer loadBalancer) {
            this.loadBalancer = Problems.nonNull(loadBalancer, "environment.loadBalancer", "pass a LoadBalancer or a lambda");
            return this;
        }

        /** Like {@link #loadBalancer(LoadBalancer)}: {@code loadBalancer(lb -> lb.name("orders-alb").create(true))}. */
        public Builder loadBalancer(Consumer<LoadBalancer.Builder> loadBalancer) {
            LoadBalancer.Builder b = this.loadBalancer == null ? LoadBalancer.builder() : this.loadBalancer.toBuilder();
            Problems.nonNull(loadBalancer, "environment.loadBalancer", "pass a lambda, e.g. lb -> lb.name(\"orders-alb\")").accept(b);
            return loadBalancer(b.buildUnchecked());
        }

        /**
         * The Route 53 hosted zone the services' DNS names go in: its name ({@code example.internal}) or
         * its id ({@code Z0123456789ABCDEFGHIJ}). It must exist; Cutover adds records, never zones.
         */
        public Builder hostedZone(String nameOrId) {
            this.hostedZone = Problems.nonNull(nameOrId, "environment.hostedZone", "give the hosted zone's name or id, e.g. \"example.internal\"");
            return this;
        }

        /**
         * A stable DNS name for {@code service} in the {@link #hostedZone(String) hosted zone}: in LOAD_BALANCER
         * mode an alias A record to the load balancer, else a CNAME to the service's Cloud Map name
         * ({@code <discovery name>.<namespace>}). Created in bootstrap; a rollout never changes it.
         */
        public Builder dnsName(String service, String dnsName) {
            Problems.nonNull(service, "environment.dnsNames", "name the service, e.g. .dnsName(\"orders\", \"orders.example.internal\")");
            dnsNames.put(service, Problems.nonNull(dnsName, Problems.entry("environment.dnsNames", service),
                    "give a DNS name, e.g. \"orders.example.internal\""));
            return this;
        }

        /** Shorthand for {@code trafficMode(TrafficMode.SERVICE_CONNECT)}: App Mesh's successor. */
        public Builder serviceConnect() {
            return trafficMode(TrafficMode.SERVICE_CONNECT);
        }

        public Builder override(String service, ServiceOverride override) {
            Problems.nonNull(service, "environment.overrides name", "name the service the override is for, e.g. .override(\"orders\", ...)");
            overrides.put(service, Problems.nonNull(override, Problems.entry("environment.overrides", service),
                    "pass a ServiceOverride or a lambda, e.g. o -> o.instances(6)"));
            return this;
        }

        public Builder override(String service, Consumer<ServiceOverride.Builder> override) {
            Problems.nonNull(service, "environment.overrides name", "name the service the override is for, e.g. .override(\"orders\", ...)");
            String at = Problems.entry("environment.overrides", service);
            Problems.nonNull(override, at, "pass a lambda, e.g. o -> o.instances(6)");
            ServiceOverride.Builder b = (overrides.containsKey(service) ? overrides.get(service).toBuilder() : ServiceOverride.builder()).at(at);
            override.accept(b);
            return override(service, b.build());
        }

        /** Only digest-pinned images may deploy here. */
        public Builder requireImageDigest() {
            this.requireImageDigest = true;
            return this;
        }

        /** A release must have succeeded in {@code environment} with the same image before it comes here. */
        public Builder promotedFrom(String environment) {
            this.promotedFrom = Problems.nonNull(environment, "environment.promotedFrom", "name the environment a release must pass first, e.g. \"stage\"");
            return this;
        }

        public Builder promotedFrom(Environment environment) {
            return promotedFrom(Problems.nonNull(environment, "environment.promotedFrom", "pass the environment a release must pass first").name());
        }

        /** A person must approve (see {@code Deployment.approve()}) before a rollout takes 100% of traffic. */
        public Builder requireApproval() {
            this.requireApproval = true;
            return this;
        }

        /** How long to wait for approval before rolling back (default 1 h). */
        public Builder approvalTimeout(Duration timeout) {
            this.approvalTimeout = Problems.nonNull(timeout, "environment.approvalTimeout", "give more than 0 and at most 7 days, e.g. Duration.ofHours(1)");
            return this;
        }

        /** Where the container logs of every service go, unless a service sets its own (default: CloudWatch Logs via awslogs). */
        public Builder logs(Logs logs) {
            this.logs = Objects.requireNonNull(logs, "environment.logs");
            return this;
        }

        Environment buildUnchecked() {
            return new Environment(this);
        }

        public Environment build() {
            Environment e = buildUnchecked();
            Problems p = new Problems();
            validate(e, "environment", p);
            p.throwIfAny("environment '" + name + "'");
            return e;
        }
    }
}

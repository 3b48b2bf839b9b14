package dev.cutover.spi;

/**
 * The kinds of resource Cutover plans, in the order they are created, and the capability that
 * owns each.
 */
public enum ResourceType {
    /** The environment's compute cluster (ECS cluster). */
    CLUSTER(Capability.COMPUTE, true),
    /** The environment's discovery namespace (Cloud Map private DNS namespace, Consul datacenter). */
    NAMESPACE(Capability.DISCOVERY, true),
    /** The environment's service mesh (App Mesh mesh). */
    MESH(Capability.TRAFFIC, true),
    /**
     * A service's stable DNS name in a hosted zone (a Route 53 alias record to the load balancer, or a CNAME to
     * its discovery name): created with the environment's bootstrap, before the rollout, never changed by one.
     */
    DNS(Capability.DISCOVERY, false),
    /** A service's configuration entries (Consul KV). */
    CONFIG(Capability.CONFIG, false),
    /** The immutable spec of the revision serving traffic (ECS task definition); a change replaces it by a rollout. */
    REVISION(Capability.COMPUTE, false),
    /** A service's mutable runtime settings: desired task count. */
    SERVICE(Capability.COMPUTE, false),
    /** How a service's traffic is split between revisions (App Mesh route, service-splitter). */
    ROUTE(Capability.TRAFFIC, false),
    /** A service's discovery registration (Cloud Map service, Consul service). */
    DISCOVERY(Capability.DISCOVERY, false),
    /** A service's auto scaling target and policy. */
    SCALING(Capability.SCALING, false);

    private final Capability capability;
    private final boolean environmentLevel;

    ResourceType(Capability capability, boolean environmentLevel) {
        this.capability = capability;
        this.environmentLevel = environmentLevel;
    }

    /** The capability whose provider observes and changes this kind of resource. */
    public Capability capability() {
        return capability;
    }

    /** Whether one resource of this type serves a whole environment (rather than one service). */
    public boolean isEnvironmentLevel() {
        return environmentLevel;
    }

    /** The lowercase name used in plans: {@code revision}, {@code route}, ... */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

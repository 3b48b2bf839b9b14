package dev.cutover;

/** How an environment moves traffic between a service's revisions. */
public enum TrafficMode {
    /** AWS App Mesh: a virtual router's route weights between one virtual node per revision. */
    APP_MESH,
    /** ECS Service Connect, App Mesh's successor: ECS's native deployments, or Cutover's own steps. */
    SERVICE_CONNECT,
    /**
     * An Application Load Balancer: a listener rule per service forwarding to one target group per
     * revision by weight (Cutover's own canary, linear and blue/green steps), with an optional
     * header-routed preview; or, with {@link LoadBalancer#nativeDeployments()}, ECS's native CANARY,
     * LINEAR and BLUE_GREEN deployments between a primary and an alternate target group; see {@link LoadBalancer}.
     */
    LOAD_BALANCER,
    /** Consul service mesh: weights in a {@code service-splitter} config entry. */
    CONSUL
}

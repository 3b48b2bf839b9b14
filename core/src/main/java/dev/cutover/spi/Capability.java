package dev.cutover.spi;

/**
 * What a provider can do. The core asks for capabilities, never for AWS or Consul; a missing
 * capability is an error that names the module that provides it.
 */
public enum Capability {
    /** Run revisions: observe, create, scale, report health, retire; run one-off tasks. */
    COMPUTE("cutover-aws (ECS)"),
    /** Read and set traffic weights between revisions. */
    TRAFFIC("cutover-aws (App Mesh / Service Connect) or cutover-consul (service-splitter)"),
    /** Register, deregister and look up instances. */
    DISCOVERY("cutover-aws (Cloud Map) or cutover-consul"),
    /** Read and write configuration with check-and-set. */
    CONFIG("cutover-consul (KV)"),
    /** Resolve secret references to what the runtime injects. */
    SECRETS("cutover-aws (Secrets Manager)"),
    /** Admit one deployer per service and environment. */
    LOCK("cutover-consul (sessions), or the file lock in cutover-core"),
    /** Answer analysis queries. */
    METRICS("a MetricSource such as the Datadog one"),
    /** Auto scaling targets and policies. */
    SCALING("cutover-aws (Application Auto Scaling)");

    private final String providedBy;

    Capability(String providedBy) {
        this.providedBy = providedBy;
    }

    /** The module(s) that provide this capability, for error messages. */
    public String providedBy() {
        return providedBy;
    }
}

package dev.cutover.aws.internal;

/**
 * The provider's capabilities, wired to each other (compute asks traffic for the serving
 * revision in App Mesh mode, traffic asks compute for ECS services in Service Connect mode).
 */
public record Capabilities(EcsCompute compute, AppMeshTraffic traffic, CloudMapDiscovery discovery,
        SecretsManagerSecrets secrets, AutoScalingCapability scaling, Route53Names names) {

    public static Capabilities wire(AwsRuntime rt) {
        AppMeshTraffic traffic = new AppMeshTraffic(rt);
        CloudMapDiscovery discovery = new CloudMapDiscovery(rt);
        SecretsManagerSecrets secrets = new SecretsManagerSecrets(rt);
        AutoScalingCapability scaling = new AutoScalingCapability(rt);
        EcsCompute compute = new EcsCompute(rt, traffic, discovery, secrets, scaling);
        traffic.compute(compute);
        Route53Names names = new Route53Names(rt, traffic.loadBalancer());
        traffic.names(names);
        discovery.names(names);
        scaling.compute(compute);
        return new Capabilities(compute, traffic, discovery, secrets, scaling, names);
    }
}

package dev.cutover.aws.internal;

import dev.cutover.Change;
import dev.cutover.aws.internal.Layouts.Layout;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.RevisionRef;
import dev.cutover.spi.Scaling;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.applicationautoscaling.model.MetricType;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;

/**
 * Application Auto Scaling of the ECS service serving a Cutover service: a scalable target on its
 * desired count and a target-tracking policy on average CPU ({@code <environment>-<service>-cpu}).
 */
public final class AutoScalingCapability implements Scaling {

    private final AwsRuntime rt;
    private EcsCompute compute;

    public AutoScalingCapability(AwsRuntime rt) {
        this.rt = rt;
    }

    void compute(EcsCompute compute) {
        this.compute = compute;
    }

    /**
     * Reads the scalable targets in batches (50 resource ids per DescribeScalableTargets call; for
     * more than 50 services first one unfiltered page, which answers alone when the Region has at
     * most 50 ECS targets) and the policy only of services that have a target. In Service Connect mode the ECS service name
     * is known without a call; in App Mesh mode it is the serving revision's.
     */
    @Override
    public List<Resource> observe(List<ResourceId> ids) {
        rt.layouts().learnFrom(ids);
        List<Resource> out = new ArrayList<>();
        // each environment's scalable targets are read in its own Region
        java.util.Map<String, java.util.Map<String, ResourceId>> byRegion = new java.util.LinkedHashMap<>();
        for (ResourceId id : ids) {
            if (id.type() != ResourceType.SCALING) {
                continue;
            }
            Layout layout = rt.layouts().of(id.environment());
            Optional<String> ecsService = layout.perRevision()
                    ? compute.servingRevision(layout, id.name()).map(rev -> Names.perRevision(rev))
                    : Optional.of(Names.family(id.environment(), id.name()));
            ecsService.ifPresent(name -> byRegion.computeIfAbsent(layout.region(), k -> new java.util.LinkedHashMap<>())
                    .put(Names.scalingResource(layout.cluster(), name), id));
        }
        byRegion.forEach((region, byResource) -> {
            var clients = rt.clients(region);
            java.util.Map<String, ScalableTarget> found = new java.util.HashMap<>();
            List<String> resources = new ArrayList<>(byResource.keySet());
            if (resources.size() > 50) {
                // one unfiltered page first: when the Region's ECS targets fit in it (most fleets scale few
                // services), it answers for every service; otherwise (one call lost) the ids are asked below
                var page = rt.autoScaling("DescribeScalableTargets", () -> clients.autoScaling()
                        .describeScalableTargets(b -> b.serviceNamespace(ServiceNamespace.ECS).maxResults(50)
                                .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)));
                if (page.nextToken() == null) {
                    page.scalableTargets().forEach(t -> found.put(t.resourceId(), t));
                    resources = List.of();
                }
            }
            for (List<String> chunk : EcsCompute.chunks(resources, 50)) {
                rt.autoScaling("DescribeScalableTargets", () -> clients.autoScaling()
                        .describeScalableTargets(b -> b.serviceNamespace(ServiceNamespace.ECS).resourceIds(chunk)
                                .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT))).scalableTargets()
                        .forEach(t -> found.put(t.resourceId(), t));
            }
            byResource.forEach((resource, id) -> {
                ScalableTarget t = found.get(resource);
                if (t == null) {
                    return;
                }
                String policy = Names.scalingPolicy(id.environment(), id.name());
                List<ScalingPolicy> policies = rt.autoScaling("DescribeScalingPolicies", () -> clients.autoScaling()
                        .describeScalingPolicies(b -> b.serviceNamespace(ServiceNamespace.ECS).resourceId(resource)
                                .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT).policyNames(policy))).scalingPolicies();
                String target = policies.isEmpty() || policies.get(0).targetTrackingScalingPolicyConfiguration() == null ? ""
                        : String.valueOf(Math.round(policies.get(0).targetTrackingScalingPolicyConfiguration().targetValue()));
                out.add(new Resource(id, EcsCompute.attrs("min", String.valueOf(t.minCapacity()), "max",
                        String.valueOf(t.maxCapacity()), "targetCpuPercent", target), resource));
            });
        });
        return out;
    }

    /** A fleet's targets in one observe call, so one unfiltered DescribeScalableTargets page can answer for all. */
    @Override
    public int observeBatchSize() {
        return 1000;
    }

    @Override
    public void apply(Change change) {
        ResourceId id = change.id();
        Layout layout = rt.layouts().of(id.environment());
        Optional<String> serving = compute.servingRevision(layout, id.name());
        if (serving.isEmpty()) {
            return;
        }
        RevisionRef ref = new RevisionRef(id.environment(), id.name(), serving.get(), "");
        if (change.action() == Change.Action.DELETE) {
            detach(layout, Names.ecsService(layout, ref));
            return;
        }
        Resource after = change.afterState().orElseThrow();
        attach(layout, ref, dev.cutover.Scaling.builder().min(Integer.parseInt(after.value("min")))
                .max(Integer.parseInt(after.value("max"))).targetCpuPercent(Integer.parseInt(after.value("targetCpuPercent")))
                .build());
    }

    /** Registers the scalable target and the CPU target-tracking policy on the revision's ECS service. */
    void attach(Layout layout, RevisionRef ref, dev.cutover.Scaling scaling) {
        String resource = Names.scalingResource(layout.cluster(), Names.ecsService(layout, ref));
        registerWhenVisible(layout, resource, scaling);
        rt.autoScaling("PutScalingPolicy", () -> rt.clients(layout).autoScaling().putScalingPolicy(b -> b
                .policyName(Names.scalingPolicy(ref.environment(), ref.service()))
                .serviceNamespace(ServiceNamespace.ECS).resourceId(resource)
                .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)
                .policyType(PolicyType.TARGET_TRACKING_SCALING)
                .targetTrackingScalingPolicyConfiguration(c -> c.targetValue((double) scaling.targetCpuPercent())
                        .predefinedMetricSpecification(m -> m.predefinedMetricType(MetricType.ECS_SERVICE_AVERAGE_CPU_UTILIZATION)))));
    }

    /**
     * Registers the scalable target, waiting (poll interval, provider's time) while Application Auto
     * Scaling does not see the just-created ECS service yet ({@link AwsErrors#isEcsServiceNotYetVisible});
     * after {@link #VISIBILITY_TIMEOUT} the last answer is the error.
     */
    private void registerWhenVisible(Layout layout, String resource, dev.cutover.Scaling scaling) {
        Runnable register = () -> rt.autoScaling("RegisterScalableTarget", () -> rt.clients(layout).autoScaling()
                .registerScalableTarget(b -> b.serviceNamespace(ServiceNamespace.ECS).resourceId(resource)
                        .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)
                        .minCapacity(scaling.min()).maxCapacity(scaling.max())));
        Optional<Boolean> done = rt.poll(VISIBILITY_TIMEOUT, () -> {
            try {
                register.run();
                return Optional.of(true);
            } catch (RuntimeException e) {
                if (AwsErrors.isEcsServiceNotYetVisible(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
        if (done.isEmpty()) {
            register.run(); // one last time: its error (the service really does not exist) is the answer
        }
    }

    /** How long a new ECS service may stay invisible to Application Auto Scaling. */
    static final java.time.Duration VISIBILITY_TIMEOUT = java.time.Duration.ofMinutes(2);

    /** Removes the scalable target (and with it the policy) of an ECS service; nothing if there is none. */
    /** The ECS service names of the cluster's scalable targets. */
    List<String> scaledServices(Layout layout) {
        String prefix = Names.scalingResource(layout.cluster(), "");
        List<String> out = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            var page = rt.autoScaling("DescribeScalableTargets", () -> rt.clients(layout).autoScaling().describeScalableTargets(b -> b
                    .serviceNamespace(ServiceNamespace.ECS).nextToken(next)));
            page.scalableTargets().stream().map(ScalableTarget::resourceId).filter(id -> id.startsWith(prefix))
                    .forEach(id -> out.add(id.substring(prefix.length())));
            token = page.nextToken();
        } while (token != null);
        return out;
    }

    void detach(Layout layout, String ecsService) {
        String resource = Names.scalingResource(layout.cluster(), ecsService);
        AwsRuntime.unlessNotFound(() -> rt.autoScaling("DeregisterScalableTarget", () -> rt.clients(layout).autoScaling()
                .deregisterScalableTarget(b -> b.serviceNamespace(ServiceNamespace.ECS).resourceId(resource)
                        .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT))), "ObjectNotFoundException");
    }
}

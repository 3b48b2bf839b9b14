package dev.cutover.aws.internal;

import dev.cutover.BlueGreen;
import dev.cutover.Canary;
import dev.cutover.Change;
import dev.cutover.Hook;
import dev.cutover.LaunchType;
import dev.cutover.Linear;
import dev.cutover.Release;
import dev.cutover.Rolling;
import dev.cutover.Strategy;
import dev.cutover.aws.internal.Layouts.Layout;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.Compute;
import dev.cutover.spi.ProviderException;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.RevisionHealth;
import dev.cutover.spi.RevisionRef;
import dev.cutover.spi.TaskResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.DeploymentCircuitBreaker;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.ListTaskDefinitionsRequest;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceConnectClientAlias;
import software.amazon.awssdk.services.ecs.model.ServiceConnectConfiguration;
import software.amazon.awssdk.services.ecs.model.ServiceConnectService;
import software.amazon.awssdk.services.ecs.model.ServiceRegistry;
import software.amazon.awssdk.services.ecs.model.SortOrder;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * Compute on ECS: clusters, task definitions (registered only when their content changed),
 * services (one per revision in App Mesh mode, one per service with Service Connect), health,
 * retirement and one-off tasks.
 */
public final class EcsCompute implements Compute {

    private static final Logger LOG = LoggerFactory.getLogger(EcsCompute.class);
    private static final String[] SERVICE_GONE = {"ServiceNotFoundException", "ServiceNotActiveException"};

    private final AwsRuntime rt;
    private final AppMeshTraffic traffic;
    private final CloudMapDiscovery discovery;
    private final SecretsManagerSecrets secrets;
    private final AutoScalingCapability scaling;
    private final EcrImages ecr;

    public EcsCompute(AwsRuntime rt, AppMeshTraffic traffic, CloudMapDiscovery discovery, SecretsManagerSecrets secrets,
            AutoScalingCapability scaling) {
        this.rt = rt;
        this.traffic = traffic;
        this.discovery = discovery;
        this.secrets = secrets;
        this.scaling = scaling;
        this.ecr = new EcrImages(rt);
    }

    /** A private Amazon ECR image's tag, resolved to its digest with ecr:DescribeImages ({@link EcrImages}). */
    @Override
    public Optional<String> resolveImageDigest(dev.cutover.Release release) {
        return ecr.resolve(release);
    }

    // ------------------------------------------------------------------ observe / apply

    @Override
    public List<Resource> observe(List<ResourceId> ids) {
        rt.layouts().learnFrom(ids);
        List<Resource> out = new ArrayList<>();
        Map<String, Map<String, List<ResourceId>>> clustersByRegion = new LinkedHashMap<>();
        Map<String, Set<String>> servicesByEnv = new LinkedHashMap<>();
        for (ResourceId id : ids) {
            switch (id.type()) {
                case CLUSTER -> clustersByRegion.computeIfAbsent(rt.layouts().of(id.environment()).region(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(id.name(), k -> new ArrayList<>()).add(id);
                case REVISION, SERVICE -> servicesByEnv.computeIfAbsent(id.environment(), k -> new LinkedHashSet<>()).add(id.name());
                default -> {
                }
            }
        }
        clustersByRegion.forEach((region, clusters) -> { // each environment's cluster is looked for in its own Region
            for (List<String> chunk : chunks(new ArrayList<>(clusters.keySet()), 100)) {
                List<Cluster> found = rt.ecs("DescribeClusters", () -> rt.clients(region).ecs()
                        .describeClusters(b -> b.clusters(chunk)).clusters());
                for (Cluster c : found) {
                    if ("ACTIVE".equals(c.status()) && clusters.containsKey(c.clusterName())) {
                        for (ResourceId id : clusters.get(c.clusterName())) {
                            out.add(new Resource(id, attrs("name", c.clusterName(), "region", region), c.clusterArn()));
                        }
                    }
                }
            }
        });
        Set<ResourceId> wanted = new java.util.HashSet<>(ids);
        servicesByEnv.forEach((env, services) -> {
            Layout layout = rt.layouts().of(env);
            Map<String, String> ecsNameByService = new LinkedHashMap<>();
            for (String service : services) {
                if (!layout.perRevision()) {
                    ecsNameByService.put(service, Names.family(env, service)); // one ECS service; batched below
                    continue;
                }
                servingRevision(layout, service).ifPresent(rev -> ecsNameByService.put(service, Names.ecsService(layout,
                        new RevisionRef(env, service, rev, ""))));
            }
            // a service whose revision and service ids fell into two observe batches is described once
            Map<String, Service> described = new HashMap<>();
            List<String> missing = new ArrayList<>();
            for (String ecsName : new LinkedHashSet<>(ecsNameByService.values())) {
                Optional<Service> kept = rt.peekObserved(serviceKey(layout, ecsName));
                if (kept == null) {
                    missing.add(ecsName);
                } else {
                    kept.ifPresent(sv -> described.put(ecsName, sv));
                }
            }
            Map<String, Service> fetched = describeServices(layout, missing);
            described.putAll(fetched);
            rt.prefetchTaskDefinitions(fetched.values().stream().map(Service::taskDefinition)
                    .filter(java.util.Objects::nonNull).toList());
            for (String ecsName : missing) {
                rt.observed(serviceKey(layout, ecsName), Optional.ofNullable(fetched.get(ecsName)));
            }
            ecsNameByService.forEach((service, ecsName) -> {
                Service s = described.get(ecsName);
                if (s == null) {
                    return;
                }
                ResourceId revId = ResourceId.of(env, ResourceType.REVISION, service);
                if (wanted.contains(revId) && s.taskDefinition() != null) {
                    RevisionFacts td = rt.revisionFacts(s.taskDefinition());
                    out.add(new Resource(revId, td.canonical(), td.revisionId()));
                }
                ResourceId svcId = ResourceId.of(env, ResourceType.SERVICE, service);
                if (wanted.contains(svcId)) {
                    out.add(new Resource(svcId, attrs("desiredCount", String.valueOf(s.desiredCount())), s.serviceArn()));
                }
            });
        });
        return out;
    }

    @Override
    public int observeBatchSize() {
        return 1000;
    }

    /** The revision serving a service now: the route's heaviest target in mesh mode, the service's task definition otherwise. */
    Optional<String> servingRevision(Layout layout, String service) {
        if (layout.perRevision()) {
            Map<String, Integer> weights = layout.meshMode() ? traffic.meshWeightsObserving(layout, service)
                    : traffic.loadBalancer().weights(layout.environment(), service);
            Optional<String> top = weights.entrySet().stream()
                    .max(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
                            .thenComparingInt(e -> Names.revisionNumber(e.getKey())))
                    .map(Map.Entry::getKey);
            if (top.isPresent()) {
                return top;
            }
            List<RevisionRef> running = revisions(layout.environment(), service);
            return running.isEmpty() ? Optional.empty() : Optional.of(running.get(running.size() - 1).id());
        }
        String name = Names.family(layout.environment(), service);
        Service s = describeServices(layout, List.of(name)).get(name);
        if (s == null || s.taskDefinition() == null) {
            return Optional.empty();
        }
        return Optional.of(rt.revisionFacts(s.taskDefinition()).revisionId());
    }

    static String serviceKey(Layout layout, String ecsService) {
        return "ecs:" + layout.region() + "/" + layout.cluster() + "/" + ecsService;
    }

    /**
     * DescribeServices for the traffic capability's observation: what compute's observation of the
     * same plan already read is reused (so a plan describes each ECS service once), the rest is
     * described ten per call.
     */
    Map<String, Service> describeServicesObserved(Layout layout, java.util.Collection<String> names) {
        Map<String, Service> out = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String n : new LinkedHashSet<>(names)) {
            Optional<Service> kept = rt.takeObserved(serviceKey(layout, n));
            if (kept == null) {
                missing.add(n);
            } else {
                kept.ifPresent(sv -> out.put(n, sv));
            }
        }
        out.putAll(describeServices(layout, missing));
        return out;
    }

    /**
     * DescribeServices, ten names per call, the calls of a fleet up to the observe concurrency at
     * once (a plan of 1,000 services waited for 100 answers one after another); only ACTIVE
     * services are returned, by name.
     */
    Map<String, Service> describeServices(Layout layout, java.util.Collection<String> names) {
        String cluster = layout.cluster();
        Map<String, Service> out = new HashMap<>();
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(names));
        for (List<Service> services : rt.inParallel(chunks(distinct, 10), chunk -> {
            try {
                return rt.ecs("DescribeServices", () -> rt.clients(layout).ecs()
                        .describeServices(b -> b.cluster(cluster).services(chunk)).services());
            } catch (ProviderException e) {
                if (!AwsErrors.is(e, "ClusterNotFoundException")) {
                    throw e;
                }
                return List.<Service>of();
            }
        })) {
            for (Service s : services) {
                if ("ACTIVE".equals(s.status())) {
                    out.put(s.serviceName(), s);
                }
            }
        }
        return out;
    }

    @Override
    public void apply(Change change) {
        ResourceId id = change.id();
        switch (id.type()) {
            case CLUSTER -> {
                if (change.action() == Change.Action.DELETE) {
                    AwsRuntime.unlessNotFound(() -> rt.ecs("DeleteCluster", () -> rt.clients(rt.layouts().of(id.environment())).ecs()
                            .deleteCluster(b -> b.cluster(id.name()))), "ClusterNotFoundException");
                } else {
                    rt.ecs("CreateCluster", () -> rt.clients(rt.layouts().of(id.environment())).ecs().createCluster(b -> b.clusterName(id.name())
                            .tags(t -> t.key("cutover:environment").value(id.environment()))));
                }
            }
            case SERVICE -> {
                if (change.action() == Change.Action.DELETE) {
                    revisions(id.environment(), id.name()).forEach(this::retire);
                } else if (change.action() == Change.Action.UPDATE) {
                    int desired = Integer.parseInt(change.afterState().orElseThrow().value("desiredCount"));
                    Layout layout = rt.layouts().of(id.environment());
                    servingRevision(layout, id.name()).ifPresent(rev -> scale(new RevisionRef(id.environment(), id.name(), rev, ""),
                            desired));
                } else {
                    LOG.debug("{}: created with the first revision", id);
                }
            }
            case REVISION -> {
                if (change.action() == Change.Action.DELETE) {
                    revisions(id.environment(), id.name()).forEach(this::retire);
                } else {
                    LOG.debug("{}: revisions are created by the rollout (startRevision)", id);
                }
            }
            default -> throw new IllegalArgumentException("the AWS compute capability does not own " + id);
        }
    }

    // ------------------------------------------------------------------ revisions

    @Override
    public RevisionRef startRevision(Release release, int desiredCount) {
        return startRevision(release, desiredCount, null);
    }

    /**
     * Starts the revision; {@code idempotencyKey} (the deployment and step) becomes the client token of
     * CreateService, so a CreateService whose response was lost is answered, when the guarded executor
     * repeats it, with the service it created (ECS_Idempotency); without a key a token is made per call.
     */
    @Override
    public RevisionRef startRevision(Release release, int desiredCount, String idempotencyKey) {
        rt.layouts().learn(release);
        String env = release.environment().name();
        String service = release.service().name();
        Layout layout = rt.layouts().of(env);
        TaskDefinition td = ensureTaskDefinition(release);
        RevisionRef ref = new RevisionRef(env, service, Names.revisionId(td.family(), td.revision()), TaskDefs.version(td));
        if (layout.perRevision()) {
            String registry = null;
            String targetGroup = null;
            if (layout.meshMode()) {
                registry = discovery.ensureRevisionService(layout, ref);
                traffic.ensureVirtualNode(layout, ref, release.service());
            } else {
                targetGroup = traffic.loadBalancer().ensureTargetGroup(layout, ref, release.service().port(),
                        release.service().healthCheck());
            }
            String name = Names.perRevision(ref.id());
            Service existing = describeServices(layout, List.of(name)).get(name);
            if (existing == null) {
                createService(layout, release, name, td, desiredCount, registry, targetGroup == null ? null
                        : revisionLoadBalancer(targetGroup, release.service().port()), false, idempotencyKey);
            } else if (existing.desiredCount() != desiredCount) {
                scale(ref, desiredCount);
            }
        } else {
            String name = Names.family(env, service);
            Service existing = describeServices(layout, List.of(name)).get(name);
            String registry = layout.lbNative() ? null : registryForServiceConnect(layout, service, release.service().discoveryName(),
                    release.service().port());
            if (existing == null) {
                createService(layout, release, name, td, desiredCount, registry, layout.lbNative() ? nativeLoadBalancer(layout, service,
                        release.service().port(), release.service().healthCheck()) : null, true, idempotencyKey);
            } else if (!td.taskDefinitionArn().equals(existing.taskDefinition())) {
                DeploymentConfiguration dc = nativeDeployment(release.strategy());
                LOG.info("{}: {} mode, ECS native {} deployment of {} (ECS moves the traffic)", release.key(),
                        layout.lbNative() ? "load balancer" : "Service Connect", dc.strategyAsString(), ref.id());
                rt.ecs("UpdateService", () -> rt.clients(layout).ecs().updateService(b -> b.cluster(layout.cluster()).service(name)
                        .taskDefinition(td.taskDefinitionArn()).desiredCount(desiredCount).deploymentConfiguration(dc)));
            } else if (existing.desiredCount() != desiredCount) {
                scale(ref, desiredCount);
            }
        }
        release.service().scaling().ifPresent(sc -> scaling.attach(layout, ref, sc));
        return ref;
    }

    /**
     * The Cloud Map service ECS registers the tasks in (serviceRegistries), in Service Connect mode:
     * with Cloud Map as Cutover's discovery, the service's discovery name; with another discovery
     * provider (Consul) none, and Cloud Map is kept only for what Service Connect itself needs: the
     * environment's namespace, which the first start creates when it is missing (as a private DNS
     * namespace, as the AWS discovery bootstrap does; "The type of namespace doesn't affect Service
     * Connect", ECS API Reference, ServiceConnectConfiguration.namespace).
     */
    private String registryForServiceConnect(Layout layout, String service, String discoveryName, int port) {
        if (rt.servesDiscovery()) {
            return discovery.ensureService(layout, service, discoveryName, port);
        }
        discovery.ensureNamespace(layout);
        return null;
    }

    /**
     * The revision's RUNNING (and, with a container health check, HEALTHY) tasks with the private IP of their awsvpc network interface (DescribeTasks
     * {@code attachments[type=ElasticNetworkInterface].details[name=privateIPv4Address]}) and the app
     * container's port, for a discovery provider other than Cloud Map (Consul) to register. Empty when
     * this provider serves discovery: ECS registers the tasks in Cloud Map by itself (serviceRegistries).
     * A task without an address yet (still attaching its interface) is left for the next look.
     */
    @Override
    public Optional<List<dev.cutover.spi.RunningTask>> runningTasks(RevisionRef revision) {
        if (rt.servesDiscovery()) {
            return Optional.empty();
        }
        Layout layout = layoutOf(revision);
        TaskDefinition td = rt.taskDefinition(revision.id());
        String arn = td.taskDefinitionArn();
        int port = td.containerDefinitions().stream().filter(c -> Names.CONTAINER.equals(c.name()))
                .flatMap(c -> c.portMappings().stream()).map(pm -> pm.containerPort()).filter(java.util.Objects::nonNull)
                .findFirst().orElse(0);
        if (port == 0) {
            return Optional.of(List.of());
        }
        boolean checked = td.containerDefinitions().stream().anyMatch(c -> Names.CONTAINER.equals(c.name()) && c.healthCheck() != null);
        List<dev.cutover.spi.RunningTask> out = new ArrayList<>();
        for (Task t : tasks(layout, Names.ecsService(layout, revision), DesiredStatus.RUNNING)) {
            // ready by ECS's judgement: RUNNING, and HEALTHY when the container has a health check (an
            // UNHEALTHY task is about to be replaced; Consul's own check watches it from then on)
            if (!arn.equals(t.taskDefinitionArn()) || !"RUNNING".equals(t.lastStatus())
                    || checked && !"HEALTHY".equals(t.healthStatusAsString())) {
                continue;
            }
            t.attachments().stream().filter(a -> "ElasticNetworkInterface".equals(a.type()))
                    .flatMap(a -> a.details().stream())
                    .filter(d -> "privateIPv4Address".equals(d.name()) && d.value() != null && !d.value().isBlank())
                    .map(d -> d.value()).findFirst()
                    .ifPresent(ip -> out.add(new dev.cutover.spi.RunningTask(t.taskArn().substring(t.taskArn().lastIndexOf('/') + 1),
                            ip, port)));
        }
        out.sort(Comparator.comparing(dev.cutover.spi.RunningTask::id));
        return Optional.of(out);
    }

    /**
     * How ECS's native deployment expresses a strategy in Service Connect mode: canary → CANARY
     * with the first step's percentage and bake (one step, then 100%), linear → LINEAR, blue/green →
     * BLUE_GREEN, rolling and all-at-once → ROLLING with the circuit breaker.
     */
    public static DeploymentConfiguration nativeDeployment(Strategy strategy) {
        DeploymentConfiguration.Builder b = DeploymentConfiguration.builder()
                .deploymentCircuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build());
        if (strategy instanceof Canary c) {
            int first = c.steps().get(0);
            b.strategy(DeploymentStrategy.CANARY).canaryConfiguration(cc -> cc.canaryPercent((double) first)
                    .canaryBakeTimeInMinutes(minutes(c.bake())));
        } else if (strategy instanceof Linear l) {
            b.strategy(DeploymentStrategy.LINEAR).linearConfiguration(lc -> lc.stepPercent((double) Math.max(3, l.stepPercent()))
                    .stepBakeTimeInMinutes(minutes(l.interval())));
        } else if (strategy instanceof BlueGreen g) {
            b.strategy(DeploymentStrategy.BLUE_GREEN).bakeTimeInMinutes(minutes(g.bake()));
        } else if (strategy instanceof Rolling r) {
            b.strategy(DeploymentStrategy.ROLLING).minimumHealthyPercent(r.minHealthyPercent()).maximumPercent(r.maxPercent());
        } else {
            b.strategy(DeploymentStrategy.ROLLING).minimumHealthyPercent(100).maximumPercent(200);
        }
        return b.build();
    }

    private static int minutes(java.time.Duration d) {
        return (int) Math.min(1440, Math.max(0, d.toMinutes()));
    }

    /**
     * Creates a service's ECS service; {@code ecsNative}: the one ECS service of Service Connect mode (or of
     * LOAD_BALANCER mode with native deployments, {@code lb} with its advanced configuration), else a revision's.
     */
    private void createService(Layout layout, Release release, String name, TaskDefinition td, int desiredCount,
            String registryArn, software.amazon.awssdk.services.ecs.model.LoadBalancer lb, boolean ecsNative, String idempotencyKey) {
        dev.cutover.Service s = release.service();
        createService(layout, s.name(), name, td, desiredCount, registryArn, lb,
                ecsNative ? nativeDeployment(release.strategy()) : meshDeployment(),
                ecsNative && !layout.lbNative() ? s.discoveryName() : null, s.port(), idempotencyKey);
    }

    /** A revision's ECS service registers its tasks in the revision's target group (LOAD_BALANCER mode, Cutover's steps). */
    private static software.amazon.awssdk.services.ecs.model.LoadBalancer revisionLoadBalancer(String targetGroup, int port) {
        return software.amazon.awssdk.services.ecs.model.LoadBalancer.builder().targetGroupArn(targetGroup)
                .containerName(Names.CONTAINER).containerPort(port).build();
    }

    /**
     * LOAD_BALANCER mode with native deployments: the service's tasks register in the primary target group
     * and a deployment's new revision in the alternate one, while ECS moves the production listener rule's
     * weights (and points the test listener rule at the new revision) with the infrastructure role
     * ({@code loadBalancers[].advancedConfiguration}, ECS API Reference, AdvancedConfiguration; ECS developer
     * guide, "Application Load Balancer resources for blue/green, linear, and canary deployments").
     */
    private software.amazon.awssdk.services.ecs.model.LoadBalancer nativeLoadBalancer(Layout layout, String service, int port,
            dev.cutover.HealthCheck hc) {
        LoadBalancerTraffic.NativeGroups g = traffic.loadBalancer().ensureNative(layout, service, port, hc);
        String role = traffic.loadBalancer().loadBalancer(layout).infrastructureRole().orElseThrow(() -> new ProviderException("aws",
                "CreateService", false, "environment " + layout.environment() + " asks for native deployments without an "
                        + "infrastructure role; set .infrastructureRole(\"arn:aws:iam::...\") on its load balancer"));
        return software.amazon.awssdk.services.ecs.model.LoadBalancer.builder().targetGroupArn(g.primary())
                .containerName(Names.CONTAINER).containerPort(port)
                .advancedConfiguration(a -> a.alternateTargetGroupArn(g.alternate()).productionListenerRule(g.productionRule())
                        .testListenerRule(g.testRule()).roleArn(role))
                .build();
    }

    /** The deployment configuration of a per-revision ECS service (mesh mode): a plain rolling one with the circuit breaker. */
    private static DeploymentConfiguration meshDeployment() {
        return DeploymentConfiguration.builder().minimumHealthyPercent(100).maximumPercent(200)
                .deploymentCircuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build()).build();
    }

    private void createService(Layout layout, String service, String name, TaskDefinition td, int desiredCount,
            String registryArn, software.amazon.awssdk.services.ecs.model.LoadBalancer lb, DeploymentConfiguration deployment, String serviceConnectDiscoveryName, int port,
            String idempotencyKey) {
        boolean fargate = td.requiresCompatibilities().contains(software.amazon.awssdk.services.ecs.model.Compatibility.FARGATE);
        CreateServiceRequest.Builder b = CreateServiceRequest.builder()
                .cluster(layout.cluster()).serviceName(name).taskDefinition(td.taskDefinitionArn())
                .desiredCount(desiredCount)
                .launchType(fargate ? software.amazon.awssdk.services.ecs.model.LaunchType.FARGATE
                        : software.amazon.awssdk.services.ecs.model.LaunchType.EC2)
                .networkConfiguration(network(layout.environment(), service))
                .deploymentConfiguration(deployment)
                .clientToken(ClientTokens.of(idempotencyKey, ClientTokens.CREATE_SERVICE_MAX, "CreateService", layout.cluster(),
                        name))
                .tags(t -> t.key("cutover:environment").value(layout.environment()),
                        t -> t.key("cutover:service").value(service));
        if (registryArn != null) {
            b.serviceRegistries(ServiceRegistry.builder().registryArn(registryArn).build());
        }
        if (lb != null) { // LOAD_BALANCER mode: ECS registers the tasks in the target group
            b.loadBalancers(lb);
        }
        if (serviceConnectDiscoveryName != null) {
            b.serviceConnectConfiguration(ServiceConnectConfiguration.builder().enabled(true).namespace(layout.namespace())
                    .services(ServiceConnectService.builder().portName(Names.PORT_NAME).discoveryName(serviceConnectDiscoveryName)
                            .clientAliases(ServiceConnectClientAlias.builder().port(port)
                                    .dnsName(Names.virtualService(serviceConnectDiscoveryName, layout.namespace())).build())
                            .build())
                    .build());
        }
        awaitDrained(layout, name);
        CreateServiceRequest request = b.build();
        try {
            rt.ecs("CreateService", () -> rt.clients(layout).ecs().createService(request));
        } catch (ProviderException e) {
            // read before giving up: a CreateService applied by an attempt whose answer was lost (before the
            // token's time, or by another process) shows as an ACTIVE service of this name running our revision
            Service existing = AwsErrors.is(e, "InvalidParameterException")
                    ? describeServices(layout, List.of(name)).get(name) : null;
            if (existing == null || !td.taskDefinitionArn().equals(existing.taskDefinition())) {
                throw e;
            }
            LOG.info("ECS service {} already exists with {} (an earlier CreateService was applied): using it", name,
                    td.taskDefinitionArn());
        }
    }

    /**
     * Waits (in the provider's time, at most the operation timeout) until a deleted ECS service of
     * this name has finished draining: ECS refuses to create a service while one of the same name
     * is DRAINING ("Creation of service was not idempotent"), e.g. when a retired revision is
     * started again.
     */
    private void awaitDrained(Layout layout, String name) {
        String cluster = layout.cluster();
        Optional<Boolean> drained = rt.poll(rt.settings().operationTimeout(), () -> {
            List<Service> found;
            try {
                found = rt.ecs("DescribeServices", () -> rt.clients(layout).ecs().describeServices(b -> b.cluster(cluster)
                        .services(name)).services());
            } catch (ProviderException e) {
                if (AwsErrors.is(e, "ClusterNotFoundException")) {
                    return Optional.of(true);
                }
                throw e;
            }
            return found.stream().anyMatch(sv -> "DRAINING".equals(sv.status())) ? Optional.empty() : Optional.of(true);
        });
        if (drained.isEmpty()) {
            throw new ProviderException("aws", "CreateService", true, "ECS service " + name + " in cluster " + cluster
                    + " is still DRAINING after " + rt.settings().operationTimeout() + "; a service of that name can be "
                    + "created once it is INACTIVE");
        }
    }

    /**
     * Starts a retired revision again from its task definition (kept until it falls out of the
     * retention count): in App Mesh mode its Cloud Map service, virtual node and ECS service come
     * back; with Service Connect the one ECS service rolls back to it.
     */
    @Override
    public RevisionRef restartRevision(RevisionRef revision, int desiredCount) {
        String env = revision.environment();
        Layout layout = rt.layouts().of(env);
        TaskDefinition td;
        try { // described afresh: the cache holds the content (immutable), not the status (deregistration)
            td = rt.ecs("DescribeTaskDefinition", () -> rt.clients(layout).ecs().describeTaskDefinition(b -> b
                    .taskDefinition(revision.id())).taskDefinition());
        } catch (ProviderException e) {
            if (AwsErrors.is(e, "ClientException", "InvalidParameterException")) {
                throw new ProviderException("aws", "restartRevision", false, "task definition " + revision.id()
                        + " is unknown to ECS (" + e.getMessage() + "); deploy its release again", e);
            }
            throw e;
        }
        if (td.status() == TaskDefinitionStatus.INACTIVE) {
            throw new ProviderException("aws", "restartRevision", false, "task definition " + revision.id()
                    + " was deregistered (only the newest " + rt.settings().revisionRetention()
                    + " revisions are kept, see AwsProvider.Builder#revisionRetention) and ECS starts no INACTIVE task "
                    + "definition; deploy its release again");
        }
        RevisionRef ref = new RevisionRef(env, revision.service(), Names.revisionId(td.family(), td.revision()), TaskDefs.version(td));
        var container = td.containerDefinitions().get(0);
        int port = container.portMappings().isEmpty() ? 0 : container.portMappings().get(0).containerPort();
        rt.layouts().learnService(env, revision.service(), null, port);
        if (layout.perRevision()) {
            String registry = null;
            String targetGroup = null;
            if (layout.meshMode()) {
                registry = discovery.ensureRevisionService(layout, ref);
                traffic.ensureVirtualNode(layout, ref, port, healthCheckOf(td));
            } else {
                targetGroup = traffic.loadBalancer().ensureTargetGroup(layout, ref, port, healthCheckOf(td));
            }
            String name = Names.perRevision(ref.id());
            Service existing = describeServices(layout, List.of(name)).get(name);
            if (existing == null) {
                createService(layout, revision.service(), name, td, desiredCount, registry, targetGroup == null ? null
                        : revisionLoadBalancer(targetGroup, port), meshDeployment(), null, port, null);
            } else if (existing.desiredCount() != desiredCount) {
                scale(ref, desiredCount);
            }
        } else {
            String name = Names.family(env, revision.service());
            Service existing = describeServices(layout, List.of(name)).get(name);
            if (existing == null && layout.lbNative()) {
                createService(layout, revision.service(), name, td, desiredCount, null, nativeLoadBalancer(layout, revision.service(),
                        port, healthCheckOf(td)), nativeDeployment(dev.cutover.Strategies.allAtOnce()), null, port, null);
            } else if (existing == null) {
                String discoveryName = rt.layouts().discoveryName(env, revision.service());
                String registry = registryForServiceConnect(layout, revision.service(), discoveryName, port);
                createService(layout, revision.service(), name, td, desiredCount, registry, null,
                        nativeDeployment(dev.cutover.Strategies.allAtOnce()), discoveryName, port, null);
            } else if (!td.taskDefinitionArn().equals(existing.taskDefinition())) {
                rt.ecs("UpdateService", () -> rt.clients(layout).ecs().updateService(b -> b.cluster(layout.cluster()).service(name)
                        .taskDefinition(td.taskDefinitionArn()).desiredCount(desiredCount)
                        .deploymentConfiguration(nativeDeployment(dev.cutover.Strategies.allAtOnce()))));
            }
        }
        LOG.info("{}: restarted from its retained task definition", ref);
        return ref;
    }

    /** The health check of a task definition's container in Cutover's terms (for the virtual node). */
    private static dev.cutover.HealthCheck healthCheckOf(TaskDefinition td) {
        String canonical = TaskDefs.canonical(td).get("healthCheck").value();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("GET (\\S+) every (\\d+)s timeout (\\d+)s retries (\\d+) start (\\d+)s").matcher(canonical);
        if (!m.matches()) {
            return dev.cutover.HealthCheck.defaults();
        }
        return dev.cutover.HealthCheck.builder().path(m.group(1)).interval(java.time.Duration.ofSeconds(Long.parseLong(m.group(2))))
                .timeout(java.time.Duration.ofSeconds(Long.parseLong(m.group(3)))).retries(Integer.parseInt(m.group(4)))
                .startPeriod(java.time.Duration.ofSeconds(Long.parseLong(m.group(5)))).build();
    }

    /** The awsvpc configuration of a service's tasks: its override's network over its environment's over the provider's. */
    NetworkConfiguration network(String environment, String service) {
        dev.cutover.Network n = rt.layouts().network(environment, service);
        return NetworkConfiguration.builder().awsvpcConfiguration(AwsVpcConfiguration.builder()
                .subnets(n.subnets()).securityGroups(n.securityGroups())
                .assignPublicIp(n.assignPublicIp().orElse(false) ? AssignPublicIp.ENABLED : AssignPublicIp.DISABLED).build()).build();
    }

    /** The provider's settings as the release's environment sees them (its Region, e.g. for awslogs). */
    private AwsSettings settingsOf(Release release) {
        return rt.settings().inRegion(rt.layouts().of(release.environment().name()).region());
    }

    /** Finds a registered revision with exactly the release's content (newest first), or registers one. */
    TaskDefinition ensureTaskDefinition(Release release) {
        String family = Names.family(release.environment().name(), release.service().name());
        for (int attempt = 1; ; attempt++) {
            TaskDefinition td = reusableTaskDefinition(release, family);
            if (td != null) {
                rt.remember(td); // Cutover's content: known to later processes as if registered now
                return td;
            }
            td = registerTaskDefinition(release, family, attempt);
            if (td != null) {
                return td;
            }
        }
    }

    /**
     * Registers the release's task definition. In App Mesh mode the Envoy container names the
     * virtual node of the revision being registered ({@code <family>_<n>}), so the provider
     * predicts {@code n} (the family's highest revision, active or not, plus one); when another
     * registration took that number, the definition is deregistered and null returned so the caller
     * looks again (at most three times).
     */
    private TaskDefinition registerTaskDefinition(Release release, String family, int attempt) {
        Set<String> refs = TaskDefs.secretReferences(release);
        Map<String, String> arns = refs.isEmpty() ? Map.of() : secrets.resolve(release.environment().name(), refs);
        Layout layout = rt.layouts().of(release.environment().name());
        String nodeArn = null;
        int predicted = 0;
        if (layout.meshMode()) {
            predicted = latestRevision(family) + 1;
            String meshArn = rt.appMesh("DescribeMesh", () -> rt.clients(layout).appMesh().describeMesh(b -> b.meshName(layout.mesh()))
                    .mesh().metadata().arn());
            nodeArn = meshArn + "/virtualNode/" + Names.perRevision(Names.revisionId(family, predicted));
        }
        var request = TaskDefs.render(release, settingsOf(release), arns, nodeArn);
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        TaskDefinition td = rt.ecs("RegisterTaskDefinition", () -> {
            // RegisterTaskDefinition takes no client token: before a retry, read whether the failed attempt
            // registered the revision after all (its response lost), so a retry never registers a second one
            Optional<TaskDefinition> applied = attempts.getAndIncrement() == 0 ? Optional.empty() : newestIfMatching(family, release);
            return applied.orElseGet(() -> rt.clients(layout).ecs().registerTaskDefinition(request).taskDefinition());
        });
        if (nodeArn != null && td.revision() != predicted) {
            LOG.warn("{}: registered {}:{} but its Envoy names revision {}; deregistering it and registering again",
                    release.key(), family, td.revision(), predicted);
            String arn = td.taskDefinitionArn();
            rt.ecs("DeregisterTaskDefinition", () -> rt.clients(layout).ecs().deregisterTaskDefinition(b -> b.taskDefinition(arn)));
            if (attempt >= 3) {
                throw new IllegalStateException(release.key() + ": could not register a task definition whose Envoy names its "
                        + "own revision after " + attempt + " attempts (another process registers revisions of " + family + ")");
            }
            return null;
        }
        rt.remember(td);
        LOG.info("{}: registered task definition {}:{}", release.key(), td.family(), td.revision());
        return td;
    }

    /** The highest revision number of a family, ACTIVE or INACTIVE (ECS never reuses a number); 0 when none. */
    private int latestRevision(String family) {
        int latest = 0;
        for (TaskDefinitionStatus status : List.of(TaskDefinitionStatus.ACTIVE, TaskDefinitionStatus.INACTIVE)) {
            String token = null;
            do {
                String next = token;
                var page = rt.ecs("ListTaskDefinitions", () -> rt.clients(rt.layouts().regionOfFamily(family)).ecs().listTaskDefinitions(ListTaskDefinitionsRequest
                        .builder().familyPrefix(family).status(status).sort(SortOrder.DESC).nextToken(next).maxResults(100).build()));
                Integer found = page.taskDefinitionArns().stream().filter(a -> familyOfArn(a).equals(family))
                        .map(a -> Integer.parseInt(a.substring(a.lastIndexOf(':') + 1))).findFirst().orElse(null);
                if (found != null) {
                    latest = Math.max(latest, found);
                    break;
                }
                token = page.nextToken();
            } while (token != null);
        }
        return latest;
    }

    /** A registered revision with exactly the release's content (newest first), or null. */
    private TaskDefinition reusableTaskDefinition(Release release, String family) {
        for (String arn : activeTaskDefinitions(family, Math.max(1, rt.settings().revisionRetention()))) {
            TaskDefinition td = rt.taskDefinition(arn);
            if (rt.layouts().isMeshEra(release.environment().name(), Names.revisionId(td.family(), td.revision()))
                    && rt.layouts().migratingFrom(release.environment().name(), release.service().name()).isPresent()) {
                continue; // runs as an App Mesh revision; the Service Connect service gets a revision of its own
            }
            if (TaskDefs.matches(td, release, settingsOf(release))) {
                LOG.debug("{}: reusing {} (same content)", release.key(), arn);
                return td;
            }
        }
        return null;
    }

    /** The family's newest ACTIVE task definition if it has the release's content (SDK calls made inside a guarded call). */
    private Optional<TaskDefinition> newestIfMatching(String family, Release release) {
        AwsClients.Regional clients = rt.clients(rt.layouts().of(release.environment().name()));
        List<String> newest = clients.ecs().listTaskDefinitions(b -> b.familyPrefix(family)
                .status(TaskDefinitionStatus.ACTIVE).sort(SortOrder.DESC).maxResults(1)).taskDefinitionArns();
        if (newest.isEmpty() || !familyOfArn(newest.get(0)).equals(family)) {
            return Optional.empty();
        }
        TaskDefinition td = clients.ecs().describeTaskDefinition(b -> b.taskDefinition(newest.get(0))).taskDefinition();
        if (!TaskDefs.matches(td, release, settingsOf(release))) {
            return Optional.empty();
        }
        LOG.info("{}: {} was registered by an attempt whose answer was lost; using it", release.key(), td.taskDefinitionArn());
        return Optional.of(td);
    }

    /** ACTIVE task definition ARNs of a family, newest first, at most {@code limit} (0: all). */
    List<String> activeTaskDefinitions(String family, int limit) {
        List<String> out = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            var page = rt.ecs("ListTaskDefinitions", () -> rt.clients(rt.layouts().regionOfFamily(family)).ecs().listTaskDefinitions(ListTaskDefinitionsRequest.builder()
                    .familyPrefix(family).status(TaskDefinitionStatus.ACTIVE).sort(SortOrder.DESC).nextToken(next)
                    .maxResults(limit > 0 ? Math.min(100, limit) : 100).build()));
            for (String arn : page.taskDefinitionArns()) {
                if (familyOfArn(arn).equals(family)) {
                    out.add(arn);
                }
            }
            token = page.nextToken();
        } while (token != null && (limit == 0 || out.size() < limit));
        return limit > 0 && out.size() > limit ? out.subList(0, limit) : out;
    }

    private static String familyOfArn(String arn) {
        String tail = arn.substring(arn.lastIndexOf('/') + 1);
        return tail.substring(0, tail.lastIndexOf(':'));
    }

    @Override
    public List<RevisionRef> revisions(String environment, String service) {
        Layout layout = rt.layouts().of(environment);
        String family = Names.family(environment, service);
        List<RevisionRef> out = new ArrayList<>();
        Optional<Layout> from = rt.layouts().migratingFrom(environment, service);
        if (from.isPresent()) {
            // moving to Service Connect: the App Mesh revisions still run (and serve) until retired
            List<RevisionRef> mesh = meshRevisions(from.get(), environment, service);
            mesh.forEach(r -> rt.layouts().meshEraRevision(environment, r.id()));
            out.addAll(mesh);
        }
        if (layout.perRevision()) {
            out.addAll(meshRevisions(layout, environment, service));        } else {
            Service s = describeServices(layout, List.of(family)).get(family);
            if (s != null) {
                s.deployments().stream().sorted(Comparator.comparing(d -> d.createdAt() == null ? java.time.Instant.EPOCH
                        : d.createdAt())).forEach(d -> {
                            TaskDefinition td = rt.taskDefinition(d.taskDefinition());
                            RevisionRef ref = new RevisionRef(environment, service, Names.revisionId(td.family(), td.revision()),
                                    TaskDefs.version(td));
                            if (out.stream().noneMatch(r -> r.id().equals(ref.id()))) {
                                out.add(ref);
                            }
                        });
            }
        }
        return out;
    }

    /** The revisions of a service that run as per-revision ECS services of App Mesh {@code layout}, oldest first. */
    private List<RevisionRef> meshRevisions(Layout layout, String environment, String service) {
        String family = Names.family(environment, service);
        Map<String, String> byName = new LinkedHashMap<>();
        for (String arn : activeTaskDefinitions(family, 0)) {
            String rev = family + ":" + arn.substring(arn.lastIndexOf(':') + 1);
            byName.put(Names.perRevision(rev), rev);
        }
        Map<String, Service> running = describeServices(layout, byName.keySet());
        TreeMap<Integer, RevisionRef> sorted = new TreeMap<>();
        byName.forEach((name, rev) -> {
            Service s = running.get(name);
            if (s != null) {
                sorted.put(Names.revisionNumber(rev), new RevisionRef(environment, service, rev,
                        TaskDefs.version(rt.taskDefinition(s.taskDefinition()))));
            }
        });
        return new ArrayList<>(sorted.values());
    }

    /** The layout a revision runs in: the previous App Mesh layout for a revision left from before a switch to Service Connect. */
    Layout layoutOf(RevisionRef revision) {
        if (rt.layouts().isMeshEra(revision.environment(), revision.id())) {
            Optional<Layout> from = rt.layouts().migratingFrom(revision.environment(), revision.service());
            if (from.isPresent()) {
                return from.get();
            }
        }
        return rt.layouts().of(revision.environment());
    }

    @Override
    public void scale(RevisionRef revision, int desiredCount) {
        Layout layout = layoutOf(revision);
        String name = Names.ecsService(layout, revision);
        rt.ecs("UpdateService", () -> rt.clients(layout).ecs().updateService(b -> b.cluster(layout.cluster()).service(name)
                .desiredCount(desiredCount)));
    }

    @Override
    public RevisionHealth health(RevisionRef revision) {
        Layout layout = layoutOf(revision);
        String name = Names.ecsService(layout, revision);
        Service s = healthSnapshot(layout, name);
        if (s == null) {
            return new RevisionHealth(0, 0, 0, 0, "ECS service " + name + " does not exist");
        }
        TaskDefinition td = rt.taskDefinition(revision.id());
        String arn = td.taskDefinitionArn();
        int desired = 0;
        int failed = 0;
        String rollout = "";
        for (var d : s.deployments()) {
            if (arn.equals(d.taskDefinition())) {
                desired += d.desiredCount() == null ? 0 : d.desiredCount();
                failed += d.failedTasks() == null ? 0 : d.failedTasks();
                if (d.rolloutStateReason() != null && "FAILED".equals(d.rolloutStateAsString())) {
                    rollout = d.rolloutStateReason();
                }
            }
        }
        int deploymentRunning = 0;
        for (var d : s.deployments()) {
            if (arn.equals(d.taskDefinition()) && d.runningCount() != null) {
                deploymentRunning += d.runningCount();
            }
        }
        if (deploymentRunning == 0 && failed == 0) {
            // nothing of this revision runs yet: no task to describe (saves the ListTasks/DescribeTasks bucket while tasks start)
            return new RevisionHealth(desired, 0, 0, 0, rollout);
        }
        List<Task> running = tasks(layout, name, DesiredStatus.RUNNING).stream()
                .filter(t -> arn.equals(t.taskDefinitionArn())).toList();
        int runningCount = (int) running.stream().filter(t -> "RUNNING".equals(t.lastStatus())).count();
        int healthy = (int) running.stream().filter(t -> "RUNNING".equals(t.lastStatus())
                && "HEALTHY".equals(t.healthStatusAsString())).count();
        String reason = rollout;
        if (failed > 0 && reason.isEmpty()) {
            reason = tasks(layout, name, DesiredStatus.STOPPED).stream()
                    .filter(t -> arn.equals(t.taskDefinitionArn()) && t.stoppedReason() != null)
                    .max(Comparator.comparing(t -> t.stoppedAt() == null ? java.time.Instant.EPOCH : t.stoppedAt()))
                    .map(EcsCompute::stopReason).orElse("");
        }
        if (layout.lbSteps()) {
            // the load balancer's view: only targets its health checks pass receive requests (DescribeTargetHealth)
            int tasksHealthy = healthy;
            healthy = traffic.loadBalancer().healthyTargets(layout, revision).map(t -> Math.min(t, tasksHealthy)).orElse(0);
        }
        return new RevisionHealth(desired, runningCount, healthy, failed, reason);
    }

    /** A described service and when (provider time, provider write count) it was read. */
    private record Snapshot(Service service, java.time.Instant at, long writes) {
    }

    private final Map<String, Snapshot> snapshots = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, java.time.Instant> polled = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.time.Duration SNAPSHOT_AGE = java.time.Duration.ofSeconds(1);
    private static final java.time.Duration POLLED_RECENTLY = java.time.Duration.ofSeconds(30);

    /**
     * The service for a health check. Concurrent rollouts poll many services: a miss describes this
     * one together with up to nine others polled recently (one DescribeServices of ten), and a
     * description at most a second old, with no write by this provider since, answers the next poll.
     */
    private Service healthSnapshot(Layout layout, String name) {
        String cluster = layout.region() + "/" + layout.cluster(); // the snapshots' key: cluster names repeat across Regions
        java.time.Instant now = rt.calls().clock().instant();
        String key = cluster + "/" + name;
        polled.put(key, now);
        Snapshot snap = snapshots.get(key);
        if (snap != null && snap.writes() == rt.calls().writes() && !now.isAfter(snap.at().plus(SNAPSHOT_AGE))) {
            return snap.service();
        }
        List<String> names = new ArrayList<>();
        names.add(name);
        for (Map.Entry<String, java.time.Instant> e : polled.entrySet()) {
            if (names.size() == 10) {
                break;
            }
            String other = e.getKey();
            if (e.getValue().plus(POLLED_RECENTLY).isBefore(now)) {
                polled.remove(other);
                continue;
            }
            if (other.startsWith(cluster + "/") && !other.equals(key)) {
                Snapshot os = snapshots.get(other);
                if (os == null || os.at().plus(SNAPSHOT_AGE).isBefore(now) || os.writes() != rt.calls().writes()) {
                    names.add(other.substring(cluster.length() + 1));
                }
            }
        }
        long writes = rt.calls().writes();
        Map<String, Service> found = describeServices(layout, names);
        for (String n : names) {
            snapshots.put(cluster + "/" + n, new Snapshot(found.get(n), now, writes));
        }
        return found.get(name);
    }

    /** The digest ECS reports for the app container of the revision's running tasks (DescribeTasks {@code containers[].imageDigest}). */
    @Override
    public Optional<String> imageDigest(RevisionRef revision) {
        Layout layout = layoutOf(revision);
        String arn = rt.taskDefinition(revision.id()).taskDefinitionArn();
        return tasks(layout, Names.ecsService(layout, revision), DesiredStatus.RUNNING).stream()
                .filter(t -> arn.equals(t.taskDefinitionArn()) && "RUNNING".equals(t.lastStatus()))
                .flatMap(t -> t.containers().stream())
                .filter(c -> Names.CONTAINER.equals(c.name()) && c.imageDigest() != null)
                .map(Container::imageDigest).findFirst();
    }

    private List<Task> tasks(Layout layout, String service, DesiredStatus status) {
        String cluster = layout.cluster();
        List<String> arns = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            var page = rt.ecs("ListTasks", () -> rt.clients(layout).ecs().listTasks(b -> b.cluster(cluster).serviceName(service)
                    .desiredStatus(status).nextToken(next)));
            arns.addAll(page.taskArns());
            token = page.nextToken();
        } while (token != null);
        // one DescribeTasks serves the concurrent reads of many services of the cluster (TaskReads)
        return taskReads.describe(layout.region() + "/" + cluster, arns, sent -> rt.ecs("DescribeTasks", () -> {
            List<String> batch = sent.get();
            return rt.clients(layout).ecs().describeTasks(b -> b.cluster(cluster).tasks(batch)).tasks();
        }));
    }

    private final TaskReads taskReads = new TaskReads();

    /** How many task reads joined a DescribeTasks another read sent (tests, benchmarks). */
    public long joinedTaskReads() {
        return taskReads.joinedReads();
    }

    private static String stopReason(Task t) {
        StringBuilder sb = new StringBuilder(t.stoppedReason() == null ? "stopped" : t.stoppedReason());
        for (Container c : t.containers()) {
            if (c.exitCode() != null && c.exitCode() != 0) {
                sb.append(" (exit code ").append(c.exitCode()).append(')');
                break;
            }
        }
        return sb.toString();
    }

    @Override
    public void retire(RevisionRef revision) {
        Layout layout = layoutOf(revision);
        boolean meshEra = !rt.layouts().of(revision.environment()).meshMode() && layout.meshMode();
        if (layout.lbSteps()) {
            String name = Names.perRevision(revision.id());
            AwsRuntime.unlessNotFound(() -> rt.ecs("UpdateService", () -> rt.clients(layout).ecs().updateService(b -> b
                    .cluster(layout.cluster()).service(name).desiredCount(0))), SERVICE_GONE);
            AwsRuntime.unlessNotFound(() -> rt.ecs("DeleteService", () -> rt.clients(layout).ecs().deleteService(b -> b
                    .cluster(layout.cluster()).service(name).force(true))), SERVICE_GONE);
            scaling.detach(layout, name);
            traffic.loadBalancer().deleteTargetGroup(layout, revision); // after the ECS service: no orphaned target group
        } else if (layout.meshMode()) {
            String name = Names.perRevision(revision.id());
            boolean lastOfMigration = meshEra && meshRevisions(layout, revision.environment(), revision.service()).stream()
                    .allMatch(r -> r.id().equals(revision.id()));
            AwsRuntime.unlessNotFound(() -> rt.ecs("UpdateService", () -> rt.clients(layout).ecs().updateService(b -> b
                    .cluster(layout.cluster()).service(name).desiredCount(0))), SERVICE_GONE);
            AwsRuntime.unlessNotFound(() -> rt.ecs("DeleteService", () -> rt.clients(layout).ecs().deleteService(b -> b
                    .cluster(layout.cluster()).service(name).force(true))), SERVICE_GONE);
            scaling.detach(layout, name);
            if (lastOfMigration) { // the route targets the node: it goes first
                LOG.info("{}/{}: the last App Mesh revision is retired; removing the route, virtual router and virtual "
                        + "service (migrated to Service Connect)", revision.environment(), revision.service());
                traffic.deleteMeshRoute(layout, revision.service());
            }
            traffic.deleteVirtualNode(layout, revision);
            discovery.deleteRevisionService(layout, revision);
            if (lastOfMigration) {
                rt.layouts().migrated(revision.environment(), revision.service());
            }
        } else {
            String name = Names.family(revision.environment(), revision.service());
            Service s = describeServices(layout, List.of(name)).get(name);
            String arn = rt.taskDefinition(revision.id()).taskDefinitionArn();
            if (s != null && arn.equals(s.taskDefinition()) && s.deployments().size() <= 1) {
                LOG.info("{}: retiring the only revision of {}: deleting the ECS service", revision, name);
                AwsRuntime.unlessNotFound(() -> rt.ecs("UpdateService", () -> rt.clients(layout).ecs().updateService(b -> b
                        .cluster(layout.cluster()).service(name).desiredCount(0))), SERVICE_GONE);
                AwsRuntime.unlessNotFound(() -> rt.ecs("DeleteService", () -> rt.clients(layout).ecs().deleteService(b -> b
                        .cluster(layout.cluster()).service(name).force(true))), SERVICE_GONE);
                scaling.detach(layout, name);
            }
        }
        deregisterPastRetention(revision.environment(), revision.service());
    }

    /**
     * App Mesh mode: finds every revision of the service that still owns a per-revision resource (an
     * ECS service, virtual node, Cloud Map service or scalable target named {@code <family>_<n>}) and is
     * not in {@code keep}, and retires it (each part is removed only if it is there). A crash inside
     * start-revision or retire leaves such parts without the ECS service that {@link #revisions} looks
     * for; resume sweeps them. Service Connect mode keeps one ECS service and Cloud Map service per
     * service: nothing per revision to sweep.
     */
    @Override
    public List<String> sweep(String environment, String service, Set<String> keep) {
        Layout layout = rt.layouts().of(environment);
        if (!layout.perRevision()) {
            return List.of();
        }
        String family = Names.family(environment, service);
        java.util.regex.Pattern perRevision = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(family + Names.REVISION_DELIMITER) + "\\d+");
        TreeMap<Integer, String> found = new TreeMap<>();
        List<String> names = new ArrayList<>(ecsServiceNames(layout));
        if (layout.meshMode()) {
            names.addAll(traffic.virtualNodeNames(layout));
            names.addAll(discovery.serviceNames(layout));
        } else {
            traffic.loadBalancer().targetGroupNames(layout, family)
                    .forEach(tg -> Names.revisionOfTargetGroup(family, tg).ifPresent(rev -> names.add(Names.perRevision(rev))));
        }
        names.addAll(scaling.scaledServices(layout));
        for (String n : names) {
            if (perRevision.matcher(n).matches()) {
                String rev = Names.fromPerRevision(n);
                found.put(Names.revisionNumber(rev), rev);
            }
        }
        List<String> removed = new ArrayList<>();
        for (String rev : found.values()) {
            if (!keep.contains(rev)) {
                LOG.warn("{}/{}: {} is not serving but still has resources (a step interrupted by a crash): removing them",
                        environment, service, rev);
                retire(new RevisionRef(environment, service, rev, ""));
                removed.add(rev);
            }
        }
        return removed;
    }

    /** The names of the cluster's ECS services (ListServices; empty when the cluster does not exist). */
    private List<String> ecsServiceNames(Layout layout) {
        String cluster = layout.cluster();
        List<String> out = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            var page = AwsRuntime.unlessNotFound(() -> rt.ecs("ListServices", () -> rt.clients(layout).ecs().listServices(b -> b
                    .cluster(cluster).nextToken(next))), "ClusterNotFoundException");
            if (page.isEmpty()) {
                break;
            }
            page.get().serviceArns().forEach(arn -> out.add(arn.substring(arn.lastIndexOf('/') + 1)));
            token = page.get().nextToken();
        } while (token != null);
        return out;
    }

    /** Deregisters the family's ACTIVE task definitions past the retention count that no running revision uses. */
    void deregisterPastRetention(String environment, String service) {
        int keep = rt.settings().revisionRetention();
        String family = Names.family(environment, service);
        List<String> active = activeTaskDefinitions(family, 0);
        if (active.size() <= keep) {
            return;
        }
        Set<String> inUse = new java.util.HashSet<>();
        revisions(environment, service).forEach(r -> inUse.add(r.id()));
        for (String arn : active.subList(keep, active.size())) {
            String rev = family + ":" + arn.substring(arn.lastIndexOf(':') + 1);
            if (!inUse.contains(rev)) {
                rt.ecs("DeregisterTaskDefinition", () -> rt.clients(arn.split(":")[3]).ecs().deregisterTaskDefinition(b -> b.taskDefinition(arn)));
                LOG.info("{}/{}: deregistered {} (past the retention of {})", environment, service, rev, keep);
            }
        }
    }

    /**
     * A pre-deploy task before the new revision starts: registers (or reuses) the release's task
     * definition, starts no ECS service, and runs the hook as a one-off task of it.
     */
    @Override
    public TaskResult runTask(Release release, Hook hook, String idempotencyKey) {
        rt.layouts().learn(release);
        TaskDefinition td = ensureTaskDefinition(release);
        RevisionRef ref = new RevisionRef(release.environment().name(), release.service().name(),
                Names.revisionId(td.family(), td.revision()), TaskDefs.version(td));
        return runTask(ref, hook, idempotencyKey);
    }

    /** Where an awslogs container writes: {@code <group>/<prefix>/<container>/<task id>}, else the task. */
    private static String logsOf(TaskDefinition td, String taskArn) {
        String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
        return td.containerDefinitions().stream().filter(c -> Names.CONTAINER.equals(c.name()))
                .map(c -> c.logConfiguration())
                .filter(l -> l != null && "awslogs".equals(l.logDriverAsString()) && l.options().containsKey("awslogs-group"))
                .map(l -> "cloudwatch " + l.options().get("awslogs-group") + " " + (l.options().containsKey("awslogs-stream-prefix")
                        ? l.options().get("awslogs-stream-prefix") + "/" + Names.CONTAINER + "/" + taskId : taskId))
                .findFirst().orElse("ecs task " + taskArn);
    }

    @Override
    public TaskResult runTask(RevisionRef revision, Hook hook) {
        return runTask(revision, hook, null);
    }

    /**
     * Runs the hook once: the RunTask client token comes from {@code idempotencyKey} (or is made once per
     * call without one), so the guarded executor's retry of a RunTask whose response was lost gets the
     * task already started back instead of starting another (ECS_Idempotency, "Idempotency for RunTask").
     */
    @Override
    public TaskResult runTask(RevisionRef revision, Hook hook, String idempotencyKey) {
        Layout layout = rt.layouts().of(revision.environment());
        TaskDefinition td = rt.taskDefinition(revision.id());
        boolean fargate = td.requiresCompatibilities().contains(software.amazon.awssdk.services.ecs.model.Compatibility.FARGATE);
        String token = ClientTokens.of(idempotencyKey, ClientTokens.RUN_TASK_MAX, "RunTask", layout.cluster(), revision.id());
        RunTaskResponse r = rt.ecs("RunTask", () -> rt.clients(layout).ecs().runTask(b -> b.cluster(layout.cluster()).clientToken(token)
                .taskDefinition(td.taskDefinitionArn()).count(1).startedBy("cutover")
                .launchType(fargate ? software.amazon.awssdk.services.ecs.model.LaunchType.FARGATE
                        : software.amazon.awssdk.services.ecs.model.LaunchType.EC2)
                .networkConfiguration(network(revision.environment(), revision.service()))
                .overrides(o -> o.containerOverrides(ContainerOverride.builder().name(Names.CONTAINER).command(hook.command())
                        .build()))));
        if (r.tasks().isEmpty()) {
            String why = r.failures().isEmpty() ? "no task was started"
                    : r.failures().get(0).reason() + (r.failures().get(0).detail() == null ? "" : ": " + r.failures().get(0).detail());
            return new TaskResult("", -1, "RunTask failed: " + why);
        }
        String taskArn = r.tasks().get(0).taskArn();
        Optional<Task> stopped = rt.poll(hook.timeout(), () -> {
            List<Task> tasks = rt.ecs("DescribeTasks", () -> rt.clients(layout).ecs().describeTasks(b -> b.cluster(layout.cluster())
                    .tasks(taskArn)).tasks());
            return tasks.stream().filter(t -> "STOPPED".equals(t.lastStatus())).findFirst();
        });
        if (stopped.isEmpty()) {
            rt.ecs("StopTask", () -> rt.clients(layout).ecs().stopTask(b -> b.cluster(layout.cluster()).task(taskArn)
                    .reason("Cutover: hook timed out after " + hook.timeout())));
            return new TaskResult(taskArn, -1, "timed out after " + hook.timeout() + "; task stopped");
        }
        Task t = stopped.get();
        Integer exit = t.containers().stream().filter(c -> Names.CONTAINER.equals(c.name())).map(Container::exitCode)
                .findFirst().orElse(null);
        int code = exit == null ? -1 : exit;
        String reason = (t.stopCodeAsString() == null ? "" : t.stopCodeAsString() + ": ")
                + (t.stoppedReason() == null ? "stopped" : t.stoppedReason());
        return new TaskResult(taskArn, code, code == 0 ? "exited 0" : reason + " (exit code " + code + ")", logsOf(td, taskArn));
    }

    // ------------------------------------------------------------------ helpers

    static <T> List<List<T>> chunks(List<T> list, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += size) {
            out.add(list.subList(i, Math.min(list.size(), i + size)));
        }
        return out;
    }

    static Map<String, Attribute> attrs(String... kv) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], Attribute.of(kv[i + 1]));
        }
        return m;
    }
}

package dev.cutover.aws;

import dev.cutover.localcloud.LocalCloud;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.appmesh.AppMeshClient;
import software.amazon.awssdk.services.appmesh.model.NotFoundException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.servicediscovery.ServiceDiscoveryClient;
import software.amazon.awssdk.services.servicediscovery.model.FilterCondition;
import software.amazon.awssdk.services.servicediscovery.model.NamespaceFilterName;
import software.amazon.awssdk.services.servicediscovery.model.ServiceFilterName;

/**
 * Test support (public, for the chaos suite and any crash/resume test): everything the local cloud
 * holds for one Cutover service in one environment, read with the real AWS SDK and Consul's HTTP API —
 * ECS services and ACTIVE task definitions of the family {@code <environment>-<service>}, App Mesh
 * virtual nodes, virtual routers, routes and virtual services, Cloud Map services and their instances,
 * Application Auto Scaling targets and Consul catalog services.
 *
 * <pre>{@code
 * cloud.faults().reset();                    // the inventory's own calls must not meet injected faults
 * CloudInventory.Snapshot s = CloudInventory.of(cloud, "stage", "orders")
 *         .cluster("main").mesh("internal").namespace("stage.local").read();
 * assertThat(s.revisionsWithResources()).containsExactly("stage-orders:3");  // only the serving revision
 * assertThat(s.ecsServices()).containsExactly("stage-orders_3");
 * }</pre>
 *
 * <p>Per-revision resources (App Mesh and load balancer modes) are named {@code <family>_<n>} (ECS
 * service, virtual node, Cloud Map service, scalable target {@code service/<cluster>/<family>_<n>}; a
 * target group {@code <family>-<n>}, as ELB names allow no {@code _}); {@link
 * Snapshot#revisionsWithResources()} maps them back to revision ids {@code <family>:<n>}, so "nothing
 * but the serving revision is left" is one assertion. Its calls go through the local cloud's fault gate
 * like any other: reset injected faults first, and expect them to use throttling tokens.
 */
public final class CloudInventory {

    private final LocalCloud cloud;
    private final String environment;
    private final String service;
    private String region = "us-east-1";
    private String cluster;
    private String mesh;
    private String namespace;
    private String discoveryName;
    private String loadBalancer;

    private CloudInventory(LocalCloud cloud, String environment, String service) {
        this.cloud = Objects.requireNonNull(cloud, "cloud");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.service = Objects.requireNonNull(service, "service");
    }

    /** An inventory of {@code service} in {@code environment}; name the cluster, mesh and namespace to read them. */
    public static CloudInventory of(LocalCloud cloud, String environment, String service) {
        return new CloudInventory(cloud, environment, service);
    }

    /** The Region (default us-east-1). */
    public CloudInventory region(String region) {
        this.region = Objects.requireNonNull(region, "region");
        return this;
    }

    /** The ECS cluster whose services to list (not set: none, only task definitions). */
    public CloudInventory cluster(String cluster) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        return this;
    }

    /** The App Mesh mesh whose nodes, routers, routes and virtual services to list (not set: none). */
    public CloudInventory mesh(String mesh) {
        this.mesh = Objects.requireNonNull(mesh, "mesh");
        return this;
    }

    /** The Cloud Map namespace (DNS name) whose services and instances to list (not set: none). */
    public CloudInventory namespace(String namespace) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        return this;
    }

    /** The Application Load Balancer (name) whose listener rules for the service to list (not set: none; target groups are always read). */
    public CloudInventory loadBalancer(String loadBalancer) {
        this.loadBalancer = Objects.requireNonNull(loadBalancer, "loadBalancer");
        return this;
    }

    /** The service's discovery name, its Cloud Map service shared by every revision (default: the service name). */
    public CloudInventory discoveryName(String discoveryName) {
        this.discoveryName = Objects.requireNonNull(discoveryName, "discoveryName");
        return this;
    }

    /**
     * What the cloud holds for the service now.
     *
     * @param ecsServices       ACTIVE ECS services named {@code <family>} or {@code <family>_<n>} (a DRAINING one is
     *                          deleted, its tasks stopping)
     * @param taskDefinitions   ACTIVE task definitions of the family ({@code <family>:<n>})
     * @param virtualNodes      virtual nodes named {@code <family>_<n>}
     * @param virtualRouters    virtual routers named {@code <family>}
     * @param routes            routes of those routers ({@code <router>/<route>})
     * @param virtualServices   virtual services provided by those routers or by the family's nodes
     * @param cloudMapServices  Cloud Map services of the namespace named {@code <family>_<n>} or the discovery
     *                          name, with their instance counts
     * @param scalableTargets   ECS scalable targets of those ECS services ({@code service/<cluster>/<name>})
     * @param consulServices    Consul catalog services named like the service or {@code <family>...}
     * @param targetGroups      ELBv2 target groups of the family's revisions ({@code <family>-<n>}, LOAD_BALANCER mode)
     * @param listenerRules     the load balancer's listener rules Cutover tagged for the service ({@code <priority> <role>},
     *                          role {@code production} or {@code preview})
     * @param runningTasks      the cluster's RUNNING tasks of the family's task definitions, as
     *                          {@code <family>:<n> <private IP>:<container port>} (cluster set)
     * @param consulInstances   the Consul agent's instances of the service in the environment (by their
     *                          {@code cutover_environment}/{@code cutover_service} metadata), as
     *                          {@code <cutover_revision> <address>:<port>}, with the worst status of their checks
     */
    public record Snapshot(Set<String> ecsServices, Set<String> taskDefinitions, Set<String> virtualNodes,
            Set<String> virtualRouters, Set<String> routes, Set<String> virtualServices,
            Map<String, Integer> cloudMapServices, Set<String> scalableTargets, Set<String> consulServices,
            Set<String> targetGroups, Set<String> listenerRules, Set<String> runningTasks, Map<String, String> consulInstances) {

        /** The running tasks of one revision ({@code <family>:<n>}), as {@code <family>:<n> <ip>:<port>}. */
        public Set<String> runningTasksOf(String revision) {
            Set<String> out = new TreeSet<>();
            runningTasks.stream().filter(t -> t.startsWith(revision + " ")).forEach(out::add);
            return out;
        }

        /**
         * The revision ids ({@code <family>:<n>}) that own a per-revision resource: an ECS service, a
         * virtual node, a Cloud Map service or a scalable target named {@code <family>_<n>}.
         */
        public Set<String> revisionsWithResources() {
            Set<String> out = new TreeSet<>();
            List<String> names = new ArrayList<>(ecsServices);
            names.addAll(virtualNodes);
            // target groups are <family>-<n>: ELB names allow no '_' (CreateTargetGroup's Name)
            targetGroups.forEach(tg -> names.add(tg.replaceFirst("-(\\d+)$", "_$1")));
            names.addAll(cloudMapServices.keySet());
            scalableTargets.forEach(t -> names.add(t.substring(t.lastIndexOf('/') + 1)));
            for (String n : names) {
                int delimiter = n.lastIndexOf('_');
                if (delimiter > 0 && n.substring(delimiter + 1).matches("\\d+")) {
                    out.add(n.substring(0, delimiter) + ":" + n.substring(delimiter + 1));
                }
            }
            return out;
        }
    }

    /** Reads everything (a few dozen List/Describe calls). */
    public Snapshot read() {
        String family = environment + "-" + service;
        Pattern perRevision = Pattern.compile(Pattern.quote(family + "_") + "\\d+");
        StaticCredentialsProvider creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        Region r = Region.of(region);
        Set<String> ecsServices = new TreeSet<>();
        Set<String> taskDefinitions = new TreeSet<>();
        Set<String> nodes = new TreeSet<>();
        Set<String> routers = new TreeSet<>();
        Set<String> routes = new TreeSet<>();
        Set<String> virtualServices = new TreeSet<>();
        Map<String, Integer> cloudMap = new TreeMap<>();
        Set<String> targets = new TreeSet<>();
        Set<String> running = new TreeSet<>();
        Set<String> targetGroups = new TreeSet<>();
        Set<String> rules = new TreeSet<>();
        try (ElasticLoadBalancingV2Client elb = ElasticLoadBalancingV2Client.builder().endpointOverride(cloud.endpoint()).region(r)
                .credentialsProvider(creds).httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
             EcsClient ecs = EcsClient.builder().endpointOverride(cloud.endpoint()).region(r).credentialsProvider(creds)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
             AppMeshClient appMesh = AppMeshClient.builder().endpointOverride(cloud.endpoint()).region(r).credentialsProvider(creds)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
             ServiceDiscoveryClient sd = ServiceDiscoveryClient.builder().endpointOverride(cloud.endpoint()).region(r)
                .credentialsProvider(creds).httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
             ApplicationAutoScalingClient scaling = ApplicationAutoScalingClient.builder().endpointOverride(cloud.endpoint())
                .region(r).credentialsProvider(creds).httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build()) {
            ecs.listTaskDefinitionsPaginator(b -> b.familyPrefix(family).status(TaskDefinitionStatus.ACTIVE)).taskDefinitionArns()
                    .forEach(arn -> {
                        String tail = arn.substring(arn.lastIndexOf('/') + 1);
                        if (tail.substring(0, tail.lastIndexOf(':')).equals(family)) {
                            taskDefinitions.add(tail);
                        }
                    });
            if (cluster != null) {
                List<String> arns = new ArrayList<>();
                ecs.listServicesPaginator(b -> b.cluster(cluster)).serviceArns().forEach(arns::add);
                for (int i = 0; i < arns.size(); i += 10) {
                    List<String> chunk = arns.subList(i, Math.min(arns.size(), i + 10));
                    ecs.describeServices(b -> b.cluster(cluster).services(chunk)).services().stream()
                            .filter(s -> "ACTIVE".equals(s.status()))
                            .filter(s -> s.serviceName().equals(family) || perRevision.matcher(s.serviceName()).matches())
                            .forEach(s -> ecsServices.add(s.serviceName()));
                }
                runningTasks(ecs, family, running);
                scaling.describeScalableTargetsPaginator(b -> b.serviceNamespace(ServiceNamespace.ECS)).scalableTargets()
                        .forEach(t -> {
                            String prefix = "service/" + cluster + "/";
                            if (t.resourceId().startsWith(prefix)) {
                                String name = t.resourceId().substring(prefix.length());
                                if (name.equals(family) || perRevision.matcher(name).matches()) {
                                    targets.add(t.resourceId());
                                }
                            }
                        });
            }
            if (mesh != null) {
                try {
                    appMesh.listVirtualNodesPaginator(b -> b.meshName(mesh)).virtualNodes().forEach(n -> {
                        if (perRevision.matcher(n.virtualNodeName()).matches()) {
                            nodes.add(n.virtualNodeName());
                        }
                    });
                    appMesh.listVirtualRoutersPaginator(b -> b.meshName(mesh)).virtualRouters().forEach(vr -> {
                        if (vr.virtualRouterName().equals(family)) {
                            routers.add(vr.virtualRouterName());
                            appMesh.listRoutesPaginator(b -> b.meshName(mesh).virtualRouterName(vr.virtualRouterName())).routes()
                                    .forEach(rt -> routes.add(vr.virtualRouterName() + "/" + rt.routeName()));
                        }
                    });
                    appMesh.listVirtualServicesPaginator(b -> b.meshName(mesh)).virtualServices().forEach(vs -> {
                        var spec = appMesh.describeVirtualService(b -> b.meshName(mesh).virtualServiceName(vs.virtualServiceName()))
                                .virtualService().spec();
                        var provider = spec == null ? null : spec.provider();
                        boolean ours = provider != null && (provider.virtualRouter() != null
                                && family.equals(provider.virtualRouter().virtualRouterName())
                                || provider.virtualNode() != null && perRevision.matcher(provider.virtualNode().virtualNodeName()).matches());
                        if (ours) {
                            virtualServices.add(vs.virtualServiceName());
                        }
                    });
                } catch (NotFoundException e) {
                    // no mesh, nothing in it
                }
            }
            elb.describeTargetGroupsPaginator(b -> b.pageSize(400)).targetGroups().forEach(tg -> {
                if (dev.cutover.aws.internal.Names.revisionOfTargetGroup(family, tg.targetGroupName()).isPresent()) {
                    targetGroups.add(tg.targetGroupName());
                }
            });
            if (loadBalancer != null) {
                try {
                    String lbArn = elb.describeLoadBalancers(b -> b.names(loadBalancer)).loadBalancers().get(0).loadBalancerArn();
                    elb.describeListeners(b -> b.loadBalancerArn(lbArn)).listeners().forEach(l -> elb.describeRules(b -> b
                            .listenerArn(l.listenerArn())).rules().stream().filter(rule -> !Boolean.TRUE.equals(rule.isDefault()))
                            .forEach(rule -> {
                                Map<String, String> tags = new TreeMap<>();
                                elb.describeTags(b -> b.resourceArns(rule.ruleArn())).tagDescriptions()
                                        .forEach(d -> d.tags().forEach(t -> tags.put(t.key(), t.value())));
                                if (environment.equals(tags.get("cutover:environment")) && service.equals(tags.get("cutover:service"))) {
                                    rules.add(rule.priority() + " " + tags.getOrDefault("cutover:rule", "?"));
                                }
                            }));
                } catch (software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerNotFoundException e) {
                    // no load balancer, no rule
                }
            }
            if (namespace != null) {
                sd.listNamespacesPaginator(b -> b.filters(f -> f.name(NamespaceFilterName.NAME).values(namespace)
                        .condition(FilterCondition.EQ))).stream().flatMap(page -> page.namespaces().stream()).filter(ns -> namespace.equals(ns.name()))
                        .forEach(ns -> sd.listServicesPaginator(b -> b.filters(f -> f.name(ServiceFilterName.NAMESPACE_ID)
                                .values(ns.id()).condition(FilterCondition.EQ))).stream().flatMap(page -> page.services().stream()).forEach(s -> {
                                    boolean ours = perRevision.matcher(s.name()).matches()
                                            || s.name().equals(discoveryName == null ? service : discoveryName);
                                    if (ours) {
                                        cloudMap.put(s.name(), (int) sd.listInstancesPaginator(b -> b.serviceId(s.id()))
                                                .stream().mapToLong(page -> page.instances().size()).sum());
                                    }
                                }));
            }
        }
        return new Snapshot(ecsServices, taskDefinitions, nodes, routers, routes, virtualServices, cloudMap, targets,
                consulServices(family), targetGroups, rules, running, consulInstances());
    }

    /** The cluster's RUNNING tasks of the family, as {@code <family>:<n> <ENI private IP>:<app container port>}. */
    private void runningTasks(EcsClient ecs, String family, Set<String> out) {
        List<String> arns = new ArrayList<>();
        ecs.listTasksPaginator(b -> b.cluster(cluster).desiredStatus(software.amazon.awssdk.services.ecs.model.DesiredStatus.RUNNING))
                .taskArns().forEach(arns::add);
        Map<String, Integer> ports = new java.util.HashMap<>();
        for (int i = 0; i < arns.size(); i += 100) {
            List<String> chunk = arns.subList(i, Math.min(arns.size(), i + 100));
            for (var t : ecs.describeTasks(b -> b.cluster(cluster).tasks(chunk)).tasks()) {
                String tail = t.taskDefinitionArn().substring(t.taskDefinitionArn().lastIndexOf('/') + 1);
                if (!"RUNNING".equals(t.lastStatus()) || !tail.substring(0, tail.lastIndexOf(':')).equals(family)
                        || t.startedBy() != null && t.startedBy().equals("cutover")) { // one-off hook tasks are not served
                    continue;
                }
                int port = ports.computeIfAbsent(t.taskDefinitionArn(), arn -> ecs.describeTaskDefinition(b -> b.taskDefinition(arn))
                        .taskDefinition().containerDefinitions().get(0).portMappings().get(0).containerPort());
                t.attachments().stream().flatMap(a -> a.details().stream())
                        .filter(d -> "privateIPv4Address".equals(d.name())).findFirst()
                        .ifPresent(d -> out.add(tail + " " + d.value() + ":" + port));
            }
        }
    }

    /** The Consul agent's instances of the service in the environment, by metadata, with their worst check status. */
    private Map<String, String> consulInstances() {
        Map<String, String> out = new TreeMap<>();
        var services = consulGet("/v1/agent/services");
        var checks = consulGet("/v1/agent/checks");
        if (services == null) {
            return out;
        }
        services.fields().forEachRemaining(e -> {
            var meta = e.getValue().path("Meta");
            if (!environment.equals(meta.path("cutover_environment").asText()) || !service.equals(meta.path("cutover_service").asText())) {
                return;
            }
            String status = "passing";
            if (checks != null) {
                for (var it = checks.elements(); it.hasNext(); ) {
                    var c = it.next();
                    if (e.getKey().equals(c.path("ServiceID").asText())) {
                        String st = c.path("Status").asText();
                        if (st.equals("critical") || st.equals("warning") && !status.equals("critical")) {
                            status = st;
                        }
                    }
                }
            }
            out.put(meta.path("cutover_revision").asText() + " " + e.getValue().path("Address").asText() + ":"
                    + e.getValue().path("Port").asInt(), status);
        });
        return out;
    }

    private com.fasterxml.jackson.databind.JsonNode consulGet(String path) {
        try {
            HttpResponse<String> resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(cloud.consul().endpoint() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return resp.statusCode() == 200 ? new com.fasterxml.jackson.databind.ObjectMapper().readTree(resp.body()) : null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Set<String> consulServices(String family) {
        Set<String> out = new TreeSet<>();
        try {
            HttpResponse<String> resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(cloud.consul().endpoint() + "/v1/catalog/services")).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() == 200) {
                var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(resp.body());
                json.fieldNames().forEachRemaining(name -> {
                    if (name.equals(service) || name.startsWith(family)) {
                        out.add(name);
                    }
                });
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out;
    }
}

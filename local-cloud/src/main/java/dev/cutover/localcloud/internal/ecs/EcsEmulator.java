package dev.cutover.localcloud.internal.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.localcloud.SimClock;
import dev.cutover.localcloud.internal.aws.AwsError;
import dev.cutover.localcloud.internal.aws.AwsServer;
import dev.cutover.localcloud.internal.aws.JsonProtocolService;
import dev.cutover.localcloud.internal.ecs.EcsModel.Cluster;
import dev.cutover.localcloud.internal.ecs.EcsModel.ContainerDef;
import dev.cutover.localcloud.internal.ecs.EcsModel.Deployment;
import dev.cutover.localcloud.internal.ecs.EcsModel.Region;
import dev.cutover.localcloud.internal.ecs.EcsModel.Service;
import dev.cutover.localcloud.internal.ecs.EcsModel.ServiceDeployment;
import dev.cutover.localcloud.internal.ecs.EcsModel.Task;
import dev.cutover.localcloud.internal.ecs.EcsModel.TaskDef;
import dev.cutover.localcloud.internal.images.ImageRegistry;
import dev.cutover.localcloud.internal.traffic.TrafficSource;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ECS emulator (JSON 1.1, {@code AmazonEC2ContainerServiceV20141113}): clusters, task
 * definitions, services with deployments and native strategies, service deployments, tasks and
 * tags, per Region. The simulation ({@link EcsScheduler}) moves tasks and deployments on clock ticks.
 */
public final class EcsEmulator implements JsonProtocolService, TrafficSource {

    static final String ACCOUNT = "000000000000";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> LAUNCH_TYPES = Set.of("EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES");
    private static final Set<String> NETWORK_MODES = Set.of("bridge", "host", "awsvpc", "none");
    private static final Set<String> STRATEGIES = Set.of("ROLLING", "BLUE_GREEN", "LINEAR", "CANARY");

    final Object lock = new Object();
    final SimClock clock;
    final ImageRegistry images;
    final Ids ids;
    final Map<String, Region> regions = new LinkedHashMap<>();
    final EcsScheduler scheduler;
    /** Where tasks of services with serviceRegistries are registered (null: nowhere). */
    volatile dev.cutover.localcloud.CloudMap registry;
    /** Where tasks of services with loadBalancers are registered (null: services with loadBalancers are refused). */
    volatile TargetGroups targetGroups;

    public EcsEmulator(SimClock clock, ImageRegistry images, long seed) {
        this.clock = clock;
        this.images = images;
        this.ids = new Ids(seed);
        this.scheduler = new EcsScheduler(this);
    }

    @Override
    public String targetPrefix() {
        return "AmazonEC2ContainerServiceV20141113";
    }

    @Override
    public String serviceName() {
        return "ecs";
    }

    @Override
    public ObjectNode handle(String operation, ObjectNode request) {
        return handle(operation, request, AwsServer.RequestContext.defaults());
    }

    @Override
    public ObjectNode handle(String operation, ObjectNode request, AwsServer.RequestContext context) {
        EcsRequest r = new EcsRequest(request);
        synchronized (lock) {
            // resources are kept per account and Region, as in AWS (see Scoped)
            Region region = regions.computeIfAbsent(context.account() + "/" + context.region(),
                    k -> new Region(context.region(), context.account()));
            Instant now = clock.instant();
            scheduler.tick(now); // catch up first, so answers reflect the current simulated time
            return switch (operation) {
                case "CreateCluster" -> createCluster(region, r);
                case "DescribeClusters" -> describeClusters(region, r);
                case "ListClusters" -> listClusters(region, r);
                case "DeleteCluster" -> deleteCluster(region, r);
                case "RegisterTaskDefinition" -> registerTaskDefinition(region, r, now);
                case "DescribeTaskDefinition" -> describeTaskDefinition(region, r);
                case "ListTaskDefinitions" -> listTaskDefinitions(region, r);
                case "ListTaskDefinitionFamilies" -> listTaskDefinitionFamilies(region, r);
                case "DeregisterTaskDefinition" -> deregisterTaskDefinition(region, r, now);
                case "CreateService" -> createService(region, r, now);
                case "UpdateService" -> updateService(region, r, now);
                case "DescribeServices" -> describeServices(region, r);
                case "ListServices" -> listServices(region, r);
                case "DeleteService" -> deleteService(region, r, now);
                case "ListServiceDeployments" -> listServiceDeployments(region, r);
                case "DescribeServiceDeployments" -> describeServiceDeployments(region, r);
                case "StopServiceDeployment" -> stopServiceDeployment(region, r, now);
                case "DescribeServiceRevisions" -> describeServiceRevisions(region, r);
                case "RunTask" -> runTask(region, r, now);
                case "DescribeTasks" -> describeTasks(region, r);
                case "ListTasks" -> listTasks(region, r);
                case "StopTask" -> stopTask(region, r, now);
                case "TagResource" -> tagResource(region, r);
                case "UntagResource" -> untagResource(region, r);
                case "ListTagsForResource" -> listTagsForResource(region, r);
                default -> throw AwsError.badRequest("UnknownOperationException",
                        "Unknown operation " + operation + " for ECS in the local cloud");
            };
        }
    }

    /**
     * Registers the tasks of services with {@code serviceRegistries} in this Cloud Map (as ECS does),
     * with their health; {@code null} turns registration off.
     */
    public void serviceRegistry(dev.cutover.localcloud.CloudMap cloudMap) {
        this.registry = cloudMap;
    }

    /** Registers the tasks of services with {@code loadBalancers} in these ELBv2 target groups. */
    public void targetGroups(TargetGroups targetGroups) {
        this.targetGroups = targetGroups;
    }

    /**
     * The health an Application Load Balancer's HTTP health check would see at {@code ip}: empty when
     * no live RUNNING task has that IP (the check times out), else whether its image answers the
     * check (an image that fails health checks, or a container ECS found UNHEALTHY, fails it).
     */
    public Optional<Boolean> healthAt(String ip) {
        synchronized (lock) {
            for (Region region : regions.values()) {
                for (Task t : region.tasks.values()) {
                    if (ip.equals(t.privateIp) && t.live() && t.lastStatus.equals("RUNNING")) {
                        boolean failing = t.behavior != null && (t.behavior.healthChecksFail() || t.behavior.crashOnStart());
                        return Optional.of(!failing && !t.healthStatus.equals("UNHEALTHY"));
                    }
                }
            }
            return Optional.empty();
        }
    }

    /**
     * When the ACTIVE service {@code service} of {@code cluster} in {@code region} was created, if ECS
     * has it (Application Auto Scaling asks this before registering a scalable target on it).
     */
    public java.util.Optional<Instant> serviceCreatedAt(String region, String cluster, String service) {
        return serviceCreatedAt(dev.cutover.localcloud.internal.aws.AwsJson.ACCOUNT, region, cluster, service);
    }

    /** Like {@link #serviceCreatedAt(String, String, String)} in {@code account}. */
    public java.util.Optional<Instant> serviceCreatedAt(String account, String region, String cluster, String service) {
        synchronized (lock) {
            Region r = regions.get(account + "/" + region);
            EcsModel.Cluster c = r == null ? null : r.clusters.get(cluster);
            Service s = c == null ? null : c.services.get(service);
            return s == null || !s.status.equals("ACTIVE") ? java.util.Optional.empty() : java.util.Optional.of(s.createdAt);
        }
    }

    /** Called by the clock on every tick. */
    public void tick(Instant now) {
        synchronized (lock) {
            scheduler.tick(now);
        }
    }

    // ---------------------------------------------------------------- clusters

    private ObjectNode createCluster(Region region, EcsRequest r) {
        String name = r.has("clusterName") ? EcsRequest.checkName("Cluster name", r.string("clusterName")) : "default";
        Cluster c = region.clusters.get(name);
        if (c == null || !c.status.equals("ACTIVE")) {
            c = new Cluster();
            c.name = name;
            c.arn = arn(region, "cluster/" + name);
            c.settings = r.optArray("settings");
            region.clusters.put(name, c);
            putTags(region, c.arn, r.optArray("tags"));
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("cluster", renderCluster(region, c));
        return out;
    }

    private ObjectNode describeClusters(Region region, EcsRequest r) {
        List<String> names = r.strings("clusters");
        if (names.isEmpty()) {
            names = List.of("default");
        }
        if (names.size() > 100) {
            throw EcsRequest.invalid("clusters can have at most 100 items.");
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode clusters = out.putArray("clusters");
        ArrayNode failures = out.putArray("failures");
        for (String n : names) {
            Cluster c = region.clusters.get(shortName(n, "cluster/"));
            if (c == null) {
                failures.add(failure(n.startsWith("arn:") ? n : arn(region, "cluster/" + n), "MISSING"));
            } else {
                clusters.add(renderCluster(region, c));
            }
        }
        return out;
    }

    private ObjectNode listClusters(Region region, EcsRequest r) {
        List<String> arns = region.clusters.values().stream().filter(c -> c.status.equals("ACTIVE"))
                .map(c -> c.arn).toList();
        return page(r, arns, "clusterArns", 100);
    }

    private ObjectNode deleteCluster(Region region, EcsRequest r) {
        Cluster c = cluster(region, r.string("cluster"));
        if (c.services.values().stream().anyMatch(s -> !s.status.equals("INACTIVE"))) {
            throw AwsError.badRequest("ClusterContainsServicesException",
                    "The Cluster cannot be deleted while Services are active.");
        }
        if (region.tasks.values().stream().anyMatch(t -> t.cluster == c && !t.lastStatus.equals("STOPPED"))) {
            throw AwsError.badRequest("ClusterContainsTasksException",
                    "The Cluster cannot be deleted while Tasks are active.");
        }
        c.status = "INACTIVE";
        ObjectNode out = JSON.createObjectNode();
        out.set("cluster", renderCluster(region, c));
        return out;
    }

    private ObjectNode renderCluster(Region region, Cluster c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("clusterArn", c.arn);
        n.put("clusterName", c.name);
        n.put("status", c.status);
        n.put("registeredContainerInstancesCount", 0);
        long running = region.tasks.values().stream().filter(t -> t.cluster == c && t.lastStatus.equals("RUNNING")).count();
        long pending = region.tasks.values().stream()
                .filter(t -> t.cluster == c && (t.lastStatus.equals("PENDING") || t.lastStatus.equals("PROVISIONING")))
                .count();
        n.put("runningTasksCount", running);
        n.put("pendingTasksCount", pending);
        n.put("activeServicesCount", c.services.values().stream().filter(s -> s.status.equals("ACTIVE")).count());
        n.putArray("statistics");
        n.set("tags", tagsOf(region, c.arn));
        n.set("settings", c.settings != null ? c.settings : JSON.createArrayNode());
        n.putArray("capacityProviders");
        n.putArray("defaultCapacityProviderStrategy");
        return n;
    }

    Cluster cluster(Region region, String nameOrArn) {
        String name = nameOrArn == null ? "default" : shortName(nameOrArn, "cluster/");
        Cluster c = region.clusters.get(name);
        if (c == null || !c.status.equals("ACTIVE")) {
            throw AwsError.badRequest("ClusterNotFoundException", "Cluster not found.");
        }
        return c;
    }

    // ---------------------------------------------------------------- task definitions

    private ObjectNode registerTaskDefinition(Region region, EcsRequest r, Instant now) {
        TaskDef td = TaskDefinitions.parse(r);
        List<TaskDef> revisions = region.families.computeIfAbsent(td.family, f -> new ArrayList<>());
        td.revision = revisions.isEmpty() ? 1 : revisions.get(revisions.size() - 1).revision + 1;
        td.arn = arn(region, "task-definition/" + td.family + ":" + td.revision);
        td.registeredAt = now;
        revisions.add(td);
        putTags(region, td.arn, r.optArray("tags"));
        ObjectNode out = JSON.createObjectNode();
        out.set("taskDefinition", renderTaskDef(td));
        out.set("tags", tagsOf(region, td.arn));
        return out;
    }

    private ObjectNode describeTaskDefinition(Region region, EcsRequest r) {
        TaskDef td = findTaskDef(region, r.string("taskDefinition"), true);
        if (td == null) {
            throw EcsRequest.client("Unable to describe task definition.");
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("taskDefinition", renderTaskDef(td));
        if (r.strings("include").contains("TAGS")) {
            out.set("tags", tagsOf(region, td.arn));
        }
        return out;
    }

    private ObjectNode listTaskDefinitions(Region region, EcsRequest r) {
        String prefix = r.optString("familyPrefix");
        String status = r.optEnum("status", Set.of("ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"));
        String sort = r.optEnum("sort", Set.of("ASC", "DESC"));
        String wanted = status == null ? "ACTIVE" : status;
        List<TaskDef> all = new ArrayList<>();
        new TreeMap<>(region.families).forEach((family, revs) -> {
            if (prefix == null || family.startsWith(prefix)) {
                revs.stream().filter(t -> t.status.equals(wanted)).forEach(all::add);
            }
        });
        if ("DESC".equals(sort)) {
            java.util.Collections.reverse(all);
        }
        return page(r, all.stream().map(t -> t.arn).toList(), "taskDefinitionArns", 100);
    }

    private ObjectNode listTaskDefinitionFamilies(Region region, EcsRequest r) {
        String prefix = r.optString("familyPrefix");
        String status = r.optEnum("status", Set.of("ACTIVE", "INACTIVE", "ALL"));
        String wanted = status == null ? "ACTIVE" : status;
        List<String> families = new ArrayList<>();
        new TreeMap<>(region.families).forEach((family, revs) -> {
            boolean active = revs.stream().anyMatch(t -> t.status.equals("ACTIVE"));
            boolean match = wanted.equals("ALL") || (wanted.equals("ACTIVE") == active);
            if (match && (prefix == null || family.startsWith(prefix))) {
                families.add(family);
            }
        });
        return page(r, families, "families", 100);
    }

    private ObjectNode deregisterTaskDefinition(Region region, EcsRequest r, Instant now) {
        String ref = r.string("taskDefinition");
        if (!ref.contains(":")) {
            throw EcsRequest.invalid("A revision must be specified: use family:revision or the full ARN.");
        }
        TaskDef td = findTaskDef(region, ref, true);
        if (td == null) {
            throw EcsRequest.client("The specified task definition does not exist.");
        }
        if (td.status.equals("ACTIVE")) {
            td.status = "INACTIVE";
            td.deregisteredAt = now;
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("taskDefinition", renderTaskDef(td));
        return out;
    }

    /** Finds {@code family} (latest ACTIVE), {@code family:revision} or an ARN; null when there is none. */
    TaskDef findTaskDef(Region region, String ref, boolean includeInactive) {
        String s = ref.startsWith("arn:") ? shortName(ref, "task-definition/") : ref;
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            List<TaskDef> revs = region.families.get(s);
            if (revs == null) {
                return null;
            }
            for (int i = revs.size() - 1; i >= 0; i--) {
                if (revs.get(i).status.equals("ACTIVE")) {
                    return revs.get(i);
                }
            }
            return null;
        }
        List<TaskDef> revs = region.families.get(s.substring(0, colon));
        if (revs == null) {
            return null;
        }
        int rev;
        try {
            rev = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw EcsRequest.invalid("Invalid revision number. Number: " + s.substring(colon + 1));
        }
        for (TaskDef t : revs) {
            if (t.revision == rev && (includeInactive || t.status.equals("ACTIVE"))) {
                return t;
            }
        }
        return null;
    }

    private TaskDef requireTaskDef(Region region, String ref) {
        TaskDef td = findTaskDef(region, ref, true);
        if (td == null) {
            throw EcsRequest.invalid("TaskDefinition not found.");
        }
        if (!td.status.equals("ACTIVE")) {
            throw EcsRequest.invalid("TaskDefinition is inactive");
        }
        return td;
    }

    static ObjectNode renderTaskDef(TaskDef td) {
        ObjectNode n = td.json.deepCopy();
        n.remove("tags");
        n.put("taskDefinitionArn", td.arn);
        n.put("revision", td.revision);
        n.put("status", td.status);
        putTime(n, "registeredAt", td.registeredAt);
        putTime(n, "deregisteredAt", td.deregisteredAt);
        n.put("registeredBy", "arn:aws:iam::" + ACCOUNT + ":root");
        ArrayNode compat = n.putArray("compatibilities");
        compat.add("EC2");
        if (td.networkMode.equals("awsvpc")) {
            compat.add("FARGATE");
        }
        return n;
    }

    // ---------------------------------------------------------------- services

    private ObjectNode createService(Region region, EcsRequest r, Instant now) {
        Cluster c = cluster(region, r.optString("cluster"));
        String name = EcsRequest.checkName("Service name", r.string("serviceName"));
        String launchType = r.optEnum("launchType", LAUNCH_TYPES);
        String scheduling = r.optEnum("schedulingStrategy", Set.of("REPLICA", "DAEMON"));
        TaskDef td = requireTaskDef(region, r.string("taskDefinition"));
        Integer desired = r.optInt("desiredCount");
        if (desired == null && !"DAEMON".equals(scheduling)) {
            throw EcsRequest.invalid("desiredCount must be specified for the REPLICA scheduling strategy.");
        }
        int desiredCount = desired == null ? 1 : desired;
        if (desiredCount < 0) {
            throw EcsRequest.invalid("desiredCount must be 0 or greater.");
        }
        EcsModel.TokenUse used = clientToken(c, r, "CreateService", 36, now);
        if (used != null) {
            Service same = c.services.get(used.results().get(0));
            if (same != null && same.status.equals("ACTIVE")) {
                ObjectNode out = JSON.createObjectNode();
                out.set("service", renderService(region, same, false));
                return out; // a retry of a request that completed: its result, nothing done again
            }
        }
        Service existing = c.services.get(name);
        if (existing != null && !existing.status.equals("INACTIVE")) {
            throw EcsRequest.invalid("Creation of service was not idempotent.");
        }
        ObjectNode network = r.optObject("networkConfiguration");
        checkCompatibility(td, launchType, network);
        Service s = new Service();
        s.name = name;
        s.arn = arn(region, "service/" + c.name + "/" + name);
        s.cluster = c;
        s.desiredCount = desiredCount;
        s.taskDef = td;
        s.launchType = launchType != null ? launchType : r.has("capacityProviderStrategy") ? null : "EC2";
        s.schedulingStrategy = scheduling != null ? scheduling : "REPLICA";
        s.deploymentConfiguration = DeploymentConfigs.merge(null, r.object("deploymentConfiguration"));
        s.networkConfiguration = network;
        s.serviceRegistries = checkRegistries(r.optArray("serviceRegistries"));
        s.serviceConnectConfiguration = checkServiceConnect(r.optObject("serviceConnectConfiguration"));
        s.deploymentController = r.optObject("deploymentController");
        s.loadBalancers = checkLoadBalancers(td, r.optArray("loadBalancers"));
        checkNativeLoadBalancers(s.loadBalancers, s.deploymentConfiguration);
        s.healthCheckGracePeriodSeconds = r.optInt("healthCheckGracePeriodSeconds");
        s.platformVersion = r.optString("platformVersion");
        s.createdAt = now;
        c.services.put(name, s);
        rememberToken(c, r, "CreateService", now, List.of(name));
        putTags(region, s.arn, r.optArray("tags"));
        scheduler.startDeployment(region, s, now, true);
        ObjectNode out = JSON.createObjectNode();
        out.set("service", renderService(region, s, false));
        return out;
    }

    private static void checkCompatibility(TaskDef td, String launchType, ObjectNode network) {
        if ("FARGATE".equals(launchType) && !td.fargate) {
            throw EcsRequest.invalid("Task definition does not support launch_type FARGATE.");
        }
        if (td.networkMode.equals("awsvpc")) {
            JsonNode subnets = network == null ? null : network.path("awsvpcConfiguration").get("subnets");
            if (subnets == null || !subnets.isArray() || subnets.isEmpty()) {
                throw EcsRequest.invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
            }
        }
    }

    private static ArrayNode checkRegistries(ArrayNode registries) {
        if (registries == null) {
            return null;
        }
        if (registries.size() > 1) {
            throw EcsRequest.invalid("Only one service registry is supported per service.");
        }
        for (JsonNode reg : registries) {
            if (!reg.path("registryArn").isTextual() || !reg.path("registryArn").asText().startsWith("arn:")) {
                throw EcsRequest.invalid("serviceRegistries[].registryArn must be a Cloud Map service ARN.");
            }
        }
        return registries;
    }

    /**
     * A service's {@code loadBalancers} as ECS checks them (ECS API Reference, LoadBalancer; developer
     * guide, "Use load balancing to distribute Amazon ECS service traffic" and its considerations):
     * at most 5 target groups per service; each entry names a target group ARN (ALB/NLB), a container
     * name and a container port; the target group must exist and be associated with a load balancer;
     * with the {@code awsvpc} network mode its target type must be {@code ip} ("you must choose ip as
     * the target type, not instance"); the container must be in the task definition with a port mapping
     * of that container port.
     */
    private ArrayNode checkLoadBalancers(TaskDef td, ArrayNode lbs) {
        if (lbs == null || lbs.isEmpty()) {
            return lbs;
        }
        if (lbs.size() > 5) {
            throw EcsRequest.invalid("loadBalancers can have at most 5 entries (target groups per service).");
        }
        TargetGroups groups = targetGroups;
        for (JsonNode lb : lbs) {
            String tg = lb.path("targetGroupArn").asText(null);
            if (tg == null) {
                throw EcsRequest.invalid(lb.has("loadBalancerName")
                        ? "The local cloud emulates Application Load Balancers: loadBalancers[].targetGroupArn must be specified."
                        : "loadBalancers[].targetGroupArn must be specified.");
            }
            String container = lb.path("containerName").asText(null);
            if (container == null || !lb.path("containerPort").isInt()) {
                throw EcsRequest.invalid("loadBalancers[].containerName and loadBalancers[].containerPort must be specified.");
            }
            java.util.Optional<TargetGroups.Info> info = groups == null ? java.util.Optional.empty() : groups.describe(tg);
            if (info.isEmpty()) {
                throw EcsRequest.invalid("The target group with targetGroupArn " + tg + " does not exist.");
            }
            if (!info.get().attachedToLoadBalancer()) {
                throw EcsRequest.invalid("The target group with targetGroupArn " + tg + " does not have an associated load balancer.");
            }
            if (td.networkMode.equals("awsvpc") && !info.get().targetType().equals("ip")) {
                throw EcsRequest.invalid("The provided target group " + tg + " has target type " + info.get().targetType()
                        + ", which is incompatible with the awsvpc network mode specified in the task definition.");
            }
            JsonNode def = null;
            for (JsonNode c : td.json.path("containerDefinitions")) {
                if (container.equals(c.path("name").asText())) {
                    def = c;
                }
            }
            if (def == null) {
                throw EcsRequest.invalid("The container " + container + " does not exist in the task definition.");
            }
            int port = lb.path("containerPort").asInt();
            boolean mapped = false;
            for (JsonNode pm : def.path("portMappings")) {
                mapped |= pm.path("containerPort").asInt(-1) == port;
            }
            if (!mapped) {
                throw EcsRequest.invalid("The container " + container + " did not have a container port " + port + " defined.");
            }
            checkAdvanced(td, tg, lb.path("advancedConfiguration"));
        }
        return lbs;
    }

    /**
     * {@code loadBalancers[].advancedConfiguration} (botocore {@code ecs} model, shapes LoadBalancer and
     * AdvancedConfiguration; ECS developer guide, "Application Load Balancer resources for blue/green, linear,
     * and canary deployments" and "Amazon ECS infrastructure IAM role for load balancers"): the alternate target
     * group exists, differs from the primary one, is used by a load balancer and has the primary's target type;
     * the production listener rule exists and forwards to the primary target group; a test listener rule, when
     * given, exists; {@code roleArn} is an IAM role ARN (the role ECS assumes to change the listener rules).
     */
    private void checkAdvanced(TaskDef td, String primary, JsonNode ac) {
        if (ac.isMissingNode() || ac.isNull()) {
            return;
        }
        TargetGroups groups = targetGroups;
        String alternate = ac.path("alternateTargetGroupArn").asText(null);
        String production = ac.path("productionListenerRule").asText(null);
        String role = ac.path("roleArn").asText(null);
        List<String> problems = new ArrayList<>();
        if (alternate == null) {
            problems.add("advancedConfiguration.alternateTargetGroupArn must be specified");
        } else if (alternate.equals(primary)) {
            problems.add("advancedConfiguration.alternateTargetGroupArn must differ from targetGroupArn " + primary);
        } else {
            java.util.Optional<TargetGroups.Info> info = groups.describe(alternate);
            if (info.isEmpty()) {
                problems.add("The alternate target group " + alternate + " does not exist");
            } else if (!info.get().attachedToLoadBalancer()) {
                problems.add("The alternate target group " + alternate + " does not have an associated load balancer");
            } else if (td.networkMode.equals("awsvpc") && !info.get().targetType().equals("ip")) {
                problems.add("The alternate target group " + alternate + " has target type " + info.get().targetType()
                        + ", which is incompatible with the awsvpc network mode");
            }
        }
        if (production == null) {
            problems.add("advancedConfiguration.productionListenerRule must be specified for an Application Load Balancer");
        } else {
            java.util.Optional<java.util.Map<String, Integer>> forward = groups.ruleForward(production);
            if (forward.isEmpty()) {
                problems.add("The production listener rule " + production + " does not exist");
            } else if (!forward.get().containsKey(primary)) {
                problems.add("The production listener rule " + production + " does not forward to the target group " + primary);
            }
        }
        String test = ac.path("testListenerRule").asText(null);
        if (test != null && groups.ruleForward(test).isEmpty()) {
            problems.add("The test listener rule " + test + " does not exist");
        }
        if (role == null || !role.matches("arn:aws[a-z-]*:iam::\\d{12}:role/.+")) {
            problems.add("advancedConfiguration.roleArn must be the ARN of an IAM role Amazon ECS can assume to manage the load"
                    + " balancer, was " + role);
        }
        if (!problems.isEmpty()) {
            throw EcsRequest.invalid(String.join("; ", problems) + ".");
        }
    }

    /**
     * A service with load balancers whose strategy is BLUE_GREEN, LINEAR or CANARY needs each entry's
     * {@code advancedConfiguration}: ECS shifts traffic by moving the production listener rule's weights between the
     * primary and the alternate target group (developer guide, "Application Load Balancer resources for blue/green,
     * linear, and canary deployments": "you need to create two target groups").
     */
    private static void checkNativeLoadBalancers(ArrayNode lbs, ObjectNode deploymentConfiguration) {
        String strategy = deploymentConfiguration == null ? "ROLLING" : deploymentConfiguration.path("strategy").asText("ROLLING");
        if (lbs == null || strategy.equals("ROLLING")) {
            return;
        }
        for (JsonNode lb : lbs) {
            if (!lb.has("advancedConfiguration")) {
                throw EcsRequest.invalid("The " + strategy + " deployment strategy with a load balancer requires"
                        + " loadBalancers[].advancedConfiguration (alternateTargetGroupArn, productionListenerRule, roleArn) for"
                        + " target group " + lb.path("targetGroupArn").asText() + ".");
            }
        }
    }

    private static ObjectNode checkServiceConnect(ObjectNode sc) {
        if (sc != null && !sc.path("enabled").isBoolean()) {
            throw EcsRequest.invalid("serviceConnectConfiguration.enabled must be specified.");
        }
        return sc;
    }

    private ObjectNode updateService(Region region, EcsRequest r, Instant now) {
        Cluster c = cluster(region, r.optString("cluster"));
        Service s = service(c, r.string("service"));
        if (!s.status.equals("ACTIVE")) {
            throw AwsError.badRequest("ServiceNotActiveException", "Service was not ACTIVE.");
        }
        boolean newDeployment = Boolean.TRUE.equals(r.optBool("forceNewDeployment"));
        Integer desired = r.optInt("desiredCount");
        if (desired != null && desired < 0) {
            throw EcsRequest.invalid("desiredCount must be 0 or greater.");
        }
        TaskDef td = r.has("taskDefinition") ? requireTaskDef(region, r.string("taskDefinition")) : s.taskDef;
        ObjectNode network = r.has("networkConfiguration") ? r.optObject("networkConfiguration") : s.networkConfiguration;
        checkCompatibility(td, s.launchType, network);
        ObjectNode config = DeploymentConfigs.merge(s.deploymentConfiguration, r.object("deploymentConfiguration"));
        if (td != s.taskDef || (r.has("networkConfiguration") && !network.equals(s.networkConfiguration))) {
            newDeployment = true;
        }
        if (r.has("serviceRegistries")) {
            s.serviceRegistries = checkRegistries(r.optArray("serviceRegistries"));
            newDeployment = true;
        }
        if (r.has("serviceConnectConfiguration")) {
            s.serviceConnectConfiguration = checkServiceConnect(r.optObject("serviceConnectConfiguration"));
            newDeployment = true;
        }
        if (r.has("loadBalancers")) {
            s.loadBalancers = checkLoadBalancers(td, r.optArray("loadBalancers"));
            newDeployment = true;
        } else if (td != s.taskDef && s.loadBalancers != null) {
            checkLoadBalancers(td, s.loadBalancers); // the new revision must still carry the container and port
        }
        checkNativeLoadBalancers(s.loadBalancers, config);
        if (r.has("healthCheckGracePeriodSeconds")) {
            s.healthCheckGracePeriodSeconds = r.optInt("healthCheckGracePeriodSeconds");
        }
        s.deploymentConfiguration = config;
        s.networkConfiguration = network;
        s.taskDef = td;
        if (desired != null && desired != s.desiredCount) {
            s.desiredCount = desired;
            s.steadyAnnounced = false;
            if (!newDeployment) {
                scheduler.resize(s, now);
            }
        }
        if (newDeployment) {
            scheduler.startDeployment(region, s, now, false);
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("service", renderService(region, s, false));
        return out;
    }

    private ObjectNode describeServices(Region region, EcsRequest r) {
        Cluster c = cluster(region, r.optString("cluster"));
        List<String> names = r.strings("services");
        if (names.isEmpty()) {
            throw EcsRequest.invalid("services must be specified.");
        }
        if (names.size() > 10) {
            throw EcsRequest.invalid("services can have at most 10 items.");
        }
        boolean tags = r.strings("include").contains("TAGS");
        ObjectNode out = JSON.createObjectNode();
        ArrayNode services = out.putArray("services");
        ArrayNode failures = out.putArray("failures");
        for (String n : names) {
            Service s = c.services.get(shortName(n, "service/"));
            if (s == null) {
                // ECS answers an unknown service with failures[] {arn, reason "MISSING"}; for a name the ARN is
                // arn:aws:ecs:<region>:<account>:service/<name>, without the cluster (Amazon ECS API Reference,
                // DescribeServices / Failure; observed in aws-actions/amazon-ecs-deploy-task-definition#312, #369,
                // #544: "arn:aws:ecs:us-east-2:***:service/pawebapp-service is MISSING" for a wrong cluster); an
                // ARN is echoed as given
                failures.add(failure(n.startsWith("arn:") ? n : arn(region, "service/" + n), "MISSING"));
            } else {
                services.add(renderService(region, s, tags));
            }
        }
        return out;
    }

    private ObjectNode listServices(Region region, EcsRequest r) {
        Cluster c = cluster(region, r.optString("cluster"));
        String launchType = r.optEnum("launchType", LAUNCH_TYPES);
        String scheduling = r.optEnum("schedulingStrategy", Set.of("REPLICA", "DAEMON"));
        List<String> arns = c.services.values().stream()
                .filter(s -> !s.status.equals("INACTIVE"))
                .filter(s -> launchType == null || launchType.equals(s.launchType))
                .filter(s -> scheduling == null || scheduling.equals(s.schedulingStrategy))
                .map(s -> s.arn).toList();
        return page(r, arns, "serviceArns", 10);
    }

    private ObjectNode deleteService(Region region, EcsRequest r, Instant now) {
        Cluster c = cluster(region, r.optString("cluster"));
        Service s = service(c, r.string("service"));
        if (s.status.equals("INACTIVE")) {
            throw AwsError.badRequest("ServiceNotActiveException", "Service was not ACTIVE.");
        }
        boolean force = Boolean.TRUE.equals(r.optBool("force"));
        if (s.desiredCount > 0 && !force) {
            throw EcsRequest.invalid("The service cannot be stopped while it is scaled above 0.");
        }
        scheduler.drain(s, now);
        ObjectNode out = JSON.createObjectNode();
        out.set("service", renderService(region, s, false));
        return out;
    }

    Service service(Cluster c, String nameOrArn) {
        Service s = c.services.get(shortName(nameOrArn, "service/"));
        if (s == null) {
            throw AwsError.badRequest("ServiceNotFoundException", "Service not found.");
        }
        return s;
    }

    ObjectNode renderService(Region region, Service s, boolean withTags) {
        ObjectNode n = JSON.createObjectNode();
        n.put("serviceArn", s.arn);
        n.put("serviceName", s.name);
        n.put("clusterArn", s.cluster.arn);
        n.set("loadBalancers", s.loadBalancers != null ? s.loadBalancers : JSON.createArrayNode());
        n.set("serviceRegistries", s.serviceRegistries != null ? s.serviceRegistries : JSON.createArrayNode());
        n.put("status", s.status);
        n.put("desiredCount", s.desiredCount);
        int running = 0;
        int pending = 0;
        for (Deployment d : s.deployments) {
            running += scheduler.count(d, "RUNNING");
            pending += scheduler.count(d, "PENDING");
        }
        n.put("runningCount", running);
        n.put("pendingCount", pending);
        if (s.launchType != null) {
            n.put("launchType", s.launchType);
        }
        if ("FARGATE".equals(s.launchType)) {
            n.put("platformVersion", s.platformVersion != null ? s.platformVersion : "LATEST");
            n.put("platformFamily", "Linux");
        }
        n.put("taskDefinition", s.taskDef.arn);
        n.set("deploymentConfiguration", s.deploymentConfiguration.deepCopy());
        ArrayNode deployments = n.putArray("deployments");
        for (Deployment d : s.deployments) {
            deployments.add(renderDeployment(d));
        }
        n.put("roleArn", "arn:aws:iam::" + ACCOUNT + ":role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS");
        ArrayNode events = n.putArray("events");
        s.events.forEach(events::add);
        putTime(n, "createdAt", s.createdAt);
        if (!s.serviceDeployments.isEmpty()) {
            n.put("currentServiceDeployment", s.serviceDeployments.get(0).arn);
        }
        ArrayNode current = n.putArray("currentServiceRevisions");
        for (Deployment d : s.deployments) {
            current.add(revisionSummary(d));
        }
        n.putArray("placementConstraints");
        n.putArray("placementStrategy");
        if (s.networkConfiguration != null) {
            n.set("networkConfiguration", s.networkConfiguration);
        }
        if (s.healthCheckGracePeriodSeconds != null) {
            n.put("healthCheckGracePeriodSeconds", s.healthCheckGracePeriodSeconds);
        }
        n.put("schedulingStrategy", s.schedulingStrategy);
        n.set("deploymentController", s.deploymentController != null ? s.deploymentController
                : JSON.createObjectNode().put("type", "ECS"));
        if (withTags) {
            n.set("tags", tagsOf(region, s.arn));
        }
        n.put("createdBy", "arn:aws:iam::" + ACCOUNT + ":root");
        n.put("enableECSManagedTags", false);
        n.put("propagateTags", "NONE");
        n.put("enableExecuteCommand", false);
        return n;
    }

    ObjectNode renderDeployment(Deployment d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", d.id);
        n.put("status", d.status);
        n.put("taskDefinition", d.taskDef.arn);
        n.put("desiredCount", d.desiredCount);
        n.put("pendingCount", scheduler.count(d, "PENDING"));
        n.put("runningCount", scheduler.count(d, "RUNNING"));
        n.put("failedTasks", d.failedTasks);
        putTime(n, "createdAt", d.createdAt);
        putTime(n, "updatedAt", d.updatedAt);
        if (d.launchType != null) {
            n.put("launchType", d.launchType);
        }
        if ("FARGATE".equals(d.launchType)) {
            n.put("platformVersion", "1.4.0");
            n.put("platformFamily", "Linux");
        }
        if (d.networkConfiguration != null) {
            n.set("networkConfiguration", d.networkConfiguration);
        }
        n.put("rolloutState", d.rolloutState);
        if (d.rolloutStateReason != null) {
            n.put("rolloutStateReason", d.rolloutStateReason);
        }
        if (d.serviceConnectConfiguration != null) {
            n.set("serviceConnectConfiguration", d.serviceConnectConfiguration);
        }
        return n;
    }

    private ObjectNode revisionSummary(Deployment d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("arn", d.revisionArn);
        n.put("requestedTaskCount", d.desiredCount);
        n.put("runningTaskCount", scheduler.count(d, "RUNNING"));
        n.put("pendingTaskCount", scheduler.count(d, "PENDING"));
        if (!Double.isNaN(d.weight)) {
            n.put("requestedProductionTrafficWeight", d.weight);
            n.put("requestedTestTrafficWeight", d.weight);
        }
        return n;
    }

    // ---------------------------------------------------------------- service deployments

    private ObjectNode listServiceDeployments(Region region, EcsRequest r) {
        Cluster c = cluster(region, r.optString("cluster"));
        Service s = service(c, r.string("service"));
        List<String> statuses = r.strings("status");
        List<ServiceDeployment> all = s.serviceDeployments.stream()
                .filter(sd -> statuses.isEmpty() || statuses.contains(sd.status)).toList();
        return page(r, all, "serviceDeployments", 20, sd -> {
            ObjectNode b = JSON.createObjectNode();
            b.put("serviceDeploymentArn", sd.arn);
            b.put("serviceArn", sd.service.arn);
            b.put("clusterArn", sd.service.cluster.arn);
            putTime(b, "startedAt", sd.startedAt);
            putTime(b, "createdAt", sd.createdAt);
            putTime(b, "finishedAt", sd.finishedAt);
            b.put("targetServiceRevisionArn", sd.target.revisionArn);
            b.put("status", sd.status);
            if (sd.statusReason != null) {
                b.put("statusReason", sd.statusReason);
            }
            return b;
        });
    }

    private ObjectNode describeServiceDeployments(Region region, EcsRequest r) {
        List<String> arns = r.strings("serviceDeploymentArns");
        if (arns.isEmpty()) {
            throw EcsRequest.invalid("serviceDeploymentArns must be specified.");
        }
        if (arns.size() > 20) {
            throw EcsRequest.invalid("serviceDeploymentArns can have at most 20 items.");
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode items = out.putArray("serviceDeployments");
        ArrayNode failures = out.putArray("failures");
        for (String arn : arns) {
            ServiceDeployment sd = region.serviceDeployments.get(arn);
            if (sd == null) {
                failures.add(failure(arn, "MISSING"));
            } else {
                items.add(renderServiceDeployment(sd));
            }
        }
        return out;
    }

    private ObjectNode renderServiceDeployment(ServiceDeployment sd) {
        ObjectNode n = JSON.createObjectNode();
        n.put("serviceDeploymentArn", sd.arn);
        n.put("serviceArn", sd.service.arn);
        n.put("clusterArn", sd.service.cluster.arn);
        putTime(n, "createdAt", sd.createdAt);
        putTime(n, "startedAt", sd.startedAt);
        putTime(n, "finishedAt", sd.finishedAt);
        putTime(n, "stoppedAt", sd.stoppedAt);
        putTime(n, "updatedAt", sd.updatedAt);
        ArrayNode sources = n.putArray("sourceServiceRevisions");
        sd.sources.forEach(d -> sources.add(revisionSummary(d)));
        n.set("targetServiceRevision", revisionSummary(sd.target));
        n.put("status", sd.status);
        if (sd.statusReason != null) {
            n.put("statusReason", sd.statusReason);
        }
        n.put("lifecycleStage", sd.lifecycleStage);
        n.set("deploymentConfiguration", sd.deploymentConfiguration);
        if (sd.rollbackReason != null) {
            ObjectNode rb = n.putObject("rollback");
            rb.put("reason", sd.rollbackReason);
            putTime(rb, "startedAt", sd.rollbackStartedAt);
            if (sd.rollbackTo != null) {
                rb.put("serviceRevisionArn", sd.rollbackTo.revisionArn);
            }
        }
        ObjectNode cb = n.putObject("deploymentCircuitBreaker");
        cb.put("status", sd.circuitBreakerStatus);
        cb.put("failureCount", sd.target.failedTasks);
        cb.put("threshold", sd.threshold);
        return n;
    }

    private ObjectNode stopServiceDeployment(Region region, EcsRequest r, Instant now) {
        String arn = r.string("serviceDeploymentArn");
        String stopType = r.optEnum("stopType", Set.of("ABORT", "ROLLBACK"));
        ServiceDeployment sd = region.serviceDeployments.get(arn);
        if (sd == null) {
            throw AwsError.badRequest("ServiceDeploymentNotFoundException", "The service deployment does not exist.");
        }
        if (!sd.status.equals("IN_PROGRESS") && !sd.status.equals("PENDING")) {
            throw AwsError.badRequest("ConflictException",
                    "The service deployment is " + sd.status + " and cannot be stopped.");
        }
        scheduler.stopServiceDeployment(sd, stopType == null ? "ROLLBACK" : stopType, now);
        ObjectNode out = JSON.createObjectNode();
        out.put("serviceDeploymentArn", sd.arn);
        return out;
    }

    private ObjectNode describeServiceRevisions(Region region, EcsRequest r) {
        List<String> arns = r.strings("serviceRevisionArns");
        if (arns.isEmpty() || arns.size() > 20) {
            throw EcsRequest.invalid("serviceRevisionArns must have 1 to 20 items.");
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode items = out.putArray("serviceRevisions");
        ArrayNode failures = out.putArray("failures");
        for (String arn : arns) {
            Deployment d = region.revisions.get(arn);
            if (d == null) {
                failures.add(failure(arn, "MISSING"));
                continue;
            }
            ObjectNode n = items.addObject();
            n.put("serviceRevisionArn", d.revisionArn);
            n.put("serviceArn", d.service.arn);
            n.put("clusterArn", d.service.cluster.arn);
            n.put("taskDefinition", d.taskDef.arn);
            if (d.launchType != null) {
                n.put("launchType", d.launchType);
            }
            if (d.networkConfiguration != null) {
                n.set("networkConfiguration", d.networkConfiguration);
            }
            ArrayNode imgs = n.putArray("containerImages");
            for (ContainerDef cd : d.taskDef.containers) {
                imgs.addObject().put("containerName", cd.name).put("image", cd.image)
                        .put("imageDigest", images.digestOf(cd.image));
            }
            putTime(n, "createdAt", d.createdAt);
        }
        return out;
    }

    // ---------------------------------------------------------------- tasks

    private ObjectNode runTask(Region region, EcsRequest r, Instant now) {
        Cluster c = cluster(region, r.optString("cluster"));
        TaskDef td = requireTaskDef(region, r.string("taskDefinition"));
        int count = r.optInt("count", 1, 10, 1);
        String launchType = r.optEnum("launchType", LAUNCH_TYPES);
        checkCompatibility(td, launchType, r.optObject("networkConfiguration"));
        String startedBy = r.optString("startedBy");
        if (startedBy != null && startedBy.length() > 128) {
            throw EcsRequest.invalid("startedBy can be at most 128 characters.");
        }
        String group = r.optString("group");
        ObjectNode out = JSON.createObjectNode();
        ArrayNode tasks = out.putArray("tasks");
        EcsModel.TokenUse used = clientToken(c, r, "RunTask", 64, now);
        if (used != null) {
            for (String arn : used.results()) { // "the result of the original request is returned"
                Task t = region.tasks.get(arn);
                if (t != null) {
                    tasks.add(renderTask(region, t, false));
                }
            }
            out.putArray("failures");
            return out;
        }
        List<String> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Task t = scheduler.launch(region, c, td, null, now);
            t.oneOff = true;
            t.startedBy = startedBy;
            t.group = group != null ? group : "family:" + td.family;
            t.launchType = launchType != null ? launchType : "EC2";
            t.overrides = r.optObject("overrides");
            putTags(region, t.arn, r.optArray("tags"));
            tasks.add(renderTask(region, t, false));
            started.add(t.arn);
        }
        rememberToken(c, r, "RunTask", now, started);
        out.putArray("failures");
        return out;
    }

    /** How long ECS remembers a client token: 24 hours (documented for RunTask; used for CreateService too). */
    static final java.time.Duration TOKEN_TTL = java.time.Duration.ofHours(24);

    /**
     * The earlier use of the request's {@code clientToken} in this cluster, when the request repeats it
     * with the same parameters; null when there is no token or it is new. ECS API Reference, "Ensuring
     * idempotency" (ECS_Idempotency.html): a client token is up to 36 (CreateService) or 64 (RunTask)
     * ASCII characters in 33-126; tokens are scoped to the cluster; "if you retry a request that
     * completed successfully using the same client token and the same parameters, the retry succeeds
     * without performing any further actions"; for RunTask the original result is returned and a retry
     * with the same token but changed parameters fails with {@code ConflictException}, and the token
     * lives 24 hours. CreateService's error list (botocore model) has no ConflictException: a changed
     * request under a used token fails there with InvalidParameterException.
     */
    private static EcsModel.TokenUse clientToken(Cluster c, EcsRequest r, String operation, int maxLength, Instant now) {
        String token = r.optString("clientToken");
        if (token == null) {
            return null;
        }
        if (token.isEmpty() || token.length() > maxLength || !token.chars().allMatch(ch -> ch >= 33 && ch <= 126)) {
            throw EcsRequest.invalid("clientToken must be 1-" + maxLength + " ASCII characters in the range 33-126.");
        }
        c.clientTokens.values().removeIf(u -> !u.at().plus(TOKEN_TTL).isAfter(now));
        EcsModel.TokenUse used = c.clientTokens.get(token);
        if (used == null) {
            return null;
        }
        if (used.operation().equals(operation) && used.request().equals(withoutToken(r))) {
            return used;
        }
        String message = "The client token " + token + " was already used with different request parameters.";
        throw operation.equals("RunTask") ? AwsError.badRequest("ConflictException", message) : EcsRequest.invalid(message);
    }

    private static void rememberToken(Cluster c, EcsRequest r, String operation, Instant now, List<String> results) {
        String token = r.optString("clientToken");
        if (token != null) {
            c.clientTokens.put(token, new EcsModel.TokenUse(operation, withoutToken(r), now, List.copyOf(results)));
        }
    }

    private static ObjectNode withoutToken(EcsRequest r) {
        ObjectNode copy = r.body().deepCopy();
        copy.remove("clientToken");
        return copy;
    }

    private ObjectNode describeTasks(Region region, EcsRequest r) {
        Cluster c = cluster(region, r.optString("cluster"));
        List<String> refs = r.strings("tasks");
        if (refs.isEmpty()) {
            throw EcsRequest.invalid("Tasks cannot be empty.");
        }
        if (refs.size() > 100) {
            throw EcsRequest.invalid("tasks can have at most 100 items.");
        }
        boolean tags = r.strings("include").contains("TAGS");
        ObjectNode out = JSON.createObjectNode();
        ArrayNode tasks = out.putArray("tasks");
        ArrayNode failures = out.putArray("failures");
        for (String ref : refs) {
            Task t = findTask(region, c, ref);
            if (t == null) {
                failures.add(failure(ref.startsWith("arn:") ? ref : arn(region, "task/" + c.name + "/" + ref), "MISSING"));
            } else {
                tasks.add(renderTask(region, t, tags));
            }
        }
        return out;
    }

    private ObjectNode listTasks(Region region, EcsRequest r) {
        Cluster c = cluster(region, r.optString("cluster"));
        String family = r.optString("family");
        String serviceName = r.optString("serviceName");
        String startedBy = r.optString("startedBy");
        String desired = r.optEnum("desiredStatus", Set.of("RUNNING", "PENDING", "STOPPED"));
        String launchType = r.optEnum("launchType", LAUNCH_TYPES);
        Service service = serviceName == null ? null : service(c, serviceName);
        String wanted = desired == null ? "RUNNING" : desired;
        List<String> arns = region.tasks.values().stream()
                .filter(t -> t.cluster == c)
                .filter(t -> wanted.equals("STOPPED") ? t.desiredStatus.equals("STOPPED")
                        : wanted.equals("PENDING") ? t.live() && !t.lastStatus.equals("RUNNING") : t.live())
                .filter(t -> family == null || t.taskDef.family.equals(family))
                .filter(t -> service == null || (t.deployment != null && t.deployment.service == service))
                .filter(t -> startedBy == null || startedBy.equals(t.startedBy))
                .filter(t -> launchType == null || launchType.equals(t.launchType))
                .map(t -> t.arn).toList();
        return page(r, arns, "taskArns", 100);
    }

    private ObjectNode stopTask(Region region, EcsRequest r, Instant now) {
        Cluster c = cluster(region, r.optString("cluster"));
        Task t = findTask(region, c, r.string("task"));
        if (t == null) {
            throw EcsRequest.invalid("The referenced task was not found.");
        }
        String reason = r.optString("reason");
        if (reason != null && reason.length() > 255) {
            throw EcsRequest.invalid("reason can be at most 255 characters.");
        }
        if (t.live()) {
            scheduler.stop(t, "UserInitiated", reason != null ? reason : "Task stopped by user", now, true);
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("task", renderTask(region, t, false));
        return out;
    }

    private Task findTask(Region region, Cluster c, String ref) {
        String id = ref.substring(ref.lastIndexOf('/') + 1);
        for (Task t : region.tasks.values()) {
            if (t.cluster == c && (t.id.equals(id) || t.arn.equals(ref))) {
                return t;
            }
        }
        return null;
    }

    private ObjectNode renderTask(Region region, Task t, boolean withTags) {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode attachments = n.putArray("attachments");
        if (t.taskDef.networkMode.equals("awsvpc")) {
            ObjectNode eni = attachments.addObject();
            eni.put("id", ids.uuid());
            eni.put("type", "ElasticNetworkInterface");
            eni.put("status", t.lastStatus.equals("STOPPED") ? "DELETED" : "ATTACHED");
            ArrayNode details = eni.putArray("details");
            details.addObject().put("name", "privateIPv4Address").put("value", t.privateIp);
        }
        n.putArray("attributes");
        n.put("availabilityZone", region.name + "a");
        n.put("clusterArn", t.cluster.arn);
        n.put("connectivity", t.lastStatus.equals("PROVISIONING") ? "DISCONNECTED" : "CONNECTED");
        ArrayNode containers = n.putArray("containers");
        for (EcsModel.ContainerState cs : t.containers) {
            ObjectNode cn = containers.addObject();
            cn.put("containerArn", cs.arn);
            cn.put("taskArn", t.arn);
            cn.put("name", cs.def.name);
            cn.put("image", cs.def.image);
            if (cs.runtimeId != null) {
                // ECS DescribeTasks: containers[].imageDigest, the digest the container pulled
                cn.put("imageDigest", cs.digest);
                cn.put("runtimeId", cs.runtimeId);
            }
            cn.put("lastStatus", cs.lastStatus);
            if (cs.exitCode != null) {
                cn.put("exitCode", cs.exitCode);
            }
            if (cs.reason != null) {
                cn.put("reason", cs.reason);
            }
            cn.putArray("networkBindings");
            ArrayNode nics = cn.putArray("networkInterfaces");
            if (t.taskDef.networkMode.equals("awsvpc")) {
                nics.addObject().put("attachmentId", ids.uuid()).put("privateIpv4Address", t.privateIp);
            }
            cn.put("healthStatus", cs.healthStatus);
            cn.put("cpu", "0");
        }
        if (t.cpu != null) {
            n.put("cpu", t.cpu);
        }
        putTime(n, "createdAt", t.createdAt);
        n.put("desiredStatus", t.desiredStatus);
        n.put("enableExecuteCommand", false);
        putTime(n, "executionStoppedAt", t.stoppedAt);
        n.put("group", t.group);
        n.put("healthStatus", t.healthStatus);
        n.put("lastStatus", t.lastStatus);
        n.put("launchType", t.launchType);
        if (t.memory != null) {
            n.put("memory", t.memory);
        }
        ObjectNode overrides = t.overrides != null ? t.overrides.deepCopy() : JSON.createObjectNode();
        if (!overrides.has("containerOverrides")) {
            ArrayNode co = overrides.putArray("containerOverrides");
            t.containers.forEach(cs -> co.addObject().put("name", cs.def.name));
        }
        if (!overrides.has("inferenceAcceleratorOverrides")) {
            overrides.putArray("inferenceAcceleratorOverrides");
        }
        n.set("overrides", overrides);
        if ("FARGATE".equals(t.launchType)) {
            n.put("platformVersion", "1.4.0");
            n.put("platformFamily", "Linux");
        }
        putTime(n, "pullStartedAt", t.pendingAt);
        putTime(n, "pullStoppedAt", t.runningAt);
        putTime(n, "startedAt", t.startedAt);
        if (t.startedBy != null) {
            n.put("startedBy", t.startedBy);
        }
        if (t.stopCode != null) {
            n.put("stopCode", t.stopCode);
        }
        putTime(n, "stoppedAt", t.stoppedAt);
        if (t.stoppedReason != null) {
            n.put("stoppedReason", t.stoppedReason);
        }
        putTime(n, "stoppingAt", t.stoppingAt);
        if (withTags) {
            n.set("tags", tagsOf(region, t.arn));
        }
        n.put("taskArn", t.arn);
        n.put("taskDefinitionArn", t.taskDef.arn);
        n.put("version", t.version);
        return n;
    }

    // ---------------------------------------------------------------- tags

    private ObjectNode tagResource(Region region, EcsRequest r) {
        String arn = r.string("resourceArn");
        requireResource(region, arn);
        ArrayNode tags = r.optArray("tags");
        if (tags == null) {
            throw EcsRequest.invalid("tags must be specified.");
        }
        putTags(region, arn, tags);
        return JSON.createObjectNode();
    }

    private ObjectNode untagResource(Region region, EcsRequest r) {
        String arn = r.string("resourceArn");
        requireResource(region, arn);
        List<String> keys = r.strings("tagKeys");
        ArrayNode existing = region.tags.get(arn);
        if (existing != null) {
            for (int i = existing.size() - 1; i >= 0; i--) {
                if (keys.contains(existing.get(i).path("key").asText())) {
                    existing.remove(i);
                }
            }
        }
        return JSON.createObjectNode();
    }

    private ObjectNode listTagsForResource(Region region, EcsRequest r) {
        String arn = r.string("resourceArn");
        requireResource(region, arn);
        ObjectNode out = JSON.createObjectNode();
        out.set("tags", tagsOf(region, arn));
        return out;
    }

    private void requireResource(Region region, String arn) {
        boolean known = region.tags.containsKey(arn)
                || region.clusters.values().stream().anyMatch(c -> c.arn.equals(arn)
                        || c.services.values().stream().anyMatch(s -> s.arn.equals(arn)))
                || region.tasks.containsKey(arn)
                || region.families.values().stream().flatMap(List::stream).anyMatch(t -> t.arn.equals(arn));
        if (!arn.startsWith("arn:aws:ecs:")) {
            throw EcsRequest.invalid("Invalid resource ARN: " + arn);
        }
        if (!known) {
            throw AwsError.badRequest("ResourceNotFoundException", "The specified resource could not be found.");
        }
    }

    private static void putTags(Region region, String arn, ArrayNode tags) {
        ArrayNode existing = region.tags.computeIfAbsent(arn, k -> JSON.createArrayNode());
        if (tags == null) {
            return;
        }
        if (tags.size() > 50) {
            throw EcsRequest.invalid("A resource can have at most 50 tags.");
        }
        for (JsonNode tag : tags) {
            String key = tag.path("key").asText("");
            if (key.isEmpty() || key.length() > 128) {
                throw EcsRequest.invalid("Tag keys must be 1 to 128 characters.");
            }
            for (int i = existing.size() - 1; i >= 0; i--) {
                if (existing.get(i).path("key").asText().equals(key)) {
                    existing.remove(i);
                }
            }
            existing.addObject().put("key", key).put("value", tag.path("value").asText(""));
        }
    }

    private static ArrayNode tagsOf(Region region, String arn) {
        ArrayNode tags = region.tags.get(arn);
        return tags == null ? JSON.createArrayNode() : tags.deepCopy();
    }

    // ---------------------------------------------------------------- traffic source

    @Override
    public List<ServiceView> trafficServices() {
        synchronized (lock) {
            List<ServiceView> out = new ArrayList<>();
            for (Region region : regions.values()) {
                for (Cluster c : region.clusters.values()) {
                    for (Service s : c.services.values()) {
                        if (!s.status.equals("ACTIVE")) {
                            continue;
                        }
                        Set<String> registries = new HashSet<>();
                        if (s.serviceRegistries != null) {
                            s.serviceRegistries.forEach(reg -> registries.add(reg.path("registryArn").asText()));
                        }
                        List<RevisionView> revisions = new ArrayList<>();
                        for (Deployment d : s.deployments) {
                            int serving = scheduler.count(d, "RUNNING");
                            String image = d.taskDef.firstEssentialImage();
                            revisions.add(new RevisionView(d.taskDef.familyRevision(), d.taskDef.arn, image, serving,
                                    d.weight, images.behaviorOf(image), d.taskDef.appMeshNodes));
                        }
                        revisions.sort(Comparator.comparing(RevisionView::taskDefinition));
                        out.add(new ServiceView(region.name, c.name, s.name, s.arn, registries, revisions));
                    }
                }
            }
            return out;
        }
    }

    // ---------------------------------------------------------------- helpers

    static String arn(Region region, String resource) {
        return "arn:aws:ecs:" + region.name + ":" + region.account + ":" + resource;
    }

    /** The last path segment of an ARN ({@code .../cluster/name} or {@code .../service/cluster/name}), or the name itself. */
    static String shortName(String nameOrArn, String marker) {
        if (!nameOrArn.startsWith("arn:")) {
            return nameOrArn;
        }
        int i = nameOrArn.indexOf(marker);
        String rest = i < 0 ? nameOrArn.substring(nameOrArn.lastIndexOf(':') + 1) : nameOrArn.substring(i + marker.length());
        return rest.substring(rest.lastIndexOf('/') + 1);
    }

    static ObjectNode failure(String arn, String reason) {
        ObjectNode f = JSON.createObjectNode();
        f.put("arn", arn);
        f.put("reason", reason);
        return f;
    }

    static void putTime(ObjectNode n, String field, Instant t) {
        if (t != null) {
            n.put(field, BigDecimal.valueOf(t.toEpochMilli()).movePointLeft(3));
        }
    }

    private static ObjectNode page(EcsRequest r, List<String> all, String field, int defaultMax) {
        return page(r, all, field, defaultMax, com.fasterxml.jackson.databind.node.TextNode::valueOf);
    }

    private static <T> ObjectNode page(EcsRequest r, List<T> all, String field, int defaultMax,
            java.util.function.Function<T, JsonNode> render) {
        int max = r.optInt("maxResults", 1, 100, defaultMax);
        int from = offset(r.optString("nextToken"));
        if (from > all.size()) {
            throw EcsRequest.invalid("Invalid nextToken.");
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode items = out.putArray(field);
        for (int i = from; i < Math.min(all.size(), from + max); i++) {
            items.add(render.apply(all.get(i)));
        }
        if (from + max < all.size()) {
            out.put("nextToken", token(from + max));
        }
        return out;
    }

    private static String token(int offset) {
        return Base64.getEncoder().encodeToString(("ecs-page:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int offset(String token) {
        if (token == null) {
            return 0;
        }
        try {
            String s = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
            if (s.startsWith("ecs-page:")) {
                int n = Integer.parseInt(s.substring("ecs-page:".length()));
                if (n >= 0) {
                    return n;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error
        }
        throw EcsRequest.invalid("Invalid nextToken.");
    }

    static Set<String> launchTypes() {
        return LAUNCH_TYPES;
    }

    static Set<String> networkModes() {
        return NETWORK_MODES;
    }

    static Set<String> strategies() {
        return STRATEGIES;
    }
}

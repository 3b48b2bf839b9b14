package dev.cutover.aws.internal;

import dev.cutover.Change;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.aws.internal.Layouts.Layout;
import dev.cutover.spi.Provider.PolicyStatement;
import dev.cutover.spi.ResourceType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The least-privilege IAM statements of a plan (its planning reads, applying it, the automatic
 * rollback of its rollout and resuming it after a crash) or of {@code Cutover.rollback} (its
 * planning reads, restarting the retained revision, moving traffic, retiring, and the other changes
 * it applies). Resources are exact where AWS names them by what Cutover chose: the cluster; the ECS
 * service ({@code <family>} in Service Connect mode, {@code <family>_<n>} per revision in App Mesh
 * and load balancer modes, where {@code _} cannot occur in a service name, so the pattern matches no
 * other service); the task definition family; the mesh's router, route, virtual service and
 * per-revision virtual nodes; the load balancer and its listener; the referenced secrets; the roles
 * passed. Cloud Map names its services by generated ids, and ELB its rules, so they are scoped by
 * condition keys: {@code servicediscovery:NamespaceArn} for CreateService, and the
 * {@code cutover:environment}/{@code cutover:service} tags Cutover puts on every Cloud Map service,
 * listener rule and target group it creates ({@code aws:RequestTag} when creating,
 * {@code aws:ResourceTag} for update and delete; a target group name {@code <family>-<n>} would also
 * match a sibling service {@code <family>-api}'s). Actions without resource-level permissions stay on
 * {@code *}.
 */
public final class Permissions {

    /** A statement's resources and conditions: statements are grouped by them. */
    private record Scope(List<String> resources, Map<String, Map<String, List<String>>> conditions) {
    }

    private final AwsSettings settings;
    private final Map<Scope, TreeSet<String>> statements = new LinkedHashMap<>();

    private Permissions(AwsSettings settings) {
        this.settings = settings;
    }

    /**
     * What planning saw that decides a policy besides the plan's changes.
     *
     * @param namespaceArn      the Cloud Map namespace's ARN when it exists (else null: created by the plan,
     *                          or by the first start in Service Connect mode with another discovery provider)
     * @param cloudMapDiscovery false when another provider (Consul) serves discovery: no Cloud Map service
     *                          is registered, and Service Connect mode keeps only its namespace
     * @param listenerFound     LOAD_BALANCER mode: whether planning found the load balancer and its listener
     *                          (else the first start creates them, {@code create(true)})
     */
    public record Context(String namespaceArn, boolean cloudMapDiscovery, boolean listenerFound) {

        /** Cloud Map discovery, the namespace as given, no load balancer. */
        public static Context of(String namespaceArn) {
            return new Context(namespaceArn, true, false);
        }
    }

    /**
     * The statements for planning and applying {@code changes} of {@code release} in {@code layout},
     * rolling the rollout back by itself and resuming it: {@code migratingFrom} is the App Mesh layout
     * where the service still has revisions (a switch to Service Connect), else null.
     */
    public static List<PolicyStatement> of(AwsSettings settings, Layout layout, Release release, List<Change> changes,
            Layout migratingFrom, Context context) {
        return build(settings, layout, release, changes, false, migratingFrom, context);
    }

    /**
     * The statements of {@code Cutover.rollback} to {@code release} applying {@code changes} besides
     * the revision and its traffic: planning reads, restarting a retained revision (no registration,
     * no one-off task, no role passed), moving traffic and retiring the other revisions.
     */
    public static List<PolicyStatement> rollback(AwsSettings settings, Layout layout, Release release, List<Change> changes,
            Layout migratingFrom, Context context) {
        return build(settings, layout, release, changes, true, migratingFrom, context);
    }

    private static List<PolicyStatement> build(AwsSettings settings, Layout layout, Release release, List<Change> changes,
            boolean rollback, Layout migratingFrom, Context context) {
        Permissions p = new Permissions(settings.inRegion(layout.region())); // ARNs in the environment's Region
        p.build(layout, release, changes, rollback, context);
        if (migratingFrom != null && migratingFrom.meshMode()) {
            p.migration(migratingFrom, release);
        }
        List<PolicyStatement> out = new ArrayList<>();
        p.statements.forEach((scope, actions) -> {
            if (!actions.isEmpty()) {
                out.add(new PolicyStatement(List.copyOf(actions), scope.resources(), scope.conditions()));
            }
        });
        return out;
    }

    private void allow(Collection<String> resources, String... actions) {
        allow(resources, Map.of(), actions);
    }

    private void allow(String resource, String... actions) {
        allow(List.of(resource), Map.of(), actions);
    }

    private void allow(Collection<String> resources, Map<String, Map<String, List<String>>> conditions, String... actions) {
        statements.computeIfAbsent(new Scope(List.copyOf(new TreeSet<>(resources)), conditions), k -> new TreeSet<>())
                .addAll(Arrays.asList(actions));
    }

    private static Map<String, Map<String, List<String>>> condition(String operator, String... keyValues) {
        Map<String, List<String>> keys = new TreeMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            keys.put(keyValues[i], List.of(keyValues[i + 1]));
        }
        return Map.of(operator, keys);
    }

    /** The ARNs of what Cutover names for one service in one layout. */
    private final class Arns {
        final String family;
        final String cluster;
        final String services;
        final String taskDefs;
        final String tasks;
        final List<String> deployments;
        final String mesh;
        final String router;
        final String route;
        final String previewRoute;
        final String virtualService;
        final String nodes;

        Arns(Layout layout, Release release) {
            Service s = release.service();
            family = Names.family(release.environment().name(), s.name());
            cluster = settings.arn("ecs", "cluster/" + layout.cluster());
            services = settings.arn("ecs", "service/" + layout.cluster() + "/"
                    + (layout.perRevision() ? Names.perRevisionPattern(family) : family));
            taskDefs = settings.arn("ecs", "task-definition/" + family + ":*");
            // task ARNs carry generated ids: the cluster is all IAM can name (see docs/security.md)
            tasks = settings.arn("ecs", "task/" + layout.cluster() + "/*");
            deployments = List.of(settings.arn("ecs", "service-deployment/" + layout.cluster() + "/" + family + "/*"),
                    settings.arn("ecs", "service-revision/" + layout.cluster() + "/" + family + "/*"));
            if (layout.meshMode()) {
                mesh = settings.arn("appmesh", "mesh/" + layout.mesh());
                router = mesh + "/virtualRouter/" + family;
                route = router + "/route/" + family;
                previewRoute = router + "/route/" + Names.previewRoute(family);
                virtualService = mesh + "/virtualService/" + Names.virtualService(s.discoveryName(), layout.namespace());
                nodes = mesh + "/virtualNode/" + Names.perRevisionPattern(family);
            } else {
                mesh = null;
                router = null;
                route = null;
                previewRoute = null;
                virtualService = null;
                nodes = null;
            }
        }
    }

    private void build(Layout layout, Release release, List<Change> changes, boolean rollback, Context context) {
        String namespaceArn = context.namespaceArn();
        Service s = release.service();
        String env = release.environment().name();
        Arns a = new Arns(layout, release);
        Map<String, Map<String, List<String>>> inCluster = condition("ArnEquals", "ecs:cluster", a.cluster);
        Map<String, Map<String, List<String>>> inNamespace = namespaceArn != null
                ? condition("ArnEquals", "servicediscovery:NamespaceArn", namespaceArn)
                : condition("ArnLike", "servicediscovery:NamespaceArn", settings.arn("servicediscovery", "namespace/*"));
        Map<String, Map<String, List<String>>> taggedCreate = condition("StringEquals",
                "aws:RequestTag/cutover:environment", env, "aws:RequestTag/cutover:service", s.name());
        Map<String, Map<String, List<String>>> tagged = condition("StringEquals",
                "aws:ResourceTag/cutover:environment", env, "aws:ResourceTag/cutover:service", s.name());
        String cmServices = settings.arn("servicediscovery", "service/*");

        // planning reads (apply observes again before it changes anything)
        allow(a.cluster, "ecs:DescribeClusters");
        allow(a.services, "ecs:DescribeServices");
        allow("*", "application-autoscaling:DescribeScalableTargets");
        if (context.cloudMapDiscovery()) {
            allow("*", "servicediscovery:ListNamespaces", "servicediscovery:ListServices");
        } else if (!layout.perRevision() && !layout.lbNative()) {
            allow("*", "servicediscovery:ListNamespaces"); // Service Connect's namespace (AwsProvider looks it up)
        }
        boolean firstRevision = !rollback && creates(changes, ResourceType.REVISION);
        if (!firstRevision) {
            allow("*", "ecs:DescribeTaskDefinition"); // the serving revision's, when its service is observed
        }
        if (a.mesh != null) {
            allow(a.mesh, "appmesh:DescribeMesh");
            allow(a.route, "appmesh:DescribeRoute");
        }
        if (layout.lbSteps()) {
            // ELBv2's Describe actions take no resource-level permissions (Service Authorization Reference,
            // Elastic Load Balancing V2: Describe* resource types "*")
            allow("*", "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners",
                    "elasticloadbalancing:DescribeRules");
        } else if (layout.lbNative() && !rollback) {
            // planning looks the load balancer and its listener up (Traffic.check; a rollback's preview does not);
            // the weights are ECS's (its service deployments)
            allow("*", "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners");
        }
        secrets(TaskDefs.secretReferences(release)); // planning resolves them (service secrets, log keys), whatever the plan changes
        // planning resolves a private ECR image's tag to its digest (EcrImages)
        EcrImages.ecr(s.image()).ifPresent(e -> allow("arn:" + settings.partition() + ":ecr:" + e[1] + ":" + e[0] + ":repository/"
                + e[2], "ecr:DescribeImages"));
        if (s.scaling().isPresent()) {
            allow("*", "application-autoscaling:DescribeScalingPolicies");
        }

        boolean rollout = rollback;
        for (Change c : changes) {
            if (c.isNoOp()) {
                continue;
            }
            boolean delete = c.action() == Change.Action.DELETE;
            ResourceType type = c.id().type();
            if (!context.cloudMapDiscovery() && type.capability() == dev.cutover.spi.Capability.DISCOVERY) {
                continue; // another provider's (Consul's) namespace and registrations
            }
            switch (type) {
                case CLUSTER -> {
                    allow(a.cluster, delete ? new String[] {"ecs:DeleteCluster"} : new String[] {"ecs:CreateCluster", "ecs:TagResource"});
                }
                case NAMESPACE -> {
                    allow("*", "servicediscovery:GetOperation");
                    if (delete) {
                        allow(settings.arn("servicediscovery", "namespace/*"), "servicediscovery:DeleteNamespace");
                        allow("*", "route53:DeleteHostedZone");
                    } else {
                        // what Cloud Map does on the caller's behalf (Cloud Map developer guide, "AWS Cloud Map API
                        // permissions reference": CreatePrivateDnsNamespace)
                        allow("*", "servicediscovery:CreatePrivateDnsNamespace", "route53:CreateHostedZone",
                                "route53:GetHostedZone", "route53:ListHostedZonesByName", "ec2:DescribeVpcs", "ec2:DescribeRegions");
                    }
                }
                case MESH -> {
                    String mesh = settings.arn("appmesh", "mesh/" + c.id().name());
                    allow(mesh, delete ? new String[] {"appmesh:DeleteMesh"} : new String[] {"appmesh:CreateMesh", "appmesh:TagResource"});
                }
                case ROUTE -> {
                    if (layout.lbSteps()) {
                        // the rollout's rule writes (below)
                    } else if (a.mesh == null) {
                        allow(a.services, "ecs:UpdateService");
                    } else if (delete) {
                        allow(a.route, "appmesh:DeleteRoute");
                        allow(a.virtualService, "appmesh:DeleteVirtualService");
                        allow(a.router, "appmesh:DeleteVirtualRouter");
                    } else {
                        routeWrites(a, c.action() == Change.Action.CREATE);
                    }
                }
                case DISCOVERY -> {
                    if (delete) {
                        allow(List.of(cmServices), tagged, "servicediscovery:DeleteService");
                    } else {
                        if (c.action() != Change.Action.UPDATE) {
                            allow(List.of("*"), inNamespace, "servicediscovery:CreateService");
                            allow(List.of(cmServices), taggedCreate, "servicediscovery:TagResource");
                        }
                        if (c.action() == Change.Action.UPDATE) {
                            allow(List.of(cmServices), tagged, "servicediscovery:UpdateService");
                            allow("*", "servicediscovery:GetOperation");
                        }
                    }
                }
                case SCALING -> allow("*", delete ? new String[] {"application-autoscaling:DeregisterScalableTarget"}
                        : new String[] {"application-autoscaling:RegisterScalableTarget", "application-autoscaling:PutScalingPolicy"});
                case SERVICE -> {
                    if (c.action() != Change.Action.CREATE) { // a created one is the rollout's CreateService
                        allow(a.services, "ecs:UpdateService");
                    }
                    if (delete) {
                        retire(a, tagged);
                    }
                }
                case REVISION -> {
                    if (delete) {
                        retire(a, tagged);
                    } else {
                        rollout = true;
                    }
                }
                default -> {
                }
            }
        }
        if (!rollout) {
            return;
        }
        // a rollout: start the new revision, watch its health, shift traffic, retire; or roll back and retire the new one
        allow("*", "ecs:ListTaskDefinitions");
        if (!rollback) {
            allow("*", "ecs:RegisterTaskDefinition");
            allow(a.taskDefs, "ecs:TagResource");
        }
        allow(a.services, "ecs:UpdateService");
        if (layout.perRevision() || creates(changes, ResourceType.REVISION)) {
            allow(a.services, "ecs:CreateService", "ecs:TagResource");
        }
        if (!layout.perRevision() && creates(changes, ResourceType.REVISION)) {
            // a failed first deployment is removed, so that the next plan creates again
            allow(a.services, "ecs:DeleteService");
            allow("*", "application-autoscaling:DeregisterScalableTarget");
        }
        allow(List.of("*"), inCluster, "ecs:ListTasks");
        allow(List.of(a.tasks), inCluster, "ecs:DescribeTasks");
        if (!context.cloudMapDiscovery() && !layout.perRevision() && !layout.lbNative() && namespaceArn == null) {
            // Service Connect's namespace, created by the first start when no Cloud Map bootstrap made it (Cloud Map
            // developer guide, "AWS Cloud Map API permissions reference": CreatePrivateDnsNamespace)
            allow("*", "servicediscovery:CreatePrivateDnsNamespace", "servicediscovery:GetOperation", "route53:CreateHostedZone",
                    "route53:GetHostedZone", "route53:ListHostedZonesByName", "ec2:DescribeVpcs", "ec2:DescribeRegions");
        }
        if (layout.perRevision()) {
            allow(List.of("*"), inCluster, "ecs:ListServices"); // resume sweeps what a crash left half created
            // retiring: an old revision after promotion, a new one in a rollback, and a failed first revision (no
            // revision ever held traffic: in load balancer mode its group waits at weight 0 until it is healthy)
            allow(a.services, "ecs:DeleteService");
            allow("*", "application-autoscaling:DeregisterScalableTarget"); // retiring a revision removes its scalable target if any
            if (!firstRevision) {
                // retiring the old revision deregisters the family's task definitions past AwsProvider.Builder#revisionRetention
                allow("*", "ecs:DeregisterTaskDefinition");
            }
        }
        if (layout.lbSteps()) {
            // the service's production rule exists unless the plan creates its route (its observed weights)
            loadBalancer(release, context.listenerFound(), rollback || !creates(changes, ResourceType.ROUTE), rollback, false);
        } else if (a.mesh != null) {
            routeWrites(a, creates(changes, ResourceType.ROUTE));
            if (release.environment().meshPreview().isPresent()) {
                // AppMeshTraffic: the preview route (priority 0, the header's exact match) is created at the 0% step
                // (looked up first, replaced when it is left over) and deleted when one revision gets 100%,
                // a promotion or a rollback
                if (!rollback && dev.cutover.spi.Traffic.hasPreviewStep(release)) {
                    allow(a.previewRoute, "appmesh:DescribeRoute", "appmesh:CreateRoute");
                }
                allow(a.previewRoute, "appmesh:DeleteRoute");
            }
            allow(a.nodes, "appmesh:DescribeVirtualNode", "appmesh:CreateVirtualNode", "appmesh:DeleteVirtualNode");
            allow(a.nodes, "appmesh:TagResource");
            allow(List.of("*"), inNamespace, "servicediscovery:CreateService");
            allow(List.of(cmServices), taggedCreate, "servicediscovery:TagResource");
            allow(List.of(cmServices), tagged, "servicediscovery:DeleteService");
            allow(a.mesh, "appmesh:ListVirtualNodes");
        } else {
            allow(a.services, "ecs:ListServiceDeployments");
            if (!firstRevision) {
                // ECS deploys the new revision into the existing service: watched, and stopped to roll back
                allow(a.deployments, "ecs:DescribeServiceDeployments", "ecs:DescribeServiceRevisions");
                if (!rollback) {
                    allow(a.deployments, "ecs:StopServiceDeployment");
                }
            }
            if (layout.lbNative() && creates(changes, ResourceType.REVISION)) {
                loadBalancer(release, context.listenerFound(), false, rollback, true);
            }
        }
        if (!rollback && (s.preDeploy().isPresent() || s.smokeTest().isPresent())) {
            allow(List.of(a.taskDefs), inCluster, "ecs:RunTask");
            allow(List.of(a.tasks), inCluster, "ecs:StopTask");
        }
        if (s.scaling().isPresent()) {
            allow("*", "application-autoscaling:RegisterScalableTarget", "application-autoscaling:PutScalingPolicy",
                    "application-autoscaling:DeregisterScalableTarget");
        }
        if (rollback) {
            return; // no task definition is registered: no role is passed
        }
        List<String> roles = new ArrayList<>();
        String taskRole = TaskDefs.taskRole(s, settings);
        String executionRole = TaskDefs.executionRole(s, settings);
        if (taskRole != null) {
            roles.add(taskRole);
        }
        if (executionRole != null && !executionRole.equals(taskRole)) {
            roles.add(executionRole);
        }
        if (!roles.isEmpty()) {
            allow(roles, "iam:PassRole");
        }
    }

    /**
     * LOAD_BALANCER mode's rollout (Elastic Load Balancing V2 in the Service Authorization Reference):
     * the load balancer and its listener created by the first start ({@code create(true)}, only while
     * planning found none: {@code loadbalancer/app/<name>/*}, {@code listener/app/<name>/*}, tagged on
     * create with {@code elasticloadbalancing:AddTags}); {@code CreateRule} on the listener when the
     * service has no production rule yet or the rollout previews (its rule is deleted at 100%); the
     * service's rules modified, and its target groups created and deleted, only when tagged with the
     * service ({@code aws:RequestTag}/{@code aws:ResourceTag} {@code cutover:environment} and
     * {@code cutover:service}); target groups and their health read ({@code *}). A first revision's group
     * waits in its new rule at weight 0 until it is healthy ({@code ModifyRule} moves it to 100%); when
     * it fails, its retirement deletes the rule ({@code DeleteRule}) and the group.
     *
     * <p>{@code ecsNative}: LOAD_BALANCER mode with native deployments, when the plan creates the service's ECS
     * service: besides the load balancer and listener, the two target groups created, tagged with the service;
     * the listener's rules read, and the production rule (and the preview header's test rule) created on the
     * listener, tagged; {@code iam:PassRole} on exactly the infrastructure role, which CreateService passes in
     * {@code loadBalancers[].advancedConfiguration.roleArn} (ECS developer guide, "Amazon ECS infrastructure IAM
     * role for load balancers"). ECS moves the rules' weights itself, with that role: Cutover needs no ModifyRule,
     * and later plans deploy with UpdateService only.
     */
    private void loadBalancer(Release release, boolean listenerFound, boolean productionRule, boolean rollback,
            boolean ecsNative) {
        dev.cutover.LoadBalancer lb = release.environment().loadBalancer().orElse(null);
        if (lb == null) {
            return;
        }
        String env = release.environment().name();
        String service = release.service().name();
        String name = lb.name().startsWith("arn:") ? lb.name().substring(lb.name().indexOf("loadbalancer/app/")
                + "loadbalancer/app/".length()).split("/")[0] : lb.name();
        String lbArn = settings.arn("elasticloadbalancing", "loadbalancer/app/" + name + "/*");
        String listeners = settings.arn("elasticloadbalancing", "listener/app/" + name + "/*");
        String rules = settings.arn("elasticloadbalancing", "listener-rule/app/" + name + "/*");
        String groups = settings.arn("elasticloadbalancing", "targetgroup/"
                + Names.targetGroupPrefix(Names.family(env, service)) + "-*/*");
        Map<String, Map<String, List<String>>> taggedCreate = condition("StringEquals",
                "aws:RequestTag/cutover:environment", env, "aws:RequestTag/cutover:service", service);
        Map<String, Map<String, List<String>>> tagged = condition("StringEquals",
                "aws:ResourceTag/cutover:environment", env, "aws:ResourceTag/cutover:service", service);
        if (lb.create() && !listenerFound && !rollback) {
            allow(lbArn, "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateListener");
            allow(List.of(lbArn, listeners), condition("StringEquals", "aws:RequestTag/cutover:environment", env),
                    "elasticloadbalancing:AddTags");
        }
        if (ecsNative) {
            allow("*", "elasticloadbalancing:DescribeRules");
            allow(listeners, "elasticloadbalancing:CreateRule");
            allow(List.of(rules), taggedCreate, "elasticloadbalancing:AddTags");
            allow(List.of(groups), taggedCreate, "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:AddTags");
            lb.infrastructureRole().ifPresent(role -> allow(role, "iam:PassRole"));
            return;
        }
        allow("*", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth");
        // the rollout previews as LoadBalancerTraffic.describe says: a 0% step first, or one inserted before a canary or linear
        boolean previews = !rollback && lb.preview().isPresent() && dev.cutover.spi.Traffic.hasPreviewStep(release);
        if (!productionRule || previews) {
            allow(listeners, "elasticloadbalancing:CreateRule");
            allow(List.of(rules), taggedCreate, "elasticloadbalancing:AddTags");
        }
        // the new group joins at weight 0 (a first revision's group: in its new rule), the weights move
        allow(List.of(rules), tagged, "elasticloadbalancing:ModifyRule");
        if (previews || !productionRule) {
            // the preview rule goes at 100%; a failed first revision's retirement deletes the rule it was alone in
            allow(List.of(rules), tagged, "elasticloadbalancing:DeleteRule");
        }
        // also a rollback: the restored revision's group went with its retirement and is created again
        allow(List.of(groups), taggedCreate, "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:AddTags");
        allow(List.of(groups), tagged, "elasticloadbalancing:DeleteTargetGroup");
    }

    /**
     * DescribeSecret on each referenced secret: an ARN as it is, a name as {@code <name>-??????}
     * (Secrets Manager appends six random characters to a secret's name in its ARN, so
     * {@code <name>-*} would also match a secret named {@code <name>-admin}).
     */
    private void secrets(Collection<String> references) {
        if (references.isEmpty()) {
            return;
        }
        TreeSet<String> secretArns = new TreeSet<>();
        for (String ref : references) {
            if (ref.startsWith("arn:")) {
                secretArns.add(String.join(":", Arrays.copyOf(ref.split(":", -1), 7)));
            } else {
                String name = ref.contains(":") ? ref.substring(0, ref.indexOf(':')) : ref;
                secretArns.add(settings.arn("secretsmanager", "secret:" + name + "-??????"));
            }
        }
        allow(secretArns, "secretsmanager:DescribeSecret");
    }

    /** Retiring the App Mesh revisions a migration to Service Connect leaves, or restoring their route on a rollback. */
    private void migration(Layout from, Release release) {
        Arns a = new Arns(from, release);
        allow(a.services, "ecs:DescribeServices", "ecs:UpdateService", "ecs:DeleteService");
        allow(List.of("*"), condition("ArnEquals", "ecs:cluster", a.cluster), "ecs:ListTasks");
        allow(List.of(a.tasks), condition("ArnEquals", "ecs:cluster", a.cluster), "ecs:DescribeTasks");
        allow(a.route, "appmesh:DescribeRoute", "appmesh:UpdateRoute", "appmesh:DeleteRoute");
        allow(a.virtualService, "appmesh:DeleteVirtualService");
        allow(a.router, "appmesh:DeleteVirtualRouter");
        allow(a.nodes, "appmesh:DeleteVirtualNode");
    }

    private void retire(Arns a, Map<String, Map<String, List<String>>> tagged) {
        allow(a.services, "ecs:UpdateService", "ecs:DeleteService");
        allow("*", "ecs:DeregisterTaskDefinition", "application-autoscaling:DeregisterScalableTarget");
        if (a.mesh != null) {
            allow(a.nodes, "appmesh:DeleteVirtualNode");
            allow(List.of(settings.arn("servicediscovery", "service/*")), tagged, "servicediscovery:DeleteService");
        }
    }

    /** Moving traffic on the route (it is looked up with its router and virtual service); creating them when the plan creates the route. */
    private void routeWrites(Arns a, boolean create) {
        allow(a.router, "appmesh:DescribeVirtualRouter");
        allow(a.virtualService, "appmesh:DescribeVirtualService");
        allow(a.route, "appmesh:DescribeRoute");
        if (!create) {
            allow(a.route, "appmesh:UpdateRoute"); // a created route starts at 100% on the new revision
        } else {
            allow(a.router, "appmesh:CreateVirtualRouter");
            allow(a.virtualService, "appmesh:CreateVirtualService");
            allow(a.route, "appmesh:CreateRoute");
        }
    }

    private static boolean creates(List<Change> changes, ResourceType type) {
        return changes.stream().anyMatch(c -> c.id().type() == type && c.action() == Change.Action.CREATE);
    }

    /** The statements as an IAM policy document. */
    public static String json(List<PolicyStatement> statements) {
        StringBuilder sb = new StringBuilder("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [");
        for (int i = 0; i < statements.size(); i++) {
            PolicyStatement st = statements.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"Effect\": \"Allow\", \"Action\": ").append(list(st.actions()))
                    .append(", \"Resource\": ").append(list(st.resources()));
            if (!st.conditions().isEmpty()) {
                sb.append(", \"Condition\": {");
                int j = 0;
                for (var op : st.conditions().entrySet()) {
                    sb.append(j++ == 0 ? "" : ", ").append(quote(op.getKey())).append(": {");
                    int k = 0;
                    for (var key : op.getValue().entrySet()) {
                        sb.append(k++ == 0 ? "" : ", ").append(quote(key.getKey())).append(": ").append(list(key.getValue()));
                    }
                    sb.append('}');
                }
                sb.append('}');
            }
            sb.append('}');
        }
        return sb.append("\n  ]\n}").toString();
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String list(List<String> items) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(quote(items.get(i)));
        }
        return sb.append(']').toString();
    }
}

package dev.cutover.aws.internal;

import dev.cutover.Change;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.aws.internal.Layouts.Layout;
import dev.cutover.spi.Provider.PolicyStatement;
import dev.cutover.spi.ResourceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The least-privilege IAM statements for applying a plan: the actions the provider calls for its
 * changes (and the reads of planning and health checks), scoped to the environment's cluster,
 * the service's task definition family and ECS services, the mesh, the secrets it references, and
 * {@code iam:PassRole} for the task and execution roles. Cloud Map namespace creation also needs
 * the Route 53 and EC2 actions Cloud Map performs on the caller's behalf.
 */
public final class Permissions {

    private final AwsSettings settings;
    private final Map<String, TreeSet<String>> byResource = new LinkedHashMap<>();
    private boolean operations;
    private boolean cloudMapDiscovery = true;

    private Permissions(AwsSettings settings) {
        this.settings = settings;
    }

    /** The statements for applying {@code changes} of {@code release} in {@code layout}. */
    public static List<PolicyStatement> of(AwsSettings settings, Layout layout, Release release, List<Change> changes) {
        return of(settings, layout, release, changes, false, null, true);
    }

    /**
     * The statements for applying {@code changes} in {@code layout} while the service still has
     * revisions in the App Mesh layout {@code migratingFrom} (a switch to Service Connect): they are
     * retired there (ECS services, virtual nodes, and the route, router and virtual service with the
     * last one), and a rollback restores that mesh's route.
     */
    public static List<PolicyStatement> of(AwsSettings settings, Layout layout, Release release, List<Change> changes,
            Layout migratingFrom) {
        return of(settings, layout, release, changes, false, migratingFrom, true);
    }

    /**
     * The statements of {@code Cutover.rollback}, {@code resume} and {@code abort} of {@code release}'s
     * service: planning reads, restarting a retained revision (no registration, no one-off task),
     * moving traffic and retiring the other revisions.
     */
    public static List<PolicyStatement> operations(AwsSettings settings, Layout layout, Release release, Layout migratingFrom) {
        return of(settings, layout, release, List.of(), true, migratingFrom, true);
    }

    /**
     * {@link #of(AwsSettings, Layout, Release, List, Layout)} or, with {@code operations},
     * {@link #operations}; {@code cloudMapDiscovery} false when another provider (Consul) serves
     * discovery: starting a revision in Service Connect mode then creates the namespace Service Connect
     * needs when it is missing, and registers no Cloud Map service.
     */
    public static List<PolicyStatement> of(AwsSettings settings, Layout layout, Release release, List<Change> changes,
            boolean operations, Layout migratingFrom, boolean cloudMapDiscovery) {
        Permissions p = new Permissions(settings.inRegion(layout.region())); // ARNs in the environment's Region
        p.operations = operations;
        p.cloudMapDiscovery = cloudMapDiscovery;
        p.build(layout, release, changes);
        if (migratingFrom != null && migratingFrom.meshMode()) {
            p.migration(migratingFrom, release);
        }
        List<PolicyStatement> out = new ArrayList<>();
        p.byResource.forEach((resource, actions) -> {
            if (!actions.isEmpty()) {
                out.add(new PolicyStatement(List.copyOf(actions), List.of(resource.split("\n"))));
            }
        });
        return out;
    }

    private void allow(String resources, String... actions) {
        TreeSet<String> set = byResource.computeIfAbsent(resources, k -> new TreeSet<>());
        for (String a : actions) {
            set.add(a);
        }
    }

    private void build(Layout layout, Release release, List<Change> changes) {
        Service s = release.service();
        String env = release.environment().name();
        String family = Names.family(env, s.name());
        String cluster = settings.arn("ecs", "cluster/" + layout.cluster());
        // Service Connect: exactly the one ECS service; App Mesh and load balancer: the per-revision services <family>_<n>
        String services = settings.arn("ecs", "service/" + layout.cluster() + "/" + (layout.perRevision() ? Names.perRevisionPattern(family) : family));
        String tasks = settings.arn("ecs", "task/" + layout.cluster() + "/*");
        String taskDefs = settings.arn("ecs", "task-definition/" + family + ":*");
        String deployments = settings.arn("ecs", "service-deployment/" + layout.cluster() + "/" + family + "/*") + "\n"
                + settings.arn("ecs", "service-revision/" + layout.cluster() + "/" + family + "/*");
        // Cloud Map ARNs carry generated ids (ns-..., srv-...) unknown before creation
        String cmNamespaces = settings.arn("servicediscovery", "namespace/*");
        String cmServices = settings.arn("servicediscovery", "service/*");
        String mesh = layout.mesh() == null ? null : settings.arn("appmesh", "mesh/" + layout.mesh()) + "\n"
                + settings.arn("appmesh", "mesh/" + layout.mesh() + "/*");
        // planning and health reads
        allow(cluster, "ecs:DescribeClusters");
        allow(services, "ecs:DescribeServices");
        allow("*", "ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions", "servicediscovery:ListNamespaces",
                "servicediscovery:ListServices", "application-autoscaling:DescribeScalableTargets",
                "application-autoscaling:DescribeScalingPolicies");
        if (mesh != null) {
            allow(mesh, "appmesh:DescribeMesh", "appmesh:DescribeRoute");
        } else {
            allow(services, "ecs:ListServiceDeployments");
            allow(deployments, "ecs:DescribeServiceDeployments", "ecs:DescribeServiceRevisions");
        }
        if (layout.lbMode()) {
            loadBalancer(release, family);
        }
        secrets(TaskDefs.secretReferences(release)); // planning resolves them (service secrets, log keys), whatever the plan changes
        // planning resolves a private ECR image's tag to its digest (EcrImages)
        EcrImages.ecr(s.image()).ifPresent(e -> allow("arn:" + settings.partition() + ":ecr:" + e[1] + ":" + e[0] + ":repository/"
                + e[2], "ecr:DescribeImages"));
        boolean rollout = operations;
        for (Change c : changes) {
            if (c.isNoOp()) {
                continue;
            }
            boolean delete = c.action() == Change.Action.DELETE;
            ResourceType type = c.id().type();
            switch (type) {
                case CLUSTER -> allow(cluster, delete ? "ecs:DeleteCluster" : "ecs:CreateCluster", "ecs:TagResource");
                case NAMESPACE -> {
                    allow("*", "servicediscovery:GetOperation");
                    if (delete) {
                        allow(cmNamespaces, "servicediscovery:DeleteNamespace");
                        allow("*", "route53:DeleteHostedZone");
                    } else {
                        allow("*", "servicediscovery:CreatePrivateDnsNamespace", "route53:CreateHostedZone",
                                "route53:GetHostedZone", "route53:ListHostedZonesByName", "route53:AssociateVPCWithHostedZone",
                                "ec2:DescribeVpcs", "ec2:DescribeVpcAttribute");
                    }
                }
                case MESH -> allow(mesh == null ? settings.arn("appmesh", "mesh/" + c.id().name()) : mesh,
                        delete ? "appmesh:DeleteMesh" : "appmesh:CreateMesh", "appmesh:DescribeMesh", "appmesh:TagResource");
                case ROUTE -> {
                    if (mesh != null) {
                        allow(mesh, delete ? new String[] {"appmesh:DeleteRoute", "appmesh:DeleteVirtualService",
                                "appmesh:DeleteVirtualRouter"} : routeWrites());
                    } else {
                        allow(services, "ecs:UpdateService");
                        allow(deployments, "ecs:StopServiceDeployment");
                    }
                }
                case DISCOVERY -> {
                    if (delete) {
                        allow(cmServices, "servicediscovery:DeleteService");
                    } else {
                        allow(cmNamespaces, "servicediscovery:CreateService");
                        allow(cmServices, "servicediscovery:UpdateService", "servicediscovery:TagResource");
                        allow("*", "servicediscovery:GetOperation");
                    }
                }
                case SCALING -> allow("*", delete ? new String[] {"application-autoscaling:DeregisterScalableTarget"}
                        : new String[] {"application-autoscaling:RegisterScalableTarget", "application-autoscaling:PutScalingPolicy"});
                case SERVICE -> {
                    allow(services, "ecs:UpdateService");
                    if (delete) {
                        retire(services, mesh);
                    }
                }
                case REVISION -> {
                    if (delete) {
                        retire(services, mesh);
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
        if (!operations) {
            allow("*", "ecs:RegisterTaskDefinition");
        }
        allow("*", "ecs:DeregisterTaskDefinition");
        allow(taskDefs, "ecs:TagResource");
        allow(services, "ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService", "ecs:TagResource");
        allow(cluster + "\n" + services + "\n" + tasks, "ecs:ListTasks", "ecs:DescribeTasks");
        if (cloudMapDiscovery) {
            allow(cmNamespaces, "servicediscovery:CreateService");
            allow(cmServices, "servicediscovery:DeleteService", "servicediscovery:TagResource");
        } else if (mesh == null) {
            // Service Connect's namespace, created by the first start when no Cloud Map bootstrap made it
            allow("*", "servicediscovery:CreatePrivateDnsNamespace", "servicediscovery:GetOperation", "route53:CreateHostedZone",
                    "route53:GetHostedZone", "route53:ListHostedZonesByName", "route53:AssociateVPCWithHostedZone",
                    "ec2:DescribeVpcs", "ec2:DescribeVpcAttribute");
        }
        if (mesh != null) {
            allow(mesh, routeWrites());
            allow(mesh, "appmesh:DescribeVirtualNode", "appmesh:CreateVirtualNode", "appmesh:DeleteVirtualNode",
                    "appmesh:TagResource", "appmesh:ListVirtualNodes");
            allow(cluster, "ecs:ListServices"); // resume sweeps what a crash left half created
        } else {
            allow(services, "ecs:ListServiceDeployments");
            allow(deployments, "ecs:DescribeServiceDeployments", "ecs:DescribeServiceRevisions", "ecs:StopServiceDeployment");
        }
        if (!operations && (s.preDeploy().isPresent() || s.smokeTest().isPresent())) {
            allow(taskDefs + "\n" + cluster, "ecs:RunTask");
            allow(tasks, "ecs:DescribeTasks", "ecs:StopTask");
        }
        if (s.scaling().isPresent()) {
            allow("*", "application-autoscaling:RegisterScalableTarget", "application-autoscaling:PutScalingPolicy",
                    "application-autoscaling:DeregisterScalableTarget");
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
        if (operations) {
            retire(services, mesh); // and no task definition is registered: no role is passed
            return;
        }
        if (!roles.isEmpty()) {
            allow(String.join("\n", roles), "iam:PassRole");
        }
    }

    /**
     * LOAD_BALANCER mode. ELBv2's Describe actions take no resource-level permissions (Service
     * Authorization Reference, Elastic Load Balancing V2: Describe* resource types "*"); the writes
     * are limited to the environment's load balancer, its listeners and rules
     * ({@code loadbalancer/app/<name>/*}, {@code listener/app/<name>/*}, {@code listener-rule/app/<name>/*})
     * and the family's target groups ({@code targetgroup/<prefix>-*}/*, {@link Names#targetGroupPrefix}).
     */
    private void loadBalancer(Release release, String family) {
        dev.cutover.LoadBalancer lb = release.environment().loadBalancer().orElse(null);
        if (lb == null) {
            return;
        }
        String name = lb.name().startsWith("arn:") ? lb.name().substring(lb.name().indexOf("loadbalancer/app/")
                + "loadbalancer/app/".length()).split("/")[0] : lb.name();
        String lbArn = settings.arn("elasticloadbalancing", "loadbalancer/app/" + name + "/*");
        String listeners = settings.arn("elasticloadbalancing", "listener/app/" + name + "/*");
        String rules = settings.arn("elasticloadbalancing", "listener-rule/app/" + name + "/*");
        String groups = settings.arn("elasticloadbalancing", "targetgroup/" + Names.targetGroupPrefix(family) + "-*/*");
        allow("*", "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetHealth");
        if (lb.create() && !operations) {
            allow(lbArn, "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateListener",
                    "elasticloadbalancing:AddTags");
            allow(listeners, "elasticloadbalancing:AddTags");
        }
        allow(listeners, "elasticloadbalancing:CreateRule");
        allow(rules, "elasticloadbalancing:CreateRule", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:DeleteRule",
                "elasticloadbalancing:AddTags");
        allow(groups, "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup",
                "elasticloadbalancing:AddTags");
    }

    /**
     * DescribeSecret on each referenced secret: an ARN as it is, a name as {@code <name>-??????}
     * (Secrets Manager appends six random characters to a secret's name in its ARN, so
     * {@code <name>-*} would also match a secret named {@code <name>-admin}).
     */
    private void secrets(java.util.Collection<String> references) {
        if (references.isEmpty()) {
            return;
        }
        java.util.TreeSet<String> secretArns = new java.util.TreeSet<>();
        for (String ref : references) {
            if (ref.startsWith("arn:")) {
                secretArns.add(String.join(":", java.util.Arrays.copyOf(ref.split(":", -1), 7)));
            } else {
                String name = ref.contains(":") ? ref.substring(0, ref.indexOf(':')) : ref;
                secretArns.add(settings.arn("secretsmanager", "secret:" + name + "-??????"));
            }
        }
        allow(String.join("\n", secretArns), "secretsmanager:DescribeSecret");
    }

    /** Retiring the App Mesh revisions a migration to Service Connect leaves, or restoring their route on a rollback. */
    private void migration(Layout from, Release release) {
        String family = Names.family(release.environment().name(), release.service().name());
        String services = settings.arn("ecs", "service/" + from.cluster() + "/" + Names.perRevisionPattern(family));
        String mesh = settings.arn("appmesh", "mesh/" + from.mesh()) + "\n" + settings.arn("appmesh", "mesh/" + from.mesh() + "/*");
        allow(services, "ecs:DescribeServices", "ecs:UpdateService", "ecs:DeleteService");
        allow(settings.arn("ecs", "cluster/" + from.cluster()) + "\n" + services + "\n"
                + settings.arn("ecs", "task/" + from.cluster() + "/*"), "ecs:ListTasks", "ecs:DescribeTasks");
        allow(mesh, "appmesh:DescribeRoute", "appmesh:UpdateRoute", "appmesh:DeleteRoute", "appmesh:DeleteVirtualService",
                "appmesh:DeleteVirtualRouter", "appmesh:DeleteVirtualNode");
        retire(services, mesh);
    }

    private void retire(String services, String mesh) {
        allow(services, "ecs:UpdateService", "ecs:DeleteService");
        allow(settings.arn("servicediscovery", "service/*"), "servicediscovery:DeleteService");
        allow("*", "ecs:DeregisterTaskDefinition", "application-autoscaling:DeregisterScalableTarget");
        if (mesh != null) {
            allow(mesh, "appmesh:DeleteVirtualNode");
        }
    }

    private static String[] routeWrites() {
        return new String[] {"appmesh:DescribeVirtualRouter", "appmesh:CreateVirtualRouter", "appmesh:DescribeVirtualService",
            "appmesh:CreateVirtualService", "appmesh:CreateRoute", "appmesh:UpdateRoute", "appmesh:DescribeRoute"};
    }

    /** The statements as an IAM policy document. */
    public static String json(List<PolicyStatement> statements) {
        StringBuilder sb = new StringBuilder("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [");
        for (int i = 0; i < statements.size(); i++) {
            PolicyStatement st = statements.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"Effect\": \"Allow\", \"Action\": ").append(list(st.actions()))
                    .append(", \"Resource\": ").append(list(st.resources())).append('}');
        }
        return sb.append("\n  ]\n}").toString();
    }

    private static String list(List<String> items) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append('"').append(items.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return sb.append(']').toString();
    }
}

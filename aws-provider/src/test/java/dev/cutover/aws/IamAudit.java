package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.aws.IamEvaluator.Request;
import dev.cutover.spi.Provider.PolicyStatement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * An SDK interceptor on every client of the deployers of an {@link AwsWorld}: it records each call
 * as the IAM authorization requests AWS makes for it (action, the resource ARN IAM evaluates, built
 * as the Service Authorization Reference gives the resource type, and the condition keys the policies
 * use), including the {@code TagResource} request that tagging on create needs. {@link #verify()}
 * evaluates them with {@link IamEvaluator} against the policies of every plan the world made
 * ({@link Plan#requiredPermissions()}) and the operations policies of their releases: every request
 * is allowed, and none of a sibling service ({@code <name>-api}) would be. {@code AwsIamExactTest}
 * checks each plan's policy against exactly the calls of that plan.
 */
final class IamAudit implements ExecutionInterceptor {

    /** One SDK call and the authorization requests it makes. */
    record Call(String operation, List<Request> requests) {
    }

    static final String ACCOUNT = "123456789012";
    private static final Map<String, String> PREFIX = Map.of("applicationautoscaling", "application-autoscaling",
            "elasticloadbalancingv2", "elasticloadbalancing");
    private static final ExecutionAttribute<Call> CALL = new ExecutionAttribute<>("cutover.iam.call");

    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final Set<PolicyStatement> granted = Collections.synchronizedSet(new LinkedHashSet<>());
    /** Cloud Map service id -> its tags (from CreateService), for aws:ResourceTag. */
    private final Map<String, Map<String, String>> cloudMapTags = new ConcurrentHashMap<>();
    /** ELB listener rule and target group ARN -> its tags (from CreateRule, CreateTargetGroup), for aws:ResourceTag. */
    private final Map<String, Map<String, String>> elbTags = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME).toLowerCase(Locale.ROOT).replace(" ", "");
        String prefix = PREFIX.getOrDefault(service, service);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        String region = attributes.getAttribute(AwsExecutionAttribute.AWS_REGION).id();
        Call call = new Call(prefix + ":" + operation, Collections.synchronizedList(new ArrayList<>()));
        call.requests().addAll(requests(prefix, operation, context.request(), region));
        attributes.putAttribute(CALL, call);
        calls.add(call);
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Call call = attributes.getAttribute(CALL);
        String region = attributes.getAttribute(AwsExecutionAttribute.AWS_REGION).id();
        SdkPojo response = context.response();
        switch (call.operation()) {
            case "servicediscovery:CreateService" -> {
                SdkPojo s = field(response, "Service", SdkPojo.class);
                String arn = field(s, "Arn", String.class);
                Map<String, String> tags = tags(context.request(), "Tags", "Key", "Value");
                cloudMapTags.put(arn.substring(arn.lastIndexOf('/') + 1), tags);
                if (!tags.isEmpty()) {
                    call.requests().add(new Request("servicediscovery:TagResource", ours(arn), requestTags(tags)));
                }
            }
            case "secretsmanager:DescribeSecret" -> {
                // IAM evaluates the secret's full ARN (with Secrets Manager's six random characters)
                call.requests().clear();
                call.requests().add(new Request(call.operation(), ours(field(response, "ARN", String.class)), Map.of()));
            }
            // ELBv2 authorizes a create on the new resource's ARN, and tagging on create with AddTags on it
            // (Service Authorization Reference, Elastic Load Balancing V2: CreateLoadBalancer, CreateListener,
            // CreateRule, CreateTargetGroup each list elasticloadbalancing:AddTags as a dependent action)
            case "elasticloadbalancing:CreateLoadBalancer" -> elbCreated(call, context, field(first(response, "LoadBalancers"),
                    "LoadBalancerArn", String.class), true);
            case "elasticloadbalancing:CreateTargetGroup" -> elbCreated(call, context, field(first(response, "TargetGroups"),
                    "TargetGroupArn", String.class), true);
            case "elasticloadbalancing:CreateListener" -> elbCreated(call, context, field(first(response, "Listeners"),
                    "ListenerArn", String.class), false);
            case "elasticloadbalancing:CreateRule" -> elbCreated(call, context, field(first(response, "Rules"), "RuleArn", String.class),
                    false);
            case "ecs:RegisterTaskDefinition" -> {
                Map<String, String> tags = tags(context.request(), "tags", "key", "value");
                if (!tags.isEmpty()) {
                    SdkPojo td = field(response, "taskDefinition", SdkPojo.class);
                    call.requests().add(new Request("ecs:TagResource", ours(field(td, "taskDefinitionArn", String.class)),
                            requestTags(tags)));
                }
            }
            default -> {
            }
        }
    }

    /**
     * An ELB resource created: the tags of a rule or target group are kept for later requests'
     * aws:ResourceTag; {@code onItself} (load balancer, target group): the create is authorized on the new
     * ARN, else (listener, rule) on its parent's, which the request named; tags need AddTags on the new ARN.
     */
    private void elbCreated(Call call, Context.AfterExecution context, String arn, boolean onItself) {
        Map<String, String> tags = tags(context.request(), "Tags", "Key", "Value");
        elbTags.put(ours(arn), tags);
        if (onItself) {
            Map<String, String> keys = call.requests().get(0).context();
            call.requests().set(0, new Request(call.operation(), ours(arn), keys));
        }
        if (!tags.isEmpty()) {
            call.requests().add(new Request("elasticloadbalancing:AddTags", ours(arn), requestTags(tags)));
        }
    }

    @SuppressWarnings("unchecked")
    private static SdkPojo first(SdkPojo response, String field) {
        List<SdkPojo> list = field(response, field, List.class);
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    /** Records the policy of a plan and the operations policy of its release. */
    void planned(AwsProvider aws, Plan plan) {
        granted.addAll(aws.requiredPermissions(plan));
        operations(aws, plan.release());
    }

    /** Records a policy (e.g. a rollback's, which its preview computes). */
    void granted(List<PolicyStatement> policy) {
        granted.addAll(policy);
    }

    /** Records the operations policy (rollback, resume, abort) of a release. */
    void operations(AwsProvider aws, Release release) {
        granted.addAll(aws.operationsPermissions(release));
    }

    /** The number of calls recorded so far (a mark for {@link #since(int)}). */
    int mark() {
        return calls.size();
    }

    /** The calls recorded after {@code mark}. */
    List<Call> since(int mark) {
        synchronized (calls) {
            return List.copyOf(calls.subList(mark, calls.size()));
        }
    }

    /** The actions called so far. */
    Set<String> actions() {
        Set<String> out = new TreeSet<>();
        synchronized (calls) {
            calls.forEach(c -> out.add(c.operation()));
        }
        return out;
    }

    void verify() {
        List<Call> made;
        synchronized (calls) {
            made = List.copyOf(calls);
        }
        List<PolicyStatement> policy;
        synchronized (granted) {
            policy = List.copyOf(granted);
        }
        assertThat(denied(policy, made)).as("requests no plan's policy allows").isEmpty();
        assertThat(siblingsAllowed(policy, made)).as("requests of a sibling service the policies allow").isEmpty();
    }

    /** The requests of {@code made} that {@code policy} does not allow. */
    static Set<String> denied(List<PolicyStatement> policy, Collection<Call> made) {
        Set<String> out = new TreeSet<>();
        for (Call c : made) {
            for (Request r : c.requests()) {
                if (!IamEvaluator.allows(policy, r)) {
                    out.add(r.toString());
                }
            }
        }
        return out;
    }

    /**
     * The requests {@code policy} would allow if they named a sibling service's resources: the same
     * request with every {@code -<service>} of the resource and context replaced by {@code -<service>-api}
     * (and {@code <service>} as a whole tag value by {@code <service>-api}).
     */
    static Set<String> siblingsAllowed(List<PolicyStatement> policy, Collection<Call> made) {
        Set<String> out = new TreeSet<>();
        for (Call c : made) {
            for (Request r : c.requests()) {
                Request sibling = sibling(r);
                if (sibling != null && IamEvaluator.allows(policy, sibling)) {
                    out.add(sibling.toString());
                }
            }
        }
        return out;
    }

    /** The service name {@code orders} inside a name or ARN: after {@code -} or {@code /}, before its end or {@code _:/.}. */
    private static final java.util.regex.Pattern ORDERS = java.util.regex.Pattern.compile("(?<=[-/])orders(?=$|[-_:/.])");

    private static Request sibling(Request r) {
        String resource = ORDERS.matcher(r.resource()).replaceAll("orders-api");
        Map<String, String> context = new LinkedHashMap<>();
        r.context().forEach((k, v) -> context.put(k, v.equals("orders") ? "orders-api" : ORDERS.matcher(v).replaceAll("orders-api")));
        Request s = new Request(r.action(), resource, context);
        return s.equals(r) ? null : s;
    }

    // ------------------------------------------------------------------ requests

    private static String arn(String service, String region, String resource) {
        return "arn:aws:" + service + ":" + region + ":" + ACCOUNT + ":" + resource;
    }

    /** The local cloud's account in an ARN, as the policy's account sees it. */
    static String ours(String arn) {
        String[] p = arn.split(":", 6);
        if (p.length == 6) {
            p[4] = ACCOUNT;
        }
        return String.join(":", p);
    }

    private static <T> T field(SdkPojo pojo, String name, Class<T> type) {
        if (pojo == null) {
            return null;
        }
        return pojo.sdkFields().stream().filter(f -> f.memberName().equals(name)).findFirst()
                .map(f -> type.cast(f.getValueOrDefault(pojo))).orElse(null);
    }

    private static String str(SdkRequest r, String name) {
        return r.getValueForField(name, String.class).orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static List<String> strs(SdkRequest r, String name) {
        return r.getValueForField(name, List.class).map(l -> (List<String>) l).orElse(List.of());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> tags(SdkPojo request, String field, String key, String value) {
        List<SdkPojo> list = field(request, field, List.class);
        Map<String, String> out = new LinkedHashMap<>();
        if (list != null) {
            list.forEach(t -> out.put(field(t, key, String.class), field(t, value, String.class)));
        }
        return out;
    }

    private static Map<String, String> requestTags(Map<String, String> tags) {
        Map<String, String> out = new LinkedHashMap<>();
        tags.forEach((k, v) -> out.put("aws:RequestTag/" + k, v));
        return out;
    }

    private List<Request> requests(String prefix, String operation, SdkRequest r, String region) {
        String action = prefix + ":" + operation;
        List<Request> out = new ArrayList<>();
        switch (prefix) {
            case "ecs" -> ecs(action, operation, r, region, out);
            case "appmesh" -> appMesh(action, operation, r, region, out);
            case "servicediscovery" -> cloudMap(action, operation, r, region, out);
            case "elasticloadbalancing" -> elb(action, operation, r, region, out);
            case "secretsmanager" -> {
                String id = str(r, "SecretId");
                // replaced by the secret's full ARN from the answer; one that does not exist keeps this name with a
                // stand-in for the six characters Secrets Manager appends
                out.add(new Request(action, id.startsWith("arn:") ? ours(id) : arn("secretsmanager", region, "secret:" + id + "-XXXXXX"),
                        Map.of()));
            }
            case "ecr" -> out.add(new Request(action, "arn:aws:ecr:" + region + ":" + r.getValueForField("registryId", String.class)
                    .orElse(ACCOUNT) + ":repository/" + str(r, "repositoryName"), Map.of()));
            case "cloudwatch" -> {
                List<String> alarms = strs(r, "AlarmNames");
                if (alarms.isEmpty()) {
                    out.add(new Request(action, "*", Map.of())); // GetMetricData: no resource-level permissions
                } else {
                    alarms.forEach(a -> out.add(new Request(action, arn("cloudwatch", region, "alarm:" + a), Map.of())));
                }
            }
            case "route53" -> {
                // Service Authorization Reference, Amazon Route 53: record and zone actions on hostedzone/<id>, GetChange on
                // change/<id>, ListHostedZonesByName on *
                String zone = r.getValueForField("HostedZoneId", String.class).orElse(operation.equals("GetHostedZone")
                        ? r.getValueForField("Id", String.class).orElse(null) : null);
                if (operation.equals("GetChange")) {
                    out.add(new Request(action, "arn:aws:route53:::change/" + str(r, "Id").replace("/change/", ""), Map.of()));
                } else if (r instanceof software.amazon.awssdk.services.route53.model.ChangeResourceRecordSetsRequest batch) {
                    // the record condition keys (Route 53 developer guide, "Using IAM policy conditions for fine-grained
                    // access control"), one request per change: a ForAllValues condition must hold for each change's values
                    for (var c : batch.changeBatch().changes()) {
                        String name = c.resourceRecordSet().name().toLowerCase(Locale.ROOT).replaceFirst("\\.$", "");
                        out.add(new Request(action, "arn:aws:route53:::hostedzone/" + zone.replace("/hostedzone/", ""), Map.of(
                                "route53:ChangeResourceRecordSetsActions", c.actionAsString(),
                                "route53:ChangeResourceRecordSetsNormalizedRecordNames", name,
                                "route53:ChangeResourceRecordSetsRecordTypes", c.resourceRecordSet().typeAsString())));
                    }
                } else if (zone != null) {
                    out.add(new Request(action, "arn:aws:route53:::hostedzone/" + zone.replace("/hostedzone/", ""), Map.of()));
                } else {
                    out.add(new Request(action, "*", Map.of()));
                }
            }
            default -> out.add(new Request(action, "*", Map.of())); // Application Auto Scaling, EC2: no resource-level scoping used
        }
        return out;
    }

    private static void ecs(String action, String operation, SdkRequest r, String region, List<Request> out) {
        String cluster = r.getValueForField("cluster", String.class).orElse("default");
        String clusterArn = cluster.startsWith("arn:") ? ours(cluster) : arn("ecs", region, "cluster/" + cluster);
        String clusterName = clusterArn.substring(clusterArn.lastIndexOf('/') + 1);
        Map<String, String> inCluster = Map.of("ecs:cluster", clusterArn);
        switch (operation) {
            case "DescribeClusters" -> strs(r, "clusters").forEach(c -> out.add(new Request(action, arn("ecs", region, "cluster/" + c), Map.of())));
            case "CreateCluster", "DeleteCluster" -> {
                String c = arn("ecs", region, "cluster/" + r.getValueForField("clusterName", String.class).orElse(cluster));
                out.add(new Request(action, c, Map.of()));
                Map<String, String> tags = operation.equals("CreateCluster") ? tags((SdkPojo) r, "tags", "key", "value") : Map.of();
                if (!tags.isEmpty()) {
                    out.add(new Request("ecs:TagResource", c, requestTags(tags)));
                }
            }
            case "RegisterTaskDefinition" -> {
                out.add(new Request(action, "*", Map.of()));
                // passing the task and execution roles to ECS needs iam:PassRole on them (ECS developer guide, "Task IAM role")
                java.util.stream.Stream.of(str(r, "taskRoleArn"), str(r, "executionRoleArn")).filter(java.util.Objects::nonNull)
                        .distinct().forEach(role -> out.add(new Request("iam:PassRole", role, Map.of())));
            }
            case "DescribeServices" -> strs(r, "services").forEach(s -> out.add(new Request(action,
                    arn("ecs", region, "service/" + clusterName + "/" + s), inCluster)));
            case "UpdateService", "DeleteService", "ListServiceDeployments" -> {
                out.add(new Request(action, arn("ecs", region, "service/" + clusterName + "/" + str(r, "service")), inCluster));
                infrastructureRoles(r, out);
            }
            case "CreateService" -> {
                String service = arn("ecs", region, "service/" + clusterName + "/" + str(r, "serviceName"));
                out.add(new Request(action, service, inCluster));
                infrastructureRoles(r, out);
                Map<String, String> tags = tags((SdkPojo) r, "tags", "key", "value");
                if (!tags.isEmpty()) {
                    out.add(new Request("ecs:TagResource", service, requestTags(tags)));
                }
            }
            case "DescribeServiceDeployments" -> strs(r, "serviceDeploymentArns").forEach(a -> out.add(new Request(action, ours(a), Map.of())));
            case "StopServiceDeployment" -> out.add(new Request(action, ours(str(r, "serviceDeploymentArn")), Map.of()));
            case "DescribeServiceRevisions" -> strs(r, "serviceRevisionArns").forEach(a -> out.add(new Request(action, ours(a), Map.of())));
            // ListTasks and ListServices name no resource, only the cluster (condition key ecs:cluster)
            case "ListTasks", "ListServices" -> out.add(new Request(action, "*", inCluster));
            case "DescribeTasks", "StopTask" -> {
                List<String> tasks = operation.equals("StopTask") ? List.of(str(r, "task")) : strs(r, "tasks");
                tasks.forEach(t -> out.add(new Request(action, t.startsWith("arn:") ? ours(t)
                        : arn("ecs", region, "task/" + clusterName + "/" + t), inCluster)));
            }
            case "RunTask" -> {
                String td = str(r, "taskDefinition");
                out.add(new Request(action, td.startsWith("arn:") ? ours(td) : arn("ecs", region, "task-definition/" + td), inCluster));
            }
            case "TagResource" -> out.add(new Request(action, ours(str(r, "resourceArn")), Map.of()));
            // RegisterTaskDefinition, DeregisterTaskDefinition, DescribeTaskDefinition, ListTaskDefinitions: no resource-level permissions
            default -> out.add(new Request(action, "*", Map.of()));
        }
    }

    /**
     * Passing the Amazon ECS infrastructure role for load balancers in {@code loadBalancers[].advancedConfiguration.roleArn}
     * (CreateService, UpdateService) needs iam:PassRole on it (ECS developer guide, "Amazon ECS infrastructure IAM role for
     * load balancers"; IAM user guide, "Grant a user permissions to pass a role to an AWS service").
     */
    private static void infrastructureRoles(SdkRequest r, List<Request> out) {
        r.getValueForField("loadBalancers", List.class).ifPresent(lbs -> ((List<?>) lbs).stream()
                .map(lb -> (software.amazon.awssdk.services.ecs.model.LoadBalancer) lb)
                .filter(lb -> lb.advancedConfiguration() != null && lb.advancedConfiguration().roleArn() != null)
                .map(lb -> lb.advancedConfiguration().roleArn()).distinct()
                .forEach(role -> out.add(new Request("iam:PassRole", role, Map.of()))));
    }

    private static void appMesh(String action, String operation, SdkRequest r, String region, List<Request> out) {
        if (operation.equals("TagResource")) {
            out.add(new Request(action, ours(str(r, "resourceArn")), Map.of()));
            return;
        }
        String mesh = arn("appmesh", region, "mesh/" + str(r, "meshName"));
        String resource;
        if (operation.endsWith("Route") || operation.equals("ListRoutes")) {
            resource = mesh + "/virtualRouter/" + str(r, "virtualRouterName") + (operation.equals("ListRoutes") ? "" : "/route/" + str(r, "routeName"));
        } else if (operation.endsWith("VirtualRouter")) {
            resource = mesh + "/virtualRouter/" + str(r, "virtualRouterName");
        } else if (operation.endsWith("VirtualService")) {
            resource = mesh + "/virtualService/" + str(r, "virtualServiceName");
        } else if (operation.endsWith("VirtualNode")) {
            resource = mesh + "/virtualNode/" + str(r, "virtualNodeName");
        } else {
            resource = mesh; // DescribeMesh, CreateMesh, DeleteMesh, ListVirtualNodes, ListVirtualRouters, ...
        }
        out.add(new Request(action, resource, Map.of()));
        Map<String, String> tags = operation.startsWith("Create") ? tags((SdkPojo) r, "tags", "key", "value") : Map.of();
        if (!tags.isEmpty()) {
            out.add(new Request("appmesh:TagResource", resource, requestTags(tags)));
        }
    }

    /**
     * ELBv2 (Service Authorization Reference, Elastic Load Balancing V2): Describe* take no resource;
     * CreateLoadBalancer and CreateTargetGroup are on the new resource (its ARN from the answer, see
     * {@link #afterExecution}) with the request's tags as aws:RequestTag; CreateListener on the load
     * balancer, CreateRule on the listener; ModifyRule, DeleteRule and DeleteTargetGroup on the resource,
     * with its tags as aws:ResourceTag.
     */
    private void elb(String action, String operation, SdkRequest r, String region, List<Request> out) {
        Map<String, String> requestTags = operation.startsWith("Create") ? requestTags(tags((SdkPojo) r, "Tags", "Key", "Value")) : Map.of();
        switch (operation) {
            case "CreateLoadBalancer" -> out.add(new Request(action, arn("elasticloadbalancing", region, "loadbalancer/app/"
                    + str(r, "Name") + "/(new)"), requestTags));
            case "CreateTargetGroup" -> out.add(new Request(action, arn("elasticloadbalancing", region, "targetgroup/"
                    + str(r, "Name") + "/(new)"), requestTags));
            case "CreateListener" -> out.add(new Request(action, ours(str(r, "LoadBalancerArn")), requestTags));
            case "CreateRule" -> out.add(new Request(action, ours(str(r, "ListenerArn")), requestTags));
            case "ModifyRule", "DeleteRule" -> out.add(elbExisting(action, ours(str(r, "RuleArn"))));
            case "DeleteTargetGroup" -> out.add(elbExisting(action, ours(str(r, "TargetGroupArn"))));
            default -> out.add(new Request(action, "*", Map.of()));
        }
    }

    private Request elbExisting(String action, String arn) {
        Map<String, String> context = new LinkedHashMap<>();
        elbTags.getOrDefault(arn, Map.of()).forEach((k, v) -> context.put("aws:ResourceTag/" + k, v));
        return new Request(action, arn, context);
    }

    private void cloudMap(String action, String operation, SdkRequest r, String region, List<Request> out) {
        switch (operation) {
            case "CreateService" -> {
                String ns = arn("servicediscovery", region, "namespace/" + str(r, "NamespaceId"));
                out.add(new Request(action, ns, Map.of("servicediscovery:NamespaceArn", ns)));
            }
            case "DeleteService", "UpdateService", "GetService" -> {
                String id = str(r, "Id");
                Map<String, String> context = new LinkedHashMap<>();
                cloudMapTags.getOrDefault(id, Map.of()).forEach((k, v) -> context.put("aws:ResourceTag/" + k, v));
                out.add(new Request(action, arn("servicediscovery", region, "service/" + id), context));
            }
            case "GetNamespace" -> out.add(new Request(action,
                    arn("servicediscovery", region, "namespace/" + str(r, "Id")), Map.of()));
            case "CreatePrivateDnsNamespace" -> {
                // Cloud Map acts on Route 53 and EC2 with the caller's permissions (Cloud Map developer guide,
                // "AWS Cloud Map API permissions reference": CreatePrivateDnsNamespace)
                for (String a : List.of(action, "route53:CreateHostedZone", "route53:GetHostedZone", "route53:ListHostedZonesByName",
                        "ec2:DescribeVpcs", "ec2:DescribeRegions")) {
                    out.add(new Request(a, "*", Map.of()));
                }
            }
            case "DeleteNamespace" -> {
                out.add(new Request(action, arn("servicediscovery", region, "namespace/" + str(r, "Id")), Map.of()));
                out.add(new Request("route53:DeleteHostedZone", "*", Map.of()));
            }
            // ListNamespaces, ListServices, GetOperation: no resource-level permissions
            default -> out.add(new Request(action, "*", Map.of()));
        }
    }
}

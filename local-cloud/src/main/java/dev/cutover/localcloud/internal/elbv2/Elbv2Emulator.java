package dev.cutover.localcloud.internal.elbv2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.localcloud.SimClock;
import dev.cutover.localcloud.TrafficSplitter;
import dev.cutover.localcloud.internal.aws.AwsError;
import dev.cutover.localcloud.internal.aws.AwsJson;
import dev.cutover.localcloud.internal.aws.AwsServer;
import dev.cutover.localcloud.internal.aws.Page;
import dev.cutover.localcloud.internal.aws.QueryProtocolService;
import dev.cutover.localcloud.internal.aws.Scoped;
import dev.cutover.localcloud.internal.elbv2.Elbv2Model.Listener;
import dev.cutover.localcloud.internal.elbv2.Elbv2Model.LoadBalancer;
import dev.cutover.localcloud.internal.elbv2.Elbv2Model.Rule;
import dev.cutover.localcloud.internal.elbv2.Elbv2Model.Target;
import dev.cutover.localcloud.internal.elbv2.Elbv2Model.TargetGroup;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * ELBv2 (Application Load Balancers) of one account and Region on the AWS query protocol.
 *
 * <p>What it models, each rule next to the AWS documentation that states it: load balancers
 * (application), target groups (target type {@code ip}/{@code instance}, health check settings),
 * listeners with default actions, rules (priority, conditions {@code path-pattern},
 * {@code host-header}, {@code http-header}, {@code http-request-method}, {@code query-string},
 * {@code source-ip}; actions {@code forward} with 1–5 weighted target groups and group stickiness,
 * {@code fixed-response}, {@code redirect}), target registration and health ({@code initial} →
 * {@code healthy}/{@code unhealthy} from the health of the simulated task behind the IP,
 * {@code draining} for the deregistration delay, {@code unused} while no listener uses the group),
 * tags, and {@code Marker}/{@code PageSize} pagination of the Describe calls.
 *
 * <p>It is also a {@link TrafficSplitter}: per listener it routes one probe request per rule
 * (built to satisfy that rule's conditions) through the rules in priority order, as ALB does, and
 * splits the probe's traffic over the matched forward's target groups by weight, to the ECS
 * services whose tasks are registered and healthy in them. A probe that carries a header (a rule
 * with an {@code http-header} condition, e.g. {@code x-cutover-preview: 1}) is a tagged test
 * request; split names are {@code <lb-name>:<port><path>} and {@code <lb-name>:<port><path> [<header>: <value>]},
 * the names {@code Traffic.rate(...)} takes.
 */
public final class Elbv2Emulator implements QueryProtocolService, TrafficSplitter {

    static final String NAMESPACE = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";

    // Quotas for your Application Load Balancers (Elastic Load Balancing, Application Load Balancers guide):
    static final int MAX_LOAD_BALANCERS = 50;          // Application Load Balancers per Region
    static final int MAX_TARGET_GROUPS = 3000;         // target groups per Region
    static final int MAX_LISTENERS = 50;               // listeners per load balancer
    static final int MAX_RULES = 100;                  // rules per load balancer (not counting default rules)
    static final int MAX_TARGET_GROUPS_PER_ACTION = 5; // target groups per action
    static final int MAX_TARGET_GROUPS_PER_LB = 100;   // target groups per Application Load Balancer
    static final int MAX_TARGETS = 1000;               // targets per target group
    static final int MAX_CONDITION_VALUES = 5;         // condition values per rule
    static final int MAX_WEIGHT = 999;                 // TargetGroupTuple.Weight: "The range is 0 to 999"

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    /** Where the health of an IP target comes from: the simulated task with that IP (empty: nothing answers). */
    public interface HealthSource {
        Optional<Boolean> healthy(String ip);
    }

    private final Object lock = new Object();
    private final SimClock clock;
    private final Random random;
    private Scoped.Scope scope = Scoped.Scope.DEFAULT;
    private volatile HealthSource health = ip -> Optional.empty();
    private final Map<String, LoadBalancer> loadBalancers = new LinkedHashMap<>();
    private final Map<String, TargetGroup> targetGroups = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> tags = new HashMap<>();

    public Elbv2Emulator(SimClock clock, long seed) {
        this.clock = clock;
        this.random = new Random(seed * 17 + 3);
    }

    /** This instance's account and Region (ARNs). */
    public Elbv2Emulator scope(Scoped.Scope scope) {
        this.scope = scope;
        return this;
    }

    /** Where target health comes from (the ECS emulator's tasks). */
    public Elbv2Emulator healthSource(HealthSource source) {
        this.health = source;
        return this;
    }

    @Override
    public String apiVersion() {
        return "2015-12-01";
    }

    @Override
    public String signingName() {
        return "elasticloadbalancing";
    }

    @Override
    public String serviceName() {
        return "elbv2";
    }

    @Override
    public String xmlNamespace() {
        return NAMESPACE;
    }

    @Override
    public ObjectNode handle(String operation, ObjectNode r, AwsServer.RequestContext context) {
        synchronized (lock) {
            Instant now = clock.instant();
            return switch (operation) {
                case "CreateLoadBalancer" -> createLoadBalancer(r, now);
                case "DescribeLoadBalancers" -> describeLoadBalancers(r);
                case "DeleteLoadBalancer" -> deleteLoadBalancer(r);
                case "CreateTargetGroup" -> createTargetGroup(r);
                case "DescribeTargetGroups" -> describeTargetGroups(r);
                case "ModifyTargetGroup" -> modifyTargetGroup(r);
                case "DeleteTargetGroup" -> deleteTargetGroup(r);
                case "DescribeTargetGroupAttributes" -> targetGroupAttributes(targetGroup(r.path("TargetGroupArn").asText()));
                case "ModifyTargetGroupAttributes" -> modifyTargetGroupAttributes(r);
                case "CreateListener" -> createListener(r);
                case "DescribeListeners" -> describeListeners(r);
                case "ModifyListener" -> modifyListener(r);
                case "DeleteListener" -> deleteListener(r);
                case "CreateRule" -> createRule(r);
                case "DescribeRules" -> describeRules(r);
                case "ModifyRule" -> modifyRule(r);
                case "DeleteRule" -> deleteRule(r);
                case "SetRulePriorities" -> setRulePriorities(r);
                case "RegisterTargets" -> registerTargets(r, now);
                case "DeregisterTargets" -> deregisterTargets(r, now);
                case "DescribeTargetHealth" -> describeTargetHealth(r);
                case "AddTags" -> addTags(r);
                case "RemoveTags" -> removeTags(r);
                case "DescribeTags" -> describeTags(r);
                default -> throw AwsError.badRequest("InvalidAction", "The local cloud does not emulate ELBv2 " + operation);
            };
        }
    }

    // ------------------------------------------------------------------ load balancers

    private ObjectNode createLoadBalancer(ObjectNode r, Instant now) {
        String name = r.path("Name").asText();
        checkName("LoadBalancer", name);
        String type = r.path("Type").asText("application");
        if (!type.equals("application")) {
            throw validation("The local cloud emulates Application Load Balancers only; Type '" + type + "' is not emulated");
        }
        List<String> subnets = strings(r.path("Subnets"));
        r.path("SubnetMappings").forEach(m -> subnets.add(m.path("SubnetId").asText()));
        // CreateLoadBalancer, Subnets: "[Application Load Balancers] You must specify subnets from at least two Availability Zones."
        if (new LinkedHashSet<>(subnets).size() < 2) {
            throw validation("At least two subnets in two different Availability Zones must be specified");
        }
        LoadBalancer same = byName(name);
        if (same != null) {
            // CreateLoadBalancer: "This operation is idempotent ... If you attempt to create multiple load balancers
            // with the same settings, each call succeeds."; other settings under the same name: DuplicateLoadBalancerName
            if (same.subnets.equals(subnets) && same.scheme.equals(r.path("Scheme").asText("internet-facing"))) {
                return loadBalancersOut(List.of(same));
            }
            throw error("DuplicateLoadBalancerName", "A load balancer with the same name '" + name + "' exists, but with different settings");
        }
        if (loadBalancers.size() >= MAX_LOAD_BALANCERS) {
            throw error("TooManyLoadBalancers", "You've reached the limit on the number of load balancers for your AWS account");
        }
        LoadBalancer lb = new LoadBalancer();
        lb.name = name;
        lb.id = hex(16);
        lb.arn = arn("loadbalancer/app/" + name + "/" + lb.id);
        lb.scheme = r.path("Scheme").asText("internet-facing");
        lb.ipAddressType = r.path("IpAddressType").asText("ipv4");
        lb.subnets = subnets;
        lb.securityGroups = strings(r.path("SecurityGroups"));
        lb.vpcId = "vpc-" + hex(8);
        lb.dnsName = (lb.scheme.equals("internal") ? "internal-" : "") + name + "-" + (1000000000L + random.nextInt(900000000))
                + "." + scope.region() + ".elb.amazonaws.com";
        lb.createdAt = now;
        loadBalancers.put(lb.arn, lb);
        putTags(lb.arn, r.path("Tags"));
        return loadBalancersOut(List.of(lb));
    }

    private LoadBalancer byName(String name) {
        return loadBalancers.values().stream().filter(lb -> lb.name.equals(name)).findFirst().orElse(null);
    }

    private ObjectNode describeLoadBalancers(ObjectNode r) {
        List<LoadBalancer> all = new ArrayList<>();
        List<String> arns = strings(r.path("LoadBalancerArns"));
        List<String> names = strings(r.path("Names"));
        if (!arns.isEmpty() && !names.isEmpty()) {
            throw validation("Load balancer names and load balancer ARNs cannot be specified at the same time");
        }
        if (!arns.isEmpty()) {
            arns.forEach(a -> all.add(loadBalancer(a)));
        } else if (!names.isEmpty()) {
            for (String n : names) {
                LoadBalancer lb = byName(n);
                if (lb == null) {
                    throw error("LoadBalancerNotFound", "One or more load balancers not found");
                }
                all.add(lb);
            }
        } else {
            all.addAll(loadBalancers.values());
        }
        return paged(all, r, this::loadBalancersOut);
    }

    private ObjectNode loadBalancersOut(List<LoadBalancer> lbs) {
        ObjectNode out = AwsJson.object();
        ArrayNode list = out.putArray("LoadBalancers");
        for (LoadBalancer lb : lbs) {
            ObjectNode n = list.addObject();
            n.put("LoadBalancerArn", lb.arn).put("DNSName", lb.dnsName).put("CanonicalHostedZoneId", canonicalHostedZoneId())
                    .put("CreatedTime", lb.createdAt.toString()).put("LoadBalancerName", lb.name).put("Scheme", lb.scheme)
                    .put("VpcId", lb.vpcId).put("Type", lb.type).put("IpAddressType", lb.ipAddressType);
            n.putObject("State").put("Code", "active");
            ArrayNode azs = n.putArray("AvailabilityZones");
            char zone = 'a';
            for (String subnet : lb.subnets) {
                azs.addObject().put("ZoneName", scope.region() + zone++).put("SubnetId", subnet);
            }
            ArrayNode sgs = n.putArray("SecurityGroups");
            lb.securityGroups.forEach(sgs::add);
        }
        return out;
    }

    private ObjectNode deleteLoadBalancer(ObjectNode r) {
        String arn = r.path("LoadBalancerArn").asText();
        // DeleteLoadBalancer: "If the load balancer does not exist or has already been deleted, the call succeeds."
        LoadBalancer lb = loadBalancers.remove(arn);
        if (lb != null) {
            lb.listeners.values().forEach(l -> {
                tags.remove(l.arn);
                l.rules.keySet().forEach(tags::remove);
            });
            tags.remove(arn);
        }
        return AwsJson.object();
    }

    private LoadBalancer loadBalancer(String arn) {
        LoadBalancer lb = loadBalancers.get(arn);
        if (lb == null) {
            throw error("LoadBalancerNotFound", "Load balancer '" + arn + "' not found");
        }
        return lb;
    }

    // ------------------------------------------------------------------ target groups

    private ObjectNode createTargetGroup(ObjectNode r) {
        String name = r.path("Name").asText();
        checkName("Target group", name);
        String targetType = r.path("TargetType").asText("instance");
        if (!Set.of("instance", "ip").contains(targetType)) {
            throw validation("The local cloud emulates target types instance and ip; '" + targetType + "' is not emulated");
        }
        // CreateTargetGroup: Protocol, Port and VpcId are "required" unless the target type is lambda
        List<String> missing = new ArrayList<>();
        for (String field : List.of("Protocol", "Port", "VpcId")) {
            if (!r.has(field)) {
                missing.add(field);
            }
        }
        if (!missing.isEmpty()) {
            throw validation(String.join(", ", missing) + " must be specified for target type '" + targetType + "'");
        }
        String protocol = r.path("Protocol").asText();
        if (!Set.of("HTTP", "HTTPS").contains(protocol)) {
            throw validation("The local cloud emulates HTTP and HTTPS target groups (Application Load Balancers); protocol '"
                    + protocol + "' is not emulated");
        }
        TargetGroup tg = new TargetGroup();
        tg.name = name;
        tg.protocol = protocol;
        tg.protocolVersion = r.path("ProtocolVersion").asText("HTTP1");
        tg.port = r.path("Port").asInt();
        tg.vpcId = r.path("VpcId").asText();
        tg.targetType = targetType;
        tg.healthCheckProtocol = protocol;
        tg.healthCheckPath = "/";
        tg.attributes.put("deregistration_delay.timeout_seconds", "300");
        tg.attributes.put("stickiness.enabled", "false");
        tg.attributes.put("stickiness.type", "lb_cookie");
        tg.attributes.put("stickiness.lb_cookie.duration_seconds", "86400");
        tg.attributes.put("load_balancing.algorithm.type", "round_robin");
        applyHealthCheck(tg, r);
        for (TargetGroup same : targetGroups.values()) {
            if (same.name.equals(name)) {
                // CreateTargetGroup: "This operation is idempotent ... If you attempt to create multiple target groups
                // with the same settings, each call succeeds." Other settings: DuplicateTargetGroupName
                if (sameSettings(same, tg)) {
                    return targetGroupsOut(List.of(same));
                }
                throw error("DuplicateTargetGroupName", "A target group with the same name '" + name + "' exists, but with different settings");
            }
        }
        if (targetGroups.size() >= MAX_TARGET_GROUPS) {
            throw error("TooManyTargetGroups", "You've reached the limit on the number of target groups for your AWS account");
        }
        tg.arn = arn("targetgroup/" + name + "/" + hex(16));
        targetGroups.put(tg.arn, tg);
        putTags(tg.arn, r.path("Tags"));
        return targetGroupsOut(List.of(tg));
    }

    private static boolean sameSettings(TargetGroup a, TargetGroup b) {
        return a.protocol.equals(b.protocol) && java.util.Objects.equals(a.port, b.port) && a.vpcId.equals(b.vpcId)
                && a.targetType.equals(b.targetType) && a.healthCheckPath.equals(b.healthCheckPath)
                && a.healthCheckIntervalSeconds == b.healthCheckIntervalSeconds
                && a.healthCheckTimeoutSeconds == b.healthCheckTimeoutSeconds && a.healthyThresholdCount == b.healthyThresholdCount
                && a.unhealthyThresholdCount == b.unhealthyThresholdCount && a.matcher.equals(b.matcher);
    }

    /**
     * The health check members of CreateTargetGroup/ModifyTargetGroup. The model bounds each number
     * (interval 5–300 s, timeout 2–120 s, thresholds 2–10; checked before this runs); on top of that
     * "the timeout must be smaller than the interval" (CreateTargetGroup, HealthCheckTimeoutSeconds:
     * "...the range is 2–120 seconds" and the target group health check settings table of the ALB guide).
     */
    private static void applyHealthCheck(TargetGroup tg, JsonNode r) {
        if (r.has("HealthCheckEnabled")) {
            tg.healthCheckEnabled = r.path("HealthCheckEnabled").asBoolean();
        }
        if (r.has("HealthCheckProtocol")) {
            String p = r.path("HealthCheckProtocol").asText();
            if (!Set.of("HTTP", "HTTPS").contains(p)) {
                // HealthCheckProtocol: "The TCP protocol is not supported for health checks if the protocol of the target group is HTTP or HTTPS."
                throw validation("Health check protocol '" + p + "' is not supported for target groups with the " + tg.protocol + " protocol");
            }
            tg.healthCheckProtocol = p;
        }
        if (r.has("HealthCheckPort")) {
            String port = r.path("HealthCheckPort").asText();
            if (!port.equals("traffic-port") && !port.matches("\\d{1,5}")) {
                throw validation("Health check port '" + port + "' must be 'traffic-port' or a port number");
            }
            tg.healthCheckPort = port;
        }
        if (r.has("HealthCheckPath")) {
            String path = r.path("HealthCheckPath").asText();
            if (!path.startsWith("/")) {
                throw validation("Health check path '" + path + "' must begin with a '/' character");
            }
            tg.healthCheckPath = path;
        }
        int interval = r.path("HealthCheckIntervalSeconds").asInt(tg.healthCheckIntervalSeconds);
        int timeout = r.path("HealthCheckTimeoutSeconds").asInt(tg.healthCheckTimeoutSeconds);
        if (timeout >= interval) {
            throw validation("Health check timeout '" + timeout + "' must be smaller than the interval '" + interval + "'");
        }
        tg.healthCheckIntervalSeconds = interval;
        tg.healthCheckTimeoutSeconds = timeout;
        tg.healthyThresholdCount = r.path("HealthyThresholdCount").asInt(tg.healthyThresholdCount);
        tg.unhealthyThresholdCount = r.path("UnhealthyThresholdCount").asInt(tg.unhealthyThresholdCount);
        if (r.path("Matcher").has("HttpCode")) {
            String codes = r.path("Matcher").path("HttpCode").asText();
            // Matcher.HttpCode: "For Application Load Balancers, you can specify values between 200 and 499 ... (for example, "200,202") or a range (for example, "200-299")."
            if (!codes.matches("[2-4]\\d\\d(-[2-4]\\d\\d)?(,[2-4]\\d\\d(-[2-4]\\d\\d)?)*")) {
                throw validation("Health check matcher HTTP code '" + codes + "' must be values between 200 and 499, e.g. 200,202 or 200-299");
            }
            tg.matcher = codes;
        }
    }

    private ObjectNode describeTargetGroups(ObjectNode r) {
        List<String> arns = strings(r.path("TargetGroupArns"));
        List<String> names = strings(r.path("Names"));
        String lbArn = r.path("LoadBalancerArn").asText(null);
        List<TargetGroup> all = new ArrayList<>();
        if (!arns.isEmpty()) {
            arns.forEach(a -> all.add(targetGroup(a)));
        } else if (!names.isEmpty()) {
            for (String n : names) {
                TargetGroup tg = targetGroups.values().stream().filter(t -> t.name.equals(n)).findFirst()
                        .orElseThrow(() -> error("TargetGroupNotFound", "One or more target groups not found"));
                all.add(tg);
            }
        } else if (lbArn != null) {
            LoadBalancer lb = loadBalancer(lbArn);
            Set<String> used = targetGroupsOf(lb);
            targetGroups.values().stream().filter(t -> used.contains(t.arn)).forEach(all::add);
        } else {
            all.addAll(targetGroups.values());
        }
        return paged(all, r, this::targetGroupsOut);
    }

    private ObjectNode targetGroupsOut(List<TargetGroup> tgs) {
        ObjectNode out = AwsJson.object();
        ArrayNode list = out.putArray("TargetGroups");
        for (TargetGroup tg : tgs) {
            ObjectNode n = list.addObject();
            n.put("TargetGroupArn", tg.arn).put("TargetGroupName", tg.name).put("Protocol", tg.protocol).put("Port", tg.port)
                    .put("VpcId", tg.vpcId).put("HealthCheckProtocol", tg.healthCheckProtocol).put("HealthCheckPort", tg.healthCheckPort)
                    .put("HealthCheckEnabled", tg.healthCheckEnabled).put("HealthCheckIntervalSeconds", tg.healthCheckIntervalSeconds)
                    .put("HealthCheckTimeoutSeconds", tg.healthCheckTimeoutSeconds).put("HealthyThresholdCount", tg.healthyThresholdCount)
                    .put("UnhealthyThresholdCount", tg.unhealthyThresholdCount).put("HealthCheckPath", tg.healthCheckPath)
                    .put("TargetType", tg.targetType).put("ProtocolVersion", tg.protocolVersion).put("IpAddressType", tg.ipAddressType);
            n.putObject("Matcher").put("HttpCode", tg.matcher);
            ArrayNode lbs = n.putArray("LoadBalancerArns");
            loadBalancersUsing(tg.arn).forEach(lbs::add);
        }
        return out;
    }

    private ObjectNode modifyTargetGroup(ObjectNode r) {
        TargetGroup tg = targetGroup(r.path("TargetGroupArn").asText());
        applyHealthCheck(tg, r);
        return targetGroupsOut(List.of(tg));
    }

    private ObjectNode deleteTargetGroup(ObjectNode r) {
        String arn = r.path("TargetGroupArn").asText();
        if (targetGroups.containsKey(arn) && !loadBalancersUsing(arn).isEmpty()) {
            // DeleteTargetGroup: "You can delete a target group if it is not referenced by any actions." (ResourceInUse)
            throw error("ResourceInUse", "Target group '" + arn + "' is currently in use by a listener or a rule");
        }
        targetGroups.remove(arn);
        tags.remove(arn);
        return AwsJson.object();
    }

    private ObjectNode targetGroupAttributes(TargetGroup tg) {
        ObjectNode out = AwsJson.object();
        ArrayNode list = out.putArray("Attributes");
        tg.attributes.forEach((k, v) -> list.addObject().put("Key", k).put("Value", v));
        return out;
    }

    private ObjectNode modifyTargetGroupAttributes(ObjectNode r) {
        TargetGroup tg = targetGroup(r.path("TargetGroupArn").asText());
        Map<String, String> next = new LinkedHashMap<>(tg.attributes);
        for (JsonNode a : r.path("Attributes")) {
            String key = a.path("Key").asText();
            String value = a.path("Value").asText();
            switch (key) {
                // Target group attributes (ALB guide): deregistration_delay.timeout_seconds "The range is 0-3600 seconds"
                case "deregistration_delay.timeout_seconds" -> checkRange(key, value, 0, 3600);
                // stickiness.lb_cookie.duration_seconds "The range is 1 second to 1 week (604800 seconds)"
                case "stickiness.lb_cookie.duration_seconds" -> checkRange(key, value, 1, 604800);
                case "stickiness.enabled" -> {
                    if (!value.equals("true") && !value.equals("false")) {
                        throw validation("Attribute '" + key + "' must be 'true' or 'false'");
                    }
                }
                case "stickiness.type" -> {
                    if (!Set.of("lb_cookie", "app_cookie").contains(value)) {
                        throw validation("Attribute '" + key + "' must be 'lb_cookie' or 'app_cookie' for Application Load Balancers");
                    }
                }
                case "load_balancing.algorithm.type" -> {
                    if (!Set.of("round_robin", "least_outstanding_requests", "weighted_random").contains(value)) {
                        throw validation("Attribute '" + key + "' has an invalid value '" + value + "'");
                    }
                }
                default -> throw validation("Target group attribute key '" + key + "' is not recognized");
            }
            next.put(key, value);
        }
        tg.attributes.clear();
        tg.attributes.putAll(next);
        return targetGroupAttributes(tg);
    }

    private static void checkRange(String key, String value, int min, int max) {
        try {
            int v = Integer.parseInt(value);
            if (v >= min && v <= max) {
                return;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw validation("Attribute '" + key + "' must be an integer between " + min + " and " + max + ", was '" + value + "'");
    }

    private TargetGroup targetGroup(String arn) {
        TargetGroup tg = targetGroups.get(arn);
        if (tg == null) {
            throw error("TargetGroupNotFound", "Target groups '" + arn + "' not found");
        }
        return tg;
    }

    /** The load balancers whose listeners forward to {@code tgArn} (in a default action or a rule). */
    private List<String> loadBalancersUsing(String tgArn) {
        List<String> out = new ArrayList<>();
        for (LoadBalancer lb : loadBalancers.values()) {
            if (targetGroupsOf(lb).contains(tgArn)) {
                out.add(lb.arn);
            }
        }
        return out;
    }

    private Set<String> targetGroupsOf(LoadBalancer lb) {
        Set<String> out = new LinkedHashSet<>();
        for (Listener l : lb.listeners.values()) {
            out.addAll(forwardTargets(l.defaultRule.actions).keySet());
            for (Rule rule : l.rules.values()) {
                out.addAll(forwardTargets(rule.actions).keySet());
            }
        }
        return out;
    }

    /** Target group ARN to weight of the forward action among {@code actions} (empty for none). */
    static Map<String, Integer> forwardTargets(JsonNode actions) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (JsonNode a : actions) {
            if (!a.path("Type").asText().equals("forward")) {
                continue;
            }
            JsonNode groups = a.path("ForwardConfig").path("TargetGroups");
            if (groups.isArray() && !groups.isEmpty()) {
                groups.forEach(g -> out.put(g.path("TargetGroupArn").asText(), g.path("Weight").asInt(1)));
            } else if (a.has("TargetGroupArn")) {
                out.put(a.path("TargetGroupArn").asText(), 1);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ listeners

    private ObjectNode createListener(ObjectNode r) {
        LoadBalancer lb = loadBalancer(r.path("LoadBalancerArn").asText());
        String protocol = r.path("Protocol").asText("HTTP");
        int port = r.path("Port").asInt(protocol.equals("HTTPS") ? 443 : 80);
        if (!Set.of("HTTP", "HTTPS").contains(protocol)) {
            // CreateListener, Protocol: "For Application Load Balancers, the supported protocols are HTTP and HTTPS."
            throw error("UnsupportedProtocol", "Protocol '" + protocol + "' is not supported by Application Load Balancers");
        }
        if (protocol.equals("HTTPS") && r.path("Certificates").isEmpty()) {
            // CreateListener, Certificates: "[HTTPS and TLS listeners] The default certificate for the listener. You must provide exactly one certificate."
            throw validation("A certificate must be specified for HTTPS listeners");
        }
        for (Listener l : lb.listeners.values()) {
            if (l.port == port) {
                throw error("DuplicateListener", "A listener already exists on this port for this load balancer '" + lb.arn + "'");
            }
        }
        if (lb.listeners.size() >= MAX_LISTENERS) {
            throw error("TooManyListeners", "You've reached the limit on the number of listeners per load balancer");
        }
        checkActions("DefaultActions", r.path("DefaultActions"), lb);
        Listener l = new Listener();
        l.lb = lb;
        l.id = hex(16);
        l.arn = arn("listener/app/" + lb.name + "/" + lb.id + "/" + l.id);
        l.protocol = protocol;
        l.port = port;
        l.certificates = r.path("Certificates").isArray() ? (ArrayNode) r.path("Certificates").deepCopy() : null;
        l.sslPolicy = protocol.equals("HTTPS") ? r.path("SslPolicy").asText("ELBSecurityPolicy-2016-08") : null;
        Rule d = new Rule();
        d.arn = arn("listener-rule/app/" + lb.name + "/" + lb.id + "/" + l.id + "/" + hex(16));
        d.listener = l;
        d.isDefault = true;
        d.priority = Integer.MAX_VALUE;
        d.conditions = AwsJson.array();
        d.actions = normalizeActions(r.path("DefaultActions"));
        l.defaultRule = d;
        lb.listeners.put(l.arn, l);
        putTags(l.arn, r.path("Tags"));
        return listenersOut(List.of(l));
    }

    private ObjectNode listenersOut(List<Listener> ls) {
        ObjectNode out = AwsJson.object();
        ArrayNode list = out.putArray("Listeners");
        for (Listener l : ls) {
            ObjectNode n = list.addObject().put("ListenerArn", l.arn).put("LoadBalancerArn", l.lb.arn).put("Port", l.port)
                    .put("Protocol", l.protocol);
            if (l.certificates != null) {
                n.set("Certificates", l.certificates);
            }
            if (l.sslPolicy != null) {
                n.put("SslPolicy", l.sslPolicy);
            }
            n.set("DefaultActions", l.defaultRule.actions.deepCopy());
        }
        return out;
    }

    private ObjectNode describeListeners(ObjectNode r) {
        List<String> arns = strings(r.path("ListenerArns"));
        List<Listener> all = new ArrayList<>();
        if (!arns.isEmpty()) {
            arns.forEach(a -> all.add(listener(a)));
        } else if (r.has("LoadBalancerArn")) {
            all.addAll(loadBalancer(r.path("LoadBalancerArn").asText()).listeners.values());
        } else {
            throw validation("You must specify either listener ARNs or a load balancer ARN");
        }
        return paged(all, r, this::listenersOut);
    }

    private ObjectNode modifyListener(ObjectNode r) {
        Listener l = listener(r.path("ListenerArn").asText());
        if (r.has("Port") && r.path("Port").asInt() != l.port) {
            for (Listener other : l.lb.listeners.values()) {
                if (other != l && other.port == r.path("Port").asInt()) {
                    throw error("DuplicateListener", "A listener already exists on this port for this load balancer '" + l.lb.arn + "'");
                }
            }
            l.port = r.path("Port").asInt();
        }
        if (r.has("DefaultActions")) {
            checkActions("DefaultActions", r.path("DefaultActions"), l.lb);
            l.defaultRule.actions = normalizeActions(r.path("DefaultActions"));
        }
        return listenersOut(List.of(l));
    }

    private ObjectNode deleteListener(ObjectNode r) {
        String arn = r.path("ListenerArn").asText();
        for (LoadBalancer lb : loadBalancers.values()) {
            Listener l = lb.listeners.remove(arn);
            if (l != null) {
                tags.remove(arn);
                l.rules.keySet().forEach(tags::remove);
                return AwsJson.object();
            }
        }
        throw error("ListenerNotFound", "Listener '" + arn + "' not found");
    }

    private Listener listener(String arn) {
        for (LoadBalancer lb : loadBalancers.values()) {
            Listener l = lb.listeners.get(arn);
            if (l != null) {
                return l;
            }
        }
        throw error("ListenerNotFound", "Listener '" + arn + "' not found");
    }

    // ------------------------------------------------------------------ rules

    private ObjectNode createRule(ObjectNode r) {
        Listener l = listener(r.path("ListenerArn").asText());
        int priority = r.path("Priority").asInt();
        for (Rule other : l.rules.values()) {
            if (other.priority == priority) {
                // CreateRule, Priority: "A listener can't have multiple rules with the same priority." (PriorityInUse)
                throw error("PriorityInUse", "Priority '" + priority + "' is currently in use");
            }
        }
        int rules = l.lb.listeners.values().stream().mapToInt(x -> x.rules.size()).sum();
        if (rules >= MAX_RULES) {
            throw error("TooManyRules", "You've reached the limit on the number of rules per load balancer");
        }
        checkConditions(r.path("Conditions"));
        checkActions("Actions", r.path("Actions"), l.lb);
        Rule rule = new Rule();
        rule.listener = l;
        rule.arn = arn("listener-rule/app/" + l.lb.name + "/" + l.lb.id + "/" + l.id + "/" + hex(16));
        rule.priority = priority;
        rule.conditions = normalizeConditions(r.path("Conditions"));
        rule.actions = normalizeActions(r.path("Actions"));
        l.rules.put(rule.arn, rule);
        putTags(rule.arn, r.path("Tags"));
        return rulesOut(List.of(rule));
    }

    private ObjectNode describeRules(ObjectNode r) {
        List<String> arns = strings(r.path("RuleArns"));
        List<Rule> all = new ArrayList<>();
        if (!arns.isEmpty()) {
            arns.forEach(a -> all.add(rule(a)));
        } else if (r.has("ListenerArn")) {
            Listener l = listener(r.path("ListenerArn").asText());
            l.rules.values().stream().sorted(Comparator.comparingInt(x -> x.priority)).forEach(all::add);
            all.add(l.defaultRule);
        } else {
            throw validation("You must specify either listener ARN or rule ARNs");
        }
        return paged(all, r, this::rulesOut);
    }

    private ObjectNode rulesOut(List<Rule> rules) {
        ObjectNode out = AwsJson.object();
        ArrayNode list = out.putArray("Rules");
        for (Rule rule : rules) {
            ObjectNode n = list.addObject().put("RuleArn", rule.arn)
                    .put("Priority", rule.isDefault ? "default" : String.valueOf(rule.priority)).put("IsDefault", rule.isDefault);
            n.set("Conditions", rule.conditions.deepCopy());
            n.set("Actions", rule.actions.deepCopy());
        }
        return out;
    }

    private ObjectNode modifyRule(ObjectNode r) {
        Rule rule = rule(r.path("RuleArn").asText());
        if (r.has("Conditions")) {
            if (rule.isDefault) {
                // ModifyRule: "To modify the actions for the default rule, use ModifyListener." Default rules have no conditions.
                throw error("OperationNotPermitted", "The default rule cannot have conditions");
            }
            checkConditions(r.path("Conditions"));
        }
        if (r.has("Actions")) {
            checkActions("Actions", r.path("Actions"), rule.listener.lb);
        }
        if (r.has("Conditions")) {
            rule.conditions = normalizeConditions(r.path("Conditions"));
        }
        if (r.has("Actions")) {
            rule.actions = normalizeActions(r.path("Actions"));
        }
        return rulesOut(List.of(rule));
    }

    private ObjectNode deleteRule(ObjectNode r) {
        Rule rule = rule(r.path("RuleArn").asText());
        if (rule.isDefault) {
            // DeleteRule: "You can't delete the default rule."
            throw error("OperationNotPermitted", "Default rule '" + rule.arn + "' cannot be deleted");
        }
        rule.listener.rules.remove(rule.arn);
        tags.remove(rule.arn);
        return AwsJson.object();
    }

    private ObjectNode setRulePriorities(ObjectNode r) {
        Map<Rule, Integer> next = new LinkedHashMap<>();
        for (JsonNode p : r.path("RulePriorities")) {
            Rule rule = rule(p.path("RuleArn").asText());
            if (rule.isDefault) {
                // SetRulePriorities: "You can't change the priority of the default rule."
                throw error("OperationNotPermitted", "The priority of the default rule cannot be changed");
            }
            next.put(rule, p.path("Priority").asInt());
        }
        for (Map.Entry<Rule, Integer> e : next.entrySet()) {
            for (Rule other : e.getKey().listener.rules.values()) {
                int otherPriority = next.getOrDefault(other, other.priority);
                if (other != e.getKey() && otherPriority == e.getValue()) {
                    throw error("PriorityInUse", "Priority '" + e.getValue() + "' is currently in use");
                }
            }
        }
        next.forEach((rule, p) -> rule.priority = p);
        return rulesOut(new ArrayList<>(next.keySet()));
    }

    private Rule rule(String arn) {
        for (LoadBalancer lb : loadBalancers.values()) {
            for (Listener l : lb.listeners.values()) {
                if (l.defaultRule.arn.equals(arn)) {
                    return l.defaultRule;
                }
                Rule rule = l.rules.get(arn);
                if (rule != null) {
                    return rule;
                }
            }
        }
        throw error("RuleNotFound", "One or more rules not found");
    }

    /**
     * Rule conditions, from "Listener rules for your Application Load Balancer" (rule basics and
     * condition types): a rule needs at least one condition; at most one each of host-header,
     * path-pattern, http-request-method and source-ip; values in {@code Values} or in the field's
     * config, not both with different contents; up to five condition values per rule (quota);
     * a path pattern or host header is at most 128 characters; an HTTP header name at most 40.
     */
    private static void checkConditions(JsonNode conditions) {
        if (!conditions.isArray() || conditions.isEmpty()) {
            throw validation("A rule must have at least one condition");
        }
        Set<String> once = new HashSet<>();
        int values = 0;
        for (JsonNode c : conditions) {
            String field = c.path("Field").asText("");
            List<String> vs = conditionValues(c);
            switch (field) {
                case "host-header", "path-pattern", "http-request-method", "source-ip" -> {
                    if (!once.add(field)) {
                        throw validation("A rule can only have one '" + field + "' condition");
                    }
                }
                case "http-header" -> {
                    String name = c.path("HttpHeaderConfig").path("HttpHeaderName").asText("");
                    if (name.isEmpty() || name.length() > 40 || !name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                        throw validation("HTTP header name '" + name + "' must be 1-40 characters of a valid header name");
                    }
                }
                case "query-string" -> {
                }
                default -> throw validation("Condition field '" + field + "' must be one of [http-header, http-request-method, "
                        + "host-header, path-pattern, query-string, source-ip]");
            }
            if (vs.isEmpty()) {
                throw validation("A '" + field + "' condition must have at least one value");
            }
            for (String v : vs) {
                if (v.length() > 128) {
                    throw validation("Condition value '" + v + "' must be at most 128 characters");
                }
                if (field.equals("path-pattern") && !v.startsWith("/") && !v.startsWith("*")) {
                    throw validation("Path pattern '" + v + "' must begin with '/' or a wildcard");
                }
            }
            values += vs.size();
        }
        if (values > MAX_CONDITION_VALUES) {
            throw validation("A rule can have at most " + MAX_CONDITION_VALUES + " condition values, it has " + values);
        }
    }

    /** A condition's values, from its field's config or its legacy {@code Values}. */
    static List<String> conditionValues(JsonNode c) {
        List<String> out = new ArrayList<>();
        JsonNode config = switch (c.path("Field").asText("")) {
            case "host-header" -> c.path("HostHeaderConfig").path("Values");
            case "path-pattern" -> c.path("PathPatternConfig").path("Values");
            case "http-header" -> c.path("HttpHeaderConfig").path("Values");
            case "http-request-method" -> c.path("HttpRequestMethodConfig").path("Values");
            case "source-ip" -> c.path("SourceIpConfig").path("Values");
            case "query-string" -> c.path("QueryStringConfig").path("Values");
            default -> AwsJson.array();
        };
        if (config.isArray() && !config.isEmpty()) {
            config.forEach(v -> out.add(v.isObject() ? v.path("Key").asText("") + "=" + v.path("Value").asText("") : v.asText()));
        } else {
            c.path("Values").forEach(v -> out.add(v.asText()));
        }
        return out;
    }

    /** Conditions as DescribeRules answers them: Values and the field's config both filled. */
    private static ArrayNode normalizeConditions(JsonNode conditions) {
        ArrayNode out = AwsJson.array();
        for (JsonNode c : conditions) {
            ObjectNode n = ((ObjectNode) c).deepCopy();
            String field = c.path("Field").asText();
            List<String> vs = conditionValues(c);
            String config = switch (field) {
                case "host-header" -> "HostHeaderConfig";
                case "path-pattern" -> "PathPatternConfig";
                case "http-request-method" -> "HttpRequestMethodConfig";
                case "source-ip" -> "SourceIpConfig";
                default -> null;
            };
            if (config != null) {
                ArrayNode values = n.putArray("Values");
                vs.forEach(values::add);
                ArrayNode cv = n.putObject(config).putArray("Values");
                vs.forEach(cv::add);
            }
            out.add(n);
        }
        return out;
    }

    /**
     * Rule and default actions: exactly one terminal action (forward, redirect or fixed-response),
     * last in order ("Listener rules": rule basics); a forward names its target groups either in
     * {@code TargetGroupArn} or in {@code ForwardConfig} (both only with the same single group,
     * ForwardConfig reference); 1–5 target groups per forward (quota "target groups per action"),
     * each weight 0–999 (TargetGroupTuple), at least one above 0? not required; stickiness duration
     * 1–604800 s when enabled (TargetGroupStickinessConfig); each group must exist
     * (TargetGroupNotFound), be HTTP/HTTPS, and be used by no other load balancer (quota "load
     * balancers per target group": 1 → TargetGroupAssociationLimit); at most 100 distinct groups per
     * load balancer (TooManyUniqueTargetGroupsPerLoadBalancer).
     */
    private void checkActions(String field, JsonNode actions, LoadBalancer lb) {
        if (!actions.isArray() || actions.isEmpty()) {
            throw validation(field + " must contain at least one action");
        }
        int terminal = 0;
        int lastOrder = Integer.MIN_VALUE;
        int index = 0;
        Set<String> groups = new LinkedHashSet<>();
        for (JsonNode a : actions) {
            index++;
            String type = a.path("Type").asText();
            switch (type) {
                case "forward" -> {
                    terminal++;
                    JsonNode tuples = a.path("ForwardConfig").path("TargetGroups");
                    String single = a.path("TargetGroupArn").asText(null);
                    if (single == null && (!tuples.isArray() || tuples.isEmpty())) {
                        throw validation("A forward action must specify a target group ARN or a forward config with target groups");
                    }
                    if (single != null && tuples.isArray() && !tuples.isEmpty()
                            && (tuples.size() != 1 || !single.equals(tuples.get(0).path("TargetGroupArn").asText()))) {
                        throw validation("You cannot specify both a target group ARN and a forward config with other target groups");
                    }
                    if (tuples.size() > MAX_TARGET_GROUPS_PER_ACTION) {
                        throw error("TooManyTargetGroups", "A forward action can have at most " + MAX_TARGET_GROUPS_PER_ACTION
                                + " target groups, it has " + tuples.size());
                    }
                    Set<String> inAction = new HashSet<>();
                    for (JsonNode t : tuples) {
                        int w = t.path("Weight").asInt(1);
                        if (w < 0 || w > MAX_WEIGHT) {
                            throw validation("Target group weight '" + w + "' must be between 0 and " + MAX_WEIGHT);
                        }
                        if (!inAction.add(t.path("TargetGroupArn").asText())) {
                            throw validation("Target group '" + t.path("TargetGroupArn").asText() + "' appears twice in one forward action");
                        }
                    }
                    JsonNode sticky = a.path("ForwardConfig").path("TargetGroupStickinessConfig");
                    if (sticky.path("Enabled").asBoolean(false)) {
                        int d = sticky.path("DurationSeconds").asInt(0);
                        if (d < 1 || d > 604800) {
                            throw validation("Target group stickiness duration '" + d + "' must be between 1 and 604800 seconds");
                        }
                    }
                    groups.addAll(forwardTargets(AwsJson.array().add(a)).keySet());
                }
                case "fixed-response" -> {
                    terminal++;
                    String code = a.path("FixedResponseConfig").path("StatusCode").asText("");
                    if (!code.matches("[245]\\d\\d")) {
                        throw validation("Fixed response status code '" + code + "' must be 2XX, 4XX or 5XX");
                    }
                }
                case "redirect" -> {
                    terminal++;
                    String code = a.path("RedirectConfig").path("StatusCode").asText("");
                    if (!Set.of("HTTP_301", "HTTP_302").contains(code)) {
                        throw validation("Redirect status code must be HTTP_301 or HTTP_302");
                    }
                }
                default -> throw error("InvalidLoadBalancerAction", "The local cloud does not emulate action type '" + type + "'");
            }
            int order = a.path("Order").asInt(index);
            if (order <= lastOrder) {
                throw validation("Action orders must be unique and ascending");
            }
            lastOrder = order;
        }
        if (terminal != 1) {
            throw error("InvalidLoadBalancerAction", "Exactly one forward, redirect or fixed-response action is required, found " + terminal);
        }
        String lastType = actions.get(actions.size() - 1).path("Type").asText();
        if (!Set.of("forward", "redirect", "fixed-response").contains(lastType)) {
            throw error("InvalidLoadBalancerAction", "The forward, redirect or fixed-response action must be the last action");
        }
        for (String arn : groups) {
            TargetGroup tg = targetGroup(arn);
            for (String other : loadBalancersUsing(arn)) {
                if (!other.equals(lb.arn)) {
                    throw error("TargetGroupAssociationLimit", "The following target groups cannot be associated with more than one "
                            + "load balancer: " + arn);
                }
            }
            if (!Set.of("HTTP", "HTTPS").contains(tg.protocol)) {
                throw error("IncompatibleProtocols", "Target group '" + arn + "' has protocol " + tg.protocol
                        + ", incompatible with an Application Load Balancer");
            }
        }
        Set<String> all = new HashSet<>(targetGroupsOf(lb));
        all.addAll(groups);
        if (all.size() > MAX_TARGET_GROUPS_PER_LB) {
            throw error("TooManyUniqueTargetGroupsPerLoadBalancer", "You've reached the limit on the number of unique target "
                    + "groups per load balancer");
        }
    }

    /** Actions as DescribeRules answers them: Order filled, a single TargetGroupArn also as a ForwardConfig of weight 1. */
    private static ArrayNode normalizeActions(JsonNode actions) {
        ArrayNode out = AwsJson.array();
        int index = 0;
        for (JsonNode a : actions) {
            index++;
            ObjectNode n = ((ObjectNode) a).deepCopy();
            n.put("Order", a.path("Order").asInt(index));
            if (a.path("Type").asText().equals("forward")) {
                Map<String, Integer> targets = forwardTargets(AwsJson.array().add(a));
                ObjectNode fc = n.putObject("ForwardConfig");
                ArrayNode tgs = fc.putArray("TargetGroups");
                targets.forEach((arn, w) -> tgs.addObject().put("TargetGroupArn", arn).put("Weight", w));
                JsonNode sticky = a.path("ForwardConfig").path("TargetGroupStickinessConfig");
                ObjectNode s = fc.putObject("TargetGroupStickinessConfig").put("Enabled", sticky.path("Enabled").asBoolean(false));
                if (sticky.has("DurationSeconds")) {
                    s.put("DurationSeconds", sticky.path("DurationSeconds").asInt());
                }
                if (targets.size() == 1) {
                    n.put("TargetGroupArn", targets.keySet().iterator().next());
                } else {
                    n.remove("TargetGroupArn");
                }
            }
            out.add(n);
        }
        return out;
    }

    // ------------------------------------------------------------------ targets

    private ObjectNode registerTargets(ObjectNode r, Instant now) {
        TargetGroup tg = targetGroup(r.path("TargetGroupArn").asText());
        List<Target> add = new ArrayList<>();
        for (JsonNode t : r.path("Targets")) {
            add.add(target(tg, t));
        }
        register(tg, add, null, now);
        return AwsJson.object();
    }

    private void register(TargetGroup tg, List<Target> add, String owner, Instant now) {
        long fresh = add.stream().filter(t -> !tg.targets.containsKey(t.key()) || tg.targets.get(t.key()).drainUntil != null).count();
        if (tg.targets.size() + fresh > MAX_TARGETS) {
            throw error("TooManyTargets", "You've reached the limit on the number of targets per target group (" + MAX_TARGETS + ")");
        }
        for (Target t : add) {
            Target existing = tg.targets.get(t.key());
            if (existing != null && existing.drainUntil == null) {
                if (owner != null) {
                    existing.owner = owner;
                }
                continue; // RegisterTargets of a registered target changes nothing
            }
            t.owner = owner;
            t.registeredAt = now;
            t.nextCheckAt = now.plusSeconds(tg.healthCheckIntervalSeconds);
            tg.targets.put(t.key(), t);
        }
    }

    /** A target of a RegisterTargets/DeregisterTargets/DescribeTargetHealth request, checked against the group's type. */
    private static Target target(TargetGroup tg, JsonNode t) {
        String id = t.path("Id").asText();
        if (tg.targetType.equals("ip")) {
            java.util.regex.Matcher m = IPV4.matcher(id);
            boolean ok = m.matches();
            for (int i = 1; ok && i <= 4; i++) {
                ok = Integer.parseInt(m.group(i)) <= 255;
            }
            if (!ok) {
                // TargetDescription.Id: "If the target type is ip, specify an IP address."
                throw error("InvalidTarget", "The IP address '" + id + "' is not a valid IPv4 address");
            }
        } else if (!id.matches("i-[0-9a-f]{8}([0-9a-f]{9})?")) {
            throw error("InvalidTarget", "The following targets are not valid instances: '" + id + "'");
        }
        Target out = new Target();
        out.id = id;
        out.port = t.has("Port") ? t.path("Port").asInt() : tg.port;
        out.availabilityZone = t.path("AvailabilityZone").asText(null);
        return out;
    }

    private ObjectNode deregisterTargets(ObjectNode r, Instant now) {
        TargetGroup tg = targetGroup(r.path("TargetGroupArn").asText());
        List<String> keys = new ArrayList<>();
        for (JsonNode t : r.path("Targets")) {
            Target probe = target(tg, t);
            if (!tg.targets.containsKey(probe.key())) {
                // DeregisterTargets, InvalidTarget: "The specified target does not exist, is not in the same VPC as the target group, ..."
                throw error("InvalidTarget", "The following targets are not registered in target group '" + tg.arn + "': '" + probe.id + "'");
            }
            keys.add(probe.key());
        }
        keys.forEach(k -> drain(tg, tg.targets.get(k), now));
        return AwsJson.object();
    }

    private void drain(TargetGroup tg, Target t, Instant now) {
        if (t.drainUntil != null) {
            return;
        }
        if (loadBalancersUsing(tg.arn).isEmpty() || tg.deregistrationDelaySeconds() == 0) {
            tg.targets.remove(t.key());
            return;
        }
        // Target group health, "draining": "The target is deregistering and connection draining is in process."
        t.state = "draining";
        t.reason = "Target.DeregistrationInProgress";
        t.description = "Target deregistration is in progress";
        t.drainUntil = now.plusSeconds(tg.deregistrationDelaySeconds());
    }

    private ObjectNode describeTargetHealth(ObjectNode r) {
        TargetGroup tg = targetGroup(r.path("TargetGroupArn").asText());
        boolean used = !loadBalancersUsing(tg.arn).isEmpty();
        ObjectNode out = AwsJson.object();
        ArrayNode list = out.putArray("TargetHealthDescriptions");
        if (r.path("Targets").isArray() && !r.path("Targets").isEmpty()) {
            for (JsonNode t : r.path("Targets")) {
                Target probe = target(tg, t);
                Target known = tg.targets.get(probe.key());
                if (known == null) {
                    describe(list, tg, probe, "unused", "Target.NotRegistered", "Target is not registered to the target group");
                } else {
                    describe(list, tg, known, used);
                }
            }
        } else {
            tg.targets.values().forEach(t -> describe(list, tg, t, used));
        }
        return out;
    }

    private void describe(ArrayNode list, TargetGroup tg, Target t, boolean used) {
        if (!used && t.drainUntil == null) {
            describe(list, tg, t, "unused", "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer");
        } else {
            describe(list, tg, t, t.state, t.state.equals("healthy") ? null : t.reason, t.state.equals("healthy") ? null : t.description);
        }
    }

    private static void describe(ArrayNode list, TargetGroup tg, Target t, String state, String reason, String description) {
        ObjectNode n = list.addObject();
        ObjectNode target = n.putObject("Target").put("Id", t.id).put("Port", t.port);
        if (t.availabilityZone != null) {
            target.put("AvailabilityZone", t.availabilityZone);
        }
        n.put("HealthCheckPort", tg.healthCheckPort.equals("traffic-port") ? String.valueOf(t.port) : tg.healthCheckPort);
        ObjectNode h = n.putObject("TargetHealth").put("State", state);
        if (reason != null) {
            h.put("Reason", reason).put("Description", description);
        }
    }

    // ------------------------------------------------------------------ tags

    private void putTags(String arn, JsonNode list) {
        if (!list.isArray() || list.isEmpty()) {
            return;
        }
        Map<String, String> t = tags.computeIfAbsent(arn, k -> new LinkedHashMap<>());
        Set<String> seen = new HashSet<>();
        for (JsonNode tag : list) {
            if (!seen.add(tag.path("Key").asText())) {
                throw error("DuplicateTagKeys", "Tag key '" + tag.path("Key").asText() + "' is duplicated");
            }
        }
        list.forEach(tag -> t.put(tag.path("Key").asText(), tag.path("Value").asText("")));
        // Quotas: "Tags per resource: 50" (TooManyTags)
        if (t.size() > 50) {
            throw error("TooManyTags", "You've reached the limit on the number of tags for this resource");
        }
    }

    private boolean exists(String arn) {
        if (loadBalancers.containsKey(arn) || targetGroups.containsKey(arn)) {
            return true;
        }
        try {
            listener(arn);
            return true;
        } catch (AwsError e) {
            try {
                rule(arn);
                return true;
            } catch (AwsError e2) {
                return false;
            }
        }
    }

    private ObjectNode addTags(ObjectNode r) {
        for (String arn : strings(r.path("ResourceArns"))) {
            if (!exists(arn)) {
                throw notFoundFor(arn);
            }
            putTags(arn, r.path("Tags"));
        }
        return AwsJson.object();
    }

    private ObjectNode removeTags(ObjectNode r) {
        for (String arn : strings(r.path("ResourceArns"))) {
            if (!exists(arn)) {
                throw notFoundFor(arn);
            }
            Map<String, String> t = tags.get(arn);
            if (t != null) {
                strings(r.path("TagKeys")).forEach(t::remove);
            }
        }
        return AwsJson.object();
    }

    private ObjectNode describeTags(ObjectNode r) {
        ObjectNode out = AwsJson.object();
        ArrayNode list = out.putArray("TagDescriptions");
        for (String arn : strings(r.path("ResourceArns"))) {
            if (!exists(arn)) {
                throw notFoundFor(arn);
            }
            ObjectNode n = list.addObject().put("ResourceArn", arn);
            ArrayNode ts = n.putArray("Tags");
            tags.getOrDefault(arn, Map.of()).forEach((k, v) -> ts.addObject().put("Key", k).put("Value", v));
        }
        return out;
    }

    private static AwsError notFoundFor(String arn) {
        if (arn.contains(":targetgroup/")) {
            return error("TargetGroupNotFound", "Target groups '" + arn + "' not found");
        }
        if (arn.contains(":listener-rule/")) {
            return error("RuleNotFound", "One or more rules not found");
        }
        if (arn.contains(":listener/")) {
            return error("ListenerNotFound", "Listener '" + arn + "' not found");
        }
        return error("LoadBalancerNotFound", "Load balancer '" + arn + "' not found");
    }

    // ------------------------------------------------------------------ health and ECS

    /** What ECS needs of a target group before it registers tasks in it. */
    public record TargetGroupInfo(String arn, String targetType, int port, boolean attached) {
    }

    /** The target group {@code arn}, if it exists here. */
    /**
     * The Route 53 hosted zone of this Region's Application Load Balancers, which DescribeLoadBalancers answers as
     * {@code CanonicalHostedZoneId} and an alias record must name (AWS General Reference, "Elastic Load Balancing
     * endpoints and quotas", the Application Load Balancer column); Regions not listed get a stable made-up id.
     */
    public String canonicalHostedZoneId() {
        return ALB_ZONES.getOrDefault(scope.region(), "Z" + Integer.toUnsignedString(scope.region().hashCode(), 36).toUpperCase(java.util.Locale.ROOT)
                + "LOCALALB");
    }

    static final Map<String, String> ALB_ZONES = Map.of("us-east-1", "Z35SXDOTRQ7X7K", "us-east-2", "Z3AADJGX6KTTL2",
            "us-west-1", "Z368ELLRRE2KJ0", "us-west-2", "Z1H1FL5HABSF5", "eu-west-1", "Z32O12XQLNTSW2",
            "eu-central-1", "Z215JYRZR1TBD5", "ap-southeast-1", "Z1LMS91P8CMLE5", "ap-southeast-2", "Z1GM3OXH4ZPM65",
            "ap-northeast-1", "Z14GRHDCWA56QT");

    /** The target groups and weights of a listener rule's forward action, when the rule exists. */
    public Optional<Map<String, Integer>> ruleForward(String ruleArn) {
        synchronized (lock) {
            try {
                return Optional.of(forwardTargets(rule(ruleArn).actions));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    /** Replaces a listener rule's actions by one weighted forward (what ECS does to shift a blue/green, linear or canary deployment). */
    public void setRuleForward(String ruleArn, Map<String, Integer> weights) {
        synchronized (lock) {
            ArrayNode actions = AwsJson.array();
            ObjectNode forward = actions.addObject().put("Type", "forward").put("Order", 1);
            ArrayNode groups = forward.putObject("ForwardConfig").putArray("TargetGroups");
            weights.forEach((tg, w) -> groups.addObject().put("TargetGroupArn", tg).put("Weight", w));
            rule(ruleArn).actions = normalizeActions(actions);
        }
    }

    /** Whether {@code zoneId} is a listed Region's Application Load Balancer zone. */
    public static boolean isCanonicalHostedZoneId(String zoneId) {
        return ALB_ZONES.containsValue(zoneId);
    }

    /** Whether a load balancer of this Region has {@code dnsName} (case and a trailing dot ignored; Route 53 alias targets). */
    public boolean hasLoadBalancerDns(String dnsName) {
        String n = dnsName.toLowerCase(java.util.Locale.ROOT).replaceAll("\\.$", "");
        String wanted = n.startsWith("dualstack.") ? n.substring("dualstack.".length()) : n;
        synchronized (lock) {
            return loadBalancers.values().stream().anyMatch(lb -> lb.dnsName.toLowerCase(java.util.Locale.ROOT).equals(wanted));
        }
    }

    public Optional<TargetGroupInfo> targetGroupInfo(String arn) {
        synchronized (lock) {
            TargetGroup tg = targetGroups.get(arn);
            return tg == null ? Optional.empty()
                    : Optional.of(new TargetGroupInfo(tg.arn, tg.targetType, tg.port, !loadBalancersUsing(arn).isEmpty()));
        }
    }

    /** Registers a task's IP for {@code owner} (the ECS service ARN), as ECS does for its loadBalancers; false when the group is gone. */
    public boolean registerTask(String tgArn, String ip, int port, String owner) {
        synchronized (lock) {
            TargetGroup tg = targetGroups.get(tgArn);
            if (tg == null) {
                return false;
            }
            Target t = new Target();
            t.id = ip;
            t.port = port;
            register(tg, List.of(t), owner, clock.instant());
            return true;
        }
    }

    /** Deregisters a stopping task (it drains for the group's deregistration delay). */
    public void deregisterTask(String tgArn, String ip, int port) {
        synchronized (lock) {
            TargetGroup tg = targetGroups.get(tgArn);
            Target t = tg == null ? null : tg.targets.get(ip + ":" + port);
            if (t != null) {
                drain(tg, t, clock.instant());
            }
        }
    }

    /**
     * Advances health checks and draining to {@code now}. The health of each IP is read from the
     * health source outside this emulator's lock (ECS calls into it while holding its own).
     *
     * <p>Target group health states (ALB guide, "Health checks for Application Load Balancer target
     * groups"): a newly registered target is {@code initial} until it passes one check (then
     * {@code healthy}) or fails {@code UnhealthyThresholdCount} in a row ({@code unhealthy},
     * Target.FailedHealthChecks); a healthy target turns unhealthy after UnhealthyThresholdCount
     * consecutive failures and back after HealthyThresholdCount consecutive successes; a target no
     * task answers on times out (Target.Timeout); checks run every HealthCheckIntervalSeconds.
     */
    public void tick(Instant now) {
        Set<String> ips = new HashSet<>();
        synchronized (lock) {
            for (TargetGroup tg : targetGroups.values()) {
                tg.targets.values().removeIf(t -> t.drainUntil != null && !now.isBefore(t.drainUntil));
                tg.targets.values().forEach(t -> ips.add(t.id));
            }
        }
        Map<String, Optional<Boolean>> answers = new HashMap<>();
        HealthSource source = health;
        for (String ip : ips) {
            answers.put(ip, source.healthy(ip));
        }
        synchronized (lock) {
            for (TargetGroup tg : targetGroups.values()) {
                for (Target t : tg.targets.values()) {
                    if (t.drainUntil != null) {
                        continue;
                    }
                    int checks = 0;
                    while (!t.nextCheckAt.isAfter(now) && checks++ < 1000) {
                        check(tg, t, answers.getOrDefault(t.id, Optional.empty()));
                        t.nextCheckAt = t.nextCheckAt.plusSeconds(tg.healthCheckIntervalSeconds);
                    }
                    if (checks >= 1000) {
                        t.nextCheckAt = now.plusSeconds(tg.healthCheckIntervalSeconds);
                    }
                }
            }
        }
    }

    private static void check(TargetGroup tg, Target t, Optional<Boolean> answer) {
        boolean ok = !tg.healthCheckEnabled || answer.orElse(false);
        if (ok) {
            t.okStreak++;
            t.failStreak = 0;
            if (t.state.equals("initial") || t.okStreak >= tg.healthyThresholdCount) {
                t.state = "healthy";
                t.reason = null;
                t.description = null;
            }
        } else {
            t.failStreak++;
            t.okStreak = 0;
            if (t.failStreak >= tg.unhealthyThresholdCount) {
                t.state = "unhealthy";
                t.reason = answer.isEmpty() ? "Target.Timeout" : "Target.FailedHealthChecks";
                t.description = answer.isEmpty() ? "Request timed out" : "Health checks failed";
            }
        }
    }

    // ------------------------------------------------------------------ routing (traffic simulator)

    @Override
    public List<Split> splits() {
        synchronized (lock) {
            List<Split> out = new ArrayList<>();
            for (LoadBalancer lb : loadBalancers.values()) {
                for (Listener l : lb.listeners.values()) {
                    Map<String, Split> byName = new LinkedHashMap<>();
                    List<Rule> ordered = ordered(l);
                    for (Rule source : ordered) {
                        Probe probe = Probe.of(source, lb.dnsName);
                        Rule matched = ordered.stream().filter(rule -> probe.matches(rule.conditions)).findFirst().orElse(l.defaultRule);
                        Map<String, Integer> weights = new LinkedHashMap<>();
                        forwardTargets(matched.actions).forEach((tgArn, w) -> {
                            TargetGroup tg = targetGroups.get(tgArn);
                            List<String> owners = tg == null ? List.of() : routable(tg);
                            for (String owner : owners) {
                                weights.merge(owner, w == 0 ? 0 : Math.max(1, w * 100 / owners.size()), Integer::sum);
                            }
                        });
                        String name = lb.name + ":" + l.port + probe.describe();
                        if (!weights.isEmpty()) {
                            byName.putIfAbsent(name, new Split(name, weights));
                        }
                    }
                    out.addAll(byName.values());
                }
            }
            return out;
        }
    }

    /** The rules of a listener in evaluation order: by priority, the default rule last. */
    private static List<Rule> ordered(Listener l) {
        List<Rule> out = new ArrayList<>(l.rules.values());
        out.sort(Comparator.comparingInt(r -> r.priority));
        out.add(l.defaultRule);
        return out;
    }

    /**
     * The ECS services a target group sends requests to: those whose healthy targets it has; when no
     * target is healthy, ALB fails open to all registered targets ("If a target group contains only
     * unhealthy registered targets, the load balancer routes requests to all those targets,
     * regardless of their health status", ALB guide, health checks); draining targets get none.
     */
    private static List<String> routable(TargetGroup tg) {
        Set<String> healthy = new LinkedHashSet<>();
        Set<String> registered = new LinkedHashSet<>();
        for (Target t : tg.targets.values()) {
            if (t.drainUntil != null || t.owner == null) {
                continue;
            }
            registered.add(t.owner);
            if (t.state.equals("healthy")) {
                healthy.add(t.owner);
            }
        }
        return new ArrayList<>(healthy.isEmpty() ? registered : healthy);
    }

    // ------------------------------------------------------------------ helpers

    /** One page of a Describe call: {@code PageSize} items (1–400, default 400) after {@code Marker}, with {@code NextMarker} when more follow. */
    private static <T> ObjectNode paged(List<T> all, ObjectNode r, java.util.function.Function<List<T>, ObjectNode> render) {
        Page<T> page = Page.of(all, r.path("Marker").asText(null), r.path("PageSize").asInt(400), () -> validation("Invalid marker"));
        ObjectNode out = render.apply(page.items());
        if (page.nextToken() != null) {
            out.put("NextMarker", page.nextToken());
        }
        return out;
    }

    /**
     * Load balancer and target group names (CreateLoadBalancer / CreateTargetGroup, Name): "This name
     * must be unique per region per account, can have a maximum of 32 characters, must contain only
     * alphanumeric characters or hyphens, and must not begin or end with a hyphen"; a load balancer
     * name "must not begin with 'internal-'".
     */
    private static void checkName(String kind, String name) {
        if (!NAME.matcher(name).matches()) {
            throw validation(kind + " name '" + name + "' cannot be longer than '32' characters, must contain only alphanumeric "
                    + "characters or hyphens, and must not begin or end with a hyphen");
        }
        if (kind.equals("LoadBalancer") && name.startsWith("internal-")) {
            throw validation("Load balancer name '" + name + "' cannot begin with 'internal-'");
        }
    }

    private String arn(String resource) {
        return "arn:aws:elasticloadbalancing:" + scope.region() + ":" + scope.account() + ":" + resource;
    }

    private String hex(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(Character.forDigit(random.nextInt(16), 16));
        }
        return sb.toString();
    }

    private static List<String> strings(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(v -> out.add(v.asText()));
        return out;
    }

    static AwsError validation(String message) {
        return AwsError.badRequest("ValidationError", message);
    }

    static AwsError error(String code, String message) {
        return AwsError.badRequest(code, message);
    }

}

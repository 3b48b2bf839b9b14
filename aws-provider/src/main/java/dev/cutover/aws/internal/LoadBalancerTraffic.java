package dev.cutover.aws.internal;

import dev.cutover.HealthCheck;
import dev.cutover.LoadBalancer;
import dev.cutover.Problem;
import dev.cutover.Release;
import dev.cutover.aws.internal.Layouts.Layout;
import dev.cutover.spi.ProviderException;
import dev.cutover.spi.RevisionRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleCondition;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupTuple;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/**
 * Traffic through an Application Load Balancer ({@code TrafficMode.LOAD_BALANCER}): per service one
 * listener rule (its path or host condition) whose forward action splits traffic between one target
 * group per revision ({@link Names#targetGroup}) by weight, and, with a preview header, a rule of
 * the next higher priority that sends the header's requests to the new revision's group. Each
 * revision runs as its own ECS service registered in its group ({@code loadBalancers}).
 *
 * <p>ELBv2 weights are relative (0–999 per group); Cutover writes percentages, so the rule reads
 * as the split. A group a rule forwards to cannot be deleted (ResourceInUse): retiring a revision
 * takes its group out of the rules first.
 */
public final class LoadBalancerTraffic {

    private static final Logger LOG = LoggerFactory.getLogger(LoadBalancerTraffic.class);
    private static final String[] LB_NOT_FOUND = {"LoadBalancerNotFound"};
    private static final String[] TG_NOT_FOUND = {"TargetGroupNotFound"};

    private final AwsRuntime rt;
    private final Map<String, String> listeners = new ConcurrentHashMap<>();

    public LoadBalancerTraffic(AwsRuntime rt) {
        this.rt = rt;
    }

    /** The rules of one service: the production rule and the preview rule, each when it exists. */
    record ServiceRules(Optional<Rule> production, Optional<Rule> preview, Set<Integer> taken) {
    }

    private ElasticLoadBalancingV2Client elb(Layout layout) {
        return rt.clients(layout).elb();
    }

    LoadBalancer loadBalancer(Layout layout) {
        return rt.layouts().loadBalancer(layout.environment()).orElseThrow(() -> new ProviderException("aws", "loadBalancer", false,
                "environment " + layout.environment() + " is in LOAD_BALANCER mode but its load balancer is unknown to this "
                        + "provider; declare the environment with .loadBalancer(...)"));
    }

    // ------------------------------------------------------------------ load balancer and listener

    /**
     * The listener's ARN: the load balancer (by name or ARN) and its listener on the configured port
     * are looked up, and created when the environment asks for it ({@code create(true)}: an internet-facing
     * ALB in the environment's subnets and security groups, the listener's default action a 404).
     */
    String listener(Layout layout) {
        String cached = listeners.get(layout.environment());
        if (cached != null) {
            return cached;
        }
        LoadBalancer lb = loadBalancer(layout);
        String lbArn = findLoadBalancer(layout, lb).orElseGet(() -> {
            if (!lb.create()) {
                throw new ProviderException("aws", "DescribeLoadBalancers", false, "load balancer " + lb.name() + " does not exist; "
                        + "create it, or let Cutover create it in bootstrap with .loadBalancer(lb -> lb.name(\"" + lb.name()
                        + "\").create(true))");
            }
            dev.cutover.Network n = layout.network();
            LOG.info("{}: creating load balancer {} in subnets {}", layout.environment(), lb.name(), n.subnets());
            return rt.elb("CreateLoadBalancer", () -> elb(layout).createLoadBalancer(b -> b.name(lb.name()).subnets(n.subnets())
                    .securityGroups(n.securityGroups()).type("application").scheme("internet-facing")
                    .tags(tag("cutover:environment", layout.environment())))).loadBalancers().get(0).loadBalancerArn();
        });
        List<Listener> existing = rt.elb("DescribeListeners", () -> elb(layout).describeListeners(b -> b.loadBalancerArn(lbArn)))
                .listeners();
        String arn = existing.stream().filter(l -> l.port() == lb.listenerPort()).map(Listener::listenerArn).findFirst().orElseGet(() -> {
            if (!lb.create()) {
                throw new ProviderException("aws", "DescribeListeners", false, "load balancer " + lb.name() + " has no listener on "
                        + "port " + lb.listenerPort() + "; add one, or set .listenerPort(...) to the port of an existing one");
            }
            boolean https = lb.certificate().isPresent();
            return rt.elb("CreateListener", () -> elb(layout).createListener(b -> {
                b.loadBalancerArn(lbArn).port(lb.listenerPort()).protocol(https ? "HTTPS" : "HTTP")
                        .defaultActions(a -> a.type("fixed-response").fixedResponseConfig(f -> f.statusCode("404")
                                .contentType("text/plain").messageBody("no route")))
                        .tags(tag("cutover:environment", layout.environment()));
                lb.certificate().ifPresent(c -> b.certificates(cb -> cb.certificateArn(c)));
            })).listeners().get(0).listenerArn();
        });
        listeners.put(layout.environment(), arn);
        return arn;
    }

    /**
     * Native deployments: looks the load balancer and its listener up, read only, once a release passed its
     * plan-time checks, so that the plan's policy knows whether the first start creates them.
     */
    void lookUpListener(Layout layout) {
        findListener(layout);
    }

    /** Whether this provider found (or created) the environment's listener. */
    boolean listenerKnown(String environment) {
        return listeners.containsKey(environment);
    }

    /**
     * The environment's load balancer as ELBv2 describes it (its DNS name and canonical hosted zone, for a Route 53
     * alias), created first when the environment asks for it ({@code create(true)}); empty when it does not exist.
     */
    Optional<software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer> described(Layout layout, boolean create) {
        LoadBalancer lb = loadBalancer(layout);
        if (create && lb.create()) {
            listener(layout);
        }
        return describe(layout, lb);
    }

    private Optional<software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer> describe(Layout layout, LoadBalancer lb) {
        boolean byArn = lb.name().startsWith("arn:");
        return AwsRuntime.unlessNotFound(() -> rt.elb("DescribeLoadBalancers", () -> elb(layout).describeLoadBalancers(b -> {
            if (byArn) {
                b.loadBalancerArns(lb.name());
            } else {
                b.names(lb.name());
            }
        })).loadBalancers(), LB_NOT_FOUND).filter(l -> !l.isEmpty()).map(l -> l.get(0));
    }

    private Optional<String> findLoadBalancer(Layout layout, LoadBalancer lb) {
        return describe(layout, lb).map(software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer::loadBalancerArn);
    }

    // ------------------------------------------------------------------ target groups

    /**
     * The revision's target group, created when missing: HTTP on the container port, target type
     * {@code ip} (tasks run in awsvpc mode), the health check from the service's (path; interval
     * 5–300 s; timeout 2–120 s and below the interval; retries as both thresholds, 2–10 — the ranges
     * of CreateTargetGroup).
     */
    String ensureTargetGroup(Layout layout, RevisionRef revision, int port, HealthCheck hc) {
        listener(layout); // bootstrap: the load balancer and its listener come first
        String arn = createTargetGroup(layout, Names.targetGroup(revision.id()), revision.service(), port, hc,
                tag("cutover:revision", revision.id()));
        attach(layout, revision.service(), arn);
        return arn;
    }

    /**
     * CreateTargetGroup (which answers an existing group of the same name and settings with it): HTTP on the
     * container port, target type ip, the service's health check, tagged with the environment and service.
     */
    private String createTargetGroup(Layout layout, String name, String service, int port, HealthCheck hc, Tag... more) {
        String vpc = layout.network().vpc().orElse(rt.settings().vpcId());
        int interval = clamp((int) hc.interval().toSeconds(), 5, 300);
        int timeout = Math.min(clamp((int) hc.timeout().toSeconds(), 2, 120), interval - 1);
        int threshold = clamp(hc.retries(), 2, 10);
        List<Tag> tags = new ArrayList<>(List.of(tag("cutover:environment", layout.environment()), tag("cutover:service", service)));
        tags.addAll(List.of(more));
        return rt.elb("CreateTargetGroup", () -> elb(layout).createTargetGroup(b -> b.name(name).protocol("HTTP").port(port)
                .vpcId(vpc).targetType("ip").healthCheckPath(hc.path()).healthCheckIntervalSeconds(interval)
                .healthCheckTimeoutSeconds(timeout).healthyThresholdCount(threshold).unhealthyThresholdCount(threshold)
                .tags(tags))).targetGroups().get(0).targetGroupArn();
    }

    /**
     * What ECS's native deployment of a service needs behind the load balancer
     * ({@code loadBalancers[].advancedConfiguration}).
     *
     * @param primary        the target group the service's tasks register in
     * @param alternate      the target group a deployment's new revision registers in
     * @param productionRule the listener rule whose forward weights ECS moves
     * @param testRule       the listener rule of the preview header, which ECS points at the new revision; null without one
     */
    record NativeGroups(String primary, String alternate, String productionRule, String testRule) {
    }

    /**
     * LOAD_BALANCER mode with native deployments, before the service's ECS service is created: the load
     * balancer and listener (bootstrap), the two target groups ({@link Names#nativeTargetGroups}), the
     * production rule forwarding all to the primary and nothing to the alternate (both groups must be used
     * by the load balancer), and with a preview header the test rule just above it. A production rule that
     * exists already keeps its forward: the group holding its traffic is the primary (ECS swaps the roles
     * at each deployment, so after a completed one the second group serves).
     */
    NativeGroups ensureNative(Layout layout, String service, int port, HealthCheck hc) {
        listener(layout);
        List<String> names = Names.nativeTargetGroups(Names.family(layout.environment(), service));
        String a = createTargetGroup(layout, names.get(0), service, port, hc);
        String b = createTargetGroup(layout, names.get(1), service, port, hc);
        ServiceRules rules = rules(layout, service);
        Map<String, Integer> current = rules.production().map(LoadBalancerTraffic::forwards).orElse(Map.of());
        boolean swapped = current.getOrDefault(b, 0) > current.getOrDefault(a, 0);
        String primary = swapped ? b : a;
        String alternate = swapped ? a : b;
        Map<String, Integer> forward = new LinkedHashMap<>();
        forward.put(primary, 100);
        forward.put(alternate, 0);
        int priority = rules.production().map(r -> Integer.parseInt(r.priority())).orElse(freePriority(rules.taken()));
        String production = rules.production().map(Rule::ruleArn)
                .orElseGet(() -> createProductionRule(layout, service, rules, forward));
        String test = null;
        if (loadBalancer(layout).preview().isPresent()) {
            test = rules.preview().map(Rule::ruleArn).orElseGet(() -> createPreviewRule(layout, service, rules, priority, forward,
                    "test"));
        }
        LOG.info("{}/{}: ECS native deployments between target groups {} (primary) and {} (alternate)", layout.environment(),
                service, primary.split("/")[1], alternate.split("/")[1]);
        return new NativeGroups(primary, alternate, production, test);
    }

    /**
     * Puts a new revision's group in the service's production rule at weight 0 (the first revision's
     * group too: the rule is created forwarding to it at weight 0): ECS refuses a service whose target
     * group no load balancer uses ("does not have an associated load balancer"), and the targets of a
     * group no rule uses stay {@code unused}, never healthy. A first revision takes 100% only with the
     * rollout's first shift, once it is healthy, as in App Mesh mode before the first route: until then
     * {@link #weights} reads no serving revision, so a failed first deployment is retired (its ECS service,
     * target group and the rule) and the next plan creates it again.
     */
    private void attach(Layout layout, String service, String arn) {
        ServiceRules rules = rules(layout, service);
        if (rules.production().isEmpty()) {
            createProductionRule(layout, service, rules, Map.of(arn, 0));
            return;
        }
        Map<String, Integer> w = forwards(rules.production().get());
        if (!w.containsKey(arn)) {
            w.put(arn, 0);
            modify(layout, rules.production().get(), w);
        }
    }

    private String createProductionRule(Layout layout, String service, ServiceRules rules, Map<String, Integer> forward) {
        int priority = freePriority(rules.taken());
        String listener = listener(layout);
        List<RuleCondition> conditions = conditions(layout, service);
        String arn = rt.elb("CreateRule", () -> elb(layout).createRule(b -> b.listenerArn(listener).priority(priority)
                .conditions(conditions).actions(forward(forward)).tags(tag("cutover:environment", layout.environment()),
                        tag("cutover:service", service), tag("cutover:rule", "production")))).rules().get(0).ruleArn();
        rules.taken().add(priority);
        LOG.info("{}/{}: listener rule at priority {}", layout.environment(), service, priority);
        return arn;
    }

    private static int clamp(int v, int min, int max) {
        return Math.max(min, Math.min(max, v));
    }

    /** The ARNs of the revisions' target groups that exist, by revision id (one DescribeTargetGroups by names). */
    Map<String, String> targetGroups(Layout layout, java.util.Collection<String> revisionIds) {
        Map<String, String> byName = new LinkedHashMap<>();
        revisionIds.forEach(r -> byName.put(Names.targetGroup(r), r));
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : byName.keySet()) { // DescribeTargetGroups by Names fails as a whole when one is missing
            AwsRuntime.unlessNotFound(() -> rt.elb("DescribeTargetGroups", () -> elb(layout).describeTargetGroups(b -> b.names(name)))
                    .targetGroups(), TG_NOT_FOUND).ifPresent(tgs -> tgs.forEach(tg -> out.put(byName.get(name), tg.targetGroupArn())));
        }
        return out;
    }

    /** Healthy targets in a revision's target group (DescribeTargetHealth), or empty when the group does not exist. */
    Optional<Integer> healthyTargets(Layout layout, RevisionRef revision) {
        Map<String, String> tg = targetGroups(layout, List.of(revision.id()));
        if (tg.isEmpty()) {
            return Optional.empty();
        }
        List<TargetHealthDescription> health = rt.elb("DescribeTargetHealth", () -> elb(layout).describeTargetHealth(b -> b
                .targetGroupArn(tg.get(revision.id())))).targetHealthDescriptions();
        return Optional.of((int) health.stream().filter(h -> "healthy".equals(h.targetHealth().stateAsString())).count());
    }

    /** The names of the environment's target groups of {@code family} (for sweeping what a crash left). */
    List<String> targetGroupNames(Layout layout, String family) {
        List<String> out = new ArrayList<>();
        String marker = null;
        do {
            String m = marker;
            var page = rt.elb("DescribeTargetGroups", () -> elb(layout).describeTargetGroups(b -> b.marker(m).pageSize(400)));
            page.targetGroups().forEach(tg -> {
                if (Names.revisionOfTargetGroup(family, tg.targetGroupName()).isPresent()) {
                    out.add(tg.targetGroupName());
                }
            });
            marker = page.nextMarker();
        } while (marker != null);
        return out;
    }

    /**
     * Retires a revision's target group after its ECS service is gone: its forward is taken out of the
     * service's rules (the preview rule goes; the production rule goes when it forwarded only there),
     * then the group is deleted.
     */
    void deleteTargetGroup(Layout layout, RevisionRef revision) {
        Map<String, String> tg = targetGroups(layout, List.of(revision.id()));
        if (tg.isEmpty()) {
            return;
        }
        String arn = tg.get(revision.id());
        ServiceRules rules = rules(layout, revision.service());
        rules.preview().filter(r -> forwards(r).containsKey(arn)).ifPresent(r -> deleteRule(layout, r));
        rules.production().ifPresent(r -> {
            Map<String, Integer> w = forwards(r);
            if (w.containsKey(arn)) {
                w.remove(arn);
                if (w.values().stream().noneMatch(x -> x > 0)) {
                    deleteRule(layout, r);
                } else {
                    modify(layout, r, w);
                }
            }
        });
        AwsRuntime.unlessNotFound(() -> rt.elb("DeleteTargetGroup", () -> elb(layout).deleteTargetGroup(b -> b.targetGroupArn(arn))),
                TG_NOT_FOUND);
        LOG.info("{}: deleted target group {}", revision, Names.targetGroup(revision.id()));
    }

    // ------------------------------------------------------------------ rules and weights

    /** The conditions of a service's production rule: its host header and/or path pattern (default {@code /<service>*}). */
    private List<RuleCondition> conditions(Layout layout, String service) {
        LoadBalancer lb = loadBalancer(layout);
        List<RuleCondition> out = new ArrayList<>();
        lb.host(service).ifPresent(h -> out.add(RuleCondition.builder().field("host-header").hostHeaderConfig(c -> c.values(h)).build()));
        lb.path(service).ifPresent(p -> out.add(RuleCondition.builder().field("path-pattern").pathPatternConfig(c -> c.values(p)).build()));
        return out;
    }

    private List<RuleCondition> previewConditions(Layout layout, String service) {
        Map.Entry<String, String> header = loadBalancer(layout).preview().orElseThrow();
        List<RuleCondition> out = new ArrayList<>(conditions(layout, service));
        out.add(RuleCondition.builder().field("http-header").httpHeaderConfig(c -> c.httpHeaderName(header.getKey())
                .values(header.getValue())).build());
        return out;
    }

    /** The listener's rules (one DescribeRules walk), the service's two picked out by their conditions. */
    ServiceRules rules(Layout layout, String service) {
        return pick(layout, service, allRules(layout, listener(layout)));
    }

    /** Every rule of a listener (DescribeRules, following NextMarker). */
    private List<Rule> allRules(Layout layout, String listener) {
        List<Rule> all = new ArrayList<>();
        String marker = null;
        do {
            String m = marker;
            var page = rt.elb("DescribeRules", () -> elb(layout).describeRules(b -> b.listenerArn(listener).marker(m)));
            all.addAll(page.rules());
            marker = page.nextMarker();
        } while (marker != null);
        return all;
    }

    private ServiceRules pick(Layout layout, String service, List<Rule> all) {
        Set<String> production = key(conditions(layout, service));
        Set<String> preview = loadBalancer(layout).preview().isPresent() ? key(previewConditions(layout, service)) : Set.of();
        Optional<Rule> prod = Optional.empty();
        Optional<Rule> prev = Optional.empty();
        Set<Integer> taken = new HashSet<>();
        for (Rule r : all) {
            if (Boolean.TRUE.equals(r.isDefault())) {
                continue;
            }
            taken.add(Integer.parseInt(r.priority()));
            Set<String> k = key(r.conditions());
            if (k.equals(production)) {
                prod = Optional.of(r);
            } else if (k.equals(preview)) {
                prev = Optional.of(r);
            }
        }
        return new ServiceRules(prod, prev, taken);
    }

    /** Conditions as comparable strings ({@code path-pattern=/orders*}, {@code http-header:x-cutover-preview=1}). */
    private static Set<String> key(List<RuleCondition> conditions) {
        Set<String> out = new HashSet<>();
        for (RuleCondition c : conditions) {
            switch (c.field()) {
                case "host-header" -> out.add("host-header=" + String.join(",", c.hostHeaderConfig() != null
                        && !c.hostHeaderConfig().values().isEmpty() ? c.hostHeaderConfig().values() : c.values()).toLowerCase());
                case "path-pattern" -> out.add("path-pattern=" + String.join(",", c.pathPatternConfig() != null
                        && !c.pathPatternConfig().values().isEmpty() ? c.pathPatternConfig().values() : c.values()));
                case "http-header" -> out.add("http-header:" + c.httpHeaderConfig().httpHeaderName().toLowerCase() + "="
                        + String.join(",", c.httpHeaderConfig().values()));
                default -> out.add(c.field() + "=" + c.values());
            }
        }
        return out;
    }

    /** Target group ARN to weight of a rule's forward action. */
    static Map<String, Integer> forwards(Rule r) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Action a : r.actions()) {
            if ("forward".equals(a.typeAsString())) {
                if (a.forwardConfig() != null && !a.forwardConfig().targetGroups().isEmpty()) {
                    a.forwardConfig().targetGroups().forEach(t -> out.put(t.targetGroupArn(), t.weight() == null ? 1 : t.weight()));
                } else if (a.targetGroupArn() != null) {
                    out.put(a.targetGroupArn(), 1);
                }
            }
        }
        return out;
    }

    private static Action forward(Map<String, Integer> weights) {
        List<TargetGroupTuple> tuples = new ArrayList<>();
        weights.forEach((arn, w) -> tuples.add(TargetGroupTuple.builder().targetGroupArn(arn).weight(w).build()));
        return Action.builder().type("forward").forwardConfig(f -> f.targetGroups(tuples)).build();
    }

    /** The revision a target group ARN ({@code .../targetgroup/<name>/<id>}) belongs to within {@code family}. */
    static Optional<String> revisionOf(String family, String targetGroupArn) {
        String[] parts = targetGroupArn.split("/");
        return parts.length < 3 ? Optional.empty() : Names.revisionOfTargetGroup(family, parts[parts.length - 2]);
    }

    /** The weights of a service's production rule, by revision (empty when it has no rule). */
    public Map<String, Integer> weights(String environment, String service) {
        Layout layout = rt.layouts().of(environment);
        if (!listeners.containsKey(environment) && findListener(layout).isEmpty()) {
            return Map.of(); // no load balancer or listener yet: reads never create them, the first start does
        }
        return weightsOf(layout, service, rules(layout, service).production());
    }

    /** The listener's ARN when the load balancer and its listener exist (looked up, never created). */
    private Optional<String> findListener(Layout layout) {
        String cached = listeners.get(layout.environment());
        if (cached != null) {
            return Optional.of(cached);
        }
        LoadBalancer lb = loadBalancer(layout);
        Optional<String> lbArn = findLoadBalancer(layout, lb);
        if (lbArn.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> arn = rt.elb("DescribeListeners", () -> elb(layout).describeListeners(b -> b.loadBalancerArn(lbArn.get())))
                .listeners().stream().filter(l -> l.port() == lb.listenerPort()).map(Listener::listenerArn).findFirst();
        arn.ifPresent(a -> listeners.put(layout.environment(), a));
        return arn;
    }

    private static Map<String, Integer> weightsOf(Layout layout, String service, Optional<Rule> production) {
        Map<String, Integer> out = new TreeMap<>();
        String family = Names.family(layout.environment(), service);
        production.ifPresent(r -> forwards(r).forEach((arn, w) -> {
            if (w > 0) {
                revisionOf(family, arn).ifPresent(rev -> out.put(rev, w));
            }
        }));
        return out;
    }

    /** Observe: the weights of several services of one environment with one walk of the listener's rules. */
    Map<String, Map<String, Integer>> weightsObserved(Layout layout, java.util.Collection<String> services) {
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        Optional<String> listener = findListener(layout);
        if (listener.isEmpty()) {
            return out; // nothing yet: the first start creates them
        }
        List<Rule> all = allRules(layout, listener.get());
        for (String s : services) {
            Map<String, Integer> w = weightsOf(layout, s, pick(layout, s, all).production());
            if (!w.isEmpty()) {
                out.put(s, w);
            }
        }
        return out;
    }

    /**
     * Writes the production rule's forward weights (the groups of revisions not named stay at 0 until
     * they are retired, which takes them out so they can be deleted); creates the rule at the lowest free even priority, the
     * odd one below it kept for the preview. All traffic on one revision ends a preview.
     */
    public void setWeights(String environment, String service, Map<String, Integer> weights) {
        Layout layout = rt.layouts().of(environment);
        Map<String, Integer> positive = new LinkedHashMap<>();
        weights.forEach((rev, w) -> {
            if (w > 0) {
                positive.put(rev, w);
            }
        });
        if (positive.size() > 5) { // a forward action takes 1-5 target groups (ELB quota "target groups per action")
            throw new ProviderException("aws", "setWeights", false, "a listener rule forwards to at most 5 target groups, got "
                    + positive.size() + ": " + weights);
        }
        Map<String, String> tgs = targetGroups(layout, positive.keySet());
        Map<String, Integer> forward = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : positive.entrySet()) {
            String arn = tgs.get(e.getKey());
            if (arn == null) {
                throw new ProviderException("aws", "setWeights", false, "revision " + e.getKey() + " has no target group "
                        + Names.targetGroup(e.getKey()) + "; it was not started in LOAD_BALANCER mode");
            }
            forward.put(arn, e.getValue());
        }
        ServiceRules rules = rules(layout, service);
        if (rules.production().isPresent()) {
            // groups of revisions that still run stay at weight 0 (their targets keep being health-checked); retire removes them
            Map<String, Integer> next = new LinkedHashMap<>();
            forwards(rules.production().get()).keySet().forEach(arn -> next.put(arn, 0));
            next.putAll(forward);
            modify(layout, rules.production().get(), next);
        } else {
            createProductionRule(layout, service, rules, forward);
        }
        if (positive.size() == 1 && positive.values().iterator().next() == 100) {
            rules.preview().ifPresent(r -> deleteRule(layout, r));
        }
    }

    /** The header's requests go to {@code revisionId}'s target group, through a rule just above the production rule. */
    public void preview(String environment, String service, String revisionId) {
        Layout layout = rt.layouts().of(environment);
        if (loadBalancer(layout).preview().isEmpty()) {
            return;
        }
        String arn = targetGroups(layout, List.of(revisionId)).get(revisionId);
        if (arn == null) {
            throw new ProviderException("aws", "preview", false, "revision " + revisionId + " has no target group to preview");
        }
        ServiceRules rules = rules(layout, service);
        if (rules.preview().isPresent()) {
            modify(layout, rules.preview().get(), Map.of(arn, 1));
            return;
        }
        int production = rules.production().map(r -> Integer.parseInt(r.priority())).orElse(freePriority(rules.taken()));
        createPreviewRule(layout, service, rules, production, Map.of(arn, 1), "preview");
        LOG.info("{}/{}: the preview rule sends {} requests to {}", environment, service, loadBalancer(layout).preview().get(),
                revisionId);
    }

    /**
     * Creates the rule of the preview header ({@code kind}: Cutover's {@code preview} rule, or ECS's {@code test}
     * listener rule) just above the production rule at {@code production} (else at the lowest free priority).
     */
    private String createPreviewRule(Layout layout, String service, ServiceRules rules, int production, Map<String, Integer> forward,
            String kind) {
        int priority = production - 1 >= 1 && !rules.taken().contains(production - 1) ? production - 1 : lowestFree(rules.taken());
        String listener = listener(layout);
        List<RuleCondition> conditions = previewConditions(layout, service);
        String arn = rt.elb("CreateRule", () -> elb(layout).createRule(b -> b.listenerArn(listener).priority(priority)
                .conditions(conditions).actions(forward(forward)).tags(tag("cutover:environment", layout.environment()),
                        tag("cutover:service", service), tag("cutover:rule", kind)))).rules().get(0).ruleArn();
        rules.taken().add(priority);
        LOG.info("{}/{}: {} rule at priority {}", layout.environment(), service, kind, priority);
        return arn;
    }

    private void modify(Layout layout, Rule rule, Map<String, Integer> forward) {
        if (forwards(rule).equals(forward)) {
            return;
        }
        rt.elb("ModifyRule", () -> elb(layout).modifyRule(b -> b.ruleArn(rule.ruleArn()).actions(forward(forward))));
    }

    private void deleteRule(Layout layout, Rule rule) {
        AwsRuntime.unlessNotFound(() -> rt.elb("DeleteRule", () -> elb(layout).deleteRule(b -> b.ruleArn(rule.ruleArn()))),
                "RuleNotFound");
    }

    /** The lowest even priority that is free with the odd one below it (for a preview rule of higher priority). */
    private static int freePriority(Set<Integer> taken) {
        for (int p = 2; p <= 50000; p += 2) {
            if (!taken.contains(p) && !taken.contains(p - 1)) {
                return p;
            }
        }
        return lowestFree(taken);
    }

    private static int lowestFree(Set<Integer> taken) {
        for (int p = 1; p <= 50000; p++) {
            if (!taken.contains(p)) {
                return p;
            }
        }
        throw new ProviderException("aws", "CreateRule", false, "the listener has no free rule priority (1-50000)");
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    // ------------------------------------------------------------------ plan

    /** The plan's words for how traffic moves in LOAD_BALANCER mode. */
    String describe(Release release) {
        Layout layout = rt.layouts().of(release.environment().name());
        LoadBalancer lb = loadBalancer(layout);
        String service = release.service().name();
        StringBuilder sb = ruleText(layout, release);
        sb.append("forwards to one target group per revision (").append(Names.targetGroupPrefix(Names.family(layout.environment(),
                service))).append("-<n>, ");
        groupText(sb, release).append("); weights: ");
        List<Integer> steps = new ArrayList<>();
        if (lb.preview().isPresent() && dev.cutover.spi.Traffic.hasPreviewStep(release)) {
            sb.append("preview on header ").append(lb.preview().get().getKey()).append(": ").append(lb.preview().get().getValue())
                    .append(" (rule of higher priority, removed at promotion or rollback), then ");
        }
        release.strategy().trafficSteps().forEach(s -> steps.add(s.weight()));
        sb.append(steps.stream().map(w -> w + "%").reduce((a, b) -> a + " → " + b).orElse("100%")).append(" (Cutover's steps)");
        return sb.toString();
    }

    /** {@code load balancer <name> (created ...), listener :<port>, rule path /orders* } */
    private StringBuilder ruleText(Layout layout, Release release) {
        LoadBalancer lb = loadBalancer(layout);
        String service = release.service().name();
        StringBuilder sb = new StringBuilder("load balancer ").append(lb.name());
        if (lb.create()) {
            sb.append(" (created in bootstrap if missing, with its listener)");
        }
        sb.append(", listener :").append(lb.listenerPort()).append(", rule ");
        lb.host(service).ifPresent(h -> sb.append("host ").append(h).append(' '));
        lb.path(service).ifPresent(p -> sb.append("path ").append(p).append(' '));
        return sb;
    }

    /** {@code target type ip, port 8080, health check GET /health every 10s} */
    private static StringBuilder groupText(StringBuilder sb, Release release) {
        HealthCheck hc = release.service().healthCheck();
        return sb.append("target type ip, port ").append(release.service().port()).append(", health check GET ").append(hc.path())
                .append(" every ").append(clamp((int) hc.interval().toSeconds(), 5, 300)).append('s');
    }

    /**
     * The plan's words for LOAD_BALANCER mode with native deployments: the production rule and its two
     * target groups, the test rule of the preview header, the infrastructure role ECS moves them with.
     */
    String describeNative(Release release) {
        Layout layout = rt.layouts().of(release.environment().name());
        LoadBalancer lb = loadBalancer(layout);
        List<String> groups = Names.nativeTargetGroups(Names.family(layout.environment(), release.service().name()));
        StringBuilder sb = ruleText(layout, release).append("(production listener rule) forwards to target groups ")
                .append(groups.get(0)).append(" and ").append(groups.get(1)).append(" (primary and alternate, ECS swaps their "
                        + "roles at each deployment; ");
        groupText(sb, release).append(')');
        lb.preview().ifPresent(h -> sb.append(", test listener rule on header ").append(h.getKey()).append(": ").append(h.getValue())
                .append(" (ECS sends it to the new revision once its tasks are healthy, before any production weight)"));
        sb.append(", ECS moves the rules' weights with infrastructure role ").append(lb.infrastructureRole().orElse("(none)"));
        return sb.toString();
    }

    /** What LOAD_BALANCER mode cannot carry out, found at plan time. */
    List<Problem> check(Release release) {
        Layout layout = rt.layouts().of(release.environment().name());
        List<Problem> out = new ArrayList<>();
        Optional<LoadBalancer> lb = rt.layouts().loadBalancer(layout.environment());
        if (lb.isEmpty()) {
            out.add(new Problem("environment.loadBalancer", null, "LOAD_BALANCER mode needs the load balancer: .loadBalancer(\"<name>\")"));
            return out;
        }
        if (layout.network().vpc().isEmpty() && rt.settings().vpcId().isEmpty()) {
            out.add(new Problem("environment.network.vpc", null, "target groups are created in a VPC: set .network(n -> n.vpc(\"vpc-...\")) "
                    + "on the environment or vpcId(...) on the AWS provider"));
        }
        if (!lb.get().create()) { // an existing load balancer must be there, with its listener, before anything is changed
            Optional<String> arn = findLoadBalancer(layout, lb.get());
            if (arn.isEmpty()) {
                out.add(new Problem("environment.loadBalancer", lb.get().name(), "does not exist in " + layout.region()
                        + "; create it, or let Cutover create it in bootstrap with .loadBalancer(lb -> lb.name(\"" + lb.get().name()
                        + "\").create(true))"));
            } else if (rt.elb("DescribeListeners", () -> elb(layout).describeListeners(b -> b.loadBalancerArn(arn.get()))).listeners()
                    .stream().noneMatch(l -> l.port() == lb.get().listenerPort())) {
                out.add(new Problem("environment.loadBalancer.listenerPort", String.valueOf(lb.get().listenerPort()),
                        "load balancer " + lb.get().name() + " has no listener on this port; add one or name the port of an existing one"));
            }
        }
        if (lb.get().create() && layout.network().subnets().size() < 2) {
            out.add(new Problem("environment.network.subnets", String.valueOf(layout.network().subnets()), "an Application Load "
                    + "Balancer needs subnets in at least two Availability Zones (CreateLoadBalancer); give two or more subnets"));
        }
        return out;
    }
}

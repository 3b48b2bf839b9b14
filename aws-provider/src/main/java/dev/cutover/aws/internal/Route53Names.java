package dev.cutover.aws.internal;

import dev.cutover.Change;
import dev.cutover.Environment;
import dev.cutover.Problem;
import dev.cutover.Release;
import dev.cutover.aws.internal.Layouts.Layout;
import dev.cutover.spi.Provider.PolicyStatement;
import dev.cutover.spi.ProviderException;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.HostedZone;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * A service's stable DNS name in a Route 53 hosted zone ({@code dns} resources): in LOAD_BALANCER mode an
 * alias A record to the environment's load balancer (its {@code DNSName} and {@code CanonicalHostedZoneId}
 * from DescribeLoadBalancers, as the botocore {@code route53} model's {@code AliasTarget} asks), else a CNAME
 * to the service's Cloud Map name {@code <discovery name>.<namespace>}. Written with one atomic
 * ChangeResourceRecordSets (UPSERT, and a DELETE of a record of the other type at the name), then GetChange
 * until the change is {@code INSYNC}. The hosted zone must exist: Cutover adds records, never zones.
 */
public final class Route53Names {

    private static final Logger LOG = LoggerFactory.getLogger(Route53Names.class);
    private static final String[] ZONE_NOT_FOUND = {"NoSuchHostedZone"};
    static final long CNAME_TTL = 300;

    /** A hosted zone: its id (without {@code /hostedzone/}) and name (no trailing dot). */
    record Zone(String id, String name) {
    }

    private final AwsRuntime rt;
    private final LoadBalancerTraffic lb;
    private final Map<String, Zone> zones = new ConcurrentHashMap<>();

    public Route53Names(AwsRuntime rt, LoadBalancerTraffic lb) {
        this.rt = rt;
        this.lb = lb;
    }

    private Route53Client route53(Layout layout) {
        return rt.clients(layout).route53();
    }

    private Environment environment(String env) {
        return rt.layouts().environment(env).orElseThrow(() -> new ProviderException("aws", "route53", false, "environment " + env
                + " has DNS names but this provider never saw it declared; plan a release of it first"));
    }

    /** The hosted zone as declared (a name or an id), looked up once per provider; empty when it does not exist. */
    Optional<Zone> zone(Layout layout, String declared) {
        Zone known = zones.get(declared);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Zone> found;
        if (Environment.isHostedZoneId(declared)) {
            found = AwsRuntime.unlessNotFound(() -> rt.route53("GetHostedZone", () -> route53(layout)
                    .getHostedZone(b -> b.id(declared)).hostedZone()), ZONE_NOT_FOUND).map(Route53Names::zoneOf);
        } else {
            // ListHostedZonesByName lists from the name on; the first zone of exactly that name is the one
            found = rt.route53("ListHostedZonesByName", () -> route53(layout).listHostedZonesByName(b -> b.dnsName(declared)
                    .maxItems("10"))).hostedZones().stream().map(Route53Names::zoneOf).filter(z -> z.name().equals(declared)).findFirst();
        }
        found.ifPresent(z -> zones.put(declared, z));
        return found;
    }

    private static Zone zoneOf(HostedZone z) {
        return new Zone(z.id().replace("/hostedzone/", ""), trim(z.name()));
    }

    private static String trim(String dns) {
        String n = dns.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    // ------------------------------------------------------------------ observe

    /** The record at the service's DNS name, in the canonical attributes of {@code dns} resources; empty when none. */
    Optional<Resource> observe(ResourceId id) {
        Layout layout = rt.layouts().of(id.environment());
        Optional<Environment> env = rt.layouts().environment(id.environment());
        if (env.isEmpty() || env.get().hostedZone().isEmpty()) {
            return Optional.empty();
        }
        String declared = env.get().hostedZone().get();
        Optional<Zone> zone = zone(layout, declared);
        Optional<String> dns = env.get().dnsName(id.name());
        if (zone.isEmpty() || dns.isEmpty()) {
            return Optional.empty(); // no zone: check() says so at plan time; no name: nothing to find (a removed name is not tracked)
        }
        return record(layout, zone.get(), dns.get()).map(r -> new Resource(id, EcsCompute.attrs("name", dns.get(), "zone", declared,
                "target", describe(layout, r)), zone.get().id()));
    }

    /** The A, AAAA or CNAME record set at {@code dns}, if any (one ListResourceRecordSets from the name). */
    private Optional<ResourceRecordSet> record(Layout layout, Zone zone, String dns) {
        return records(layout, zone, dns).stream().findFirst();
    }

    private List<ResourceRecordSet> records(Layout layout, Zone zone, String dns) {
        return rt.route53("ListResourceRecordSets", () -> route53(layout).listResourceRecordSets(b -> b.hostedZoneId(zone.id())
                        .startRecordName(dns).maxItems("10"))).resourceRecordSets().stream()
                .filter(r -> trim(r.name()).equals(dns))
                .filter(r -> r.type() == RRType.A || r.type() == RRType.AAAA || r.type() == RRType.CNAME).toList();
    }

    /** {@code alias load balancer <name>} when it points at the environment's load balancer, else what it holds. */
    private String describe(Layout layout, ResourceRecordSet r) {
        if (r.aliasTarget() != null) {
            String target = trim(r.aliasTarget().dnsName()).replaceFirst("^dualstack\\.", "");
            if (layout.lbMode()) {
                Optional<String> ours = lb.described(layout, false).map(l -> l.dnsName().toLowerCase(Locale.ROOT));
                if (ours.isPresent() && ours.get().equals(target)) {
                    return "alias load balancer " + lb.loadBalancer(layout).name();
                }
            }
            return "alias " + target;
        }
        List<String> values = r.resourceRecords().stream().map(v -> trim(v.value())).toList();
        return r.type() == RRType.CNAME && values.size() == 1 ? "cname " + values.get(0) : r.typeAsString() + " " + values;
    }

    // ------------------------------------------------------------------ apply

    /**
     * Creates or restores the record (UPSERT; a record of another type at the name is deleted in the same
     * atomic batch) and waits until Route 53 reports the change {@code INSYNC}; DELETE removes what is there.
     * In LOAD_BALANCER mode the load balancer is created first when the environment asks Cutover to create it.
     */
    void apply(Change change) {
        ResourceId id = change.id();
        Layout layout = rt.layouts().of(id.environment());
        Environment env = environment(id.environment());
        String declared = env.hostedZone().orElseThrow();
        Zone zone = zone(layout, declared).orElseThrow(() -> new ProviderException("aws", "ListHostedZonesByName", false,
                "hosted zone " + declared + " does not exist; create it in Route 53 first (Cutover adds records, never zones)"));
        String dns = change.action() == Change.Action.DELETE ? change.beforeState().orElseThrow().value("name")
                : change.afterState().orElseThrow().value("name");
        List<ResourceRecordSet> existing = records(layout, zone, dns);
        List<software.amazon.awssdk.services.route53.model.Change> batch = new ArrayList<>();
        if (change.action() == Change.Action.DELETE) {
            existing.forEach(r -> batch.add(change(ChangeAction.DELETE, r)));
        } else {
            ResourceRecordSet wanted = wanted(layout, env, id.name(), dns);
            existing.stream().filter(r -> r.type() != wanted.type()).forEach(r -> batch.add(change(ChangeAction.DELETE, r)));
            batch.add(change(ChangeAction.UPSERT, wanted));
        }
        if (batch.isEmpty()) {
            return;
        }
        LOG.info("{}: {} {} in hosted zone {} ({})", id, change.action() == Change.Action.DELETE ? "deleting" : "writing", dns,
                zone.name(), zone.id());
        String changeId = rt.route53("ChangeResourceRecordSets", () -> route53(layout).changeResourceRecordSets(b -> b
                .hostedZoneId(zone.id()).changeBatch(c -> c.comment("cutover " + id).changes(batch)))).changeInfo().id()
                .replace("/change/", "");
        awaitInSync(layout, changeId, dns);
    }

    private static software.amazon.awssdk.services.route53.model.Change change(ChangeAction action, ResourceRecordSet r) {
        return software.amazon.awssdk.services.route53.model.Change.builder().action(action).resourceRecordSet(r).build();
    }

    private ResourceRecordSet wanted(Layout layout, Environment env, String service, String dns) {
        if (layout.lbMode()) {
            var described = lb.described(layout, true).orElseThrow(() -> new ProviderException("aws", "DescribeLoadBalancers", false,
                    "load balancer " + lb.loadBalancer(layout).name() + " does not exist; the alias " + dns + " needs it"));
            return ResourceRecordSet.builder().name(dns).type(RRType.A).aliasTarget(a -> a.hostedZoneId(described.canonicalHostedZoneId())
                    .dnsName(described.dnsName()).evaluateTargetHealth(true)).build();
        }
        String target = rt.layouts().discoveryName(env.name(), service) + "." + layout.namespace();
        return ResourceRecordSet.builder().name(dns).type(RRType.CNAME).ttl(CNAME_TTL).resourceRecords(v -> v.value(target)).build();
    }

    private void awaitInSync(Layout layout, String changeId, String dns) {
        Duration timeout = rt.settings().operationTimeout();
        Optional<Boolean> synced = rt.poll(timeout, () -> rt.route53("GetChange", () -> route53(layout).getChange(b -> b.id(changeId)))
                .changeInfo().status() == ChangeStatus.INSYNC ? Optional.of(true) : Optional.empty());
        if (synced.isEmpty()) {
            throw new ProviderException("aws", "GetChange", true, "the Route 53 change of " + dns + " (" + changeId
                    + ") was not INSYNC after " + timeout.toSeconds() + " s");
        }
    }

    // ------------------------------------------------------------------ plan

    /** What of the release's DNS name Route 53 cannot carry out, found at plan time: a missing zone, a name outside it. */
    List<Problem> check(Release release) {
        Environment env = release.environment();
        Optional<String> dns = env.dnsName(release.service().name());
        if (dns.isEmpty() || env.hostedZone().isEmpty()) {
            return List.of();
        }
        Layout layout = rt.layouts().of(env.name());
        String declared = env.hostedZone().get();
        Optional<Zone> zone = zone(layout, declared);
        if (zone.isEmpty()) {
            return List.of(new Problem("environment.hostedZone", declared, "no Route 53 hosted zone " + declared + " in this account"
                    + " (" + (Environment.isHostedZoneId(declared) ? "GetHostedZone" : "ListHostedZonesByName") + "); create it "
                    + "first: Cutover adds records, never zones"));
        }
        String name = zone.get().name();
        if (!dns.get().equals(name) && !dns.get().endsWith("." + name)) {
            return List.of(new Problem("environment.dnsNames[\"" + release.service().name() + "\"]", dns.get(), "must lie in hosted "
                    + "zone " + declared + " (" + name + ")"));
        }
        return List.of();
    }

    /** The plan's words for the name: what kind of record, where, that a rollout leaves it alone. */
    String describe(Release release) {
        Environment env = release.environment();
        return env.dnsName(release.service().name()).map(dns -> "; DNS name " + dns + " (" + (env.loadBalancer().isPresent()
                && rt.layouts().of(env.name()).lbMode() ? "alias A record to the load balancer" : "CNAME to the Cloud Map name")
                + " in hosted zone " + env.hostedZone().orElse("?") + ", written in bootstrap, never changed by a rollout)").orElse("");
    }

    /**
     * The Route 53 statements of a plan whose service has a DNS name: the record writes and reads on exactly
     * its hosted zone, GetChange on changes, and ListHostedZonesByName (no resource-level permissions); without
     * {@code writes} only the reads planning makes (rollback, resume and abort never change the name).
     */
    public List<PolicyStatement> permissions(Release release, boolean writes) {
        Environment env = release.environment();
        if (env.dnsName(release.service().name()).isEmpty() || env.hostedZone().isEmpty()) {
            return List.of();
        }
        String declared = env.hostedZone().get();
        String zoneId = Environment.isHostedZoneId(declared) ? declared
                : Optional.ofNullable(zones.get(declared)).map(Zone::id).orElse("*");
        String partition = rt.settings().inRegion(rt.layouts().of(env.name()).region()).partition();
        List<PolicyStatement> out = new ArrayList<>();
        String zoneArn = "arn:" + partition + ":route53:::hostedzone/" + zoneId;
        if (writes) {
            out.add(new PolicyStatement(List.of("route53:ChangeResourceRecordSets", "route53:GetHostedZone",
                    "route53:ListResourceRecordSets"), List.of(zoneArn)));
            out.add(new PolicyStatement(List.of("route53:GetChange"), List.of("arn:" + partition + ":route53:::change/*")));
        } else {
            out.add(new PolicyStatement(List.of("route53:GetHostedZone", "route53:ListResourceRecordSets"), List.of(zoneArn)));
        }
        out.add(new PolicyStatement(List.of("route53:ListHostedZonesByName"), List.of("*")));
        return out;
    }
}

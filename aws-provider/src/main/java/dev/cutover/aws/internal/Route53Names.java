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
 *
 * <p>Each record written (and each one deleted) is remembered in the provider memory beside the journal
 * ({@link Written}), so that any process on the same journal store knows which records Cutover created: a
 * name the environment no longer declares is observed from that memory and planned for deletion while it
 * still holds exactly what Cutover wrote; a renamed name's old record goes in the batch that writes the new
 * one. A record Cutover did not write, or one changed outside Cutover since, is never deleted.
 */
public final class Route53Names {

    private static final Logger LOG = LoggerFactory.getLogger(Route53Names.class);
    private static final String[] ZONE_NOT_FOUND = {"NoSuchHostedZone"};
    static final long CNAME_TTL = 300;
    private static final int MEMORY_BATCH = 16;

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
        Optional<String> dns = env.get().dnsName(id.name());
        if (dns.isEmpty()) {
            return removed(layout, id);
        }
        Optional<Zone> zone = zone(layout, declared);
        if (zone.isEmpty()) {
            return Optional.empty(); // no zone: check() says so at plan time
        }
        Optional<Resource> found = record(layout, zone.get(), dns.get()).map(r -> new Resource(id, EcsCompute.attrs("name", dns.get(),
                "zone", declared, "target", describe(layout, r)), zone.get().id()));
        // nothing at the declared name: a name Cutover wrote before (renamed) shows as what is updated
        return found.isPresent() ? found : removed(layout, id);
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
        if (change.action() == Change.Action.DELETE) {
            delete(layout, id);
            return;
        }
        Environment env = environment(id.environment());
        String declared = env.hostedZone().orElseThrow();
        Zone zone = zone(layout, declared).orElseThrow(() -> new ProviderException("aws", "ListHostedZonesByName", false,
                "hosted zone " + declared + " does not exist; create it in Route 53 first (Cutover adds records, never zones)"));
        String dns = change.afterState().orElseThrow().value("name");
        List<ResourceRecordSet> existing = records(layout, zone, dns);
        List<software.amazon.awssdk.services.route53.model.Change> batch = new ArrayList<>();
        ResourceRecordSet wanted = wanted(layout, env, id.name(), dns);
        existing.stream().filter(r -> r.type() != wanted.type()).forEach(r -> batch.add(change(ChangeAction.DELETE, r)));
        batch.add(change(ChangeAction.UPSERT, wanted));
        written(id).filter(Written::upserted).filter(w -> !w.name().equals(dns)).ifPresent(w -> {
            // renamed: the old name Cutover wrote goes in the same atomic batch, if it still holds what Cutover wrote
            List<ResourceRecordSet> old = w.zoneId().equals(zone.id()) ? records(layout, zone, w.name()) : List.of();
            if (old.size() == 1 && signature(old.get(0)).equals(signature(w.record()))) {
                batch.add(change(ChangeAction.DELETE, w.record()));
            } else if (!old.isEmpty() || !w.zoneId().equals(zone.id())) {
                LOG.warn("{}: the former name {} (hosted zone {}) is left as it is: {}", id, w.name(), w.zone(),
                        w.zoneId().equals(zone.id()) ? "it was changed outside Cutover since" : "it is in another hosted zone");
            }
        });
        LOG.info("{}: writing {} in hosted zone {} ({})", id, dns, zone.name(), zone.id());
        String changeId = rt.route53("ChangeResourceRecordSets", () -> route53(layout).changeResourceRecordSets(b -> b
                .hostedZoneId(zone.id()).changeBatch(c -> c.comment("cutover " + id).changes(batch)))).changeInfo().id()
                .replace("/change/", "");
        remember(id, new Written(0, zone.id(), declared, dns, wanted, change.afterState().orElseThrow().value("target"),
                ChangeAction.UPSERT.toString()));
        awaitInSync(layout, changeId, dns);
    }

    /**
     * Deletes the record Cutover wrote at a name the environment no longer declares: exactly the record it
     * remembers writing (a Route 53 DELETE must name the current values, so Route 53 itself refuses one that
     * changed since), and only while the name still holds it; a record changed outside Cutover since is an
     * error naming both, and stays.
     */
    private void delete(Layout layout, ResourceId id) {
        Optional<Written> last = written(id).filter(Written::upserted);
        if (last.isEmpty()) {
            LOG.info("{}: Cutover remembers no record it wrote for this name; nothing to delete", id);
            return;
        }
        Written w = last.get();
        Zone zone = new Zone(w.zoneId(), w.zoneId());
        List<ResourceRecordSet> existing = records(layout, zone, w.name());
        if (existing.isEmpty()) {
            remember(id, w.deleted()); // gone already (by hand, or a crash after the DELETE): done
            return;
        }
        ResourceRecordSet current = existing.get(0);
        if (existing.size() > 1 || !signature(current).equals(signature(w.record()))) {
            throw new ProviderException("aws", "ChangeResourceRecordSets", false, w.name() + " in hosted zone " + w.zone()
                    + " was changed outside Cutover since Cutover wrote it (now " + describe(layout, current) + ", Cutover wrote "
                    + w.target() + "); it is not deleted: delete it in Route 53 yourself, or declare the name again");
        }
        LOG.info("{}: deleting {} ({}) in hosted zone {} ({}): the environment no longer declares it", id, w.name(), w.target(),
                w.zone(), w.zoneId());
        String changeId = rt.route53("ChangeResourceRecordSets", () -> route53(layout).changeResourceRecordSets(b -> b
                .hostedZoneId(w.zoneId()).changeBatch(c -> c.comment("cutover " + id + " no longer declared")
                        .changes(change(ChangeAction.DELETE, w.record()))))).changeInfo().id().replace("/change/", "");
        remember(id, w.deleted());
        awaitInSync(layout, changeId, w.name());
    }

    // ------------------------------------------------------------------ what Cutover wrote (provider memory)

    /**
     * One record write Cutover made at a service's name, as kept in the provider memory under
     * {@code route53/<environment>/<service>/<n>} (the n-th write: each key names one immutable fact).
     */
    record Written(int seq, String zoneId, String zone, String name, ResourceRecordSet record, String target, String action) {

        boolean upserted() {
            return ChangeAction.UPSERT.toString().equals(action);
        }

        Written deleted() {
            return new Written(0, zoneId, zone, name, record, target, ChangeAction.DELETE.toString());
        }

        Map<String, String> facts() {
            Map<String, String> f = new java.util.LinkedHashMap<>();
            f.put("zoneId", zoneId);
            f.put("zone", zone);
            f.put("name", name);
            f.put("type", record.typeAsString());
            f.put("target", target);
            f.put("action", action);
            if (record.aliasTarget() != null) {
                f.put("aliasZone", record.aliasTarget().hostedZoneId());
                f.put("aliasDns", record.aliasTarget().dnsName());
                f.put("aliasHealth", String.valueOf(Boolean.TRUE.equals(record.aliasTarget().evaluateTargetHealth())));
            } else {
                f.put("ttl", String.valueOf(record.ttl()));
                f.put("values", String.join("\n", record.resourceRecords().stream().map(v -> v.value()).toList()));
            }
            return f;
        }

        static Optional<Written> of(int seq, Map<String, String> f) {
            try {
                ResourceRecordSet.Builder r = ResourceRecordSet.builder().name(f.get("name")).type(f.get("type"));
                if (f.containsKey("aliasDns")) {
                    r.aliasTarget(a -> a.hostedZoneId(f.get("aliasZone")).dnsName(f.get("aliasDns"))
                            .evaluateTargetHealth(Boolean.parseBoolean(f.get("aliasHealth"))));
                } else {
                    r.ttl(Long.parseLong(f.get("ttl"))).resourceRecords(java.util.Arrays.stream(f.get("values").split("\n"))
                            .map(v -> software.amazon.awssdk.services.route53.model.ResourceRecord.builder().value(v).build()).toList());
                }
                return Optional.of(new Written(seq, f.get("zoneId"), f.get("zone"), f.get("name"), r.build(), f.get("target"),
                        f.get("action")));
            } catch (RuntimeException e) {
                return Optional.empty(); // a fact this version cannot read: unknown, so never deleted
            }
        }
    }

    private static String memoryPrefix(ResourceId id) {
        return "route53/" + id.environment() + "/" + id.name() + "/";
    }

    /** The last record write Cutover made at the service's name (any process on the same journal store), if any. */
    Optional<Written> written(ResourceId id) {
        String prefix = memoryPrefix(id);
        Written last = null;
        for (int from = 1; ; from += MEMORY_BATCH) {
            List<String> keys = new ArrayList<>();
            for (int n = from; n < from + MEMORY_BATCH; n++) {
                keys.add(prefix + n);
            }
            Map<String, Map<String, String>> known = rt.memory().recall(keys);
            for (int n = from; n < from + MEMORY_BATCH; n++) {
                Map<String, String> f = known.get(prefix + n);
                if (f == null) {
                    return Optional.ofNullable(last);
                }
                last = Written.of(n, f).orElse(last);
            }
        }
    }

    private void remember(ResourceId id, Written w) {
        int next = written(id).map(Written::seq).orElse(0) + 1;
        rt.memory().remember(memoryPrefix(id) + next, w.facts());
    }

    /** A record's values as Route 53 compares them for a DELETE: type, TTL and values, or the alias target. */
    private static String signature(ResourceRecordSet r) {
        if (r.aliasTarget() != null) {
            return r.typeAsString() + " alias " + r.aliasTarget().hostedZoneId() + " " + trim(r.aliasTarget().dnsName())
                    .replaceFirst("^dualstack\\.", "") + " " + Boolean.TRUE.equals(r.aliasTarget().evaluateTargetHealth());
        }
        return r.typeAsString() + " " + r.ttl() + " " + r.resourceRecords().stream().map(v -> trim(v.value())).sorted().toList();
    }

    /**
     * A name the environment no longer declares: the record Cutover last wrote there, while the name still holds
     * exactly it (then the plan deletes it); a record Cutover never wrote is not Cutover's, and one changed outside
     * Cutover since is reported (logged at WARN on every plan) and left alone.
     */
    private Optional<Resource> removed(Layout layout, ResourceId id) {
        Optional<Written> last = written(id).filter(Written::upserted);
        if (last.isEmpty()) {
            return Optional.empty();
        }
        Written w = last.get();
        List<ResourceRecordSet> existing = records(layout, new Zone(w.zoneId(), w.zoneId()), w.name());
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        ResourceRecordSet current = existing.get(0);
        if (existing.size() > 1 || !signature(current).equals(signature(w.record()))) {
            LOG.warn("{}: {} in hosted zone {} is no longer declared, but it was changed outside Cutover since Cutover wrote it "
                    + "(now {}, Cutover wrote {}): not planned for deletion; delete it in Route 53 yourself, or declare the name "
                    + "again", id, w.name(), w.zone(), describe(layout, current), w.target());
            return Optional.empty();
        }
        return Optional.of(new Resource(id, EcsCompute.attrs("name", w.name(), "zone", w.zone(), "target", w.target()), w.zoneId()));
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
    public List<PolicyStatement> permissions(Release release, List<Change> changes, boolean writes) {
        Environment env = release.environment();
        if (env.hostedZone().isEmpty()) {
            return List.of();
        }
        if (env.dnsName(release.service().name()).isEmpty()) {
            return removedPermissions(release, changes, writes);
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

    /**
     * A name the environment no longer declares that Cutover wrote: planning reads the record in the zone Cutover
     * wrote it in; a plan that deletes it may delete exactly that record — {@code ChangeResourceRecordSets} on the
     * zone with the Route 53 condition keys (Route 53 developer guide, "Using IAM policy conditions for fine-grained
     * access control": actions DELETE only, the normalized record name, the record type) — and read the change.
     */
    private List<PolicyStatement> removedPermissions(Release release, List<Change> changes, boolean writes) {
        ResourceId id = ResourceId.of(release.environment().name(), dev.cutover.spi.ResourceType.DNS, release.service().name());
        Optional<Written> last = written(id).filter(Written::upserted);
        if (last.isEmpty()) {
            return List.of();
        }
        Written w = last.get();
        String partition = rt.settings().inRegion(rt.layouts().of(release.environment().name()).region()).partition();
        String zoneArn = "arn:" + partition + ":route53:::hostedzone/" + w.zoneId();
        List<PolicyStatement> out = new ArrayList<>();
        out.add(new PolicyStatement(List.of("route53:ListResourceRecordSets"), List.of(zoneArn)));
        boolean deletes = changes.stream().anyMatch(c -> c.id().equals(id) && c.action() == Change.Action.DELETE);
        if (writes && deletes) {
            out.add(new PolicyStatement(List.of("route53:ChangeResourceRecordSets"), List.of(zoneArn))
                    .withCondition("ForAllValues:StringEquals", "route53:ChangeResourceRecordSetsActions", "DELETE")
                    .withCondition("ForAllValues:StringEquals", "route53:ChangeResourceRecordSetsNormalizedRecordNames", trim(w.name()))
                    .withCondition("ForAllValues:StringEquals", "route53:ChangeResourceRecordSetsRecordTypes", w.record().typeAsString()));
            out.add(new PolicyStatement(List.of("route53:GetChange"), List.of("arn:" + partition + ":route53:::change/*")));
        }
        return out;
    }
}

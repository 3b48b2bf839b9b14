package dev.cutover.localcloud.internal.route53;

import dev.cutover.localcloud.internal.aws.AwsServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Amazon Route 53 on its REST-XML protocol ({@code /2013-04-01/...}, XML bodies): CreateHostedZone,
 * GetHostedZone, ListHostedZones, DeleteHostedZone, ChangeResourceRecordSets, ListResourceRecordSets
 * and GetChange, per account (Route 53 is a global service).
 *
 * <p>Rules, from the Amazon Route 53 API Reference of each operation:
 * <ul>
 *   <li>ChangeResourceRecordSets is atomic: every change is checked first and the batch fails with
 *       {@code InvalidChangeBatch} (400) listing every problem — CREATE of a record set that exists,
 *       DELETE of one that does not exist or whose values differ, a name outside the zone, a CNAME at
 *       the zone apex or beside other records of its name, a record set with both or neither of
 *       {@code AliasTarget} and {@code ResourceRecords}, the zone's own SOA and NS deleted; UPSERT
 *       creates or replaces. At most 1,000 changes (Route 53 quotas: "Elements in a
 *       ChangeResourceRecordSets request").</li>
 *   <li>A change is {@code PENDING} until it has propagated ({@value #PROPAGATION_SECONDS} simulated
 *       seconds here), then {@code INSYNC} (GetChange).</li>
 *   <li>ListResourceRecordSets lists in Route 53's order — names by their labels read from the right,
 *       then type — from {@code name}/{@code type}, {@code maxitems} (default and most 300) per page with
 *       {@code IsTruncated} and {@code NextRecordName}/{@code NextRecordType}; {@code type} without
 *       {@code name} is {@code InvalidInput}.</li>
 *   <li>A new zone holds its SOA and NS record sets; DeleteHostedZone refuses a zone with other records
 *       ({@code HostedZoneNotEmpty}); {@code CallerReference} is unique ({@code HostedZoneAlreadyExists}).</li>
 *   <li>Unknown zones: {@code NoSuchHostedZone} (404); unknown changes: {@code NoSuchChange} (404).</li>
 *   <li>Alias records (botocore {@code route53} model, shape {@code AliasTarget}: {@code HostedZoneId}, {@code DNSName} and
 *       {@code EvaluateTargetHealth} are required, else {@code InvalidInput}; shape {@code ResourceRecordSet}, member
 *       {@code TTL}: "If you're creating or updating an alias resource record set, omit TTL"): an alias to an ELB load
 *       balancer names the load balancer's {@code CanonicalHostedZoneId} (the Region's ALB zone, DescribeLoadBalancers)
 *       and its {@code DNSName} (optionally {@code dualstack.}-prefixed), is of type A or AAAA, and the load balancer
 *       exists in the account; an alias to a record of the same zone needs that record. Anything else is an
 *       {@code InvalidChangeBatch} problem ("... but the alias target name does not lie within the target zone",
 *       "... but that target was not found").</li>
 *   <li>ListHostedZonesByName lists zones in ASCII order of their reversed labels from {@code dnsname} (API Reference,
 *       ListHostedZonesByName).</li>
 *   <li>Every request passes the local cloud's fault gate as service {@code route53} (outages, dropped connections,
 *       injected 5xx, lost responses, and throttling: one account-level bucket of 50 requests, refilled at 10 per second,
 *       answered with HTTP 400 {@code Throttling} "Rate exceeded" — Route 53 Developer Guide, "Throttling for Amazon
 *       Route 53 API requests").</li>
 * </ul>
 */
public final class Route53Emulator implements AwsServer.PlainHandler {

    /** Where Route 53's API lives. */
    public static final String PREFIX = "/2013-04-01/";
    static final String NS = "https://route53.amazonaws.com/doc/2013-04-01/";
    static final int PROPAGATION_SECONDS = 10;
    static final int MAX_CHANGES = 1000;

    private record RecordKey(String name, String type) {
    }

    private static final class RecordSet {
        String name;
        String type;
        long ttl = -1;
        List<String> values = new ArrayList<>();
        String aliasZone;
        String aliasName;
        boolean evaluateTargetHealth;

        String describe() {
            return aliasName != null ? "alias " + aliasName : "ttl " + ttl + " " + values;
        }

        boolean sameAs(RecordSet o) {
            return ttl == o.ttl && values.equals(o.values) && Objects.equals(aliasZone, o.aliasZone)
                    && Objects.equals(aliasName, o.aliasName);
        }
    }

    private static final class Zone {
        String id;
        String name;
        String callerReference;
        String comment = "";
        boolean privateZone;
        final Map<RecordKey, RecordSet> records = new TreeMap<>(ORDER);
    }

    private record Change(String id, Instant submitted) {
    }

    /** Route 53's listing order: the name's labels from the right, then the type. */
    private static final Comparator<RecordKey> ORDER = Comparator.comparing((RecordKey k) -> reversed(k.name()))
            .thenComparing(RecordKey::type);

    /** What the rest of the local cloud knows about alias targets: the load balancers of an account. */
    public interface AliasTargets {
        /** Whether the account has a load balancer whose canonical hosted zone is {@code zoneId} and whose DNS name is {@code dnsName}. */
        boolean loadBalancer(String account, String zoneId, String dnsName);

        /** Whether {@code zoneId} is the canonical hosted zone of load balancers in some Region. */
        boolean isLoadBalancerZone(String zoneId);

        AliasTargets NONE = new AliasTargets() {
            @Override
            public boolean loadBalancer(String account, String zoneId, String dnsName) {
                return false;
            }

            @Override
            public boolean isLoadBalancerZone(String zoneId) {
                return false;
            }
        };
    }

    private final Clock clock;
    private final Random random;
    private volatile AwsServer.RequestGate gate = AwsServer.RequestGate.OPEN;
    private volatile AliasTargets aliasTargets = AliasTargets.NONE;
    private final Map<String, Map<String, Zone>> zonesByAccount = new LinkedHashMap<>();
    private final Map<String, Change> changes = new LinkedHashMap<>();

    public Route53Emulator(Clock clock, long seed) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = new Random(seed);
    }

    private static String reversed(String name) {
        String[] labels = name.split("\\.");
        StringBuilder sb = new StringBuilder();
        for (int i = labels.length - 1; i >= 0; i--) {
            sb.append(labels[i]).append('\u0000');
        }
        return sb.toString();
    }

    /** The fault gate every request passes first (service {@code route53}). */
    public Route53Emulator gate(AwsServer.RequestGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
        return this;
    }

    /** Where alias targets are looked up (the local cloud's load balancers). */
    public Route53Emulator aliasTargets(AliasTargets targets) {
        this.aliasTargets = Objects.requireNonNull(targets, "targets");
        return this;
    }

    /** A name as Route 53 keeps it: lower case with a trailing dot ({@code \052} for a leading {@code *}). */
    static String normalize(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT).replace("\\052", "*");
        return n.endsWith(".") ? n : n + ".";
    }

    private String id(String prefix, int length) {
        StringBuilder sb = new StringBuilder(prefix);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** An error answered as Route 53 answers it: {@code <ErrorResponse><Error><Type/><Code/><Message/></Error>}. */
    static final class Route53Error extends RuntimeException {
        final int status;
        final String code;

        Route53Error(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    /**
     * Answers one request after the fault gate admitted it (its errors answered as Route 53's XML errors); a
     * successful answer the gate chooses to lose drops the connection after the change was made.
     */
    @Override
    public AwsServer.PlainResponse handle(String method, URI uri, Map<String, List<String>> headers, byte[] body) {
        String operation = operation(method, uri.getPath());
        AwsServer.RequestContext context = new AwsServer.RequestContext(AwsServer.RequestContext.DEFAULT_REGION, headers);
        try {
            gate.admit("route53", operation, context);
        } catch (dev.cutover.localcloud.internal.aws.AwsError e) {
            return error(new Route53Error(e.status(), e.type(), e.getMessage()));
        }
        AwsServer.PlainResponse r;
        synchronized (this) {
            r = answer(method, uri, headers, body);
        }
        if (r.status() < 300 && gate.loseResponse("route53", operation, context)) {
            throw new AwsServer.DropConnection();
        }
        return r;
    }

    /** Route 53's operation name of a request (the gate's throttling families and lost-response counts use it). */
    static String operation(String method, String path) {
        String p = path.substring(Math.min(path.length(), PREFIX.length() - 1)).replaceAll("/+$", "");
        if (p.equals("/hostedzone")) {
            return method.equals("POST") ? "CreateHostedZone" : "ListHostedZones";
        }
        if (p.equals("/hostedzonesbyname")) {
            return "ListHostedZonesByName";
        }
        if (p.startsWith("/change/")) {
            return "GetChange";
        }
        if (p.endsWith("/rrset")) {
            return method.equals("POST") ? "ChangeResourceRecordSets" : "ListResourceRecordSets";
        }
        if (p.startsWith("/hostedzone/")) {
            return method.equals("DELETE") ? "DeleteHostedZone" : "GetHostedZone";
        }
        return method + " " + path;
    }

    private AwsServer.PlainResponse answer(String method, URI uri, Map<String, List<String>> headers, byte[] body) {
        String account = AwsServer.RequestContext.accountOf(first(headers, "Authorization"));
        Map<String, Zone> zones = zonesByAccount.computeIfAbsent(account, a -> new LinkedHashMap<>());
        String path = uri.getPath().substring(PREFIX.length() - 1);
        Map<String, List<String>> query = AwsServer.query(uri);
        try {
            String[] p = path.replaceAll("/+$", "").split("/");
            if (p.length == 2 && p[1].equals("hostedzonesbyname") && method.equals("GET")) {
                return listHostedZonesByName(zones, query);
            }
            // p[0] = "", p[1] = hostedzone|change, p[2] = id, p[3] = rrset
            if (p.length == 2 && p[1].equals("hostedzone") && method.equals("POST")) {
                return createHostedZone(zones, parse(body), account);
            }
            if (p.length == 2 && p[1].equals("hostedzone") && method.equals("GET")) {
                return listHostedZones(zones, query);
            }
            if (p.length == 3 && p[1].equals("change") && method.equals("GET")) {
                return getChange(p[2]);
            }
            if (p.length >= 3 && p[1].equals("hostedzone")) {
                Zone zone = zones.get(p[2]);
                if (zone == null) {
                    throw new Route53Error(404, "NoSuchHostedZone", "No hosted zone found with ID: " + p[2]);
                }
                if (p.length == 3 && method.equals("GET")) {
                    return ok(200, "GetHostedZoneResponse", zoneXml(zone) + "<DelegationSet><NameServers>" + nameServers()
                            + "</NameServers></DelegationSet>");
                }
                if (p.length == 3 && method.equals("DELETE")) {
                    if (zone.records.size() > 2) {
                        throw new Route53Error(400, "HostedZoneNotEmpty", "The specified hosted zone contains non-required resource"
                                + " record sets and so cannot be deleted.");
                    }
                    zones.remove(zone.id);
                    return ok(200, "DeleteHostedZoneResponse", changeInfo(newChange()));
                }
                if (p.length == 4 && p[3].equals("rrset") && method.equals("POST")) {
                    return changeRecordSets(account, zones, zone, parse(body));
                }
                if (p.length == 4 && p[3].equals("rrset") && method.equals("GET")) {
                    return listRecordSets(zone, query);
                }
            }
            throw new Route53Error(404, "UnknownOperationException", "No Route 53 operation answers " + method + " " + uri.getPath());
        } catch (Route53Error e) {
            return error(e);
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ zones

    private AwsServer.PlainResponse createHostedZone(Map<String, Zone> zones, Element req, String account) {
        String name = text(req, "Name");
        String caller = text(req, "CallerReference");
        if (name == null || caller == null) {
            throw new Route53Error(400, "InvalidInput", "Name and CallerReference are required.");
        }
        for (Zone z : zones.values()) {
            if (z.callerReference.equals(caller)) {
                throw new Route53Error(409, "HostedZoneAlreadyExists", "A hosted zone has already been created with the specified"
                        + " caller reference.");
            }
        }
        Zone zone = new Zone();
        zone.id = id("Z", 19);
        zone.name = normalize(name);
        zone.callerReference = caller;
        Element config = child(req, "HostedZoneConfig");
        if (config != null) {
            zone.comment = text(config, "Comment") == null ? "" : text(config, "Comment");
            zone.privateZone = "true".equals(text(config, "PrivateZone"));
        }
        zone.privateZone |= child(req, "VPC") != null;
        RecordSet soa = new RecordSet();
        soa.name = zone.name;
        soa.type = "SOA";
        soa.ttl = 900;
        soa.values.add("ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400");
        RecordSet ns = new RecordSet();
        ns.name = zone.name;
        ns.type = "NS";
        ns.ttl = 172800;
        ns.values.addAll(List.of("ns-1.awsdns-01.org.", "ns-2.awsdns-02.co.uk.", "ns-3.awsdns-03.com.", "ns-4.awsdns-04.net."));
        zone.records.put(new RecordKey(zone.name, "SOA"), soa);
        zone.records.put(new RecordKey(zone.name, "NS"), ns);
        zones.put(zone.id, zone);
        AwsServer.PlainResponse r = ok(201, "CreateHostedZoneResponse", zoneXml(zone) + changeInfo(newChange())
                + "<DelegationSet><NameServers>" + nameServers() + "</NameServers></DelegationSet>");
        return r.withHeaders(Map.of("Location", "https://route53.amazonaws.com/2013-04-01/hostedzone/" + zone.id));
    }

    private static String nameServers() {
        return "<NameServer>ns-1.awsdns-01.org</NameServer><NameServer>ns-2.awsdns-02.co.uk</NameServer>"
                + "<NameServer>ns-3.awsdns-03.com</NameServer><NameServer>ns-4.awsdns-04.net</NameServer>";
    }

    private static String zoneXml(Zone z) {
        return "<HostedZone><Id>/hostedzone/" + z.id + "</Id><Name>" + esc(z.name) + "</Name><CallerReference>"
                + esc(z.callerReference) + "</CallerReference><Config><Comment>" + esc(z.comment) + "</Comment><PrivateZone>"
                + z.privateZone + "</PrivateZone></Config><ResourceRecordSetCount>" + z.records.size()
                + "</ResourceRecordSetCount></HostedZone>";
    }

    private AwsServer.PlainResponse listHostedZones(Map<String, Zone> zones, Map<String, List<String>> query) {
        List<Zone> all = new ArrayList<>(zones.values());
        int max = maxItems(query, 100);
        String marker = query.containsKey("marker") ? query.get("marker").get(0) : null;
        int from = 0;
        if (marker != null) {
            from = -1;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).id.equals(marker)) {
                    from = i;
                }
            }
            if (from < 0) {
                throw new Route53Error(400, "InvalidInput", "Invalid marker " + marker);
            }
        }
        StringBuilder sb = new StringBuilder("<HostedZones>");
        int to = Math.min(all.size(), from + max);
        for (Zone z : all.subList(from, to)) {
            sb.append(zoneXml(z));
        }
        sb.append("</HostedZones>");
        if (marker != null) {
            sb.append("<Marker>").append(marker).append("</Marker>");
        }
        sb.append("<IsTruncated>").append(to < all.size()).append("</IsTruncated>");
        if (to < all.size()) {
            sb.append("<NextMarker>").append(all.get(to).id).append("</NextMarker>");
        }
        sb.append("<MaxItems>").append(max).append("</MaxItems>");
        return ok(200, "ListHostedZonesResponse", sb.toString());
    }

    /** ListHostedZonesByName: zones ordered by their reversed labels, from {@code dnsname} (and {@code hostedzoneid}) on. */
    private AwsServer.PlainResponse listHostedZonesByName(Map<String, Zone> zones, Map<String, List<String>> query) {
        String dnsName = query.containsKey("dnsname") ? normalize(query.get("dnsname").get(0)) : null;
        String fromId = query.containsKey("hostedzoneid") ? query.get("hostedzoneid").get(0) : null;
        if (fromId != null && dnsName == null) {
            throw new Route53Error(400, "InvalidInput", "The input is not valid: hostedzoneid needs dnsname.");
        }
        int max = maxItems(query, 100);
        List<Zone> all = new ArrayList<>(zones.values());
        all.sort(Comparator.comparing((Zone z) -> reversed(z.name)).thenComparing(z -> z.id));
        List<Zone> from = all.stream().filter(z -> dnsName == null || reversed(z.name).compareTo(reversed(dnsName)) > 0
                || reversed(z.name).equals(reversed(dnsName)) && (fromId == null || z.id.compareTo(fromId) >= 0)).toList();
        StringBuilder sb = new StringBuilder("<HostedZones>");
        int n = Math.min(max, from.size());
        from.subList(0, n).forEach(z -> sb.append(zoneXml(z)));
        sb.append("</HostedZones>");
        if (dnsName != null) {
            sb.append("<DNSName>").append(esc(dnsName)).append("</DNSName>");
        }
        if (fromId != null) {
            sb.append("<HostedZoneId>").append(esc(fromId)).append("</HostedZoneId>");
        }
        sb.append("<IsTruncated>").append(n < from.size()).append("</IsTruncated>");
        if (n < from.size()) {
            sb.append("<NextDNSName>").append(esc(from.get(n).name)).append("</NextDNSName><NextHostedZoneId>").append(from.get(n).id)
                    .append("</NextHostedZoneId>");
        }
        sb.append("<MaxItems>").append(max).append("</MaxItems>");
        return ok(200, "ListHostedZonesByNameResponse", sb.toString());
    }

    private static int maxItems(Map<String, List<String>> query, int cap) {
        if (!query.containsKey("maxitems")) {
            return cap;
        }
        try {
            int n = Integer.parseInt(query.get("maxitems").get(0));
            if (n < 1) {
                throw new NumberFormatException();
            }
            return Math.min(n, cap);
        } catch (NumberFormatException e) {
            throw new Route53Error(400, "InvalidInput", "1 validation error detected: Value '" + query.get("maxitems").get(0)
                    + "' at 'maxItems' failed to satisfy constraint: Member must be a positive integer");
        }
    }

    // ------------------------------------------------------------------ record sets

    private AwsServer.PlainResponse changeRecordSets(String account, Map<String, Zone> zones, Zone zone, Element req) {
        Element batch = child(req, "ChangeBatch");
        Element list = batch == null ? null : child(batch, "Changes");
        List<Element> items = list == null ? List.of() : children(list, "Change");
        if (items.isEmpty()) {
            throw new Route53Error(400, "InvalidInput", "1 validation error detected: Value null at 'changeBatch.changes' failed to"
                    + " satisfy constraint: Member must not be null");
        }
        if (items.size() > MAX_CHANGES) {
            throw new Route53Error(400, "InvalidChangeBatch", "Number of records limit of " + MAX_CHANGES + " exceeded.");
        }
        Map<RecordKey, RecordSet> after = new TreeMap<>(ORDER);
        after.putAll(zone.records);
        List<String> problems = new ArrayList<>();
        for (Element c : items) {
            String action = text(c, "Action");
            Element rrs = child(c, "ResourceRecordSet");
            if (rrs == null || action == null || !List.of("CREATE", "DELETE", "UPSERT").contains(action)) {
                throw new Route53Error(400, "InvalidInput", "Each change needs an Action of CREATE, DELETE or UPSERT and a"
                        + " ResourceRecordSet.");
            }
            RecordSet rs = recordSet(rrs);
            String shown = "[name='" + rs.name + "', type='" + rs.type + "']";
            RecordKey key = new RecordKey(rs.name, rs.type);
            if (!(rs.name.equals(zone.name) || rs.name.endsWith("." + zone.name))) {
                problems.add("RRSet with DNS name " + rs.name + " is not permitted in zone " + zone.name);
                continue;
            }
            if ((rs.aliasName == null) == rs.values.isEmpty() && !action.equals("DELETE")) {
                problems.add("Invalid Resource Record set " + shown + ": exactly one of AliasTarget and ResourceRecords is needed");
                continue;
            }
            if (rs.aliasName == null && rs.ttl < 0 && !action.equals("DELETE")) {
                problems.add("Invalid Resource Record set " + shown + ": a TTL is needed without an AliasTarget");
                continue;
            }
            if (rs.aliasName != null && !action.equals("DELETE")) {
                String aliasProblem = aliasProblem(account, zones, zone, rs, after);
                if (aliasProblem != null) {
                    problems.add(aliasProblem);
                    continue;
                }
            }
            if (rs.name.equals(zone.name) && (rs.type.equals("SOA") || rs.type.equals("NS")) && action.equals("DELETE")) {
                problems.add("A HostedZone must contain at least one NS record for the zone itself.");
                continue;
            }
            if (rs.type.equals("CNAME") && rs.name.equals(zone.name) && !action.equals("DELETE")) {
                problems.add("RRSet of type CNAME with DNS name " + rs.name + " is not permitted at apex in zone " + zone.name);
                continue;
            }
            RecordSet existing = after.get(key);
            switch (action) {
                case "CREATE" -> {
                    if (existing != null) {
                        problems.add("Tried to create resource record set " + shown + " but it already exists");
                        continue;
                    }
                    after.put(key, rs);
                }
                case "DELETE" -> {
                    if (existing == null) {
                        problems.add("Tried to delete resource record set " + shown + " but it was not found");
                        continue;
                    }
                    if (!existing.sameAs(rs)) {
                        problems.add("Tried to delete resource record set " + shown + " but the values provided do not match the"
                                + " current values (" + existing.describe() + ")");
                        continue;
                    }
                    after.remove(key);
                }
                default -> after.put(key, rs);
            }
            boolean cname = after.keySet().stream().anyMatch(k -> k.name().equals(rs.name) && k.type().equals("CNAME"));
            long atName = after.keySet().stream().filter(k -> k.name().equals(rs.name)).count();
            if (cname && atName > 1) {
                problems.add("RRSet of type CNAME with DNS name " + rs.name + " is not permitted as it conflicts with other records"
                        + " with the same DNS name in zone " + zone.name);
            }
        }
        if (!problems.isEmpty()) {
            throw new Route53Error(400, "InvalidChangeBatch", "[" + String.join(", ", problems) + "]");
        }
        zone.records.clear();
        zone.records.putAll(after);
        return ok(200, "ChangeResourceRecordSetsResponse", changeInfo(newChange()));
    }

    /**
     * What Route 53 says about an alias record's target, or null when the target is valid: with TTL (the
     * {@code ResourceRecordSet.TTL} documentation: omit it for an alias), to a load balancer that does not exist
     * under that canonical hosted zone or of a type other than A/AAAA, to a record of the same zone that does not
     * exist, or to a zone nothing is known of.
     */
    private String aliasProblem(String account, Map<String, Zone> zones, Zone zone, RecordSet rs, Map<RecordKey, RecordSet> after) {
        String target = "Tried to create an alias that targets " + rs.aliasName + ", type " + rs.type + " in zone " + rs.aliasZone;
        if (rs.ttl >= 0) {
            return "Invalid Resource Record set [name='" + rs.name + "', type='" + rs.type + "']: an alias record takes no TTL"
                    + " (Route 53 uses the alias target's)";
        }
        if (aliasTargets.isLoadBalancerZone(rs.aliasZone)) {
            if (!rs.type.equals("A") && !rs.type.equals("AAAA")) {
                return target + ", but an alias to a load balancer must be of type A or AAAA";
            }
            return aliasTargets.loadBalancer(account, rs.aliasZone, rs.aliasName) ? null
                    : target + ", but the alias target name does not lie within the target zone";
        }
        if (rs.aliasZone.equals(zone.id)) {
            return after.containsKey(new RecordKey(rs.aliasName, rs.type)) ? null : target + ", but that target was not found";
        }
        Zone other = zones.get(rs.aliasZone);
        if (other != null) {
            return other.records.containsKey(new RecordKey(rs.aliasName, rs.type)) ? null
                    : target + ", but that target was not found";
        }
        return target + ", but the alias target name does not lie within the target zone";
    }

    private static RecordSet recordSet(Element e) {
        RecordSet rs = new RecordSet();
        rs.name = normalize(text(e, "Name") == null ? "" : text(e, "Name"));
        rs.type = text(e, "Type") == null ? "" : text(e, "Type");
        if (text(e, "TTL") != null) {
            rs.ttl = Long.parseLong(text(e, "TTL"));
        }
        Element records = child(e, "ResourceRecords");
        if (records != null) {
            for (Element r : children(records, "ResourceRecord")) {
                rs.values.add(text(r, "Value"));
            }
        }
        Element alias = child(e, "AliasTarget");
        if (alias != null && (text(alias, "HostedZoneId") == null || text(alias, "DNSName") == null
                || text(alias, "EvaluateTargetHealth") == null)) {
            // botocore route53 model, shape AliasTarget: required HostedZoneId, DNSName, EvaluateTargetHealth
            throw new Route53Error(400, "InvalidInput", "Invalid request: AliasTarget needs HostedZoneId, DNSName and"
                    + " EvaluateTargetHealth");
        }
        if (alias != null) {
            rs.aliasZone = text(alias, "HostedZoneId");
            rs.aliasName = normalize(text(alias, "DNSName") == null ? "" : text(alias, "DNSName"));
            rs.evaluateTargetHealth = "true".equals(text(alias, "EvaluateTargetHealth"));
        }
        return rs;
    }

    private AwsServer.PlainResponse listRecordSets(Zone zone, Map<String, List<String>> query) {
        String name = query.containsKey("name") ? normalize(query.get("name").get(0)) : null;
        String type = query.containsKey("type") ? query.get("type").get(0) : null;
        if (type != null && name == null) {
            throw new Route53Error(400, "InvalidInput", "The input is not valid: a type needs a name to start from.");
        }
        int max = maxItems(query, 300);
        List<RecordSet> all = new ArrayList<>(zone.records.values());
        RecordKey start = name == null ? null : new RecordKey(name, type == null ? "" : type);
        List<RecordSet> from = start == null ? all
                : all.stream().filter(r -> ORDER.compare(new RecordKey(r.name, r.type), start) >= 0).toList();
        StringBuilder sb = new StringBuilder("<ResourceRecordSets>");
        int n = Math.min(max, from.size());
        for (RecordSet r : from.subList(0, n)) {
            sb.append("<ResourceRecordSet><Name>").append(esc(r.name)).append("</Name><Type>").append(r.type).append("</Type>");
            if (r.aliasName != null) {
                sb.append("<AliasTarget><HostedZoneId>").append(esc(r.aliasZone)).append("</HostedZoneId><DNSName>")
                        .append(esc(r.aliasName)).append("</DNSName><EvaluateTargetHealth>").append(r.evaluateTargetHealth)
                        .append("</EvaluateTargetHealth></AliasTarget>");
            } else {
                sb.append("<TTL>").append(r.ttl).append("</TTL><ResourceRecords>");
                r.values.forEach(v -> sb.append("<ResourceRecord><Value>").append(esc(v)).append("</Value></ResourceRecord>"));
                sb.append("</ResourceRecords>");
            }
            sb.append("</ResourceRecordSet>");
        }
        sb.append("</ResourceRecordSets><IsTruncated>").append(n < from.size()).append("</IsTruncated>");
        if (n < from.size()) {
            RecordSet next = from.get(n);
            sb.append("<NextRecordName>").append(esc(next.name)).append("</NextRecordName><NextRecordType>").append(next.type)
                    .append("</NextRecordType>");
        }
        sb.append("<MaxItems>").append(max).append("</MaxItems>");
        return ok(200, "ListResourceRecordSetsResponse", sb.toString());
    }

    // ------------------------------------------------------------------ changes

    private Change newChange() {
        Change c = new Change(id("C", 20), clock.instant());
        changes.put(c.id(), c);
        return c;
    }

    private String changeInfo(Change c) {
        boolean synced = !clock.instant().isBefore(c.submitted().plus(Duration.ofSeconds(PROPAGATION_SECONDS)));
        return "<ChangeInfo><Id>/change/" + c.id() + "</Id><Status>" + (synced ? "INSYNC" : "PENDING") + "</Status><SubmittedAt>"
                + c.submitted() + "</SubmittedAt></ChangeInfo>";
    }

    private AwsServer.PlainResponse getChange(String id) {
        Change c = changes.get(id);
        if (c == null) {
            throw new Route53Error(404, "NoSuchChange", "A change with the specified change ID does not exist.");
        }
        return ok(200, "GetChangeResponse", changeInfo(c));
    }

    // ------------------------------------------------------------------ XML

    private static AwsServer.PlainResponse ok(int status, String root, String inner) {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + root + " xmlns=\"" + NS + "\">" + inner + "</" + root + ">";
        return new AwsServer.PlainResponse(status, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    private static AwsServer.PlainResponse error(Route53Error e) {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>"
                + (e.status >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + e.code + "</Code><Message>" + esc(e.getMessage())
                + "</Message></Error><RequestId>" + java.util.UUID.randomUUID() + "</RequestId></ErrorResponse>";
        return new AwsServer.PlainResponse(e.status, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    private static Element parse(byte[] body) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
            return d.getDocumentElement();
        } catch (Exception e) {
            throw new Route53Error(400, "InvalidInput", "The XML document is malformed: " + e.getMessage());
        }
    }

    private static Element child(Element e, String name) {
        NodeList nodes = e.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element c && name.equals(c.getLocalName() != null ? c.getLocalName() : c.getTagName())) {
                return c;
            }
        }
        return null;
    }

    private static List<Element> children(Element e, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = e.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element c && name.equals(c.getLocalName() != null ? c.getLocalName() : c.getTagName())) {
                out.add(c);
            }
        }
        return out;
    }

    private static String text(Element e, String name) {
        Element c = child(e, name);
        return c == null ? null : c.getTextContent().trim();
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

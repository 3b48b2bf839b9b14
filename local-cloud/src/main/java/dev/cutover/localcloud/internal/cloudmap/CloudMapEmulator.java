package dev.cutover.localcloud.internal.cloudmap;

import dev.cutover.localcloud.internal.aws.Scoped;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.localcloud.CloudMap;
import dev.cutover.localcloud.internal.aws.AwsError;
import dev.cutover.localcloud.internal.aws.AwsJson;
import dev.cutover.localcloud.internal.aws.JsonProtocolService;
import dev.cutover.localcloud.internal.aws.Page;
import dev.cutover.localcloud.internal.aws.RequestReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Cloud Map (AWS Service Discovery, JSON 1.1 target {@code Route53AutoNaming_v20170314}) on the
 * local cloud.
 *
 * <p>Namespace creation is asynchronous like AWS's: {@code CreatePrivateDnsNamespace} returns an
 * {@code OperationId} whose status goes SUBMITTED, PENDING, SUCCESS; the namespace exists once the
 * operation succeeded. An operation moves one step per simulated second, and also one step per
 * {@code GetOperation} call, so a client that polls on a virtual clock nobody advances still
 * converges after three polls. Instance registration returns an operation too, but the instance is
 * visible at once.
 *
 * <p>{@code DiscoverInstances} is served on the same endpoint. The AWS SDK sends it to
 * {@code data-<host>}, which does not resolve for {@code 127.0.0.1}; see {@link #DATA_PLANE_NOTE}.
 *
 * <p>ECS (or a test) registers task addresses through the Java API:
 * <pre>{@code
 * CloudMap cloudMap = cloud.cloudMap();
 * // registryArn from an ECS service's serviceRegistries, or the service id
 * cloudMap.registerInstance(registryArn, "task-1",
 *     Map.of("AWS_INSTANCE_IPV4", "10.0.0.12", "AWS_INSTANCE_PORT", "8080"));
 * cloudMap.setHealthy(registryArn, "task-1", false);
 * cloudMap.deregisterInstance(registryArn, "task-1");
 * }</pre>
 */
public final class CloudMapEmulator implements JsonProtocolService, CloudMap {

    /**
     * How a client pointed at the local cloud reaches {@code DiscoverInstances}: the SDK prefixes
     * the endpoint's host with {@code data-}, so disable host-prefix injection:
     * <pre>{@code
     * ServiceDiscoveryClient sd = ServiceDiscoveryClient.builder()
     *     .endpointOverride(cloud.endpoint())
     *     .overrideConfiguration(o -> o.putAdvancedOption(
     *         SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true))
     *     ...
     * }</pre>
     */
    public static final String DATA_PLANE_NOTE =
            "set SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION=true on clients that call DiscoverInstances";

    private static final String TARGET = "Route53AutoNaming_v20170314";
    private static final Duration STEP = Duration.ofSeconds(1);
    private static final Set<String> RECORD_TYPES = Set.of("SRV", "A", "AAAA", "CNAME");
    private static final Set<String> CONDITIONS = Set.of("EQ", "IN", "BETWEEN", "BEGINS_WITH");

    private static final class Namespace {
        String id;
        String arn;
        String name;
        String description;
        String creatorRequestId;
        String hostedZoneId;
        long soaTtl;
        Instant created;
        boolean visible;
    }

    private static final class Service {
        String id;
        String arn;
        String name;
        String namespaceId;
        String description;
        String creatorRequestId;
        String type;
        ObjectNode dnsConfig;
        ObjectNode healthCheckConfig;
        ObjectNode healthCheckCustomConfig;
        Instant created;
        long revision = 1;
        final Map<String, Registered> instances = new LinkedHashMap<>();
    }

    private static final class Registered {
        String id;
        String creatorRequestId;
        Map<String, String> attributes;
        String health;
    }

    private static final class Operation {
        String id;
        String type;
        Instant created;
        Instant updated;
        int polls;
        final Map<String, String> targets = new LinkedHashMap<>();
        Runnable onSuccess;
        boolean done;

        int stage(Instant now) {
            long byTime = Duration.between(created, now).dividedBy(STEP);
            return (int) Math.min(2, Math.max(byTime, polls));
        }

        String status(Instant now) {
            return switch (stage(now)) {
                case 0 -> "SUBMITTED";
                case 1 -> "PENDING";
                default -> "SUCCESS";
            };
        }
    }

    private final Clock clock;
    private final Random random;
    private final Map<String, Namespace> namespaces = new LinkedHashMap<>();
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final Map<String, Operation> operations = new LinkedHashMap<>();

    /** Creates the emulator; timestamps come from {@code clock}, ids from {@code seed}. */
    /** The account and Region whose resources this instance keeps (their ARNs say so). */
    private volatile Scoped.Scope scope = Scoped.Scope.DEFAULT;

    public CloudMapEmulator scope(Scoped.Scope scope) {
        this.scope = Objects.requireNonNull(scope, "scope");
        return this;
    }

    public CloudMapEmulator(Clock clock, long seed) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = new Random(seed);
    }

    @Override
    public String targetPrefix() {
        return TARGET;
    }

    @Override
    public String serviceName() {
        return "servicediscovery";
    }

    // ---------------------------------------------------------------- Java API

    /**
     * Registers (or replaces) an instance of a service, as ECS does for a task of a service with
     * {@code serviceRegistries}. Takes effect at once.
     *
     * @param serviceIdOrArn the Cloud Map service id ({@code srv-...}) or ARN ({@code registryArn})
     * @throws IllegalArgumentException when the service does not exist
     */
    @Override
    public synchronized void registerInstance(String serviceIdOrArn, String instanceId, Map<String, String> attributes) {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(attributes, "attributes");
        Service s = javaService(serviceIdOrArn);
        putInstance(s, instanceId, null, attributes);
    }

    /** Removes an instance; returns whether it existed. */
    @Override
    public synchronized boolean deregisterInstance(String serviceIdOrArn, String instanceId) {
        Service s = javaService(serviceIdOrArn);
        boolean removed = s.instances.remove(instanceId) != null;
        if (removed) {
            s.revision++;
        }
        return removed;
    }

    /** Sets an instance's health (HEALTHY or UNHEALTHY), as a health checker would. */
    @Override
    public synchronized void setHealthy(String serviceIdOrArn, String instanceId, boolean healthy) {
        Service s = javaService(serviceIdOrArn);
        Registered i = s.instances.get(instanceId);
        if (i == null) {
            throw new IllegalArgumentException("no instance " + instanceId + " in Cloud Map service " + s.id);
        }
        i.health = healthy ? "HEALTHY" : "UNHEALTHY";
        s.revision++;
    }

    /** The instances of a service, in registration order (empty if the service does not exist). */
    @Override
    public synchronized List<Instance> instances(String serviceIdOrArn) {
        Service s = lookupService(serviceIdOrArn);
        if (s == null) {
            return List.of();
        }
        return s.instances.values().stream()
                .map(i -> new Instance(s.id, i.id, Map.copyOf(i.attributes), health(s, i)))
                .toList();
    }

    /** The id of the service {@code serviceName} in the namespace {@code namespaceName}, if any. */
    @Override
    public synchronized Optional<String> findService(String namespaceName, String serviceName) {
        settle();
        for (Namespace ns : namespaces.values()) {
            if (ns.visible && ns.name.equals(namespaceName)) {
                for (Service s : services.values()) {
                    if (s.namespaceId.equals(ns.id) && s.name.equals(serviceName)) {
                        return Optional.of(s.id);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The ARN of a service given its id, if it exists. */
    @Override
    public synchronized Optional<String> serviceArn(String serviceId) {
        Service s = lookupService(serviceId);
        return s == null ? Optional.empty() : Optional.of(s.arn);
    }

    private Service javaService(String serviceIdOrArn) {
        Objects.requireNonNull(serviceIdOrArn, "serviceIdOrArn");
        Service s = lookupService(serviceIdOrArn);
        if (s == null) {
            throw new IllegalArgumentException("no Cloud Map service " + serviceIdOrArn);
        }
        return s;
    }

    private Service lookupService(String idOrArn) {
        String id = idOrArn.startsWith("arn:") ? idOrArn.substring(idOrArn.lastIndexOf('/') + 1) : idOrArn;
        return services.get(id);
    }

    // ---------------------------------------------------------------- dispatch

    @Override
    public synchronized ObjectNode handle(String operation, ObjectNode body) {
        settle();
        RequestReader req = RequestReader.of(body, CloudMapEmulator::invalid);
        return switch (operation) {
            case "CreatePrivateDnsNamespace" -> createPrivateDnsNamespace(req);
            case "GetNamespace" -> getNamespace(req);
            case "ListNamespaces" -> listNamespaces(req);
            case "DeleteNamespace" -> deleteNamespace(req);
            case "CreateService" -> createService(req);
            case "GetService" -> getService(req);
            case "ListServices" -> listServices(req);
            case "UpdateService" -> updateService(req);
            case "DeleteService" -> deleteService(req);
            case "RegisterInstance" -> registerInstance(req);
            case "DeregisterInstance" -> deregisterInstance(req);
            case "GetInstance" -> getInstance(req);
            case "ListInstances" -> listInstances(req);
            case "GetInstancesHealthStatus" -> getInstancesHealthStatus(req);
            case "UpdateInstanceCustomHealthStatus" -> updateCustomHealth(req);
            case "DiscoverInstances" -> discoverInstances(req);
            case "GetOperation" -> getOperation(req);
            case "ListOperations" -> listOperations(req);
            default -> throw AwsError.badRequest("UnknownOperationException",
                    "The local cloud's Cloud Map does not support " + operation);
        };
    }

    // ---------------------------------------------------------------- namespaces

    private ObjectNode createPrivateDnsNamespace(RequestReader req) {
        String name = req.string("Name", 253);
        req.string("Vpc", 64);
        String creator = req.optString("CreatorRequestId", 64);
        String description = req.optString("Description", 1024);
        Long ttl = null;
        RequestReader props = req.optObject("Properties");
        if (props != null) {
            RequestReader soa = props.object("DnsProperties").object("SOA");
            ttl = soa.optLong("TTL", 0, 2147483647L);
        }
        for (Namespace ns : namespaces.values()) {
            if (ns.name.equals(name)) {
                if (creator != null && creator.equals(ns.creatorRequestId)) {
                    return operationOf(ns.id);
                }
                throw AwsError.badRequest("NamespaceAlreadyExists", "Namespace " + name + " already exists (" + ns.id + ")");
            }
        }
        Namespace ns = new Namespace();
        ns.id = "ns-" + randomId(16);
        ns.arn = "arn:aws:servicediscovery:" + scope.region() + ":" + scope.account() + ":namespace/" + ns.id;
        ns.name = name;
        ns.description = description;
        ns.creatorRequestId = creator;
        ns.hostedZoneId = "Z" + randomId(13).toUpperCase();
        ns.soaTtl = ttl == null ? 15 : ttl;
        ns.created = clock.instant();
        namespaces.put(ns.id, ns);
        Operation op = newOperation("CREATE_NAMESPACE", "NAMESPACE", ns.id);
        op.onSuccess = () -> ns.visible = true;
        ObjectNode out = AwsJson.object();
        out.put("OperationId", op.id);
        return out;
    }

    private ObjectNode operationOf(String namespaceId) {
        for (Operation op : operations.values()) {
            if (namespaceId.equals(op.targets.get("NAMESPACE")) && op.type.equals("CREATE_NAMESPACE")) {
                return AwsJson.object().put("OperationId", op.id);
            }
        }
        throw AwsError.internal("no operation for namespace " + namespaceId);
    }

    private Namespace namespace(String id) {
        Namespace ns = id == null ? null : namespaces.get(id.startsWith("arn:") ? id.substring(id.lastIndexOf('/') + 1) : id);
        if (ns == null || !ns.visible) {
            throw AwsError.badRequest("NamespaceNotFound", "Namespace " + id + " not found");
        }
        return ns;
    }

    private ObjectNode getNamespace(RequestReader req) {
        Namespace ns = namespace(req.string("Id", 255));
        ObjectNode out = AwsJson.object();
        ObjectNode n = namespaceJson(ns, out.putObject("Namespace"));
        AwsJson.putIfNotNull(n, "CreatorRequestId", ns.creatorRequestId);
        return out;
    }

    private ObjectNode namespaceJson(Namespace ns, ObjectNode n) {
        n.put("Id", ns.id);
        n.put("Arn", ns.arn);
        n.put("ResourceOwner", scope.account());
        n.put("Name", ns.name);
        n.put("Type", "DNS_PRIVATE");
        AwsJson.putIfNotNull(n, "Description", ns.description);
        n.put("ServiceCount", services.values().stream().filter(s -> s.namespaceId.equals(ns.id)).count());
        ObjectNode dns = n.putObject("Properties").putObject("DnsProperties");
        dns.put("HostedZoneId", ns.hostedZoneId);
        dns.putObject("SOA").put("TTL", ns.soaTtl);
        AwsJson.putTime(n, "CreateDate", ns.created);
        return n;
    }

    private ObjectNode listNamespaces(RequestReader req) {
        List<Predicate<Namespace>> filters = new ArrayList<>();
        for (RequestReader f : req.objects("Filters", 10)) {
            String name = f.requiredEnum("Name", Set.of("TYPE", "NAME", "HTTP_NAME", "RESOURCE_OWNER"));
            Predicate<String> match = condition(f);
            filters.add(switch (name) {
                case "TYPE" -> ns -> match.test("DNS_PRIVATE");
                case "NAME", "HTTP_NAME" -> ns -> match.test(ns.name);
                default -> ns -> match.test(scope.account());
            });
        }
        List<Namespace> all = namespaces.values().stream()
                .filter(ns -> ns.visible && filters.stream().allMatch(p -> p.test(ns))).toList();
        Page<Namespace> page = page(req, all);
        ObjectNode out = AwsJson.object();
        ArrayNode items = out.putArray("Namespaces");
        page.items().forEach(ns -> namespaceJson(ns, items.addObject()));
        AwsJson.putIfNotNull(out, "NextToken", page.nextToken());
        return out;
    }

    private ObjectNode deleteNamespace(RequestReader req) {
        Namespace ns = namespace(req.string("Id", 255));
        if (services.values().stream().anyMatch(s -> s.namespaceId.equals(ns.id))) {
            throw AwsError.badRequest("ResourceInUse", "Namespace " + ns.id + " still contains services");
        }
        Operation op = newOperation("DELETE_NAMESPACE", "NAMESPACE", ns.id);
        namespaces.remove(ns.id);
        op.onSuccess = () -> { };
        return AwsJson.object().put("OperationId", op.id);
    }

    // ---------------------------------------------------------------- services

    private ObjectNode createService(RequestReader req) {
        String name = req.string("Name", 127);
        String creator = req.optString("CreatorRequestId", 64);
        String description = req.optString("Description", 1024);
        RequestReader dnsConfig = req.optObject("DnsConfig");
        String namespaceId = req.optString("NamespaceId", 64);
        if (dnsConfig != null) {
            String nsInDns = dnsConfig.optString("NamespaceId", 64);
            namespaceId = namespaceId != null ? namespaceId : nsInDns;
            dnsConfig.optEnum("RoutingPolicy", Set.of("MULTIVALUE", "WEIGHTED"));
            List<RequestReader> records = dnsConfig.objects("DnsRecords", 100);
            if (records.isEmpty()) {
                throw invalid("DnsConfig.DnsRecords must contain at least one record");
            }
            for (RequestReader r : records) {
                r.requiredEnum("Type", RECORD_TYPES);
                r.require("TTL").optLong("TTL", 0, 2147483647L);
            }
        }
        if (namespaceId == null) {
            throw invalid("NamespaceId must be specified, either as NamespaceId or in DnsConfig");
        }
        RequestReader hc = req.optObject("HealthCheckConfig");
        if (hc != null) {
            hc.requiredEnum("Type", Set.of("HTTP", "HTTPS", "TCP"));
            hc.optInt("FailureThreshold", 1, 10);
        }
        RequestReader custom = req.optObject("HealthCheckCustomConfig");
        if (custom != null) {
            custom.optInt("FailureThreshold", 1, 10);
        }
        if (hc != null && custom != null) {
            throw invalid("You can specify either HealthCheckConfig or HealthCheckCustomConfig, not both");
        }
        String type = req.optEnum("Type", Set.of("HTTP"));
        Namespace ns = namespace(namespaceId);
        for (Service s : services.values()) {
            if (s.namespaceId.equals(ns.id) && s.name.equals(name)) {
                if (creator != null && creator.equals(s.creatorRequestId)) {
                    return AwsJson.object().set("Service", serviceJson(s, AwsJson.object()));
                }
                throw AwsError.badRequest("ServiceAlreadyExists", "Service " + name + " already exists (" + s.id + ")");
            }
        }
        Service s = new Service();
        s.id = "srv-" + randomId(16);
        s.arn = "arn:aws:servicediscovery:" + scope.region() + ":" + scope.account() + ":service/" + s.id;
        s.name = name;
        s.namespaceId = ns.id;
        s.description = description;
        s.creatorRequestId = creator;
        s.created = clock.instant();
        if (dnsConfig != null) {
            s.dnsConfig = ((ObjectNode) dnsConfig.json()).deepCopy();
            s.dnsConfig.put("NamespaceId", ns.id);
            if (!s.dnsConfig.has("RoutingPolicy")) {
                s.dnsConfig.put("RoutingPolicy", "MULTIVALUE");
            }
        }
        s.type = type != null ? type : dnsConfig != null ? "DNS_HTTP" : "HTTP";
        s.healthCheckConfig = hc == null ? null : ((ObjectNode) hc.json()).deepCopy();
        s.healthCheckCustomConfig = custom == null ? null : ((ObjectNode) custom.json()).deepCopy();
        services.put(s.id, s);
        ObjectNode out = AwsJson.object();
        out.set("Service", serviceJson(s, AwsJson.object()));
        return out;
    }

    private ObjectNode serviceJson(Service s, ObjectNode n) {
        n.put("Id", s.id);
        n.put("Arn", s.arn);
        n.put("ResourceOwner", scope.account());
        n.put("Name", s.name);
        n.put("NamespaceId", s.namespaceId);
        AwsJson.putIfNotNull(n, "Description", s.description);
        n.put("InstanceCount", s.instances.size());
        if (s.dnsConfig != null) {
            n.set("DnsConfig", s.dnsConfig.deepCopy());
        }
        n.put("Type", s.type);
        if (s.healthCheckConfig != null) {
            n.set("HealthCheckConfig", s.healthCheckConfig.deepCopy());
        }
        if (s.healthCheckCustomConfig != null) {
            n.set("HealthCheckCustomConfig", s.healthCheckCustomConfig.deepCopy());
        }
        AwsJson.putTime(n, "CreateDate", s.created);
        AwsJson.putIfNotNull(n, "CreatorRequestId", s.creatorRequestId);
        n.put("CreatedByAccount", scope.account());
        return n;
    }

    /** UpdateService: the description, DNS record TTLs or health check config change when the operation succeeds. */
    private ObjectNode updateService(RequestReader req) {
        Service s = service(req.string("Id", 64));
        RequestReader change = req.object("Service");
        String description = change.optString("Description", 1024);
        RequestReader dns = change.optObject("DnsConfig");
        if (dns != null) {
            for (RequestReader r : dns.objects("DnsRecords", 100)) {
                r.requiredEnum("Type", RECORD_TYPES);
                r.require("TTL").optLong("TTL", 0, 2147483647L);
            }
        }
        RequestReader hc = change.optObject("HealthCheckConfig");
        if (hc != null) {
            hc.requiredEnum("Type", Set.of("HTTP", "HTTPS", "TCP"));
            hc.optInt("FailureThreshold", 1, 10);
        }
        ObjectNode records = dns == null ? null : ((ObjectNode) dns.json()).deepCopy();
        ObjectNode check = hc == null ? null : ((ObjectNode) hc.json()).deepCopy();
        Operation op = newOperation("UPDATE_SERVICE", "SERVICE", s.id);
        op.onSuccess = () -> {
            if (description != null) {
                s.description = description;
            }
            if (records != null && s.dnsConfig != null) {
                s.dnsConfig.set("DnsRecords", records.get("DnsRecords"));
            }
            if (check != null) {
                s.healthCheckConfig = check;
            }
            s.revision++;
        };
        return AwsJson.object().put("OperationId", op.id);
    }

    private Service service(String id) {
        Service s = id == null ? null : lookupService(id);
        if (s == null) {
            throw AwsError.badRequest("ServiceNotFound", "Service " + id + " not found");
        }
        return s;
    }

    private ObjectNode getService(RequestReader req) {
        Service s = service(req.string("Id", 255));
        ObjectNode out = AwsJson.object();
        out.set("Service", serviceJson(s, AwsJson.object()));
        return out;
    }

    private ObjectNode listServices(RequestReader req) {
        List<Predicate<Service>> filters = new ArrayList<>();
        for (RequestReader f : req.objects("Filters", 10)) {
            String name = f.requiredEnum("Name", Set.of("NAMESPACE_ID", "RESOURCE_OWNER"));
            Predicate<String> match = condition(f);
            filters.add(name.equals("NAMESPACE_ID") ? s -> match.test(s.namespaceId) : s -> match.test(scope.account()));
        }
        List<Service> all = services.values().stream().filter(s -> filters.stream().allMatch(p -> p.test(s))).toList();
        Page<Service> page = page(req, all);
        ObjectNode out = AwsJson.object();
        ArrayNode items = out.putArray("Services");
        for (Service s : page.items()) {
            ObjectNode n = serviceJson(s, items.addObject());
            n.remove("NamespaceId");
            n.remove("CreatorRequestId");
        }
        AwsJson.putIfNotNull(out, "NextToken", page.nextToken());
        return out;
    }

    private ObjectNode deleteService(RequestReader req) {
        Service s = service(req.string("Id", 255));
        if (!s.instances.isEmpty()) {
            throw AwsError.badRequest("ResourceInUse", "Service " + s.id + " still has " + s.instances.size()
                    + " registered instances; deregister them first");
        }
        services.remove(s.id);
        return AwsJson.object();
    }

    // ---------------------------------------------------------------- instances

    private ObjectNode registerInstance(RequestReader req) {
        Service s = service(req.string("ServiceId", 255));
        String id = req.string("InstanceId", 64);
        String creator = req.optString("CreatorRequestId", 64);
        Map<String, String> attributes = req.require("Attributes").stringMap("Attributes", 30);
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            if (a.getKey().isEmpty() || a.getKey().length() > 255 || a.getValue().length() > 1024) {
                throw invalid("Attribute " + a.getKey() + " is empty or too long");
            }
        }
        if (s.dnsConfig != null) {
            boolean needsIp = false;
            for (var r : s.dnsConfig.path("DnsRecords")) {
                String t = r.path("Type").asText();
                needsIp |= t.equals("A") || t.equals("SRV");
            }
            if (needsIp && !attributes.containsKey("AWS_INSTANCE_IPV4") && !attributes.containsKey("AWS_ALIAS_DNS_NAME")) {
                throw invalid("Attributes must include AWS_INSTANCE_IPV4 for a service with A or SRV records");
            }
        }
        putInstance(s, id, creator, attributes);
        Operation op = newOperation("REGISTER_INSTANCE", "INSTANCE", id);
        op.targets.put("SERVICE", s.id);
        return AwsJson.object().put("OperationId", op.id);
    }

    private void putInstance(Service s, String id, String creator, Map<String, String> attributes) {
        Registered i = new Registered();
        i.id = id;
        i.creatorRequestId = creator;
        i.attributes = new LinkedHashMap<>(attributes);
        Registered previous = s.instances.get(id);
        i.health = previous != null ? previous.health : "HEALTHY";
        s.instances.put(id, i);
        s.revision++;
    }

    private ObjectNode deregisterInstance(RequestReader req) {
        Service s = service(req.string("ServiceId", 255));
        String id = req.string("InstanceId", 64);
        if (s.instances.remove(id) == null) {
            throw AwsError.badRequest("InstanceNotFound", "Instance " + id + " not found in service " + s.id);
        }
        s.revision++;
        Operation op = newOperation("DEREGISTER_INSTANCE", "INSTANCE", id);
        op.targets.put("SERVICE", s.id);
        return AwsJson.object().put("OperationId", op.id);
    }

    private Registered instance(Service s, String id) {
        Registered i = s.instances.get(id);
        if (i == null) {
            throw AwsError.badRequest("InstanceNotFound", "Instance " + id + " not found in service " + s.id);
        }
        return i;
    }

    private ObjectNode getInstance(RequestReader req) {
        Service s = service(req.string("ServiceId", 255));
        Registered i = instance(s, req.string("InstanceId", 64));
        ObjectNode out = AwsJson.object();
        out.put("ResourceOwner", scope.account());
        ObjectNode n = out.putObject("Instance");
        n.put("Id", i.id);
        AwsJson.putIfNotNull(n, "CreatorRequestId", i.creatorRequestId);
        n.set("Attributes", AwsJson.MAPPER.valueToTree(i.attributes));
        n.put("CreatedByAccount", scope.account());
        return out;
    }

    private ObjectNode listInstances(RequestReader req) {
        Service s = service(req.string("ServiceId", 255));
        Page<Registered> page = page(req, List.copyOf(s.instances.values()));
        ObjectNode out = AwsJson.object();
        out.put("ResourceOwner", scope.account());
        ArrayNode items = out.putArray("Instances");
        for (Registered i : page.items()) {
            ObjectNode n = items.addObject();
            n.put("Id", i.id);
            n.set("Attributes", AwsJson.MAPPER.valueToTree(i.attributes));
            n.put("CreatedByAccount", scope.account());
        }
        AwsJson.putIfNotNull(out, "NextToken", page.nextToken());
        return out;
    }

    private static boolean hasHealthCheck(Service s) {
        return s.healthCheckConfig != null || s.healthCheckCustomConfig != null;
    }

    private static String health(Service s, Registered i) {
        return hasHealthCheck(s) ? i.health : "UNKNOWN";
    }

    private ObjectNode getInstancesHealthStatus(RequestReader req) {
        Service s = service(req.string("ServiceId", 255));
        List<String> wanted = req.strings("Instances", 1000);
        List<Registered> all = new ArrayList<>();
        if (wanted.isEmpty()) {
            all.addAll(s.instances.values());
        } else {
            for (String id : wanted) {
                all.add(instance(s, id));
            }
        }
        Page<Registered> page = page(req, all);
        ObjectNode out = AwsJson.object();
        ObjectNode status = out.putObject("Status");
        page.items().forEach(i -> status.put(i.id, health(s, i)));
        AwsJson.putIfNotNull(out, "NextToken", page.nextToken());
        return out;
    }

    private ObjectNode updateCustomHealth(RequestReader req) {
        Service s = service(req.string("ServiceId", 255));
        Registered i = instance(s, req.string("InstanceId", 64));
        String status = req.requiredEnum("Status", Set.of("HEALTHY", "UNHEALTHY"));
        if (s.healthCheckCustomConfig == null) {
            throw AwsError.badRequest("CustomHealthNotFound",
                    "Service " + s.id + " has no HealthCheckCustomConfig; custom health status cannot be set");
        }
        i.health = status;
        s.revision++;
        return AwsJson.object();
    }

    private ObjectNode discoverInstances(RequestReader req) {
        String namespaceName = req.string("NamespaceName", 1024);
        String serviceName = req.string("ServiceName", 127);
        Integer max = req.optInt("MaxResults", 1, 1000);
        String filter = req.optEnum("HealthStatus", Set.of("HEALTHY", "UNHEALTHY", "ALL", "HEALTHY_OR_ELSE_ALL"));
        Map<String, String> queryParameters = req.stringMap("QueryParameters", 30);
        Map<String, String> optionalParameters = req.stringMap("OptionalParameters", 30);
        Namespace ns = namespaces.values().stream().filter(n -> n.visible && n.name.equals(namespaceName)).findFirst()
                .orElseThrow(() -> AwsError.badRequest("NamespaceNotFound", "Namespace " + namespaceName + " not found"));
        Service s = services.values().stream().filter(x -> x.namespaceId.equals(ns.id) && x.name.equals(serviceName))
                .findFirst()
                .orElseThrow(() -> AwsError.badRequest("ServiceNotFound", "Service " + serviceName + " not found in " + namespaceName));
        List<Registered> matching = s.instances.values().stream()
                .filter(i -> queryParameters.entrySet().stream().allMatch(q -> q.getValue().equals(i.attributes.get(q.getKey()))))
                .toList();
        List<Registered> preferred = matching.stream()
                .filter(i -> optionalParameters.entrySet().stream().allMatch(q -> q.getValue().equals(i.attributes.get(q.getKey()))))
                .toList();
        if (!preferred.isEmpty()) {
            matching = preferred;
        }
        String wanted = filter == null ? "HEALTHY" : filter;
        if (hasHealthCheck(s) && !wanted.equals("ALL")) {
            List<Registered> healthy = matching.stream().filter(i -> i.health.equals("HEALTHY")).toList();
            if (wanted.equals("HEALTHY")) {
                matching = healthy;
            } else if (wanted.equals("UNHEALTHY")) {
                matching = matching.stream().filter(i -> i.health.equals("UNHEALTHY")).toList();
            } else if (!healthy.isEmpty()) {
                matching = healthy;
            }
        }
        int limit = max == null ? 100 : max;
        ObjectNode out = AwsJson.object();
        ArrayNode items = out.putArray("Instances");
        for (Registered i : matching.subList(0, Math.min(limit, matching.size()))) {
            ObjectNode n = items.addObject();
            n.put("InstanceId", i.id);
            n.put("NamespaceName", ns.name);
            n.put("ServiceName", s.name);
            n.put("HealthStatus", health(s, i));
            n.set("Attributes", AwsJson.MAPPER.valueToTree(i.attributes));
        }
        out.put("InstancesRevision", s.revision);
        return out;
    }

    // ---------------------------------------------------------------- operations

    private Operation newOperation(String type, String targetType, String targetId) {
        Operation op = new Operation();
        op.id = randomId(32) + "-" + randomId(8);
        op.type = type;
        op.created = clock.instant();
        op.updated = op.created;
        op.targets.put(targetType, targetId);
        operations.put(op.id, op);
        return op;
    }

    /** Applies the effects of operations whose time has come. */
    private void settle() {
        Instant now = clock.instant();
        for (Operation op : operations.values()) {
            complete(op, now);
        }
    }

    private void complete(Operation op, Instant now) {
        if (!op.done && op.stage(now) >= 2) {
            op.done = true;
            op.updated = now;
            if (op.onSuccess != null) {
                op.onSuccess.run();
            }
        }
    }

    private ObjectNode getOperation(RequestReader req) {
        String id = req.string("OperationId", 255);
        Operation op = operations.get(id);
        if (op == null) {
            throw AwsError.badRequest("OperationNotFound", "Operation " + id + " not found");
        }
        Instant now = clock.instant();
        ObjectNode out = AwsJson.object();
        operationJson(op, now, out.putObject("Operation"));
        if (!op.done) {
            op.polls++;
            op.updated = now;
        }
        complete(op, now);
        return out;
    }

    private void operationJson(Operation op, Instant now, ObjectNode n) {
        n.put("Id", op.id);
        n.put("OwnerAccount", scope.account());
        n.put("Type", op.type);
        n.put("Status", op.status(now));
        AwsJson.putTime(n, "CreateDate", op.created);
        AwsJson.putTime(n, "UpdateDate", op.updated);
        n.set("Targets", AwsJson.MAPPER.valueToTree(op.targets));
    }

    private ObjectNode listOperations(RequestReader req) {
        Instant now = clock.instant();
        List<Predicate<Operation>> filters = new ArrayList<>();
        for (RequestReader f : req.objects("Filters", 10)) {
            String name = f.requiredEnum("Name", Set.of("NAMESPACE_ID", "SERVICE_ID", "STATUS", "TYPE", "UPDATE_DATE"));
            Predicate<String> match = condition(f);
            filters.add(switch (name) {
                case "NAMESPACE_ID" -> op -> match.test(op.targets.getOrDefault("NAMESPACE", ""));
                case "SERVICE_ID" -> op -> match.test(op.targets.getOrDefault("SERVICE", ""));
                case "STATUS" -> op -> match.test(op.status(now));
                case "TYPE" -> op -> match.test(op.type);
                default -> op -> true;
            });
        }
        List<Operation> all = operations.values().stream().filter(op -> filters.stream().allMatch(p -> p.test(op))).toList();
        Page<Operation> page = page(req, all);
        ObjectNode out = AwsJson.object();
        ArrayNode items = out.putArray("Operations");
        page.items().forEach(op -> items.addObject().put("Id", op.id).put("Status", op.status(now)));
        AwsJson.putIfNotNull(out, "NextToken", page.nextToken());
        return out;
    }

    // ---------------------------------------------------------------- helpers

    private static Predicate<String> condition(RequestReader f) {
        List<String> values = f.strings("Values", 10);
        if (values.isEmpty()) {
            throw invalid("Filter Values must contain at least one value");
        }
        String condition = f.optEnum("Condition", CONDITIONS);
        return switch (condition == null ? "EQ" : condition) {
            case "IN" -> values::contains;
            case "BEGINS_WITH" -> v -> v.startsWith(values.get(0));
            case "BETWEEN" -> v -> values.size() == 2 && v.compareTo(values.get(0)) >= 0 && v.compareTo(values.get(1)) <= 0;
            default -> v -> v.equals(values.get(0));
        };
    }

    private static <T> Page<T> page(RequestReader req, List<T> all) {
        Integer max = req.optInt("MaxResults", 1, 100);
        String token = req.optString("NextToken", 4096);
        return Page.of(all, token, max == null ? 100 : max, () -> invalid("The NextToken is not valid"));
    }

    private String randomId(int length) {
        return AwsJson.randomString(random, "abcdefghijklmnopqrstuvwxyz0123456789", length);
    }

    static AwsError invalid(String message) {
        return AwsError.badRequest("InvalidInput", message);
    }
}

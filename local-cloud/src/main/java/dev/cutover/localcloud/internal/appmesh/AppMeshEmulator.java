package dev.cutover.localcloud.internal.appmesh;

import dev.cutover.localcloud.internal.aws.Scoped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.localcloud.AppMesh;
import dev.cutover.localcloud.TrafficSplitter;
import dev.cutover.localcloud.internal.aws.AwsError;
import dev.cutover.localcloud.internal.aws.AwsJson;
import dev.cutover.localcloud.internal.aws.Page;
import dev.cutover.localcloud.internal.aws.RequestReader;
import dev.cutover.localcloud.internal.aws.RestJsonService;
import dev.cutover.localcloud.internal.cloudmap.CloudMapEmulator;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * App Mesh on the local cloud: meshes, virtual nodes, virtual routers, routes and virtual services
 * with create, describe, update, delete and list, AWS's quotas (15 meshes; 200 virtual nodes,
 * routers and services per mesh; 50 routes per router; 10 weighted targets per route, weights
 * 0-100) and AWS's errors ({@code NotFoundException} 404, {@code ConflictException} 409,
 * {@code BadRequestException} 400, {@code ResourceInUseException} 409,
 * {@code LimitExceededException} 400).
 *
 * <p>The traffic simulation reads the weights through the Java API:
 * <pre>{@code
 * AppMesh mesh = cloud.appMesh();
 * Map<String, Integer> split = mesh.virtualServiceWeights("shop", "orders.shop.local");
 * // {orders-v1=90, orders-v2=10}: the targets of the router's first route, by priority
 * Optional<AppMesh.Discovery> d = mesh.serviceDiscovery("shop", "orders-v2");
 * // d.get().cloudMapService() -> the Cloud Map service whose instances get that share
 * }</pre>
 */
public final class AppMeshEmulator implements RestJsonService, AppMesh {

    static final int MAX_MESHES = 15;
    static final int MAX_PER_MESH = 200;
    static final int MAX_ROUTES_PER_ROUTER = 50;
    static final int MAX_TARGETS = 10;
    /** HttpRouteHeaders: at most 10 header matches per route (botocore appmesh model, max 10). */
    static final int MAX_HEADERS = 10;
    private static final int MAX_NAME = 255;
    private static final String PREFIX = "/v20190125/";
    private static final Set<String> PROTOCOLS = Set.of("http", "tcp", "http2", "grpc");

    private enum Kind {
        MESH("mesh", "meshes", "meshName"),
        VIRTUAL_NODE("virtualNode", "virtualNodes", "virtualNodeName"),
        VIRTUAL_ROUTER("virtualRouter", "virtualRouters", "virtualRouterName"),
        ROUTE("route", "routes", "routeName"),
        VIRTUAL_SERVICE("virtualService", "virtualServices", "virtualServiceName");

        final String single;
        final String plural;
        final String nameField;

        Kind(String single, String plural, String nameField) {
            this.single = single;
            this.plural = plural;
            this.nameField = nameField;
        }

        String title() {
            return switch (this) {
                case MESH -> "Mesh";
                case VIRTUAL_NODE -> "VirtualNode";
                case VIRTUAL_ROUTER -> "VirtualRouter";
                case ROUTE -> "Route";
                case VIRTUAL_SERVICE -> "VirtualService";
            };
        }
    }

    private static final class Res {
        final Kind kind;
        final String mesh;
        final String router;
        final String name;
        final String arn;
        final String uid;
        final Instant createdAt;
        Instant updatedAt;
        long version = 1;
        ObjectNode spec;

        Res(Kind kind, String mesh, String router, String name, String arn, String uid, Instant now, ObjectNode spec) {
            this.kind = kind;
            this.mesh = mesh;
            this.router = router;
            this.name = name;
            this.arn = arn;
            this.uid = uid;
            this.createdAt = now;
            this.updatedAt = now;
            this.spec = spec;
        }
    }

    private static final class Mesh {
        final Res res;
        final Map<String, Res> nodes = new LinkedHashMap<>();
        final Map<String, Res> routers = new LinkedHashMap<>();
        final Map<String, Res> services = new LinkedHashMap<>();
        final Map<String, Map<String, Res>> routes = new LinkedHashMap<>();

        Mesh(Res res) {
            this.res = res;
        }

        Map<String, Res> of(Kind kind) {
            return switch (kind) {
                case VIRTUAL_NODE -> nodes;
                case VIRTUAL_ROUTER -> routers;
                case VIRTUAL_SERVICE -> services;
                default -> throw new IllegalArgumentException(kind.name());
            };
        }
    }

    private final Clock clock;
    private final Random random;
    private final Map<String, Mesh> meshes = new LinkedHashMap<>();

    /** Creates the emulator; timestamps come from {@code clock}, uids from {@code seed}. */
    /** The account and Region whose resources this instance keeps (their ARNs say so). */
    private volatile Scoped.Scope scope = Scoped.Scope.DEFAULT;

    public AppMeshEmulator scope(Scoped.Scope scope) {
        this.scope = Objects.requireNonNull(scope, "scope");
        return this;
    }

    public AppMeshEmulator(Clock clock, long seed) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = new Random(seed);
    }

    @Override
    public String pathPrefix() {
        return PREFIX;
    }

    @Override
    public String serviceName() {
        return "appmesh";
    }

    // ---------------------------------------------------------------- Java query API

    @Override
    public synchronized Optional<List<WeightedTarget>> routeWeights(String mesh, String router, String route) {
        Mesh m = meshes.get(mesh);
        if (m == null || !m.routes.containsKey(router)) {
            return Optional.empty();
        }
        Res r = m.routes.get(router).get(route);
        return r == null ? Optional.empty() : Optional.of(targetsOf(r.spec));
    }

    @Override
    public synchronized Map<String, Integer> virtualServiceWeights(String mesh, String virtualService) {
        Mesh m = meshes.get(mesh);
        Map<String, Integer> out = new LinkedHashMap<>();
        if (m == null || !m.services.containsKey(virtualService)) {
            return out;
        }
        JsonNode provider = m.services.get(virtualService).spec.path("provider");
        String node = provider.path("virtualNode").path("virtualNodeName").asText(null);
        if (node != null) {
            out.put(node, 100);
            return out;
        }
        String router = provider.path("virtualRouter").path("virtualRouterName").asText(null);
        if (router == null || !m.routes.containsKey(router)) {
            return out;
        }
        firstRoute(m.routes.get(router))
                .ifPresent(r -> targetsOf(r.spec).forEach(t -> out.merge(t.virtualNode(), t.weight(), Integer::sum)));
        return out;
    }

    private static Optional<Res> firstRoute(Map<String, Res> routes) {
        return routeFor(routes, Map.of());
    }

    /**
     * The route a request carrying {@code headers} takes: the first, by priority, whose header matches it
     * satisfies (RouteSpec.priority: "Routes are matched based on the specified value, where 0 is the
     * highest priority"; routes without a priority after those with one). Path, method and scheme
     * matches are not simulated: the simulated requests match any.
     */
    private static Optional<Res> routeFor(Map<String, Res> routes, Map<String, String> headers) {
        return routes.values().stream().filter(r -> matches(r.spec, headers))
                .min(Comparator.comparingInt((Res r) -> r.spec.path("priority").asInt(Integer.MAX_VALUE)));
    }

    /**
     * Whether a request with {@code headers} satisfies every {@code match.headers} entry of an HTTP route
     * (HttpRouteHeader: the header present, its value as the HeaderMatchMethod says: {@code exact},
     * {@code prefix}, {@code suffix}, {@code regex}, {@code range} [start, end); {@code invert} negates).
     * Header names compare case-insensitively (RFC 9110, 5.1).
     */
    private static boolean matches(JsonNode spec, Map<String, String> headers) {
        for (String kind : List.of("httpRoute", "http2Route")) {
            for (JsonNode h : spec.path(kind).path("match").path("headers")) {
                String value = null;
                for (Map.Entry<String, String> e : headers.entrySet()) {
                    if (e.getKey().equalsIgnoreCase(h.path("name").asText())) {
                        value = e.getValue();
                    }
                }
                boolean ok = value != null && valueMatches(h.path("match"), value);
                if (ok == h.path("invert").asBoolean(false)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean valueMatches(JsonNode m, String value) {
        if (m.has("exact")) {
            return value.equals(m.get("exact").asText());
        }
        if (m.has("prefix")) {
            return value.startsWith(m.get("prefix").asText());
        }
        if (m.has("suffix")) {
            return value.endsWith(m.get("suffix").asText());
        }
        if (m.has("regex")) {
            return java.util.regex.Pattern.compile(m.get("regex").asText()).matcher(value).find();
        }
        if (m.has("range")) {
            try {
                long v = Long.parseLong(value);
                return v >= m.get("range").path("start").asLong() && v < m.get("range").path("end").asLong();
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true; // no match method: the header's presence
    }

    /**
     * The tagged test request a route's header matches describe: its {@code exact}, not inverted,
     * header values; empty when the route has no header match or one a single value cannot stand for.
     */
    private static Map<String, String> probe(JsonNode spec) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kind : List.of("httpRoute", "http2Route")) {
            for (JsonNode h : spec.path(kind).path("match").path("headers")) {
                if (h.path("invert").asBoolean(false) || !h.path("match").has("exact")) {
                    return Map.of();
                }
                out.put(h.path("name").asText(), h.path("match").path("exact").asText());
            }
        }
        return out;
    }

    @Override
    public synchronized Optional<Discovery> serviceDiscovery(String mesh, String virtualNode) {
        Mesh m = meshes.get(mesh);
        Res n = m == null ? null : m.nodes.get(virtualNode);
        return n == null ? Optional.empty() : Optional.ofNullable(discoveryOf(n));
    }

    /**
     * The hook through which the traffic simulation splits requests by route weights: one
     * {@link TrafficSplitter.Split} per virtual router that has routes, named {@code mesh/router},
     * with the weights of the route a request without headers takes (the first by {@code priority}
     * whose header matches it satisfies); and, like the load balancer's tagged requests, one per
     * route with {@code exact} header matches, named {@code mesh/router [<header>: <value>]}, the
     * names {@code Traffic.rate(...)} takes: those requests carry the headers and take the first
     * route by priority they match (e.g. a preview route to a new revision). Each target virtual node is
     * resolved to what the simulator routes to: the ARN of the Cloud Map service its
     * {@code serviceDiscovery.awsCloudMap} names (which ECS services list in
     * {@code serviceRegistries}), or the first label of its DNS hostname (an ECS service name), or
     * else the node's own name. Each target is proxied by its virtual node's ARN: only tasks running
     * that node's Envoy (APPMESH proxy configuration) answer mesh traffic.
     */
    public TrafficSplitter trafficSplitter(CloudMapEmulator cloudMap) {
        Objects.requireNonNull(cloudMap, "cloudMap");
        return () -> {
            Map<String, Map<String, Integer>> byRouter = new LinkedHashMap<>();
            Map<String, Discovery> discovery = new LinkedHashMap<>();
            Map<String, String> nodeArns = new LinkedHashMap<>();
            synchronized (this) {
                for (Mesh m : meshes.values()) {
                    for (Map.Entry<String, Map<String, Res>> e : m.routes.entrySet()) {
                        Map<String, Map<String, String>> probes = new LinkedHashMap<>();
                        probes.put("", Map.of());
                        for (Res route : e.getValue().values()) {
                            Map<String, String> headers = probe(route.spec);
                            if (!headers.isEmpty()) {
                                StringBuilder name = new StringBuilder();
                                headers.forEach((k, v) -> name.append(" [").append(k).append(": ").append(v).append(']'));
                                probes.putIfAbsent(name.toString(), headers);
                            }
                        }
                        probes.forEach((suffix, headers) -> {
                            Map<String, Integer> weights = new LinkedHashMap<>();
                            routeFor(e.getValue(), headers).ifPresent(r -> targetsOf(r.spec).forEach(t -> {
                                weights.merge(t.virtualNode(), t.weight(), Integer::sum);
                                Res node = m.nodes.get(t.virtualNode());
                                discovery.put(m.res.name + "/" + t.virtualNode(), node == null ? null : discoveryOf(node));
                                if (node != null) {
                                    nodeArns.put(m.res.name + "/" + t.virtualNode(), node.arn);
                                }
                            }));
                            if (!weights.isEmpty()) {
                                byRouter.put(m.res.name + "/" + e.getKey() + suffix, weights);
                            }
                        });
                    }
                }
            }
            List<TrafficSplitter.Split> splits = new ArrayList<>();
            for (Map.Entry<String, Map<String, Integer>> e : byRouter.entrySet()) {
                String mesh = e.getKey().substring(0, e.getKey().indexOf('/'));
                Map<String, Integer> targets = new LinkedHashMap<>();
                Map<String, String> proxies = new LinkedHashMap<>();
                e.getValue().forEach((node, weight) -> {
                    Discovery d = discovery.get(mesh + "/" + node);
                    String target = targetOf(cloudMap, node, d);
                    targets.merge(target, weight, Integer::sum);
                    String arn = nodeArns.get(mesh + "/" + node);
                    if (arn != null) {
                        proxies.put(target, arn);
                    }
                });
                splits.add(new TrafficSplitter.Split(e.getKey(), targets, proxies));
            }
            return splits;
        };
    }

    private static String targetOf(CloudMapEmulator cloudMap, String node, Discovery d) {
        if (d == null) {
            return node;
        }
        if (d.isCloudMap()) {
            return cloudMap.findService(d.cloudMapNamespace(), d.cloudMapService())
                    .flatMap(cloudMap::serviceArn)
                    .orElse(d.cloudMapService());
        }
        String host = d.dnsHostname();
        int dot = host.indexOf('.');
        return dot < 0 ? host : host.substring(0, dot);
    }

    private static Discovery discoveryOf(Res node) {
        JsonNode sd = node.spec.path("serviceDiscovery");
        if (sd.has("awsCloudMap")) {
            JsonNode c = sd.get("awsCloudMap");
            return new Discovery(c.path("namespaceName").asText(), c.path("serviceName").asText(), null);
        }
        if (sd.has("dns")) {
            return new Discovery(null, null, sd.get("dns").path("hostname").asText());
        }
        return null;
    }

    private static List<WeightedTarget> targetsOf(JsonNode spec) {
        List<WeightedTarget> out = new ArrayList<>();
        for (String kind : List.of("httpRoute", "http2Route", "grpcRoute", "tcpRoute")) {
            for (JsonNode t : spec.path(kind).path("action").path("weightedTargets")) {
                out.add(new WeightedTarget(t.path("virtualNode").asText(), t.path("weight").asInt()));
            }
        }
        return List.copyOf(out);
    }

    // ---------------------------------------------------------------- REST dispatch

    @Override
    public synchronized RestResponse handle(String method, String path, Map<String, List<String>> query, JsonNode body) {
        List<String> seg = segments(path);
        if (seg.isEmpty() || !seg.get(0).equals("meshes")) {
            throw unknown(method, path);
        }
        RequestReader req = RequestReader.of(body, AppMeshEmulator::badRequest);
        if (body != null && !body.isObject()) {
            throw badRequest("The request body must be a JSON object");
        }
        int n = seg.size();
        if (n == 1) {
            return switch (method) {
                case "GET" -> list(Kind.MESH, null, null, query);
                case "PUT" -> createMesh(req);
                default -> throw unknown(method, path);
            };
        }
        String mesh = seg.get(1);
        if (n == 2) {
            return switch (method) {
                case "GET" -> ok(Kind.MESH, meshRes(mesh), false);
                case "PUT" -> update(meshRes(mesh), req);
                case "DELETE" -> deleteMesh(mesh);
                default -> throw unknown(method, path);
            };
        }
        String collection = seg.get(2);
        if (collection.equals("virtualRouter") && n >= 5 && seg.get(4).equals("routes")) {
            String router = seg.get(3);
            if (n == 5) {
                return switch (method) {
                    case "GET" -> list(Kind.ROUTE, mesh, router, query);
                    case "PUT" -> create(Kind.ROUTE, mesh, router, req);
                    default -> throw unknown(method, path);
                };
            }
            if (n == 6) {
                return item(method, path, Kind.ROUTE, mesh, router, seg.get(5), req);
            }
            throw unknown(method, path);
        }
        Kind kind = switch (collection) {
            case "virtualNodes" -> Kind.VIRTUAL_NODE;
            case "virtualRouters" -> Kind.VIRTUAL_ROUTER;
            case "virtualServices" -> Kind.VIRTUAL_SERVICE;
            default -> throw unknown(method, path);
        };
        if (n == 3) {
            return switch (method) {
                case "GET" -> list(kind, mesh, null, query);
                case "PUT" -> create(kind, mesh, null, req);
                default -> throw unknown(method, path);
            };
        }
        if (n == 4) {
            return item(method, path, kind, mesh, null, seg.get(3), req);
        }
        throw unknown(method, path);
    }

    private RestResponse item(String method, String path, Kind kind, String mesh, String router, String name,
                              RequestReader req) {
        return switch (method) {
            case "GET" -> ok(kind, find(kind, mesh, router, name), false);
            case "PUT" -> update(find(kind, mesh, router, name), req);
            case "DELETE" -> delete(kind, mesh, router, name);
            default -> throw unknown(method, path);
        };
    }

    private static List<String> segments(String rawPath) {
        String rest = rawPath.substring(PREFIX.length());
        List<String> out = new ArrayList<>();
        for (String s : rest.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- operations

    private RestResponse createMesh(RequestReader req) {
        String name = name(req, "meshName");
        if (meshes.containsKey(name)) {
            throw conflict("Mesh " + name + " already exists");
        }
        if (meshes.size() >= MAX_MESHES) {
            throw limit("You have reached the limit of " + MAX_MESHES + " meshes per account");
        }
        ObjectNode spec = validateSpec(Kind.MESH, null, req.optObject("spec"));
        Res res = new Res(Kind.MESH, name, null, name, arn(name, null, Kind.MESH, name), uid(), clock.instant(), spec);
        meshes.put(name, new Mesh(res));
        return ok(Kind.MESH, res, false);
    }

    private RestResponse create(Kind kind, String meshName, String router, RequestReader req) {
        Mesh mesh = mesh(meshName);
        String name = name(req, kind.nameField);
        Map<String, Res> siblings;
        if (kind == Kind.ROUTE) {
            if (!mesh.routers.containsKey(router)) {
                throw notFound("VirtualRouter " + router + " not found in mesh " + meshName);
            }
            siblings = mesh.routes.get(router);
            if (siblings.containsKey(name)) {
                throw conflict("Route " + name + " already exists in virtual router " + router);
            }
            if (siblings.size() >= MAX_ROUTES_PER_ROUTER) {
                throw limit("You have reached the limit of " + MAX_ROUTES_PER_ROUTER + " routes per virtual router");
            }
        } else {
            siblings = mesh.of(kind);
            if (siblings.containsKey(name)) {
                throw conflict(kind.title() + " " + name + " already exists in mesh " + meshName);
            }
            if (siblings.size() >= MAX_PER_MESH) {
                throw limit("You have reached the limit of " + MAX_PER_MESH + " " + kind.plural + " per mesh");
            }
        }
        ObjectNode spec = validateSpec(kind, mesh, req.object("spec"));
        Res res = new Res(kind, meshName, router, name, arn(meshName, router, kind, name), uid(), clock.instant(), spec);
        siblings.put(name, res);
        if (kind == Kind.VIRTUAL_ROUTER) {
            mesh.routes.put(name, new LinkedHashMap<>());
        }
        return ok(kind, res, false);
    }

    private RestResponse update(Res res, RequestReader req) {
        Mesh mesh = mesh(res.mesh);
        ObjectNode spec = res.kind == Kind.MESH
                ? validateSpec(Kind.MESH, mesh, req.optObject("spec"))
                : validateSpec(res.kind, mesh, req.object("spec"));
        res.spec = spec;
        res.version++;
        res.updatedAt = clock.instant();
        return ok(res.kind, res, false);
    }

    private RestResponse deleteMesh(String name) {
        Mesh mesh = mesh(name);
        if (!mesh.nodes.isEmpty() || !mesh.routers.isEmpty() || !mesh.services.isEmpty()) {
            throw inUse("Mesh " + name + " still has virtual nodes, virtual routers or virtual services; delete them first");
        }
        meshes.remove(name);
        return ok(Kind.MESH, mesh.res, true);
    }

    private RestResponse delete(Kind kind, String meshName, String router, String name) {
        Mesh mesh = mesh(meshName);
        Res res = find(kind, meshName, router, name);
        switch (kind) {
            case VIRTUAL_NODE -> {
                for (Map<String, Res> rs : mesh.routes.values()) {
                    for (Res r : rs.values()) {
                        if (targetsOf(r.spec).stream().anyMatch(t -> t.virtualNode().equals(name))) {
                            throw inUse("VirtualNode " + name + " is a target of route " + r.name + " of virtual router " + r.router);
                        }
                    }
                }
                requireNoProvider(mesh, "virtualNode", "virtualNodeName", name, "VirtualNode");
                mesh.nodes.remove(name);
            }
            case VIRTUAL_ROUTER -> {
                if (!mesh.routes.get(name).isEmpty()) {
                    throw inUse("VirtualRouter " + name + " still has routes; delete them first");
                }
                requireNoProvider(mesh, "virtualRouter", "virtualRouterName", name, "VirtualRouter");
                mesh.routers.remove(name);
                mesh.routes.remove(name);
            }
            case VIRTUAL_SERVICE -> mesh.services.remove(name);
            case ROUTE -> mesh.routes.get(router).remove(name);
            default -> throw new IllegalStateException(kind.name());
        }
        return ok(kind, res, true);
    }

    private static void requireNoProvider(Mesh mesh, String providerKind, String field, String name, String title) {
        for (Res s : mesh.services.values()) {
            if (name.equals(s.spec.path("provider").path(providerKind).path(field).asText(null))) {
                throw inUse(title + " " + name + " is the provider of virtual service " + s.name);
            }
        }
    }

    private RestResponse list(Kind kind, String meshName, String router, Map<String, List<String>> query) {
        Integer limit = intParam(query, "limit", 1, 100);
        String token = first(query, "nextToken");
        List<Res> all;
        if (kind == Kind.MESH) {
            all = meshes.values().stream().map(m -> m.res).toList();
        } else if (kind == Kind.ROUTE) {
            Mesh mesh = mesh(meshName);
            if (!mesh.routers.containsKey(router)) {
                throw notFound("VirtualRouter " + router + " not found in mesh " + meshName);
            }
            all = List.copyOf(mesh.routes.get(router).values());
        } else {
            all = List.copyOf(mesh(meshName).of(kind).values());
        }
        Page<Res> page = Page.of(all, token, limit == null ? 100 : limit,
                () -> badRequest("The nextToken is not valid"));
        ObjectNode out = AwsJson.object();
        ArrayNode items = out.putArray(kind.plural);
        for (Res r : page.items()) {
            ObjectNode ref = items.addObject();
            ref.put("arn", r.arn);
            AwsJson.putTime(ref, "createdAt", r.createdAt);
            AwsJson.putTime(ref, "lastUpdatedAt", r.updatedAt);
            ref.put("meshName", r.mesh);
            ref.put("meshOwner", scope.account());
            ref.put("resourceOwner", scope.account());
            ref.put("version", r.version);
            if (kind != Kind.MESH) {
                ref.put(kind.nameField, r.name);
            }
            if (kind == Kind.ROUTE) {
                ref.put("virtualRouterName", r.router);
            }
        }
        AwsJson.putIfNotNull(out, "nextToken", page.nextToken());
        return RestResponse.ok(out);
    }

    private RestResponse ok(Kind kind, Res r, boolean deleted) {
        ObjectNode data = AwsJson.object();
        data.put("meshName", r.mesh);
        if (kind != Kind.MESH) {
            data.put(kind.nameField, r.name);
        }
        if (kind == Kind.ROUTE) {
            data.put("virtualRouterName", r.router);
        }
        ObjectNode md = data.putObject("metadata");
        md.put("arn", r.arn);
        AwsJson.putTime(md, "createdAt", r.createdAt);
        AwsJson.putTime(md, "lastUpdatedAt", r.updatedAt);
        md.put("meshOwner", scope.account());
        md.put("resourceOwner", scope.account());
        md.put("uid", r.uid);
        md.put("version", r.version);
        data.set("spec", r.spec.deepCopy());
        data.putObject("status").put("status", deleted ? "DELETED" : "ACTIVE");
        // the resource data is the response's payload member: it is the whole body, not wrapped
        return RestResponse.ok(data);
    }

    // ---------------------------------------------------------------- validation

    private ObjectNode validateSpec(Kind kind, Mesh mesh, RequestReader spec) {
        ObjectNode copy = spec == null ? AwsJson.object() : ((ObjectNode) spec.json()).deepCopy();
        switch (kind) {
            case MESH -> {
                if (spec != null) {
                    RequestReader egress = spec.optObject("egressFilter");
                    if (egress != null) {
                        egress.requiredEnum("type", Set.of("ALLOW_ALL", "DROP_ALL"));
                    }
                }
                if (!copy.has("egressFilter")) {
                    copy.putObject("egressFilter").put("type", "DROP_ALL");
                }
            }
            case VIRTUAL_NODE -> validateNode(spec);
            case VIRTUAL_ROUTER -> {
                for (RequestReader l : spec.objects("listeners", 1)) {
                    portMapping(l.object("portMapping"));
                }
            }
            case ROUTE -> validateRoute(mesh, spec);
            case VIRTUAL_SERVICE -> validateVirtualService(mesh, spec);
        }
        return copy;
    }

    private static void validateNode(RequestReader spec) {
        List<RequestReader> listeners = spec.objects("listeners", 50);
        for (RequestReader l : listeners) {
            portMapping(l.object("portMapping"));
        }
        RequestReader sd = spec.optObject("serviceDiscovery");
        if (sd != null) {
            RequestReader cloudMap = sd.optObject("awsCloudMap");
            RequestReader dns = sd.optObject("dns");
            if ((cloudMap == null) == (dns == null)) {
                throw badRequest("serviceDiscovery must specify exactly one of awsCloudMap or dns");
            }
            if (cloudMap != null) {
                cloudMap.string("namespaceName", 1024);
                cloudMap.string("serviceName", 1024);
                cloudMap.optEnum("ipPreference", Set.of("IPv6_PREFERRED", "IPv4_PREFERRED", "IPv4_ONLY", "IPv6_ONLY"));
                for (RequestReader a : cloudMap.objects("attributes", 10)) {
                    a.string("key", 255);
                    a.string("value", 1024);
                }
            } else {
                dns.string("hostname", 253);
                dns.optEnum("responseType", Set.of("LOADBALANCER", "ENDPOINTS"));
                dns.optEnum("ipPreference", Set.of("IPv6_PREFERRED", "IPv4_PREFERRED", "IPv4_ONLY", "IPv6_ONLY"));
            }
        } else if (!listeners.isEmpty()) {
            throw badRequest("A virtual node with a listener must specify serviceDiscovery");
        }
        for (RequestReader b : spec.objects("backends", 50)) {
            b.object("virtualService").string("virtualServiceName", MAX_NAME);
        }
    }

    private static void portMapping(RequestReader pm) {
        pm.requiredInt("port", 1, 65535);
        pm.requiredEnum("protocol", PROTOCOLS);
    }

    private void validateRoute(Mesh mesh, RequestReader spec) {
        spec.optInt("priority", 0, 1000);
        int kinds = 0;
        for (String k : List.of("httpRoute", "http2Route", "grpcRoute", "tcpRoute")) {
            RequestReader route = spec.optObject(k);
            if (route == null) {
                continue;
            }
            kinds++;
            RequestReader action = route.object("action");
            List<RequestReader> targets = action.objects("weightedTargets", MAX_TARGETS);
            if (targets.isEmpty()) {
                throw badRequest("action.weightedTargets must list between 1 and " + MAX_TARGETS + " targets");
            }
            for (RequestReader t : targets) {
                String node = t.string("virtualNode", MAX_NAME);
                t.requiredInt("weight", 0, 100);
                t.optInt("port", 1, 65535);
                if (!mesh.nodes.containsKey(node)) {
                    throw notFound("VirtualNode " + node + " not found in mesh " + mesh.res.name);
                }
            }
            if (k.equals("httpRoute") || k.equals("http2Route")) {
                RequestReader match = route.object("match");
                String prefix = match.optString("prefix", 255);
                if (prefix != null && !prefix.startsWith("/")) {
                    throw badRequest("match.prefix must start with /");
                }
                if (prefix == null && match.optObject("path") == null) {
                    throw badRequest("match must specify a prefix or a path");
                }
                match.optEnum("method", Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"));
                validateHeaders(match);
                match.optEnum("scheme", Set.of("http", "https"));
            } else if (k.equals("grpcRoute")) {
                route.object("match");
            }
        }
        if (kinds != 1) {
            throw badRequest("A route spec must specify exactly one of httpRoute, http2Route, grpcRoute or tcpRoute");
        }
    }

    /**
     * {@code match.headers} as the App Mesh model (botocore appmesh 2019-01-25) defines it: HttpRouteHeaders, a
     * list of 1-10 HttpRouteHeader; each has a required {@code name} (HeaderName, 1-50 characters), an optional
     * {@code invert} and an optional {@code match}, a HeaderMatchMethod union of exactly one of {@code exact},
     * {@code prefix}, {@code regex}, {@code suffix} (HeaderMatch, 1-255 characters) or {@code range}
     * (MatchRange: {@code start} and {@code end} required).
     */
    private static void validateHeaders(RequestReader match) {
        if (match.has("headers") && match.json().get("headers").isArray() && match.json().get("headers").isEmpty()) {
            throw badRequest("match.headers must list between 1 and 10 headers");
        }
        for (RequestReader h : match.objects("headers", MAX_HEADERS)) {
            h.string("name", 50);
            h.optBool("invert");
            RequestReader method = h.optObject("match");
            if (method == null) {
                continue;
            }
            int methods = 0;
            for (String m : List.of("exact", "prefix", "regex", "suffix")) {
                if (method.optString(m, 255) != null) {
                    methods++;
                }
            }
            RequestReader range = method.optObject("range");
            if (range != null) {
                methods++;
                range.optLong("start", Long.MIN_VALUE, Long.MAX_VALUE);
                range.optLong("end", Long.MIN_VALUE, Long.MAX_VALUE);
                if (!range.has("start") || !range.has("end")) {
                    throw badRequest("match.headers.match.range requires start and end");
                }
            }
            if (methods != 1) {
                throw badRequest("A header match must specify exactly one of exact, prefix, range, regex or suffix");
            }
        }
    }

    private void validateVirtualService(Mesh mesh, RequestReader spec) {
        RequestReader provider = spec.optObject("provider");
        if (provider == null) {
            return;
        }
        RequestReader node = provider.optObject("virtualNode");
        RequestReader router = provider.optObject("virtualRouter");
        if ((node == null) == (router == null)) {
            throw badRequest("provider must specify exactly one of virtualNode or virtualRouter");
        }
        if (node != null) {
            String n = node.string("virtualNodeName", MAX_NAME);
            if (!mesh.nodes.containsKey(n)) {
                throw notFound("VirtualNode " + n + " not found in mesh " + mesh.res.name);
            }
        } else {
            String r = router.string("virtualRouterName", MAX_NAME);
            if (!mesh.routers.containsKey(r)) {
                throw notFound("VirtualRouter " + r + " not found in mesh " + mesh.res.name);
            }
        }
    }

    private static String name(RequestReader req, String field) {
        return req.string(field, MAX_NAME);
    }

    // ---------------------------------------------------------------- look-ups and errors

    private Mesh mesh(String name) {
        Mesh m = meshes.get(name);
        if (m == null) {
            throw notFound("Mesh " + name + " not found");
        }
        return m;
    }

    private Res meshRes(String name) {
        return mesh(name).res;
    }

    private Res find(Kind kind, String meshName, String router, String name) {
        Mesh mesh = mesh(meshName);
        Res r;
        if (kind == Kind.ROUTE) {
            if (!mesh.routers.containsKey(router)) {
                throw notFound("VirtualRouter " + router + " not found in mesh " + meshName);
            }
            r = mesh.routes.get(router).get(name);
        } else {
            r = mesh.of(kind).get(name);
        }
        if (r == null) {
            throw notFound(kind.title() + " " + name + " not found in mesh " + meshName);
        }
        return r;
    }

    private static Integer intParam(Map<String, List<String>> query, String name, int min, int max) {
        String v = first(query, name);
        if (v == null) {
            return null;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                throw badRequest(name + " must be between " + min + " and " + max + ", was " + v);
            }
            return i;
        } catch (NumberFormatException e) {
            throw badRequest(name + " must be an integer, was " + v);
        }
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private String uid() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private String arn(String mesh, String router, Kind kind, String name) {
        String base = "arn:aws:appmesh:" + scope.region() + ":" + scope.account() + ":mesh/" + mesh;
        return switch (kind) {
            case MESH -> base;
            case ROUTE -> base + "/virtualRouter/" + router + "/route/" + name;
            default -> base + "/" + kind.single + "/" + name;
        };
    }

    private static AwsError unknown(String method, String path) {
        return new AwsError(404, "NotFoundException", "No App Mesh operation matches " + method + " " + path);
    }

    static AwsError badRequest(String message) {
        return AwsError.badRequest("BadRequestException", message);
    }

    private static AwsError notFound(String message) {
        return AwsError.notFound("NotFoundException", message);
    }

    private static AwsError conflict(String message) {
        return AwsError.conflict("ConflictException", message);
    }

    private static AwsError inUse(String message) {
        return AwsError.conflict("ResourceInUseException", message);
    }

    private static AwsError limit(String message) {
        return AwsError.badRequest("LimitExceededException", message);
    }
}

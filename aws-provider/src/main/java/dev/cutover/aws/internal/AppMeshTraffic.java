package dev.cutover.aws.internal;

import dev.cutover.Change;
import dev.cutover.aws.internal.Layouts.Layout;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.ProviderException;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.RevisionRef;
import dev.cutover.spi.Traffic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.appmesh.model.HeaderMatchMethod;
import software.amazon.awssdk.services.appmesh.model.HttpRoute;
import software.amazon.awssdk.services.appmesh.model.HttpRouteAction;
import software.amazon.awssdk.services.appmesh.model.HttpRouteHeader;
import software.amazon.awssdk.services.appmesh.model.HttpRouteMatch;
import software.amazon.awssdk.services.appmesh.model.MeshData;
import software.amazon.awssdk.services.appmesh.model.PortProtocol;
import software.amazon.awssdk.services.appmesh.model.RouteData;
import software.amazon.awssdk.services.appmesh.model.RouteSpec;
import software.amazon.awssdk.services.appmesh.model.WeightedTarget;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.ServiceRevision;
import software.amazon.awssdk.services.ecs.model.ServiceRevisionSummary;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentStopType;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Traffic between revisions. App Mesh mode: a virtual router and route per service whose weighted
 * targets are the revisions' virtual nodes (at most 10, App Mesh's fixed quota). Service Connect
 * mode: the weights are those of ECS's native deployment of the one ECS service; Cutover can move
 * all traffic to one revision (a rolling update, or a stop-and-roll-back of the deployment in
 * flight) but intermediate percentages are ECS's own (canary percent, linear steps).
 */
public final class AppMeshTraffic implements Traffic {

    private static final Logger LOG = LoggerFactory.getLogger(AppMeshTraffic.class);
    static final int MAX_TARGETS = 10;
    /** The preview route's priority (App Mesh API reference, RouteSpec.priority: 0-1000, 0 the highest). */
    static final int PREVIEW_PRIORITY = 0;
    /** The production route's priority in an environment with a preview header: below the preview route's. */
    static final int PRODUCTION_PRIORITY = 1000;
    private static final String[] NOT_FOUND = {"NotFoundException"};

    private final AwsRuntime rt;
    private final LoadBalancerTraffic lb;
    private EcsCompute compute;
    private Route53Names names;

    public AppMeshTraffic(AwsRuntime rt) {
        this.rt = rt;
        this.lb = new LoadBalancerTraffic(rt);
    }

    /** LOAD_BALANCER mode's rules and target groups. */
    LoadBalancerTraffic loadBalancer() {
        return lb;
    }

    /** LOAD_BALANCER mode: whether the environment's load balancer and listener were found (planning looks them up). */
    public boolean loadBalancerFound(String environment) {
        return lb.listenerKnown(environment);
    }

    void compute(EcsCompute compute) {
        this.compute = compute;
    }

    void names(Route53Names names) {
        this.names = names;
    }

    @Override
    public List<Resource> observe(List<ResourceId> ids) {
        rt.layouts().learnFrom(ids);
        List<Resource> out = new ArrayList<>();
        Map<String, List<ResourceId>> serviceConnectRoutes = new LinkedHashMap<>();
        Map<String, List<ResourceId>> lbRoutes = new LinkedHashMap<>();
        for (ResourceId id : ids) {
            if (id.type() == ResourceType.ROUTE && rt.layouts().of(id.environment()).lbSteps()) {
                lbRoutes.computeIfAbsent(id.environment(), k -> new ArrayList<>()).add(id);
                continue;
            }
            if (id.type() == ResourceType.ROUTE && !rt.layouts().of(id.environment()).meshMode()) {
                serviceConnectRoutes.computeIfAbsent(id.environment(), k -> new ArrayList<>()).add(id);
                continue;
            }
            if (id.type() == ResourceType.MESH) {
                AwsRuntime.unlessNotFound(() -> rt.appMesh("DescribeMesh", () -> rt.clients(rt.layouts().of(id.environment())).appMesh()
                        .describeMesh(b -> b.meshName(id.name())).mesh()), NOT_FOUND)
                        .filter(m -> !"DELETED".equals(m.status().statusAsString()))
                        .ifPresent((MeshData m) -> out.add(new Resource(id, EcsCompute.attrs("name", m.meshName()), m.metadata().arn())));
            } else if (id.type() == ResourceType.ROUTE) {
                Layout layout = rt.layouts().of(id.environment());
                Optional<RouteData> route = rt.takeObserved(routeKey(layout, id.name()));
                Optional<Map<String, Integer>> w = route != null ? route.map(AppMeshTraffic::targets) : meshWeights(layout, id.name());
                w.ifPresent(weights -> out.add(Resource.of(id, Map.of("weights", Attribute.of(DesiredState.weights(weights))))));
            }
        }
        // load balancer: one walk of each listener's rules (DescribeRules) answers every service's weights
        lbRoutes.forEach((env, routeIds) -> {
            Map<String, Map<String, Integer>> w = lb.weightsObserved(rt.layouts().of(env), routeIds.stream().map(ResourceId::name).toList());
            for (ResourceId id : routeIds) {
                if (w.containsKey(id.name())) {
                    out.add(Resource.of(id, Map.of("weights", Attribute.of(DesiredState.weights(w.get(id.name()))))));
                }
            }
        });
                // Service Connect: the weights come from the one ECS service per service, described ten per
        // call (or reused from compute's observation of the same plan); deployments are only listed
        // for services that have one in flight.
        serviceConnectRoutes.forEach((env, routeIds) -> {
            Layout layout = rt.layouts().of(env);
            Map<String, String> names = new LinkedHashMap<>();
            routeIds.forEach(id -> names.put(id.name(), Names.family(env, id.name())));
            Map<String, Service> described = compute.describeServicesObserved(layout, names.values());
            for (ResourceId id : routeIds) {
                Service s = described.get(names.get(id.name()));
                Map<String, Integer> w = s == null ? Map.of() : serviceConnectWeights(layout, id.name(), s);
                if (!w.isEmpty()) {
                    out.add(Resource.of(id, Map.of("weights", Attribute.of(DesiredState.weights(w)))));
                }
            }
        });
        return out;
    }

    private static String routeKey(Layout layout, String service) {
        return "route:" + layout.mesh() + "/" + Names.family(layout.environment(), service);
    }

    /** The mesh route's weights for compute's observation; the route read is kept for traffic's observation of the same plan. */
    Map<String, Integer> meshWeightsObserving(Layout layout, String service) {
        Optional<RouteData> route = describeRoute(layout, service);
        rt.observed(routeKey(layout, service), route);
        return route.map(AppMeshTraffic::targets).orElse(Map.of());
    }

    @Override
    public void apply(Change change) {
        ResourceId id = change.id();
        if (id.type() == ResourceType.MESH) {
            AwsClients.Regional clients = rt.clients(rt.layouts().of(id.environment()));
            if (change.action() == Change.Action.DELETE) {
                AwsRuntime.unlessNotFound(() -> rt.appMesh("DeleteMesh", () -> clients.appMesh()
                        .deleteMesh(b -> b.meshName(id.name()))), NOT_FOUND);
            } else {
                createIfMissing("DescribeMesh", () -> clients.appMesh().describeMesh(b -> b.meshName(id.name())),
                        "CreateMesh", () -> clients.appMesh().createMesh(b -> b.meshName(id.name())
                                .tags(t -> t.key("cutover:environment").value(id.environment()))));
            }
            return;
        }
        if (id.type() != ResourceType.ROUTE) {
            throw new IllegalArgumentException("the AWS traffic capability does not own " + id);
        }
        Layout layout = rt.layouts().of(id.environment());
        if (change.action() == Change.Action.DELETE) {
            if (layout.meshMode()) {
                deleteMeshRoute(layout, id.name());
            }
            return;
        }
        Map<String, Integer> weights = parseWeights(change.afterState().orElseThrow().value("weights"));
        if (weights.containsKey(DesiredState.NEW_REVISION) || weights.isEmpty()) {
            LOG.debug("{}: the route is written when the rollout starts the new revision", id);
            return;
        }
        setWeights(id.environment(), id.name(), weights);
    }

    /**
     * How traffic will move for {@code release}: App Mesh route weights with Cutover's steps, or in
     * Service Connect mode which ECS native strategy expresses the release's strategy and what of
     * it ECS cannot express; a switch from App Mesh to Service Connect says it is a migration.
     */
    @Override
    public String describe(dev.cutover.Release release) {
        return how(release) + names.describe(release);
    }

    private String how(dev.cutover.Release release) {
        String env = release.environment().name();
        Layout layout = rt.layouts().of(env);
        if (layout.lbSteps()) {
            return lb.describe(release);
        }
        if (layout.lbNative()) {
            return lb.describeNative(release) + "; " + nativeDescription(release.strategy());
        }
        String how = layout.meshMode() ? "App Mesh route weights (mesh " + layout.mesh() + "), Cutover's steps: "
                + meshPreviewText(release) + steps(release.strategy()) : nativeDescription(release.strategy());
        Optional<Layout> from = rt.layouts().migratingFrom(env, release.service().name());
        if (from.isPresent()) {
            String family = Names.family(env, release.service().name());
            how = "migration from App Mesh (mesh " + from.get().mesh() + ") to Service Connect: the new revision starts in ECS "
                    + "service " + family + " with Service Connect (" + how + "); traffic is not split between the meshes: the App "
                    + "Mesh revisions (ECS services " + family + "_<n>) keep serving mesh clients until promotion, then they "
                    + "are retired like any old revision (after the rollback window), with their virtual nodes and Cloud Map "
                    + "services, and the route, virtual router and virtual service go with the last one";
        }
        return how;
    }

    /**
     * Service Connect mode runs ECS's native deployment, so what it cannot express is refused at
     * plan time: canary steps between the first one and 100% (ECS's CANARY has one canary step),
     * and linear steps under ECS's 3% minimum. Each problem names the nearest strategy ECS runs.
     */
    @Override
    public List<dev.cutover.Problem> check(dev.cutover.Release release) {
        List<dev.cutover.Problem> out = new ArrayList<>(modeProblems(release));
        out.addAll(names.check(release));
        Layout layout = rt.layouts().of(release.environment().name());
        if (out.isEmpty() && layout.lbNative()) {
            lb.lookUpListener(layout); // no refused release reads more than its checks need
        }
        return out;
    }

    private List<dev.cutover.Problem> modeProblems(dev.cutover.Release release) {
        Layout layout = rt.layouts().of(release.environment().name());
        if (layout.lbSteps()) {
            return lb.check(release);
        }
        if (layout.lbNative()) { // the load balancer's own checks, then what ECS's native deployment cannot express
            List<dev.cutover.Problem> problems = new ArrayList<>(lb.check(release));
            problems.addAll(nativeProblems(release, "LOAD_BALANCER mode with nativeDeployments(true)",
                    " or .nativeDeployments(false) on the load balancer for Cutover's own steps"));
            return problems;
        }
        if (layout.meshMode()) {
            return List.of();
        }
        return nativeProblems(release, "Service Connect mode",
                " or an App Mesh environment (.mesh(\"<mesh>\") on the environment) for Cutover's own steps");
    }

    /**
     * What ECS's native deployment cannot express of the release's strategy, refused at plan time in
     * {@code mode} (Service Connect, or LOAD_BALANCER with native deployments); {@code instead} names
     * where Cutover's own steps run.
     */
    private static List<dev.cutover.Problem> nativeProblems(dev.cutover.Release release, String mode, String instead) {
        List<dev.cutover.Problem> problems = new ArrayList<>();
        if (release.strategy() instanceof dev.cutover.Canary c) {
            List<String> extra = c.steps().subList(1, c.steps().size()).stream().filter(w -> w < 100).map(w -> w + "%").toList();
            if (!extra.isEmpty()) {
                int first = c.steps().get(0);
                problems.add(new dev.cutover.Problem("strategy.steps", c.steps().toString(), mode + " runs ECS's "
                        + "native CANARY deployment: one canary step, then 100%; the steps " + String.join(", ", extra)
                        + " cannot be carried out. Use canary().steps(" + first + ", 100).bake(" + javaDuration(c.bake())
                        + ") (ECS native CANARY at " + first + "%), linear().stepPercent(...) (ECS native LINEAR),"
                        + instead));
            }
        } else if (release.strategy() instanceof dev.cutover.Linear l && l.stepPercent() < 3) {
            problems.add(new dev.cutover.Problem("strategy.stepPercent", String.valueOf(l.stepPercent()), mode
                    + " runs ECS's native LINEAR deployment, whose smallest step is 3%; use linear().stepPercent(3),"
                    + instead));
        }
        return problems;
    }

    private static String javaDuration(java.time.Duration d) {
        if (d.toSecondsPart() == 0 && d.toMillisPart() == 0 && d.toMinutes() > 0) {
            return "Duration.ofMinutes(" + d.toMinutes() + ")";
        }
        return "Duration.parse(\"" + d + "\")";
    }

    private static String steps(dev.cutover.Strategy strategy) {
        StringBuilder sb = new StringBuilder();
        for (dev.cutover.Step st : strategy.trafficSteps()) {
            if (sb.length() > 0) {
                sb.append(" -> ");
            }
            sb.append(st.weight()).append('%');
            if (!st.bake().isZero()) {
                sb.append(" (bake ").append(human(st.bake())).append(')');
            }
        }
        return sb.toString();
    }

    /** Which ECS native deployment strategy expresses {@code strategy}, in words. */
    static String nativeDescription(dev.cutover.Strategy strategy) {
        if (strategy instanceof dev.cutover.Canary c) {
            int first = c.steps().get(0);
            String s = "ECS native CANARY: one step at " + first + "%, bake " + minutesText(c.bake()) + ", then 100%";
            List<String> extra = c.steps().subList(1, c.steps().size()).stream().filter(w -> w < 100)
                    .map(w -> w + "%").toList();
            if (!extra.isEmpty()) {
                s += " \u2014 Cutover's extra steps " + String.join(", ", extra) + " are not expressible";
            }
            return s;
        }
        if (strategy instanceof dev.cutover.Linear l) {
            String s = "ECS native LINEAR: " + Math.max(3, l.stepPercent()) + "% more every " + minutesText(l.interval());
            if (l.stepPercent() < 3) {
                s += " \u2014 ECS's smallest step is 3%, Cutover's " + l.stepPercent() + "% is not expressible";
            }
            return s;
        }
        if (strategy instanceof dev.cutover.BlueGreen g) {
            return "ECS native BLUE_GREEN: all traffic moves to the new revision once its tasks are healthy, then bake "
                    + minutesText(g.bake());
        }
        if (strategy instanceof dev.cutover.Rolling r) {
            return "ECS native ROLLING (minimum healthy " + r.minHealthyPercent() + "%, maximum " + r.maxPercent()
                    + "%) with the deployment circuit breaker and rollback";
        }
        return "ECS native ROLLING (minimum healthy 100%, maximum 200%) with the deployment circuit breaker and rollback";
    }

    /** Whole minutes as ECS takes them; says when Cutover's duration was rounded. */
    private static String minutesText(java.time.Duration d) {
        long m = Math.min(1440, Math.max(0, d.toMinutes()));
        String s = m + " min";
        return d.equals(java.time.Duration.ofMinutes(m)) ? s : s + " (ECS takes whole minutes 0-1440; Cutover's " + human(d) + ")";
    }

    private static String human(java.time.Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    /** Deletes a service's route, virtual service and virtual router in App Mesh {@code layout}. */
    void deleteMeshRoute(Layout layout, String service) {
        String router = Names.family(layout.environment(), service);
        AwsRuntime.unlessNotFound(() -> rt.appMesh("DeleteRoute", () -> rt.clients(layout).appMesh().deleteRoute(b -> b
                .meshName(layout.mesh()).virtualRouterName(router).routeName(router))), NOT_FOUND);
        AwsRuntime.unlessNotFound(() -> rt.appMesh("DeleteVirtualService", () -> rt.clients(layout).appMesh()
                .deleteVirtualService(b -> b.meshName(layout.mesh()).virtualServiceName(Names.virtualService(
                        rt.layouts().discoveryName(layout.environment(), service), layout.namespace())))), NOT_FOUND);
        AwsRuntime.unlessNotFound(() -> rt.appMesh("DeleteVirtualRouter", () -> rt.clients(layout).appMesh()
                .deleteVirtualRouter(b -> b.meshName(layout.mesh()).virtualRouterName(router))), NOT_FOUND);
    }

    static Map<String, Integer> parseWeights(String value) {
        Map<String, Integer> m = new LinkedHashMap<>();
        if (value == null || value.isBlank()) {
            return m;
        }
        for (String part : value.split(",")) {
            int eq = part.lastIndexOf('=');
            m.put(part.substring(0, eq), Integer.parseInt(part.substring(eq + 1)));
        }
        return m;
    }

    @Override
    public Map<String, Integer> weights(String environment, String service) {
        Layout layout = rt.layouts().of(environment);
        if (layout.lbSteps()) {
            return lb.weights(environment, service);
        }
        if (layout.meshMode()) {
            return meshWeights(layout, service).orElse(Map.of());
        }
        Map<String, Integer> sc = serviceConnectWeights(layout, service);
        Optional<Layout> from = rt.layouts().migratingFrom(environment, service);
        if (sc.isEmpty() && from.isPresent()) {
            return meshWeights(from.get(), service).orElse(Map.of()); // not migrated yet: the mesh route serves
        }
        return sc;
    }

    private Optional<Map<String, Integer>> meshWeights(Layout layout, String service) {
        return describeRoute(layout, service).map(AppMeshTraffic::targets);
    }

    private Optional<RouteData> describeRoute(Layout layout, String service) {
        String router = Names.family(layout.environment(), service);
        return AwsRuntime.unlessNotFound(() -> rt.appMesh("DescribeRoute", () -> rt.clients(layout).appMesh()
                .describeRoute(b -> b.meshName(layout.mesh()).virtualRouterName(router).routeName(router)).route()), NOT_FOUND)
                .filter(r -> r.spec() != null && r.spec().httpRoute() != null);
    }

    private static Map<String, Integer> targets(RouteData r) {
        Map<String, Integer> m = new TreeMap<>();
        for (WeightedTarget t : r.spec().httpRoute().action().weightedTargets()) {
            if (t.weight() != null && t.weight() > 0) {
                m.put(Names.fromPerRevision(t.virtualNode()), t.weight());
            }
        }
        return m;
    }

    /**
     * LOAD_BALANCER mode (Cutover's steps) with a preview header on the environment's load balancer, or App
     * Mesh mode with {@code meshPreview} on the environment. With native deployments ECS routes the header's
     * requests itself: its test listener rule forwards to the new revision's target group once it is
     * healthy, before any production weight.
     */
    @Override
    public boolean previews(dev.cutover.Release release) {
        Layout layout = rt.layouts().of(release.environment().name());
        return layout.lbSteps() && release.environment().loadBalancer().flatMap(dev.cutover.LoadBalancer::preview).isPresent()
                || layout.meshMode() && release.environment().meshPreview().isPresent();
    }

    @Override
    public void preview(String environment, String service, String revisionId) {
        Layout layout = rt.layouts().of(environment);
        if (layout.lbSteps()) {
            lb.preview(environment, service, revisionId);
        } else if (layout.meshMode()) {
            meshPreviewHeader(layout).ifPresent(h -> writeMeshPreview(layout, service, revisionId, h));
        }
    }

    /** The plan's words for the App Mesh preview route, when the rollout has one. */
    private String meshPreviewText(dev.cutover.Release release) {
        return release.environment().meshPreview().filter(h -> Traffic.hasPreviewStep(release))
                .map(h -> "preview on header " + h.getKey() + ": " + h.getValue() + " (route "
                        + Names.previewRoute(Names.family(release.environment().name(), release.service().name()))
                        + " of priority " + PREVIEW_PRIORITY + ", above the production route, removed at promotion or rollback), then ")
                .orElse("");
    }

    private Optional<Map.Entry<String, String>> meshPreviewHeader(Layout layout) {
        return rt.layouts().environment(layout.environment()).flatMap(dev.cutover.Environment::meshPreview);
    }

    /**
     * The preview route: the requests whose header matches exactly ({@code httpRoute.match.headers[].match.exact})
     * go to the new revision's virtual node. Its priority 0 is the highest (App Mesh API reference, RouteSpec:
     * "Routes are matched based on the specified value, where 0 is the highest priority"; 0-1000); the
     * production route of a previewed environment has priority {@link #PRODUCTION_PRIORITY}.
     */
    private void writeMeshPreview(Layout layout, String service, String revisionId, Map.Entry<String, String> header) {
        String router = Names.family(layout.environment(), service);
        RouteSpec spec = RouteSpec.builder().priority(PREVIEW_PRIORITY).httpRoute(HttpRoute.builder()
                .match(HttpRouteMatch.builder().prefix("/").headers(HttpRouteHeader.builder().name(header.getKey())
                        .match(HeaderMatchMethod.builder().exact(header.getValue()).build()).build()).build())
                .action(HttpRouteAction.builder().weightedTargets(WeightedTarget.builder()
                        .virtualNode(Names.perRevision(revisionId)).weight(100).build()).build()).build()).build();
        String name = Names.previewRoute(router);
        Optional<RouteData> existing = AwsRuntime.unlessNotFound(() -> rt.appMesh("DescribeRoute", () -> rt.clients(layout).appMesh()
                .describeRoute(b -> b.meshName(layout.mesh()).virtualRouterName(router).routeName(name)).route()), NOT_FOUND);
        if (existing.isPresent() && spec.equals(existing.get().spec())) {
            return; // written before a crash (a resumed preview)
        }
        if (existing.isPresent()) { // left over from another revision's preview: replaced (the policy needs no UpdateRoute)
            deleteMeshPreview(layout, service);
        }
        try {
            rt.appMesh("CreateRoute", () -> rt.clients(layout).appMesh().createRoute(b -> b.meshName(layout.mesh())
                    .virtualRouterName(router).routeName(name).spec(spec)));
        } catch (ProviderException e) {
            if (!AwsErrors.is(e, "ConflictException")) {
                throw e; // a conflict: created by an attempt whose answer was lost
            }
        }
        LOG.info("{}/{}: the preview route sends {}: {} requests to {}", layout.environment(), service, header.getKey(),
                header.getValue(), revisionId);
    }

    /** Deletes the preview route, if any: all traffic on one revision ends a preview (promotion or rollback). */
    private void deleteMeshPreview(Layout layout, String service) {
        String router = Names.family(layout.environment(), service);
        AwsRuntime.unlessNotFound(() -> rt.appMesh("DeleteRoute", () -> rt.clients(layout).appMesh().deleteRoute(b -> b
                .meshName(layout.mesh()).virtualRouterName(router).routeName(Names.previewRoute(router)))), NOT_FOUND);
    }

    @Override
    public void setWeights(String environment, String service, Map<String, Integer> weights) {
        int sum = weights.values().stream().mapToInt(Integer::intValue).sum();
        long targets = weights.values().stream().filter(w -> w > 0).count();
        if (sum != 100 || targets == 0 || weights.values().stream().anyMatch(w -> w < 0 || w > 100)) {
            throw new ProviderException("aws", "setWeights", false, "weights must be 0-100 and sum to 100, were " + weights);
        }
        if (targets > MAX_TARGETS) {
            throw new ProviderException("aws", "setWeights", false, "App Mesh routes take at most " + MAX_TARGETS
                    + " weighted targets (a fixed quota), got " + targets + ": " + weights);
        }
        Layout layout = rt.layouts().of(environment);
        Optional<Layout> from = rt.layouts().migratingFrom(environment, service);
        if (layout.lbSteps()) {
            lb.setWeights(environment, service, weights);
        } else if (layout.meshMode()) {
            setMeshWeights(layout, service, weights);
        } else if (from.isPresent() && weights.keySet().stream().anyMatch(r -> rt.layouts().isMeshEra(environment, r))) {
            migrationWeights(from.get(), layout, service, weights);
        } else {
            setServiceConnectWeights(layout, service, weights);
        }
    }

    /**
     * Weights during a move from App Mesh to Service Connect: the App Mesh revisions keep the mesh
     * route and the new revision runs in the Service Connect service. No request is split between
     * the two meshes: all traffic back on an App Mesh revision restores its route (a rollback); any
     * other split is held (the new revision is analysed on the Service Connect clients' traffic)
     * until the App Mesh revisions are retired after promotion.
     */
    private void migrationWeights(Layout mesh, Layout layout, String service, Map<String, Integer> weights) {
        Optional<String> all = weights.entrySet().stream().filter(e -> e.getValue() == 100).map(Map.Entry::getKey).findFirst();
        if (all.isPresent() && rt.layouts().isMeshEra(layout.environment(), all.get())) {
            setMeshWeights(mesh, service, weights);
            return;
        }
        LOG.info("{}/{}: migrating from App Mesh to Service Connect: {} asked; Service Connect clients reach the new "
                + "revision, mesh clients keep the App Mesh route until its revisions are retired", layout.environment(), service,
                DesiredState.weights(weights));
    }

    private void setMeshWeights(Layout layout, String service, Map<String, Integer> weights) {
        String router = Names.family(layout.environment(), service);
        String anyRevision = weights.keySet().iterator().next();
        int port = portOf(layout.environment(), service, anyRevision);
        createIfMissing("DescribeVirtualRouter", () -> rt.clients(layout).appMesh().describeVirtualRouter(b -> b.meshName(layout.mesh())
                .virtualRouterName(router)), "CreateVirtualRouter", () -> rt.clients(layout).appMesh().createVirtualRouter(b -> b
                .meshName(layout.mesh()).virtualRouterName(router)
                .spec(s -> s.listeners(l -> l.portMapping(p -> p.port(port).protocol(PortProtocol.HTTP))))));
        String virtualService = Names.virtualService(rt.layouts().discoveryName(layout.environment(), service), layout.namespace());
        createIfMissing("DescribeVirtualService", () -> rt.clients(layout).appMesh().describeVirtualService(b -> b
                .meshName(layout.mesh()).virtualServiceName(virtualService)), "CreateVirtualService", () -> rt.clients(layout).appMesh()
                .createVirtualService(b -> b.meshName(layout.mesh()).virtualServiceName(virtualService)
                        .spec(s -> s.provider(p -> p.virtualRouter(v -> v.virtualRouterName(router))))));
        List<WeightedTarget> targets = new ArrayList<>();
        new TreeMap<>(weights).forEach((rev, w) -> {
            if (w > 0) {
                targets.add(WeightedTarget.builder().virtualNode(Names.perRevision(rev)).weight(w).build());
            }
        });
        Optional<Map.Entry<String, String>> preview = meshPreviewHeader(layout);
        RouteSpec spec = RouteSpec.builder().priority(preview.isPresent() ? PRODUCTION_PRIORITY : null)
                .httpRoute(HttpRoute.builder().match(HttpRouteMatch.builder().prefix("/").build())
                .action(HttpRouteAction.builder().weightedTargets(targets).build()).build()).build();
        writeRoute(layout, router, router, spec);
        LOG.info("{}/{}: App Mesh route weights {}", layout.environment(), service, DesiredState.weights(weights));
        if (preview.isPresent() && targets.size() == 1) {
            deleteMeshPreview(layout, service);
        }
    }

    /** Creates route {@code name} on {@code router} with {@code spec}, or updates it when it exists. */
    private void writeRoute(Layout layout, String router, String name, RouteSpec spec) {
        boolean exists = AwsRuntime.unlessNotFound(() -> rt.appMesh("DescribeRoute", () -> rt.clients(layout).appMesh()
                .describeRoute(b -> b.meshName(layout.mesh()).virtualRouterName(router).routeName(name))), NOT_FOUND).isPresent();
        boolean update = exists;
        if (!exists) {
            try {
                rt.appMesh("CreateRoute", () -> rt.clients(layout).appMesh().createRoute(b -> b.meshName(layout.mesh())
                        .virtualRouterName(router).routeName(name).spec(spec)));
            } catch (ProviderException e) {
                if (!AwsErrors.is(e, "ConflictException")) {
                    throw e;
                }
                update = true; // created by an attempt whose answer was lost (or by another writer): set the spec on it
            }
        }
        if (update) {
            rt.appMesh("UpdateRoute", () -> rt.clients(layout).appMesh().updateRoute(b -> b.meshName(layout.mesh())
                    .virtualRouterName(router).routeName(name).spec(spec)));
        }
    }

    private int portOf(String environment, String service, String revision) {
        Integer known = rt.layouts().port(environment, service);
        if (known != null) {
            return known;
        }
        TaskDefinition td = rt.taskDefinition(revision);
        return td.containerDefinitions().get(0).portMappings().get(0).containerPort();
    }

    /** Creates the virtual node of a revision (mesh mode), discovered through its own Cloud Map service. */
    void ensureVirtualNode(Layout layout, RevisionRef ref, dev.cutover.Service service) {
        ensureVirtualNode(layout, ref, service.port(), service.healthCheck());
    }

    void ensureVirtualNode(Layout layout, RevisionRef ref, int port, dev.cutover.HealthCheck h) {
        String node = Names.perRevision(ref.id());
        createIfMissing("DescribeVirtualNode", () -> rt.clients(layout).appMesh().describeVirtualNode(b -> b.meshName(layout.mesh())
                .virtualNodeName(node)), "CreateVirtualNode", () -> rt.clients(layout).appMesh().createVirtualNode(b -> b
                .meshName(layout.mesh()).virtualNodeName(node)
                .spec(s -> s.listeners(l -> l.portMapping(p -> p.port(port).protocol(PortProtocol.HTTP))
                                .healthCheck(hc -> hc.protocol(PortProtocol.HTTP).path(h.path()).port(port)
                                        .intervalMillis(Math.max(5000L, h.interval().toMillis()))
                                        .timeoutMillis(Math.max(2000L, h.timeout().toMillis()))
                                        .healthyThreshold(2).unhealthyThreshold(Math.max(2, h.retries()))))
                        .serviceDiscovery(d -> d.awsCloudMap(m -> m.namespaceName(layout.namespace()).serviceName(node))))
                .tags(t -> t.key("cutover:revision").value(ref.id()))));
    }

    /** The names of the virtual nodes in the layout's mesh (empty when the mesh does not exist). */
    List<String> virtualNodeNames(Layout layout) {
        List<String> out = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            var page = AwsRuntime.unlessNotFound(() -> rt.appMesh("ListVirtualNodes", () -> rt.clients(layout).appMesh()
                    .listVirtualNodes(b -> b.meshName(layout.mesh()).nextToken(next))), NOT_FOUND);
            if (page.isEmpty()) {
                break;
            }
            page.get().virtualNodes().forEach(n -> out.add(n.virtualNodeName()));
            token = page.get().nextToken();
        } while (token != null);
        return out;
    }

    void deleteVirtualNode(Layout layout, RevisionRef ref) {
        AwsRuntime.unlessNotFound(() -> rt.appMesh("DeleteVirtualNode", () -> rt.clients(layout).appMesh().deleteVirtualNode(b -> b
                .meshName(layout.mesh()).virtualNodeName(Names.perRevision(ref.id())))), NOT_FOUND);
    }

    private void createIfMissing(String describeOp, java.util.function.Supplier<?> describe, String createOp,
            java.util.function.Supplier<?> create) {
        if (AwsRuntime.unlessNotFound(() -> rt.appMesh(describeOp, describe), NOT_FOUND).isPresent()) {
            return;
        }
        try {
            rt.appMesh(createOp, create);
        } catch (ProviderException e) {
            if (!AwsErrors.is(e, "ConflictException")) {
                throw e;
            }
        }
    }

    // ------------------------------------------------------------------ Service Connect mode

    private Map<String, Integer> serviceConnectWeights(Layout layout, String service) {
        String name = Names.family(layout.environment(), service);
        Service s = compute.describeServices(layout, List.of(name)).get(name);
        return s == null ? Map.of() : serviceConnectWeights(layout, service, s);
    }

    /** Whether the service runs one deployment that has completed (then nothing is in flight). */
    private static boolean steady(Service s) {
        return s.deployments().size() == 1 && "COMPLETED".equals(s.deployments().get(0).rolloutStateAsString());
    }

    private Map<String, Integer> serviceConnectWeights(Layout layout, String service, Service s) {
        String name = Names.family(layout.environment(), service);
        if (s.taskDefinition() == null || neverServed(layout, name, s)) {
            return Map.of();
        }
        Optional<ServiceDeployment> inFlight = steady(s) ? Optional.empty() : inFlight(layout, name);
        Map<String, Integer> m = new TreeMap<>();
        if (inFlight.isPresent() && inFlight.get().targetServiceRevision() != null) {
            ServiceDeployment sd = inFlight.get();
            List<ServiceRevisionSummary> summaries = new ArrayList<>(sd.sourceServiceRevisions());
            summaries.add(sd.targetServiceRevision());
            List<String> arns = summaries.stream().map(ServiceRevisionSummary::arn).toList();
            List<ServiceRevision> revisions = rt.ecs("DescribeServiceRevisions", () -> rt.clients(layout).ecs()
                    .describeServiceRevisions(b -> b.serviceRevisionArns(arns)).serviceRevisions());
            Double targetWeight = sd.targetServiceRevision().requestedProductionTrafficWeight();
            if (targetWeight != null) {
                for (ServiceRevision r : revisions) {
                    RevisionFacts td = rt.revisionFacts(r.taskDefinition());
                    boolean target = r.serviceRevisionArn().equals(sd.targetServiceRevision().arn());
                    int w = (int) Math.round(target ? targetWeight : 100 - targetWeight);
                    if (w > 0) {
                        m.merge(td.revisionId(), w, Integer::sum);
                    }
                }
                if (m.values().stream().mapToInt(Integer::intValue).sum() == 100) {
                    return m;
                }
                m.clear();
            }
        }
        m.put(rt.revisionFacts(s.taskDefinition()).revisionId(), 100);
        return m;
    }

    /**
     * Whether no revision of the service has ever served: its only deployment has not completed and
     * no service deployment of it ever succeeded (a first deployment still starting, or failed). Then
     * no revision holds traffic, as in App Mesh mode before the first route, so a failed first
     * deployment is retired instead of kept as "serving".
     */
    private boolean neverServed(Layout layout, String name, Service s) {
        if (s.deployments().size() != 1 || "COMPLETED".equals(s.deployments().get(0).rolloutStateAsString())) {
            return false;
        }
        return rt.ecs("ListServiceDeployments", () -> rt.clients(layout).ecs().listServiceDeployments(b -> b
                .cluster(layout.cluster()).service(name).status(ServiceDeploymentStatus.SUCCESSFUL)))
                .serviceDeployments().isEmpty();
    }

    private Optional<ServiceDeployment> inFlight(Layout layout, String name) {
        List<String> arns = rt.ecs("ListServiceDeployments", () -> rt.clients(layout).ecs().listServiceDeployments(b -> b
                .cluster(layout.cluster()).service(name).status(ServiceDeploymentStatus.IN_PROGRESS, ServiceDeploymentStatus.PENDING)))
                .serviceDeployments().stream().map(d -> d.serviceDeploymentArn()).toList();
        if (arns.isEmpty()) {
            return Optional.empty();
        }
        return rt.ecs("DescribeServiceDeployments", () -> rt.clients(layout).ecs().describeServiceDeployments(b -> b
                .serviceDeploymentArns(arns))).serviceDeployments().stream().findFirst();
    }

    private void setServiceConnectWeights(Layout layout, String service, Map<String, Integer> weights) {
        String name = Names.family(layout.environment(), service);
        Service s = compute.describeServices(layout, List.of(name)).get(name);
        Map<String, Integer> current = s == null ? Map.of() : serviceConnectWeights(layout, service, s);
        Optional<String> all = weights.entrySet().stream().filter(e -> e.getValue() == 100).map(Map.Entry::getKey).findFirst();
        if (DesiredState.weights(current).equals(DesiredState.weights(weights)) && (all.isEmpty() || s == null || steady(s))) {
            // 100% asked and 100% served: done only if no ECS deployment is in flight. A native canary that has
            // not moved its traffic yet still reads 100% on its source; left alone it moves the traffic after all
            return;
        }
        Optional<ServiceDeployment> inFlight = inFlight(layout, name);
        if (all.isPresent()) {
            String target = all.get();
            String targetArn = rt.taskDefinition(target).taskDefinitionArn();
            if (inFlight.isPresent()) {
                String flightTarget = targetTaskDefinition(inFlight.get());
                if (!targetArn.equals(flightTarget)) {
                    LOG.info("{}/{}: stopping the ECS deployment in flight, ECS rolls back to {}", layout.environment(), service, target);
                    rt.ecs("StopServiceDeployment", () -> rt.clients(layout).ecs().stopServiceDeployment(b -> b
                            .serviceDeploymentArn(inFlight.get().serviceDeploymentArn())
                            .stopType(StopServiceDeploymentStopType.ROLLBACK)));
                } else {
                    LOG.info("{}/{}: ECS's native deployment completes the shift to {} after its bake", layout.environment(),
                            service, target);
                }
                return;
            }
            if (DesiredState.weights(current).equals(DesiredState.weights(weights))) {
                return;
            }
            rt.ecs("UpdateService", () -> rt.clients(layout).ecs().updateService(b -> b.cluster(layout.cluster()).service(name)
                    .taskDefinition(targetArn)));
            return;
        }
        if (inFlight.isPresent()) {
            LOG.info("{}/{}: Service Connect mode: ECS's native deployment sets the split; asked {}, ECS has {}",
                    layout.environment(), service, DesiredState.weights(weights), DesiredState.weights(current));
            return;
        }
        String newest = weights.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey)
                .max(java.util.Comparator.comparingInt(Names::revisionNumber)).orElseThrow();
        if (current.equals(Map.of(newest, 100))) {
            // the native deployment finished its shift (its bakes are whole minutes) before Cutover's last step
            LOG.info("{}/{}: Service Connect mode: ECS's native deployment already moved all traffic to {}; asked {}",
                    layout.environment(), service, newest, DesiredState.weights(weights));
            return;
        }
        throw new ProviderException("aws", "setWeights", false, (layout.lbNative() ? "LOAD_BALANCER mode with native "
                + "deployments" : "Service Connect mode") + " cannot split traffic "
                + DesiredState.weights(weights) + " outside an ECS native deployment; use an App Mesh environment (.mesh(...)) "
                + "for arbitrary steps");
    }

    private String targetTaskDefinition(ServiceDeployment sd) {
        if (sd.targetServiceRevision() == null) {
            return "";
        }
        String arn = sd.targetServiceRevision().arn();
        return rt.ecs("DescribeServiceRevisions", () -> rt.clients(arn.split(":")[3]).ecs().describeServiceRevisions(b -> b
                .serviceRevisionArns(arn))).serviceRevisions().stream().findFirst().map(ServiceRevision::taskDefinition).orElse("");
    }
}

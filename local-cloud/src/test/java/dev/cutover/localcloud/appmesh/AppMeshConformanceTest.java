package dev.cutover.localcloud.appmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.localcloud.AppMesh;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.sdk.Sdk;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.appmesh.AppMeshClient;
import software.amazon.awssdk.services.appmesh.model.BadRequestException;
import software.amazon.awssdk.services.appmesh.model.ConflictException;
import software.amazon.awssdk.services.appmesh.model.CreateMeshResponse;
import software.amazon.awssdk.services.appmesh.model.LimitExceededException;
import software.amazon.awssdk.services.appmesh.model.ListMeshesResponse;
import software.amazon.awssdk.services.appmesh.model.MeshData;
import software.amazon.awssdk.services.appmesh.model.MeshRef;
import software.amazon.awssdk.services.appmesh.model.NotFoundException;
import software.amazon.awssdk.services.appmesh.model.ResourceInUseException;
import software.amazon.awssdk.services.appmesh.model.RouteData;
import software.amazon.awssdk.services.appmesh.model.TooManyRequestsException;
import software.amazon.awssdk.services.appmesh.model.WeightedTarget;

class AppMeshConformanceTest {

    LocalCloud cloud;
    AppMeshClient mesh;

    @BeforeEach
    void start() {
        cloud = LocalCloud.start();
        cloud.faults().throttling(false);
        mesh = Sdk.appMesh(cloud);
    }

    @AfterEach
    void stop() {
        mesh.close();
        cloud.close();
    }

    private void node(String meshName, String name) {
        mesh.createVirtualNode(r -> r.meshName(meshName).virtualNodeName(name).spec(s -> s
                .listeners(l -> l.portMapping(p -> p.port(8080).protocol("http")))
                .serviceDiscovery(d -> d.awsCloudMap(c -> c.namespaceName("shop.local").serviceName(name)))));
    }

    private static WeightedTarget target(String node, int weight) {
        return WeightedTarget.builder().virtualNode(node).weight(weight).build();
    }

    private RouteData route(String meshName, String router, String name, WeightedTarget... targets) {
        return mesh.createRoute(r -> r.meshName(meshName).virtualRouterName(router).routeName(name)
                .spec(s -> s.httpRoute(h -> h.match(m -> m.prefix("/")).action(a -> a.weightedTargets(targets))))).route();
    }

    private void router(String meshName, String name) {
        mesh.createVirtualRouter(r -> r.meshName(meshName).virtualRouterName(name)
                .spec(s -> s.listeners(l -> l.portMapping(p -> p.port(8080).protocol("http")))));
    }

    @Test
    void meshLifecycleWithMetadataAndVersions() {
        CreateMeshResponse created = mesh.createMesh(r -> r.meshName("shop"));
        MeshData data = created.mesh();
        assertThat(data.meshName()).isEqualTo("shop");
        assertThat(data.metadata().arn()).isEqualTo("arn:aws:appmesh:us-east-1:000000000000:mesh/shop");
        assertThat(data.metadata().version()).isEqualTo(1L);
        assertThat(data.metadata().uid()).isNotBlank();
        assertThat(data.metadata().createdAt()).isEqualTo(cloud.clock().instant());
        assertThat(data.spec().egressFilter().typeAsString()).isEqualTo("DROP_ALL");
        assertThat(data.status().statusAsString()).isEqualTo("ACTIVE");

        cloud.clock().advance(Duration.ofMinutes(1));
        MeshData updated = mesh.updateMesh(r -> r.meshName("shop").spec(s -> s.egressFilter(e -> e.type("ALLOW_ALL")))).mesh();
        assertThat(updated.metadata().version()).isEqualTo(2L);
        assertThat(updated.metadata().lastUpdatedAt()).isEqualTo(cloud.clock().instant());
        assertThat(mesh.describeMesh(r -> r.meshName("shop")).mesh().spec().egressFilter().typeAsString()).isEqualTo("ALLOW_ALL");

        assertThat(mesh.deleteMesh(r -> r.meshName("shop")).mesh().status().statusAsString()).isEqualTo("DELETED");
        assertThatThrownBy(() -> mesh.describeMesh(r -> r.meshName("shop")))
                .isInstanceOf(NotFoundException.class)
                .satisfies(e -> assertThat(((NotFoundException) e).statusCode()).isEqualTo(404));
    }

    @Test
    void duplicateNamesConflictAndQuotasAreEnforced() {
        mesh.createMesh(r -> r.meshName("m0"));
        assertThatThrownBy(() -> mesh.createMesh(r -> r.meshName("m0")))
                .isInstanceOf(ConflictException.class)
                .satisfies(e -> assertThat(((ConflictException) e).statusCode()).isEqualTo(409));
        for (int i = 1; i < 15; i++) {
            String name = "m" + i;
            mesh.createMesh(r -> r.meshName(name));
        }
        assertThatThrownBy(() -> mesh.createMesh(r -> r.meshName("m15"))).isInstanceOf(LimitExceededException.class);
    }

    @Test
    void listsPageWithNextTokenAndLimit() {
        for (String name : List.of("a", "b", "c")) {
            mesh.createMesh(r -> r.meshName(name));
        }
        ListMeshesResponse first = mesh.listMeshes(r -> r.limit(2));
        assertThat(first.meshes()).extracting(MeshRef::meshName).containsExactly("a", "b");
        assertThat(first.nextToken()).isNotNull();
        ListMeshesResponse second = mesh.listMeshes(r -> r.limit(2).nextToken(first.nextToken()));
        assertThat(second.meshes()).extracting(MeshRef::meshName).containsExactly("c");
        assertThat(second.nextToken()).isNull();
        assertThat(second.meshes().get(0).arn()).endsWith(":mesh/c");
        assertThat(mesh.listMeshesPaginator(r -> r.limit(1)).meshes()).hasSize(3);
        assertThatThrownBy(() -> mesh.listMeshes(r -> r.limit(101))).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> mesh.listMeshes(r -> r.nextToken("garbage"))).isInstanceOf(BadRequestException.class);
    }

    @Test
    void virtualNodesValidateListenersAndServiceDiscovery() {
        mesh.createMesh(r -> r.meshName("shop"));
        node("shop", "orders-v1");
        var described = mesh.describeVirtualNode(r -> r.meshName("shop").virtualNodeName("orders-v1")).virtualNode();
        assertThat(described.spec().serviceDiscovery().awsCloudMap().serviceName()).isEqualTo("orders-v1");
        assertThat(described.metadata().arn()).endsWith(":mesh/shop/virtualNode/orders-v1");
        assertThat(cloud.appMesh().serviceDiscovery("shop", "orders-v1"))
                .contains(new AppMesh.Discovery("shop.local", "orders-v1", null));

        assertThatThrownBy(() -> mesh.createVirtualNode(r -> r.meshName("shop").virtualNodeName("bad").spec(s -> s
                .listeners(l -> l.portMapping(p -> p.port(8080).protocol("udp")))
                .serviceDiscovery(d -> d.dns(x -> x.hostname("bad.local"))))))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("protocol");
        assertThatThrownBy(() -> mesh.createVirtualNode(r -> r.meshName("shop").virtualNodeName("bad").spec(s -> s
                .listeners(l -> l.portMapping(p -> p.port(70000).protocol("http")))
                .serviceDiscovery(d -> d.dns(x -> x.hostname("bad.local"))))))
                .isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> mesh.createVirtualNode(r -> r.meshName("shop").virtualNodeName("bad").spec(s -> s
                .listeners(l -> l.portMapping(p -> p.port(8080).protocol("http"))))))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("serviceDiscovery");
        assertThatThrownBy(() -> mesh.createVirtualNode(r -> r.meshName("shop").virtualNodeName("x".repeat(256))
                .spec(s -> s.backends(List.of()))))
                .isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> mesh.createVirtualNode(r -> r.meshName("nope").virtualNodeName("n").spec(s -> s.backends(List.of()))))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> mesh.describeVirtualNode(r -> r.meshName("shop").virtualNodeName("missing")))
                .isInstanceOf(NotFoundException.class);

        var updated = mesh.updateVirtualNode(r -> r.meshName("shop").virtualNodeName("orders-v1").spec(s -> s
                .listeners(l -> l.portMapping(p -> p.port(9090).protocol("http")))
                .serviceDiscovery(d -> d.dns(x -> x.hostname("orders-v1.shop.local"))))).virtualNode();
        assertThat(updated.metadata().version()).isEqualTo(2L);
        assertThat(mesh.listVirtualNodes(r -> r.meshName("shop")).virtualNodes()).hasSize(1);
    }

    @Test
    void routesCarryWeightsWithinAwsLimits() {
        mesh.createMesh(r -> r.meshName("shop"));
        node("shop", "orders-v1");
        node("shop", "orders-v2");
        router("shop", "orders");
        RouteData route = route("shop", "orders", "main", target("orders-v1", 90), target("orders-v2", 10));
        assertThat(route.metadata().arn()).endsWith(":mesh/shop/virtualRouter/orders/route/main");
        assertThat(route.virtualRouterName()).isEqualTo("orders");
        assertThat(cloud.appMesh().routeWeights("shop", "orders", "main")).contains(List.of(
                new AppMesh.WeightedTarget("orders-v1", 90), new AppMesh.WeightedTarget("orders-v2", 10)));

        RouteData shifted = mesh.updateRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("main")
                .spec(s -> s.httpRoute(h -> h.match(m -> m.prefix("/"))
                        .action(a -> a.weightedTargets(target("orders-v1", 50), target("orders-v2", 50)))))).route();
        assertThat(shifted.metadata().version()).isEqualTo(2L);
        assertThat(mesh.describeRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("main"))
                .route().spec().httpRoute().action().weightedTargets()).extracting(WeightedTarget::weight).containsExactly(50, 50);

        List<WeightedTarget> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(target("orders-v1", 1));
        }
        assertThatThrownBy(() -> route("shop", "orders", "too-many", eleven.toArray(WeightedTarget[]::new)))
                .isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> route("shop", "orders", "heavy", target("orders-v1", 101)))
                .isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> route("shop", "orders", "ghost", target("nobody", 100)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> route("shop", "orders", "main", target("orders-v1", 100)))
                .isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> mesh.createRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("empty")
                .spec(s -> s.priority(1))))
                .isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> mesh.deleteVirtualNode(r -> r.meshName("shop").virtualNodeName("orders-v2")))
                .isInstanceOf(ResourceInUseException.class);
        assertThatThrownBy(() -> mesh.deleteVirtualRouter(r -> r.meshName("shop").virtualRouterName("orders")))
                .isInstanceOf(ResourceInUseException.class);
        assertThatThrownBy(() -> mesh.deleteMesh(r -> r.meshName("shop"))).isInstanceOf(ResourceInUseException.class);

        for (int i = 1; i < 50; i++) {
            route("shop", "orders", "r" + i, target("orders-v1", 1));
        }
        assertThatThrownBy(() -> route("shop", "orders", "r50", target("orders-v1", 1)))
                .isInstanceOf(LimitExceededException.class);
        var page = mesh.listRoutes(r -> r.meshName("shop").virtualRouterName("orders").limit(20));
        assertThat(page.routes()).hasSize(20);
        assertThat(mesh.listRoutesPaginator(r -> r.meshName("shop").virtualRouterName("orders").limit(20)).routes()).hasSize(50);

        assertThat(mesh.deleteRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("main"))
                .route().status().statusAsString()).isEqualTo("DELETED");
        assertThatThrownBy(() -> mesh.describeRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("main")))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void virtualServicesResolveTheirProvider() {
        mesh.createMesh(r -> r.meshName("shop"));
        node("shop", "orders-v1");
        node("shop", "orders-v2");
        router("shop", "orders");
        route("shop", "orders", "main", target("orders-v1", 75), target("orders-v2", 25));
        var vs = mesh.createVirtualService(r -> r.meshName("shop").virtualServiceName("orders.shop.local")
                .spec(s -> s.provider(p -> p.virtualRouter(v -> v.virtualRouterName("orders"))))).virtualService();
        assertThat(vs.spec().provider().virtualRouter().virtualRouterName()).isEqualTo("orders");
        assertThat(cloud.appMesh().virtualServiceWeights("shop", "orders.shop.local"))
                .containsExactly(Map.entry("orders-v1", 75), Map.entry("orders-v2", 25));
        assertThatThrownBy(() -> mesh.createVirtualService(r -> r.meshName("shop").virtualServiceName("x.local")
                .spec(s -> s.provider(p -> p.virtualRouter(v -> v.virtualRouterName("missing"))))))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void malformedBodiesAreBadRequestsNotServerErrors() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/v20190125/meshes"))
                .PUT(HttpRequest.BodyPublishers.ofString("{not json")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("x-amzn-ErrorType")).contains("BadRequestException");
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/v20190125/meshes"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("meshName");
        HttpResponse<String> wrongType = http.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/v20190125/meshes"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"meshName\":42}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrongType.statusCode()).isEqualTo(400);
    }

    @Test
    void throttledCallsAreTooManyRequests() {
        cloud.faults().throttling(true);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 200; i++) {
                try {
                    mesh.describeMesh(r -> r.meshName("none"));
                } catch (NotFoundException expected) {
                    // keeps calling until the token bucket is empty
                }
            }
        }).isInstanceOf(TooManyRequestsException.class);
    }
}

package dev.cutover.localcloud.appmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.RevisionStats;
import dev.cutover.localcloud.internal.appmesh.AppMeshEmulator;
import dev.cutover.localcloud.internal.cloudmap.CloudMapEmulator;
import dev.cutover.localcloud.internal.traffic.TrafficSimulator;
import dev.cutover.localcloud.internal.traffic.TrafficSource;
import dev.cutover.localcloud.sdk.Sdk;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.appmesh.AppMeshClient;
import software.amazon.awssdk.services.appmesh.model.BadRequestException;
import software.amazon.awssdk.services.appmesh.model.HttpRouteHeader;
import software.amazon.awssdk.services.appmesh.model.RouteSpec;
import software.amazon.awssdk.services.servicediscovery.ServiceDiscoveryClient;

/**
 * App Mesh conformance of route priority and HTTP header matches, through the real SDK: the model's
 * limits (RouteSpec.priority 0-1000; HttpRouteHeaders 1-10; HeaderName 1-50; HeaderMatchMethod exactly
 * one of exact/prefix/regex/suffix/range, HeaderMatch 1-255), and the traffic simulation's tagged
 * requests ({@code mesh/router [header: value]}) taking the first route by priority whose header match
 * they satisfy, while untagged requests skip header routes.
 */
class RoutePriorityHeaderMatchTest {

    private static final HttpRouteHeader PREVIEW = HttpRouteHeader.builder().name("x-cutover-preview")
            .match(m -> m.exact("1")).build();

    @Test
    void routePriorityAndHeaderMatchesAreValidatedAsTheModelSaysAndDescribedBack() {
        try (LocalCloud cloud = LocalCloud.start(); AppMeshClient mesh = Sdk.appMesh(cloud)) {
            cloud.faults().throttling(false);
            mesh.createMesh(r -> r.meshName("shop"));
            mesh.createVirtualNode(r -> r.meshName("shop").virtualNodeName("orders-blue").spec(s -> s
                    .listeners(l -> l.portMapping(p -> p.port(8080).protocol("http")))
                    .serviceDiscovery(d -> d.dns(n -> n.hostname("orders-blue.shop.local")))));
            mesh.createVirtualRouter(r -> r.meshName("shop").virtualRouterName("orders")
                    .spec(s -> s.listeners(l -> l.portMapping(p -> p.port(8080).protocol("http")))));
            List<RouteSpec> refused = List.of(
                    route(1001, PREVIEW),
                    route(-1, PREVIEW),
                    route(0, HttpRouteHeader.builder().name("x".repeat(51)).match(m -> m.exact("1")).build()),
                    route(0, HttpRouteHeader.builder().name("x-a").match(m -> m.exact("1").prefix("1")).build()),
                    route(0, HttpRouteHeader.builder().name("x-a").match(m -> m.exact("v".repeat(256))).build()),
                    route(0, HttpRouteHeader.builder().name("x-a").match(m -> m.range(g -> g.start(1L))).build()),
                    route(0, java.util.Collections.nCopies(11, PREVIEW).toArray(HttpRouteHeader[]::new)));
            for (RouteSpec spec : refused) {
                assertThatThrownBy(() -> mesh.createRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("bad")
                        .spec(spec))).as(spec.toString()).isInstanceOf(BadRequestException.class);
            }
            mesh.createRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("preview").spec(route(0, PREVIEW)));
            RouteSpec described = mesh.describeRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("preview"))
                    .route().spec();
            assertThat(described.priority()).isZero();
            assertThat(described.httpRoute().match().headers()).containsExactly(PREVIEW);
        }
    }

    @Test
    void taggedRequestsTakeTheFirstRouteByPriorityWhoseHeaderMatchTheySatisfyAndUntaggedOnesSkipIt() {
        try (LocalCloud cloud = LocalCloud.start();
             AppMeshClient mesh = Sdk.appMesh(cloud);
             ServiceDiscoveryClient sd = Sdk.serviceDiscovery(cloud)) {
            List<String> registries = RouteWeightsTrafficTest.blueAndGreen(cloud, mesh, sd);
            String blueArn = registries.get(0);
            String greenArn = registries.get(1);
            mesh.createRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("production")
                    .spec(route(1000, "orders-blue")));
            mesh.createRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("preview")
                    .spec(route(0, "orders-green", PREVIEW)));

            TrafficSource ecs = () -> List.of(RouteWeightsTrafficTest.service("orders-blue", blueArn, "orders:1"), RouteWeightsTrafficTest.service("orders-green", greenArn, "orders:2"));
            TrafficSimulator traffic = new TrafficSimulator(cloud.clock(), ecs, 11L);
            traffic.addSplitter(((AppMeshEmulator) cloud.appMesh()).trafficSplitter((CloudMapEmulator) cloud.cloudMap("us-east-1")));
            // only the two entry points send (a service behind no split would get the default rate directly)
            traffic.defaultRate(0).rate("shop/orders", 50).rate("shop/orders [x-cutover-preview: 1]", 5);
            Consumer<Instant> tick = traffic::tick;
            cloud.clock().addListener(tick);
            try {
                cloud.clock().advance(Duration.ofMinutes(2));
                // the preview route (priority 0) takes only the tagged requests: 5/s to green, the 50/s untagged to blue
                assertThat(rate(traffic, "orders-green")).isCloseTo(5, within(1.0));
                assertThat(rate(traffic, "orders-blue")).isCloseTo(50, within(3.0));

                // a header route below a route without header match never gets a request: the first match wins
                mesh.updateRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("production")
                        .spec(route(0, "orders-blue")));
                mesh.updateRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("preview")
                        .spec(route(10, "orders-green", PREVIEW)));
                cloud.clock().advance(Duration.ofMinutes(2));
                assertThat(rate(traffic, "orders-green")).isZero();
                assertThat(rate(traffic, "orders-blue")).isCloseTo(55, within(3.0));

                // the preview route deleted: green gets nothing; the tagged entry point goes with the last route
                // naming the header (as a load balancer's tagged probe goes with its rule)
                mesh.deleteRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("preview"));
                cloud.clock().advance(Duration.ofMinutes(2));
                assertThat(rate(traffic, "orders-green")).isZero();
                assertThat(rate(traffic, "orders-blue")).isCloseTo(50, within(3.0));
            } finally {
                cloud.clock().removeListener(tick);
            }
        }
    }

    /** Requests per second over the last 110 s of a 2-minute phase (the window's ends stay inside the phase). */
    private static double rate(TrafficSimulator traffic, String service) {
        return traffic.stats("default", service, Duration.ofSeconds(110)).stream().mapToLong(RevisionStats::requests).sum() / 110.0;
    }

    private static RouteSpec route(int priority, HttpRouteHeader... headers) {
        return route(priority, "orders-blue", headers);
    }

    /** An HTTP route of {@code priority} on prefix / (and {@code headers}, when given) sending all to {@code node}. */
    private static RouteSpec route(int priority, String node, HttpRouteHeader... headers) {
        return RouteSpec.builder().priority(priority).httpRoute(h -> h.match(m -> {
            m.prefix("/");
            if (headers.length > 0) {
                m.headers(headers);
            }
        }).action(a -> a.weightedTargets(RouteWeightsTrafficTest.target(node, 100)))).build();
    }
}

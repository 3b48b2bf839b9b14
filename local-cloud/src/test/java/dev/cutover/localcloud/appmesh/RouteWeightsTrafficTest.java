package dev.cutover.localcloud.appmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cutover.localcloud.ImageBehavior;
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
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.appmesh.AppMeshClient;
import software.amazon.awssdk.services.appmesh.model.WeightedTarget;
import software.amazon.awssdk.services.servicediscovery.ServiceDiscoveryClient;

/**
 * Weights on an App Mesh route decide how much simulated traffic each revision receives: virtual
 * node -> Cloud Map service -> the ECS service that lists it in serviceRegistries.
 */
class RouteWeightsTrafficTest {

    @Test
    void shiftingRouteWeightsShiftsTheTrafficEachRevisionReceives() {
        try (LocalCloud cloud = LocalCloud.start();
             AppMeshClient mesh = Sdk.appMesh(cloud);
             ServiceDiscoveryClient sd = Sdk.serviceDiscovery(cloud)) {
            List<String> registries = blueAndGreen(cloud, mesh, sd);
            String blueArn = registries.get(0);
            String greenArn = registries.get(1);
            mesh.createRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("main")
                    .spec(s -> s.httpRoute(h -> h.match(m -> m.prefix("/"))
                            .action(a -> a.weightedTargets(target("orders-blue", 90), target("orders-green", 10))))));

            TrafficSource ecs = () -> List.of(
                    service("orders-blue", blueArn, "orders:1"),
                    service("orders-green", greenArn, "orders:2"));
            TrafficSimulator traffic = new TrafficSimulator(cloud.clock(), ecs, 7L);
            traffic.addSplitter(((AppMeshEmulator) cloud.appMesh()).trafficSplitter((CloudMapEmulator) cloud.cloudMap("us-east-1")));
            traffic.rate("shop/orders", 100);
            Consumer<Instant> tick = traffic::tick;
            cloud.clock().addListener(tick);
            try {
                cloud.clock().advance(Duration.ofMinutes(2));
                assertThat(greenShare(traffic, Duration.ofMinutes(2))).isCloseTo(0.10, within(0.03));

                mesh.updateRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("main")
                        .spec(s -> s.httpRoute(h -> h.match(m -> m.prefix("/"))
                                .action(a -> a.weightedTargets(target("orders-blue", 50), target("orders-green", 50))))));
                cloud.clock().advance(Duration.ofMinutes(2));
                assertThat(greenShare(traffic, Duration.ofMinutes(2))).isCloseTo(0.50, within(0.04));

                mesh.updateRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("main")
                        .spec(s -> s.httpRoute(h -> h.match(m -> m.prefix("/"))
                                .action(a -> a.weightedTargets(target("orders-blue", 0), target("orders-green", 100))))));
                cloud.clock().advance(Duration.ofMinutes(1));
                assertThat(greenShare(traffic, Duration.ofMinutes(1))).isCloseTo(1.0, within(0.02));
            } finally {
                cloud.clock().removeListener(tick);
            }
        }
    }

    /**
     * Mesh {@code shop} with virtual nodes {@code orders-blue} and {@code orders-green}, each discovered through
     * its Cloud Map service in {@code shop.local}, and virtual router {@code orders}; the two Cloud Map service ARNs.
     */
    static List<String> blueAndGreen(LocalCloud cloud, AppMeshClient mesh, ServiceDiscoveryClient sd) {
        cloud.faults().throttling(false);
        String op = sd.createPrivateDnsNamespace(r -> r.name("shop.local").vpc("vpc-1")).operationId();
        cloud.clock().advance(Duration.ofSeconds(5));
        String ns = sd.getOperation(r -> r.operationId(op)).operation().targetsAsStrings().get("NAMESPACE");
        String blueArn = sd.createService(r -> r.name("orders-blue").namespaceId(ns)).service().arn();
        String greenArn = sd.createService(r -> r.name("orders-green").namespaceId(ns)).service().arn();
        mesh.createMesh(r -> r.meshName("shop"));
        for (String color : List.of("blue", "green")) {
            mesh.createVirtualNode(r -> r.meshName("shop").virtualNodeName("orders-" + color).spec(s -> s
                    .listeners(l -> l.portMapping(p -> p.port(8080).protocol("http")))
                    .serviceDiscovery(d -> d.awsCloudMap(c -> c.namespaceName("shop.local").serviceName("orders-" + color)))));
        }
        mesh.createVirtualRouter(r -> r.meshName("shop").virtualRouterName("orders")
                .spec(s -> s.listeners(l -> l.portMapping(p -> p.port(8080).protocol("http")))));
        return List.of(blueArn, greenArn);
    }

    private static double greenShare(TrafficSimulator traffic, Duration window) {
        long blue = traffic.stats("default", "orders-blue", window).stream().mapToLong(RevisionStats::requests).sum();
        long green = traffic.stats("default", "orders-green", window).stream().mapToLong(RevisionStats::requests).sum();
        assertThat(blue + green).as("requests in the window").isGreaterThan(1000);
        return (double) green / (blue + green);
    }

    static TrafficSource.ServiceView service(String name, String registryArn, String taskDefinition) {
        return new TrafficSource.ServiceView("us-east-1", "default", name,
                "arn:aws:ecs:us-east-1:000000000000:service/default/" + name, Set.of(registryArn),
                List.of(new TrafficSource.RevisionView(taskDefinition,
                        "arn:aws:ecs:us-east-1:000000000000:task-definition/" + taskDefinition,
                        "registry.local/orders:" + name, 2, Double.NaN, ImageBehavior.healthy())));
    }

    static WeightedTarget target(String node, int weight) {
        return WeightedTarget.builder().virtualNode(node).weight(weight).build();
    }
}

package dev.cutover.localcloud;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the local cloud's App Mesh holds, read from Java: the weights of routes, how a virtual
 * service's traffic splits between virtual nodes, and how a node is discovered. The simulated
 * traffic already follows these weights (each virtual router with routes is a
 * {@link TrafficSplitter.Split} named {@code mesh/router}); this view is for tests and tools.
 *
 * <pre>{@code
 * Map<String, Integer> split = cloud.appMesh().virtualServiceWeights("shop", "orders.shop.local");
 * // {orders-blue=90, orders-green=10}
 * cloud.appMesh().serviceDiscovery("shop", "orders-green")
 *     .ifPresent(d -> log.info("green is Cloud Map service {}", d.cloudMapService()));
 * }</pre>
 */
public interface AppMesh {

    /** One weighted target of a route: a virtual node and its relative weight (0-100). */
    record WeightedTarget(String virtualNode, int weight) {
    }

    /** How a virtual node's instances are found: a Cloud Map namespace and service, or a DNS name. */
    record Discovery(String cloudMapNamespace, String cloudMapService, String dnsHostname) {
        /** Whether the node is discovered through Cloud Map. */
        public boolean isCloudMap() {
            return cloudMapService != null;
        }
    }

    /** The weighted targets of a route (http, http2, grpc or tcp), if the route exists. */
    Optional<List<WeightedTarget>> routeWeights(String mesh, String virtualRouter, String route);

    /**
     * How traffic to a virtual service splits between virtual nodes: its provider node takes all
     * (100), or its provider router's first route (lowest {@code priority}, then oldest) splits it
     * by weight. Empty when the service, its provider or the router's routes are missing.
     */
    Map<String, Integer> virtualServiceWeights(String mesh, String virtualService);

    /** How a virtual node is discovered, if the node exists and declares service discovery. */
    Optional<Discovery> serviceDiscovery(String mesh, String virtualNode);
}

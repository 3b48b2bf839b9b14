package dev.cutover.localcloud;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A hook through which another emulator decides how simulated traffic is split between ECS
 * services that sit behind one router (the App Mesh emulator registers one for its virtual
 * routers). The traffic simulator asks it once per simulated second.
 *
 * <p>Each {@link Split} is one entry point (e.g. a virtual router, named {@code mesh/router}): it
 * receives {@link Traffic#rate(String, double) rate(name)} requests per second (or the default
 * rate) and sends each to one of its targets with probability weight / sum of weights. A target
 * is an ECS service name, an ECS service ARN or a Cloud Map service ARN that an ECS service lists
 * in its {@code serviceRegistries}. ECS services that are the target of any split receive traffic
 * only through it; within a service, requests go to its revisions by running-task share (or the
 * native deployment's traffic percentage). A target listed in {@link Split#proxiedBy()} gets its
 * requests answered only by tasks whose task definition runs that virtual node's Envoy proxy (an
 * {@code APPMESH} proxy configuration whose container has {@code APPMESH_RESOURCE_ARN} set to it);
 * other tasks answer 503.
 *
 * <pre>{@code
 * cloud.traffic().addSplitter(() -> List.of(
 *     new TrafficSplitter.Split("mesh/orders-router", Map.of("orders-blue", 90, "orders-green", 10))));
 * }</pre>
 */
@FunctionalInterface
public interface TrafficSplitter {

    /** The splits in force now; an empty list when there are none. Must not block or throw. */
    List<Split> splits();

    /**
     * One entry point and its weighted targets (weights 0..100 as App Mesh uses them).
     *
     * @param name      the entry point, e.g. {@code mesh/router}
     * @param weights   target to weight
     * @param proxiedBy target to the App Mesh virtual node ARN whose Envoy proxy must run in the
     *                  target's tasks for a request to reach them (App Mesh routes only through
     *                  Envoy); a target without an entry needs no proxy
     */
    record Split(String name, Map<String, Integer> weights, Map<String, String> proxiedBy) {
        public Split {
            Objects.requireNonNull(name, "name");
            weights = Map.copyOf(weights);
            proxiedBy = Map.copyOf(proxiedBy);
        }

        /** A split whose targets need no proxy. */
        public Split(String name, Map<String, Integer> weights) {
            this(name, weights, Map.of());
        }
    }
}

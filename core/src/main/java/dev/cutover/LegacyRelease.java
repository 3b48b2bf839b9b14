package dev.cutover;

import java.util.Map;

/**
 * The release of a journal that records only service, image and environment layout (written by
 * a Cutover before releases were journaled whole); built unchecked, as it ran then.
 */
final class LegacyRelease {

    private LegacyRelease() {
    }

    /** The release that a journal's "started" entry describes ({@code first}: the entry's data). */
    static Release of(Map<String, String> first) {
        return Release.of(Service.named(first.get("service")).image(first.get("image")).buildUnchecked())
                .to(environmentFrom(first)).build();
    }

    private static Environment environmentFrom(Map<String, String> started) {
        Environment.Builder b = Environment.named(started.get("environment"))
                .region(started.get("region") == null ? "us-east-1" : started.get("region"));
        if (started.get("cluster") != null) {
            b.cluster(started.get("cluster"));
        }
        if (started.get("namespace") != null) {
            b.namespace(started.get("namespace"));
        }
        if (started.get("mesh") != null) {
            b.mesh(started.get("mesh"));
        }
        if (started.get("traffic") != null) {
            b.trafficMode(TrafficMode.valueOf(started.get("traffic")));
        }
        LoadBalancer.fromMap(started).ifPresent(b::loadBalancer);
        Network.Builder n = Network.builder();
        if (started.get("network.vpc") != null) {
            n.vpc(started.get("network.vpc"));
        }
        if (started.get("network.subnets") != null) {
            n.subnets(started.get("network.subnets").split(","));
        }
        if (started.get("network.securityGroups") != null) {
            n.securityGroups(started.get("network.securityGroups").split(","));
        }
        if (started.get("network.assignPublicIp") != null) {
            n.assignPublicIp(Boolean.parseBoolean(started.get("network.assignPublicIp")));
        }
        return b.network(n.build()).buildUnchecked();
    }
}

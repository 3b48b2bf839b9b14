package dev.cutover.benchmarks;

import dev.cutover.Change;
import dev.cutover.Environment;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.Provider;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceCapability;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.RevisionRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fleet the planning benchmarks plan: {@code n} services in one environment, each with env
 * vars, a secret, config and scaling; every tenth one is released with a new image (so 10% of the
 * services differ from what runs).
 */
final class PlanningWorld {

    static final Environment PROD = Environment.named("prod").region("us-east-1").cluster("main").mesh("internal")
            .namespace("internal.local").build();

    private PlanningWorld() {
    }

    static boolean differs(int i) {
        return i % 10 == 0;
    }

    static Release release(int i, String version) {
        Service s = Service.named("svc-" + i).image("123456789012.dkr.ecr.us-east-1.amazonaws.com/svc-" + i + ":" + version)
                .port(8080).cpu(512).memoryMiB(1024)
                .env("LOG_LEVEL", "info").env("REGION", "us-east-1")
                .secret("DB_PASSWORD", "prod/svc-" + i + "/db")
                .config("pool.size", "20")
                .scaling(sc -> sc.min(2).max(10).targetCpuPercent(60))
                .build();
        return Release.of(s).to(PROD).build();
    }

    /** What runs: version 1.0.0 of every service. */
    static List<Release> running(int n) {
        List<Release> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(release(i, "1.0.0"));
        }
        return out;
    }

    /** What is released: 1.0.1 for every tenth service, the running version for the rest. */
    static List<Release> released(int n) {
        List<Release> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(release(i, differs(i) ? "1.0.1" : "1.0.0"));
        }
        return out;
    }

    /** An in-memory provider where {@code running} is deployed (through the SPI, without rollouts). */
    static InMemoryProvider deployed(List<Release> running) {
        InMemoryProvider cloud = new InMemoryProvider();
        for (Release r : running) {
            r.service().secrets().values().forEach(cloud::addSecret);
            RevisionRef rev = cloud.compute().orElseThrow().startRevision(r, r.service().instances());
            cloud.traffic().orElseThrow().setWeights(r.environment().name(), r.service().name(), Map.of(rev.id(), 100));
            for (Resource want : DesiredState.of(r)) {
                ResourceType t = want.id().type();
                if (t == ResourceType.REVISION || t == ResourceType.ROUTE || t == ResourceType.SERVICE) {
                    continue;
                }
                capability(cloud, t).apply(new Change(want.id(), Change.Action.CREATE, null, want, "benchmark world"));
            }
        }
        return cloud;
    }

    private static ResourceCapability capability(Provider p, ResourceType t) {
        return switch (t.capability()) {
            case COMPUTE -> p.compute().orElseThrow();
            case TRAFFIC -> p.traffic().orElseThrow();
            case DISCOVERY -> p.discovery().orElseThrow();
            case CONFIG -> p.config().orElseThrow();
            case SCALING -> p.scaling().orElseThrow();
            default -> throw new IllegalArgumentException(t.toString());
        };
    }
}

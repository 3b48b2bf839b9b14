package dev.cutover.localcloud.internal.traffic;

import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.RevisionStats;
import dev.cutover.localcloud.SimClock;
import dev.cutover.localcloud.Traffic;
import dev.cutover.localcloud.TrafficSplitter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates simulated requests every simulated second and records them per revision; the
 * implementation behind {@code LocalCloud.traffic()}.
 */
public final class TrafficSimulator implements Traffic {

    private static final Logger LOG = LoggerFactory.getLogger(TrafficSimulator.class);
    private static final double Z99 = 2.3263478740408408;
    private static final long MAX_CATCH_UP_SECONDS = 3600;

    private final SimClock clock;
    private final TrafficSource source;
    private final Random random;
    private final StatsStore store = new StatsStore();
    private final Map<String, Double> rates = new ConcurrentHashMap<>();
    private final List<TrafficSplitter> splitters = new CopyOnWriteArrayList<>();
    private volatile double defaultRate = 10;
    private long lastSecond;

    public TrafficSimulator(SimClock clock, TrafficSource source, long seed) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.source = Objects.requireNonNull(source, "source");
        this.random = new Random(seed * 31 + 7);
        this.lastSecond = clock.instant().getEpochSecond();
    }

    /** Called on every clock tick: generates the requests of every whole second since the last tick. */
    public synchronized void tick(Instant now) {
        long second = now.getEpochSecond();
        if (second <= lastSecond) {
            return;
        }
        long from = Math.max(lastSecond + 1, second - MAX_CATCH_UP_SECONDS);
        List<TrafficSource.ServiceView> services = source.trafficServices();
        List<TrafficSplitter.Split> splits = currentSplits();
        for (long s = from; s <= second; s++) {
            generate(s, services, splits);
        }
        lastSecond = second;
        if (second % 60 == 0) {
            store.evictBefore(second - StatsStore.RETENTION.toSeconds());
        }
    }

    private List<TrafficSplitter.Split> currentSplits() {
        List<TrafficSplitter.Split> out = new ArrayList<>();
        for (TrafficSplitter splitter : splitters) {
            try {
                List<TrafficSplitter.Split> splits = splitter.splits();
                if (splits != null) {
                    out.addAll(splits);
                }
            } catch (RuntimeException e) {
                LOG.warn("traffic splitter {} failed; its splits are skipped this tick", splitter, e);
            }
        }
        return out;
    }

    private void generate(long second, List<TrafficSource.ServiceView> services, List<TrafficSplitter.Split> splits) {
        Set<TrafficSource.ServiceView> behindSplits = new HashSet<>();
        for (TrafficSplitter.Split split : splits) {
            List<TrafficSource.ServiceView> targets = new ArrayList<>();
            List<String> proxies = new ArrayList<>();
            List<Integer> weights = new ArrayList<>();
            int total = 0;
            for (Map.Entry<String, Integer> w : split.weights().entrySet()) {
                TrafficSource.ServiceView target = resolve(services, w.getKey());
                if (target != null) {
                    behindSplits.add(target);
                    if (w.getValue() != null && w.getValue() > 0) {
                        targets.add(target);
                        proxies.add(split.proxiedBy().get(w.getKey()));
                        weights.add(w.getValue());
                        total += w.getValue();
                    }
                }
            }
            int n = count(rates.getOrDefault(split.name(), defaultRate));
            for (int i = 0; i < n && total > 0; i++) {
                int pick = random.nextInt(total);
                int k = 0;
                while (pick >= weights.get(k)) {
                    pick -= weights.get(k++);
                }
                send(second, targets.get(k), proxies.get(k));
            }
        }
        for (TrafficSource.ServiceView service : services) {
            if (!behindSplits.contains(service)) {
                int n = count(rates.getOrDefault(service.name(), defaultRate));
                for (int i = 0; i < n; i++) {
                    send(second, service, null);
                }
            }
        }
    }

    private static TrafficSource.ServiceView resolve(List<TrafficSource.ServiceView> services, String target) {
        for (TrafficSource.ServiceView s : services) {
            if (s.name().equals(target) || s.arn().equals(target) || s.registryArns().contains(target)) {
                return s;
            }
        }
        return null;
    }

    private int count(double rate) {
        int whole = (int) rate;
        return whole + (random.nextDouble() < rate - whole ? 1 : 0);
    }

    /**
     * One request to a service. {@code proxy}, when not null, is the virtual node ARN whose Envoy
     * the answering tasks must run: App Mesh steers traffic only through the Envoy proxy in each
     * task (App Mesh user guide, "Envoy"; ECS developer guide, "App Mesh" proxy configuration), so
     * a task without it is not part of the mesh and the request fails with 503.
     */
    private void send(long second, TrafficSource.ServiceView service, String proxy) {
        TrafficSource.RevisionView revision = pickRevision(service);
        if (revision == null) {
            return;
        }
        ImageBehavior b = revision.behavior();
        boolean error;
        double millis;
        if (revision.servingTasks() == 0 || b.crashOnStart() || b.healthChecksFail()
                || proxy != null && !revision.appMeshNodes().contains(proxy)) {
            error = true; // nothing healthy behind the weight: the proxy answers 503 at once
            millis = 1;
        } else {
            error = random.nextDouble() < b.errorRate();
            millis = sampleLatency(b);
        }
        store.record(service.region(), service.cluster(), service.name(), revision, second, error, millis);
    }

    private TrafficSource.RevisionView pickRevision(TrafficSource.ServiceView service) {
        List<TrafficSource.RevisionView> revisions = service.revisions();
        boolean weighted = revisions.stream().anyMatch(r -> !Double.isNaN(r.weight()));
        double total = 0;
        for (TrafficSource.RevisionView r : revisions) {
            total += share(r, weighted);
        }
        if (total <= 0) {
            return null;
        }
        double pick = random.nextDouble() * total;
        for (TrafficSource.RevisionView r : revisions) {
            pick -= share(r, weighted);
            if (pick < 0) {
                return r;
            }
        }
        return revisions.get(revisions.size() - 1);
    }

    private static double share(TrafficSource.RevisionView r, boolean weighted) {
        if (weighted) {
            return Double.isNaN(r.weight()) ? 0 : Math.max(0, r.weight());
        }
        return r.servingTasks();
    }

    private double sampleLatency(ImageBehavior b) {
        double median = b.latencyMedian().toNanos() / 1e6;
        double p99 = b.latencyP99().toNanos() / 1e6;
        if (median <= 0) {
            return 0;
        }
        double sigma = p99 > median ? Math.log(p99 / median) / Z99 : 0;
        return median * Math.exp(sigma * random.nextGaussian());
    }

    @Override
    public Traffic rate(String serviceOrSplit, double requestsPerSecond) {
        rates.put(Objects.requireNonNull(serviceOrSplit, "serviceOrSplit"), checkRate(requestsPerSecond));
        return this;
    }

    @Override
    public Traffic defaultRate(double requestsPerSecond) {
        this.defaultRate = checkRate(requestsPerSecond);
        return this;
    }

    private static double checkRate(double rate) {
        if (!(rate >= 0) || rate > 100_000) {
            throw new IllegalArgumentException("requestsPerSecond must be between 0 and 100000, was " + rate);
        }
        return rate;
    }

    @Override
    public Traffic addSplitter(TrafficSplitter splitter) {
        splitters.add(Objects.requireNonNull(splitter, "splitter"));
        return this;
    }

    @Override
    public Traffic removeSplitter(TrafficSplitter splitter) {
        splitters.remove(splitter);
        return this;
    }

    @Override
    public List<RevisionStats> stats(String cluster, String service, Instant from, Instant to) {
        return store.stats(Objects.requireNonNull(cluster, "cluster"), Objects.requireNonNull(service, "service"),
                Objects.requireNonNull(from, "from"), Objects.requireNonNull(to, "to"));
    }

    @Override
    public List<RevisionStats> stats(String cluster, String service, Duration window) {
        Instant now = clock.instant();
        return stats(cluster, service, now.minus(window), now);
    }

    @Override
    public List<RevisionStats> series(String cluster, String service, String taskDefinition, Instant from, Instant to,
            Duration step) {
        Objects.requireNonNull(taskDefinition, "taskDefinition");
        if (step.isZero() || step.isNegative()) {
            throw new IllegalArgumentException("step must be positive, was " + step);
        }
        String rev = taskDefinition.contains("task-definition/")
                ? taskDefinition.substring(taskDefinition.indexOf("task-definition/") + "task-definition/".length())
                : taskDefinition;
        return store.series(cluster, service, rev, from, to, step);
    }

    @Override
    public List<RevisionStats> all(Instant from, Instant to) {
        return store.stats(null, null, from, to);
    }
}

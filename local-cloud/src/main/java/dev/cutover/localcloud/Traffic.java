package dev.cutover.localcloud;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Simulated requests to every ECS service, and the per-revision statistics they leave behind.
 * Every simulated second each service receives its rate of requests (default 10 per second),
 * split across its revisions by running-task share, or by the traffic percentage of a native
 * CANARY/LINEAR/BLUE_GREEN deployment, or through a {@link TrafficSplitter}. Each request succeeds
 * or fails and takes a latency according to its task's {@link ImageBehavior}; the RNG is seeded.
 *
 * <p>Statistics are kept per (cluster, service, task definition) in one-second buckets for the
 * last 24 simulated hours; queries aggregate any window of them.
 *
 * <pre>{@code
 * cloud.traffic().rate("orders", 50);
 * cloud.clock().advance(Duration.ofMinutes(5));
 * List<RevisionStats> now = cloud.traffic().stats("default", "orders", Duration.ofMinutes(1));
 * List<RevisionStats> perMinute = cloud.traffic().series("default", "orders", "orders:7",
 *         start, cloud.clock().instant(), Duration.ofMinutes(1));
 * }</pre>
 *
 * <p>Admin endpoint: {@code POST /_localcloud/traffic} with {@code {"service":"orders","rate":50}};
 * {@code GET /_localcloud/traffic?cluster=default&service=orders&seconds=60} answers the stats.
 */
public interface Traffic {

    /** Sets the request rate of an ECS service (by name, any cluster) or of a split's name. */
    Traffic rate(String serviceOrSplit, double requestsPerSecond);

    /** Sets the rate of services and splits without their own (default 10; 0 turns traffic off). */
    Traffic defaultRate(double requestsPerSecond);

    /** Registers a splitter (App Mesh routes, a test's own weights). */
    Traffic addSplitter(TrafficSplitter splitter);

    /** Removes a splitter. */
    Traffic removeSplitter(TrafficSplitter splitter);

    /** One entry per revision of the service that received requests in {@code [from, to)}. */
    List<RevisionStats> stats(String cluster, String service, Instant from, Instant to);

    /** {@link #stats(String, String, Instant, Instant)} over the last {@code window} of simulated time. */
    List<RevisionStats> stats(String cluster, String service, Duration window);

    /**
     * The stats of one revision in consecutive windows of {@code step} from {@code from} to
     * {@code to} (empty windows included, with {@code requests == 0}).
     *
     * @param taskDefinition {@code family:revision} or the task definition ARN
     */
    List<RevisionStats> series(String cluster, String service, String taskDefinition, Instant from, Instant to,
            Duration step);

    /** Every (cluster, service, revision) that received requests in {@code [from, to)}. */
    List<RevisionStats> all(Instant from, Instant to);
}

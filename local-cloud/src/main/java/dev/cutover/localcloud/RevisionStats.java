package dev.cutover.localcloud;

import java.time.Duration;
import java.time.Instant;

/**
 * The simulated traffic one revision (ECS task definition) of one ECS service received in a time
 * window: request count, error count and latency percentiles. This is what a metrics query
 * endpoint (the local Datadog) answers from.
 *
 * <p>Shape: {@code cluster} and {@code service} name the ECS service (its name, not ARN);
 * {@code taskDefinition} is the revision as {@code family:revision} (e.g. {@code orders:7});
 * {@code image} is the image of its first essential container and {@code version} that image's tag
 * (or digest, or {@code latest}). The window is {@code [from, to)} in simulated time. Percentiles
 * are in milliseconds and are {@code 0} when {@code requests == 0} (check {@link #hasData()}).
 *
 * <pre>{@code
 * for (RevisionStats s : cloud.traffic().stats("prod", "orders", from, to)) {
 *     System.out.printf("%s %s: %.1f req/s, %.2f%% errors, p99 %.0f ms%n",
 *         s.taskDefinition(), s.version(), s.requestRate(), 100 * s.errorRate(), s.p99Millis());
 * }
 * }</pre>
 */
public record RevisionStats(
        String region,
        String cluster,
        String service,
        String taskDefinition,
        String image,
        String version,
        Instant from,
        Instant to,
        long requests,
        long errors,
        double p50Millis,
        double p95Millis,
        double p99Millis) {

    /** Whether any request fell in the window. */
    public boolean hasData() {
        return requests > 0;
    }

    /** errors / requests, or 0 without requests. */
    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }

    /** Requests per simulated second over the window. */
    public double requestRate() {
        long seconds = Math.max(1, Duration.between(from, to).toSeconds());
        return (double) requests / seconds;
    }
}

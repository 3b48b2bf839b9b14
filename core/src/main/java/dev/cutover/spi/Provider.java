package dev.cutover.spi;

import dev.cutover.Plan;
import dev.cutover.analysis.MetricSource;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A provider of capabilities (AWS, Consul, in-memory, or your own). Implement the capabilities you
 * offer and return them from the matching method; everything else defaults to "not offered".
 * The SPI only ever grows by default methods.
 *
 * <pre>{@code
 * public final class MyRegistryProvider implements Provider {
 *     public String name() { return "my-registry"; }
 *     public Optional<Discovery> discovery() { return Optional.of(myDiscovery); }
 * }
 * Cutover.builder().provider(new MyRegistryProvider())...
 * }</pre>
 *
 * <p>Every API call a provider makes should go through {@link ProviderContext#call}, which applies
 * the guarded executor (rate limit, retry, circuit breaker, bulkhead, time limit, metrics).
 */
public interface Provider {

    /** A unique, lowercase name such as {@code aws} or {@code consul}. */
    String name();

    /** Called once before first use, with the executor and clock to use. */
    default void start(ProviderContext context) {
    }

    /**
     * Called with the releases about to be planned or applied, before any observe call, so a
     * provider can learn each environment's layout (cluster, namespace, mesh, traffic mode) that
     * resource ids alone do not carry. Must not call the provider's API.
     */
    default void prepare(java.util.Collection<dev.cutover.Release> releases) {
    }

    default Optional<Compute> compute() {
        return Optional.empty();
    }

    default Optional<Traffic> traffic() {
        return Optional.empty();
    }

    default Optional<Discovery> discovery() {
        return Optional.empty();
    }

    default Optional<ConfigStore> config() {
        return Optional.empty();
    }

    default Optional<Secrets> secrets() {
        return Optional.empty();
    }

    default Optional<LockManager> locks() {
        return Optional.empty();
    }

    default Optional<MetricSource> metrics() {
        return Optional.empty();
    }

    default Optional<Scaling> scaling() {
        return Optional.empty();
    }

    /** The capabilities offered, derived from the methods above. */
    default Set<Capability> capabilities() {
        Set<Capability> set = EnumSet.noneOf(Capability.class);
        compute().ifPresent(c -> set.add(Capability.COMPUTE));
        traffic().ifPresent(c -> set.add(Capability.TRAFFIC));
        discovery().ifPresent(c -> set.add(Capability.DISCOVERY));
        config().ifPresent(c -> set.add(Capability.CONFIG));
        secrets().ifPresent(c -> set.add(Capability.SECRETS));
        locks().ifPresent(c -> set.add(Capability.LOCK));
        metrics().ifPresent(c -> set.add(Capability.METRICS));
        scaling().ifPresent(c -> set.add(Capability.SCALING));
        return set;
    }

    /**
     * Whether a failure of this provider's API may succeed when retried (throttling, 5xx, timeouts,
     * connection resets). Validation errors and "not found" are not retryable. The default treats
     * {@link ProviderException#retryable()} and I/O timeouts as retryable.
     */
    default boolean isRetryable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProviderException p) {
                return p.retryable();
            }
            if (t instanceof java.net.SocketTimeoutException || t instanceof java.net.ConnectException
                    || t instanceof java.io.InterruptedIOException) {
                return true;
            }
        }
        return false;
    }

    /** Whether a failure is throttling (counted separately and backed off longer). */
    default boolean isThrottling(Throwable failure) {
        return false;
    }

    /**
     * The documented rate limits of this provider's API families (e.g. {@code ecs.UpdateService}:
     * 50 burst, 5 per second). The guarded executor sizes its rate limiters from them.
     */
    default Map<String, RateLimit> rateLimits() {
        return Map.of();
    }

    /** The IAM-style permissions applying {@code plan} needs from this provider (empty: none). */
    default List<PolicyStatement> requiredPermissions(Plan plan) {
        return List.of();
    }

    /**
     * The IAM-style permissions {@code Cutover.rollback} of {@code release}'s service needs from this
     * provider, restoring {@code release} (its planning reads, restarting a retained revision, moving
     * traffic, retiring the other revisions, and {@code changes}); empty: none.
     */
    default List<PolicyStatement> rollbackPermissions(dev.cutover.Release release, List<dev.cutover.Change> changes) {
        return List.of();
    }

    /**
     * A token bucket: {@code burst} calls at once, refilled at {@code perSecond}.
     *
     * @param burst     bucket size
     * @param perSecond sustained rate
     */
    record RateLimit(int burst, double perSecond) {
        public RateLimit {
            if (burst < 1 || !(perSecond > 0)) {
                throw new IllegalArgumentException("burst must be >= 1 and perSecond > 0, was " + burst + "/" + perSecond);
            }
        }
    }

    /**
     * One statement of a least-privilege policy (effect Allow), rendered as IAM JSON by
     * {@link dev.cutover.Plan#requiredPermissions()}.
     *
     * <pre>{@code
     * new PolicyStatement(List.of("servicediscovery:CreateService"), List.of("*"))
     *     .withCondition("ArnEquals", "servicediscovery:NamespaceArn", namespaceArn);
     * }</pre>
     *
     * @param actions    e.g. {@code ecs:UpdateService}
     * @param resources  ARNs or patterns the actions apply to
     * @param conditions the statement's {@code Condition} block: operator (e.g. {@code StringEquals})
     *                   to condition key to the values any of which matches; empty: none
     */
    record PolicyStatement(List<String> actions, List<String> resources, Map<String, Map<String, List<String>>> conditions) {
        public PolicyStatement {
            actions = List.copyOf(actions);
            resources = List.copyOf(resources);
            java.util.Map<String, Map<String, List<String>>> copy = new java.util.TreeMap<>();
            conditions.forEach((op, keys) -> {
                java.util.Map<String, List<String>> k = new java.util.TreeMap<>();
                keys.forEach((key, values) -> k.put(key, List.copyOf(values)));
                copy.put(op, java.util.Collections.unmodifiableMap(k));
            });
            conditions = java.util.Collections.unmodifiableMap(copy);
        }

        /** A statement without conditions. */
        public PolicyStatement(List<String> actions, List<String> resources) {
            this(actions, resources, Map.of());
        }

        /** This statement with one more condition ({@code operator}: {@code key} is one of {@code values}). */
        public PolicyStatement withCondition(String operator, String key, String... values) {
            java.util.Map<String, Map<String, List<String>>> c = new java.util.TreeMap<>(conditions);
            java.util.Map<String, List<String>> keys = new java.util.TreeMap<>(c.getOrDefault(operator, Map.of()));
            keys.put(key, List.of(values));
            c.put(operator, keys);
            return new PolicyStatement(actions, resources, c);
        }
    }
}

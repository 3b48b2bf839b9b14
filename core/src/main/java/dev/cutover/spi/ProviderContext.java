package dev.cutover.spi;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * What the core hands a provider when it starts: the guarded executor, the clock, and a durable
 * memory of immutable facts.
 */
public interface ProviderContext {

    /**
     * Runs one API call of this provider through the guarded executor: the rate limiter of
     * {@code family} (a key of {@link Provider#rateLimits()}, or any other name), retries with
     * backoff for retryable failures, the provider's circuit breaker, the bulkhead, the time limit,
     * and the {@code cutover.provider.calls} timer.
     *
     * @param family    the API family, e.g. {@code ecs.DescribeServices}
     * @param operation the operation name for metrics and errors, e.g. {@code DescribeServices}
     * @param call      the call itself
     */
    <T> T call(String family, String operation, Supplier<T> call);

    /** The clock the deployment runs on (virtual in tests). */
    Clock clock();

    /**
     * Whether this Cutover asks this provider for {@code capability}: false when another provider
     * was chosen for it ({@code Cutover.builder().use(capability, "other")}) or the provider does not
     * offer it. A provider whose capabilities share work tells from it what to leave to the other
     * provider: AWS compute registers ECS tasks in Cloud Map only while AWS serves discovery, and
     * leaves registration to the discovery provider (Consul) otherwise. The default answers true.
     */
    default boolean serves(Capability capability) {
        return true;
    }

    /**
     * Facts about immutable things this provider created, kept beside the journal and shared by
     * every Cutover on the same journal store ({@link ProviderMemory}). The default remembers nothing.
     */
    default ProviderMemory memory() {
        return ProviderMemory.none();
    }

    /** A context that runs calls directly, for tests of a provider on its own. */
    static ProviderContext direct(Clock clock) {
        return new ProviderContext() {
            @Override
            public <T> T call(String family, String operation, Supplier<T> call) {
                return call.get();
            }

            @Override
            public Clock clock() {
                return clock;
            }
        };
    }
}

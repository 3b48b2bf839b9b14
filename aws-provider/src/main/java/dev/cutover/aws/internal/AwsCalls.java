package dev.cutover.aws.internal;

import dev.cutover.spi.ProviderContext;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Every SDK call of the provider goes through here: into the guarded executor under its API
 * family, with SDK exceptions turned into Cutover errors inside the guarded call (so the executor
 * classifies them), and counted per IAM action (for the permissions check and the benchmarks).
 */
public final class AwsCalls {

    private volatile ProviderContext context;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final AtomicLong writes = new AtomicLong();

    public AwsCalls(ProviderContext initial) {
        this.context = Objects.requireNonNull(initial, "initial");
    }

    /** Switches to the executor the core hands the provider on start. */
    public void context(ProviderContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    public Clock clock() {
        return context.clock();
    }

    /** The durable memory of immutable facts the core hands the provider (kept beside the journal). */
    public dev.cutover.spi.ProviderMemory memory() {
        return context.memory();
    }

    /**
     * Runs one call.
     *
     * @param service   the IAM prefix of the service ({@code ecs}, {@code appmesh}, ...)
     * @param operation the API operation, e.g. {@code DescribeServices}
     */
    public <T> T call(String service, String operation, Supplier<T> call) {
        counts.computeIfAbsent(service + ":" + operation, k -> new AtomicLong()).incrementAndGet();
        if (!(operation.startsWith("Describe") || operation.startsWith("List") || operation.startsWith("Get"))) {
            writes.incrementAndGet();
        }
        return context.call(ApiFamilies.family(service, operation), operation, () -> {
            try {
                return call.get();
            } catch (SdkException e) {
                throw AwsErrors.translate(service, operation, e);
            }
        });
    }

    /** How many calls that may change something (not Describe/List/Get) the provider made so far. */
    public long writes() {
        return writes.get();
    }

    /** The IAM actions called so far ({@code ecs:DescribeServices}), sorted. */
    public Set<String> actionsCalled() {
        return new java.util.TreeSet<>(counts.keySet());
    }

    /** Calls per IAM action so far. */
    public Map<String, Long> callCounts() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** Forgets the counts. */
    public void resetCounts() {
        counts.clear();
    }
}

package dev.cutover.spi;

import java.util.Collection;
import java.util.Map;

/**
 * Facts a provider learned about things that never change once created, kept durably beside the
 * journal so that every Cutover using the same journal store knows them without asking the
 * provider's API again. The AWS provider remembers each ECS task definition it registers (ARNs are
 * immutable and never reused) with the attributes a plan compares, so a fresh process plans a fleet
 * of unchanged services without one {@code DescribeTaskDefinition} per service.
 *
 * <pre>{@code
 * // in a provider, after creating something immutable
 * context.memory().remember(arn, Map.of("image", "repo/orders:1.4.2", "cpu", "256"));
 * // later, in this process or another one on the same journal store
 * Map<String, Map<String, String>> known = context.memory().recall(List.of(arn, otherArn));
 * }</pre>
 *
 * <p>Rules: a key names one immutable thing and is only ever given the same facts (remembering it
 * again changes nothing); facts never hold a secret's value (a secret's reference is fine, as in a
 * plan); a key recalled without an answer is simply unknown, and the provider asks its API.
 * {@link #none()} remembers nothing, which is always correct, only slower.
 */
public interface ProviderMemory {

    /**
     * Keeps {@code facts} about the immutable thing {@code key} (durably when the journal store is).
     * Never throws: a fact that could not be kept is only a describe call later.
     */
    void remember(String key, Map<String, String> facts);

    /** The facts kept for those of {@code keys} that are known; unknown keys are absent. */
    Map<String, Map<String, String>> recall(Collection<String> keys);

    /** A memory that keeps nothing: every thing is described again. */
    static ProviderMemory none() {
        return new ProviderMemory() {
            @Override
            public void remember(String key, Map<String, String> facts) {
            }

            @Override
            public Map<String, Map<String, String>> recall(Collection<String> keys) {
                return Map.of();
            }
        };
    }
}

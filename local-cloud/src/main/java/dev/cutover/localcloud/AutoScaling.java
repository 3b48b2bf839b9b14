package dev.cutover.localcloud;

import java.util.Optional;

/**
 * The local cloud's Application Auto Scaling from Java: the capacity range registered for an ECS
 * service, for a compute emulator or a test to honour.
 *
 * <pre>{@code
 * cloud.autoScaling().capacity("service/prod/orders")
 *     .ifPresent(c -> assertThat(desired).isBetween(c.min(), c.max()));
 * }</pre>
 */
public interface AutoScaling {

    /** The registered range of a scalable target. */
    record Capacity(int min, int max) {
    }

    /** The range registered for {@code service/<cluster>/<service>}, if any. */
    Optional<Capacity> capacity(String resourceId);
}

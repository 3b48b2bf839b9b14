package dev.cutover.localcloud;

import java.time.Duration;
import java.util.Optional;

/**
 * The local cloud's Application Auto Scaling from Java: the capacity range registered for an ECS
 * service, for a compute emulator or a test to honour, and scaling activities a test triggers.
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

    /**
     * How long after ECS creates a service Application Auto Scaling still answers RegisterScalableTarget
     * on it with {@code ValidationException: ECS service doesn't exist} (AWS's eventual consistency
     * between the two services; default 5 seconds of the cloud's clock; {@link Duration#ZERO} makes a
     * new service visible at once).
     */
    void ecsServiceVisibilityDelay(Duration delay);

    /**
     * Whether RegisterScalableTarget for an ECS service requires the service to exist in the local
     * ECS, as AWS does (default true). Off, any {@code service/<cluster>/<service>} is accepted, for
     * tests of Application Auto Scaling alone.
     */
    void requireEcsServices(boolean require);

    /**
     * Acts as a scaling activity of the target-tracking policy would: sets the ECS service's desired
     * count to {@code desiredCount}, clamped to the registered range (Application Auto Scaling never
     * scales a target outside its minimum and maximum capacity), like the autoscaler reacting to load.
     *
     * <pre>{@code
     * cloud.autoScaling().scaleTo("service/prod/orders", 6);   // the autoscaler scaled out to 6 tasks
     * }</pre>
     *
     * @return the desired count set
     * @throws IllegalStateException when no scalable target is registered for {@code resourceId}
     */
    int scaleTo(String resourceId, int desiredCount);
}

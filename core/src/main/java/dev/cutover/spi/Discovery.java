package dev.cutover.spi;

import dev.cutover.Release;
import java.util.Optional;

/**
 * Service discovery (Cloud Map, Consul). Owns {@link ResourceType#NAMESPACE} and
 * {@link ResourceType#DISCOVERY}; is told when revisions start and retire so it can register and
 * deregister their instances; may report what it knows of a revision's health.
 */
public interface Discovery extends ResourceCapability {

    /** A revision started: register its instances (tags: version, environment, deployment). */
    default void revisionStarted(RevisionRef revision, Release release, String deploymentId) {
    }

    /** A revision retired: deregister its instances. */
    default void revisionRetired(RevisionRef revision) {
    }

    /** Passing vs critical instances of a revision, if this registry checks health. */
    default Optional<InstanceHealth> health(RevisionRef revision) {
        return Optional.empty();
    }

    /**
     * What a discovery registry knows of a revision's instances.
     *
     * @param passing  instances whose checks pass
     * @param critical instances with a failing check
     */
    record InstanceHealth(int passing, int critical) {
    }
}

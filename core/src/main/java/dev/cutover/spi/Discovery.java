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

    /**
     * Makes the registry's instances of {@code revision} exactly {@code tasks}: registers each task not
     * registered yet (its address and port, a health check, the revision in tags and metadata) and
     * deregisters instances whose task no longer runs. Cutover calls it with what the compute provider
     * reports ({@link Compute#runningTasks}) when a revision starts and while a deployment watches its
     * revisions. The default does nothing: a registry the compute provider fills by itself (ECS
     * service registries in Cloud Map) needs no help.
     */
    default void registerTasks(RevisionRef revision, Release release, String deploymentId, java.util.List<RunningTask> tasks) {
    }

    /**
     * Deregisters every instance of the service that belongs to no revision in {@code keep} (revision
     * ids): what a retirement interrupted by a crash, or a revision retired by another process, left
     * registered. Returns the ids of the revisions whose instances it removed; the default removes nothing.
     */
    default java.util.List<String> sweep(String environment, String service, java.util.Set<String> keep) {
        return java.util.List.of();
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

package dev.cutover.spi;

import dev.cutover.Change;
import java.util.List;

/**
 * The part every capability shares: observing resources (in batches) and applying a planned
 * create, update or delete to one of them.
 */
public interface ResourceCapability {

    /**
     * Observes the given resources and returns those that exist, in the core's canonical
     * attributes. Called with up to {@link #observeBatchSize()} ids at a time; providers batch
     * their API calls (e.g. DescribeServices with 10 names).
     */
    List<Resource> observe(List<ResourceId> ids);

    /**
     * Applies one planned change of action CREATE, UPDATE or DELETE to a resource this capability
     * owns. Revision replacements are rollouts and go through {@link Compute} instead. Must be
     * idempotent: applying the same change twice leaves the same state.
     */
    void apply(Change change);

    /** How many ids one {@link #observe(List)} call may take (default 100). */
    default int observeBatchSize() {
        return 100;
    }
}

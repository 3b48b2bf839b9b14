package dev.cutover.spi;

import dev.cutover.Hook;
import dev.cutover.Release;
import java.util.List;

/**
 * Runs revisions of a service (ECS task definitions and services, or anything else). Owns the
 * {@link ResourceType#CLUSTER}, {@link ResourceType#REVISION} and {@link ResourceType#SERVICE}
 * resources. A revision, once started, keeps running until {@link #retire(RevisionRef)}.
 */
public interface Compute extends ResourceCapability {

    /**
     * Creates (or finds, when one with identical content exists) the revision for {@code release}
     * and starts {@code desiredCount} tasks of it, without giving it traffic. Idempotent: a
     * resumed deployment calls it again and gets the same revision.
     */
    RevisionRef startRevision(Release release, int desiredCount);

    /** The revisions of a service that currently run (or are starting), oldest first. */
    List<RevisionRef> revisions(String environment, String service);

    /** Sets the task count of a revision. */
    void scale(RevisionRef revision, int desiredCount);

    /** The revision's current health. */
    RevisionHealth health(RevisionRef revision);

    /** Scales the revision to zero and removes what only it used. Idempotent. */
    void retire(RevisionRef revision);

    /**
     * Runs {@code hook} as a one-off task with the revision's image and settings and waits for it
     * to stop (in the provider's time, not longer than the hook's timeout).
     */
    TaskResult runTask(RevisionRef revision, Hook hook);

    /**
     * The digest ({@code sha256:<64 hex>}) of the image the revision's tasks run: what the registry
     * resolved its tag to when the tasks started (ECS reports it as {@code containers[].imageDigest}
     * in DescribeTasks). Cutover records it in the journal when a revision is promoted, so that
     * {@code promotedFrom(...)} with {@code requireImageDigest()} can demand the very artifact an
     * earlier environment ran. Empty when the provider cannot tell (this default) or no task runs.
     */
    default java.util.Optional<String> imageDigest(RevisionRef revision) {
        return java.util.Optional.empty();
    }

    /**
     * Starts again a revision that was retired (same spec, e.g. the task definition revision), for
     * {@code cutover.rollback(service, environment)} after the rollback window. Providers that
     * cannot restore a retired revision keep this default, which says so.
     */
    default RevisionRef restartRevision(RevisionRef revision, int desiredCount) {
        throw new ProviderException("compute", "restartRevision", false,
                "this provider cannot restart retired revision " + revision.id() + "; deploy its release again");
    }
}

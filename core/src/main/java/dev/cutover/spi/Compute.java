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

    /**
     * {@link #startRevision(Release, int)} with an idempotency key: the deployment id and step
     * ({@code <deployment>/start-revision}), the same in a resumed process. A provider turns it into
     * the client tokens of its create calls, so a call repeated after its response was lost (or by
     * a resumed deployer) does not create a second resource. The default ignores the key.
     */
    default RevisionRef startRevision(Release release, int desiredCount, String idempotencyKey) {
        return startRevision(release, desiredCount);
    }

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
     * The digest ({@code sha256:<64 hex>}) the image registry holds now for the release's image tag,
     * asked at plan time so that the plan shows, the journal records and the revision runs that
     * digest (a tag moved later changes nothing already planned). Empty when this provider does not
     * resolve the image's registry (this default: the image deploys by tag as given). Called only for
     * images not pinned by digest.
     *
     * @throws dev.cutover.ValidationException when the registry has no such repository or tag: a
     *         plan problem, before any change
     */
    default java.util.Optional<String> resolveImageDigest(Release release) {
        return java.util.Optional.empty();
    }

    /**
     * {@link #runTask(RevisionRef, Hook)} at most once per idempotency key ({@code <deployment>/pre-deploy},
     * {@code <deployment>/smoke-test}): a provider whose API takes a client token (ECS RunTask) derives it
     * from the key, so a retry after a lost response returns the task already started instead of
     * starting another. The default ignores the key.
     */
    default TaskResult runTask(RevisionRef revision, Hook hook, String idempotencyKey) {
        return runTask(revision, hook);
    }

    /**
     * Removes whatever this provider holds for the service that belongs to no revision in
     * {@code keep} (revision ids): what a step interrupted by a crash half created or half removed
     * (in App Mesh mode e.g. a Cloud Map service or virtual node without its ECS service). Resume calls
     * it once traffic is on the serving revision. Returns the ids of the revisions whose leftovers it
     * removed. The default removes nothing.
     */
    default java.util.List<String> sweep(String environment, String service, java.util.Set<String> keep) {
        return java.util.List.of();
    }

    /**
     * Runs {@code hook} as a one-off task with the image and settings of {@code release} before any
     * revision of it runs (a pre-deploy migration the new code needs at start-up), at most once per
     * {@code idempotencyKey} as {@link #runTask(RevisionRef, Hook, String)}, and waits for it to stop.
     * It registers what the task needs (e.g. the task definition) but starts no service. Providers
     * that cannot keep this default, which says to run the hook after start ({@link Hook#afterStart()}).
     */
    default TaskResult runTask(Release release, Hook hook, String idempotencyKey) {
        throw new ProviderException("compute", "runTask", false, "this provider cannot run a task before the revision "
                + "of " + release.key() + " starts; run the pre-deploy hook after start: Hook.command(...).afterStart()");
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

    /**
     * The tasks of the revision that run now (ECS: lastStatus RUNNING), each with the address and port
     * a discovery registry reaches it at, so that a discovery provider other than this one (Consul next
     * to ECS) registers exactly those ({@link Discovery#registerTasks}). Empty when the provider cannot
     * tell (this default): discovery then registers the revision as {@link Discovery#revisionStarted} does.
     */
    default java.util.Optional<java.util.List<RunningTask>> runningTasks(RevisionRef revision) {
        return java.util.Optional.empty();
    }
}

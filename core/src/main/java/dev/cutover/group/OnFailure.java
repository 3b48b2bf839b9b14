package dev.cutover.group;

/**
 * What a release group does when one of its members fails (rolls back, fails, or is stopped).
 * Either way no member of a later wave starts.
 *
 * <pre>{@code
 * ReleaseGroup.named("checkout").member(payments).member(orders, after("payments"))
 *     .onFailure(OnFailure.ONLY_FAILED)
 *     .build();
 * }</pre>
 */
public enum OnFailure {
    /**
     * One outcome for the group (the default): members still rolling out are aborted, and every
     * member this release already promoted is rolled back from history, latest wave first, so the
     * group ends where it started.
     */
    ROLLBACK_ALL,
    /**
     * Only the failed member returns to its previous revision (as every rollout does by itself);
     * members already promoted, or still rolling out, keep their new revision.
     */
    ONLY_FAILED
}

package dev.cutover.engine;

import java.util.Locale;

/**
 * Why the engine rolled a deployment back, as the {@code reason} tag of {@code cutover.rollbacks}
 * (docs/metrics.md). Each rollback names its reason where it decides, so the tag never depends on
 * the words of a message.
 */
enum RollbackReason {
    /** A metric gate failed, or the analysis stayed inconclusive past its timeout. */
    ANALYSIS,
    /** The metric source could not answer for longer than the analysis allows. */
    METRIC_OUTAGE,
    /** The new (or restored) revision's tasks failed their health checks. */
    HEALTH,
    /** The new revision was not healthy within the progress deadline. */
    DEADLINE,
    /** A pre-deploy hook or the smoke test failed. */
    HOOK,
    /** A person aborted or rolled back. */
    MANUAL,
    /** Nobody approved the step in time. */
    APPROVAL_TIMEOUT,
    /** Resume after a crash returned traffic to the previous revision, or finished a rollback under way. */
    RESUME,
    /** A provider stayed unavailable past the outage limit. */
    PROVIDER_OUTAGE,
    /** Anything unexpected (an exception or error in an action). */
    ERROR;

    /** The tag value: {@code approval-timeout}. */
    String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

package dev.cutover;

import java.time.Instant;
import java.util.Objects;

/**
 * One deployment in a service's history: what ran where, when, and how it ended.
 *
 * @param deploymentId the deployment (its journal's name)
 * @param environment  the environment
 * @param service      the service
 * @param image        the image it deployed
 * @param strategy     the strategy's name
 * @param startedAt    when it started
 * @param finishedAt   when it ended, or null while it runs (or if it crashed: resume it)
 * @param outcome      SUCCEEDED, ROLLED_BACK, FAILED, or RUNNING when unfinished
 * @param detail       why it ended so (the rollback reason)
 * @param revision     the revision it started
 * @param previous     the revision that served before it
 * @param digest       the image digest ({@code sha256:...}) the revision ran once promoted, as the provider
 *                     reported it (ECS's {@code imageDigest}); empty when unknown or never promoted
 */
public record HistoryEntry(String deploymentId, String environment, String service, String image, String strategy,
        Instant startedAt, Instant finishedAt, String outcome, String detail, String revision, String previous,
        String digest) {

    public HistoryEntry {
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(startedAt, "startedAt");
        digest = digest == null ? "" : digest;
    }

    @Override
    public String toString() {
        return startedAt + "  " + environment + "/" + service + "  " + image + "  " + strategy + "  " + outcome
                + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")") + "  [" + deploymentId + "]";
    }
}

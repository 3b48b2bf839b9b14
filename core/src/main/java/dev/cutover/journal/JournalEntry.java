package dev.cutover.journal;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One line of a deployment's journal: what happened (or is about to happen), when, and the
 * details needed to resume. Never holds a secret's value.
 *
 * @param deploymentId the deployment
 * @param sequence     1, 2, 3, ... within the deployment
 * @param at           when it was written
 * @param type         e.g. {@code started}, {@code intent}, {@code done}, {@code finished}
 * @param data         string details (revision ids, weights, reasons)
 */
public record JournalEntry(String deploymentId, long sequence, Instant at, String type, Map<String, String> data) {

    public JournalEntry {
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(type, "type");
        data = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(data, "data")));
    }

    /** A detail, or null. */
    public String get(String key) {
        return data.get(key);
    }
}

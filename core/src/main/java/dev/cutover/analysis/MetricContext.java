package dev.cutover.analysis;

import java.time.Instant;
import java.util.Objects;

/**
 * Whose traffic a metric query measures, over which window.
 *
 * @param environment the environment name
 * @param service     the service name
 * @param revision    the revision being analysed (e.g. {@code orders:7})
 * @param from        start of the window (inclusive)
 * @param to          end of the window (exclusive)
 */
public record MetricContext(String environment, String service, String revision, Instant from, Instant to) {

    public MetricContext {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
    }
}

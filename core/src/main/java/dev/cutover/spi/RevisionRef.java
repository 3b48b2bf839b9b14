package dev.cutover.spi;

import java.util.Objects;

/**
 * A running revision of a service, as the compute provider names it (e.g. {@code orders:7}).
 *
 * @param environment the environment name
 * @param service     the service name
 * @param id          the provider's stable revision id
 * @param version     the image version it runs, for people (e.g. {@code 1.4.2})
 */
public record RevisionRef(String environment, String service, String id, String version) {

    public RevisionRef {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(version, "version");
    }

    @Override
    public String toString() {
        return id + " (" + version + ")";
    }
}

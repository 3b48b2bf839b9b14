package dev.cutover.spi;

import java.util.Objects;

/**
 * The address of a resource in Cutover's vocabulary: {@code <environment>/<type>/<name>}, where
 * the name is the service name for service-level resources and the resource's own name (cluster,
 * namespace, mesh) for environment-level ones.
 *
 * @param environment the environment name
 * @param type        the kind of resource
 * @param name        the service name, or the environment-level resource's name
 */
public record ResourceId(String environment, ResourceType type, String name) implements Comparable<ResourceId> {

    public ResourceId {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    public static ResourceId of(String environment, ResourceType type, String name) {
        return new ResourceId(environment, type, name);
    }

    @Override
    public int compareTo(ResourceId o) {
        int c = environment.compareTo(o.environment);
        if (c != 0) {
            return c;
        }
        c = type.compareTo(o.type);
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return type.label() + " " + environment + "/" + name;
    }
}

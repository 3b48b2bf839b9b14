package dev.cutover.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Provider configuration as a function of keys, in the style of Micrometer's registry configs:
 * {@code k -> null} is a complete default configuration. Keys are prefixed by the provider's name,
 * e.g. {@code aws.region}, {@code consul.url}.
 *
 * <pre>{@code
 * ProviderConfig config = ProviderConfig.of(Map.of("aws.region", "us-east-1"));
 * ProviderConfig defaults = k -> null;
 * }</pre>
 */
@FunctionalInterface
public interface ProviderConfig {

    /** The value for {@code key}, or null for the default. */
    String get(String key);

    /** The value for {@code key}, if set. */
    default Optional<String> find(String key) {
        return Optional.ofNullable(get(key));
    }

    /** A configuration backed by a map. */
    static ProviderConfig of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(Objects.requireNonNull(values, "values"));
        return copy::get;
    }

    /** A configuration read from system properties and then environment variables ({@code aws.region} → {@code AWS_REGION}). */
    static ProviderConfig system() {
        return key -> {
            String v = System.getProperty(key);
            return v != null ? v : System.getenv(key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'));
        };
    }
}

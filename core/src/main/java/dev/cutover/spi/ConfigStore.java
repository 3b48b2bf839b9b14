package dev.cutover.spi;

/**
 * Configuration entries of a service in an environment (Consul KV). Owns
 * {@link ResourceType#CONFIG}; writes use check-and-set, and a write whose base changed underneath
 * fails with {@link ConfigConflictException} instead of overwriting.
 */
public interface ConfigStore extends ResourceCapability {
}

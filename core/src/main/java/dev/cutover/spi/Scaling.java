package dev.cutover.spi;

/** Auto scaling targets and policies (Application Auto Scaling). Owns {@link ResourceType#SCALING}. */
public interface Scaling extends ResourceCapability {
}

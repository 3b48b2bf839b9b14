/**
 * The provider compatibility kit: abstract JUnit 5 contract tests, one per capability
 * ({@link dev.cutover.testkit.ComputeCompatibilityKit}, {@link dev.cutover.testkit.TrafficCompatibilityKit},
 * {@link dev.cutover.testkit.DiscoveryCompatibilityKit}, {@link dev.cutover.testkit.ConfigCompatibilityKit},
 * {@link dev.cutover.testkit.SecretsCompatibilityKit}, {@link dev.cutover.testkit.ScalingCompatibilityKit},
 * {@link dev.cutover.testkit.LockCompatibilityKit}). The in-memory, AWS and Consul providers pass
 * them; extend them (a subclass needs only {@code createProvider()}) to check your own provider.
 */
package dev.cutover.testkit;

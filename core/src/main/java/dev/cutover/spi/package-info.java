/**
 * The provider SPI: the capabilities a provider can offer (compute, traffic, discovery, config,
 * secrets, lock, metrics, scaling) and the resource model they observe and change. Implement it to
 * add your own runtime or registry; the compatibility kit in {@code cutover-testkit} checks it.
 */
package dev.cutover.spi;

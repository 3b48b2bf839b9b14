/**
 * A provider of the user's own: deployment locks kept as lease files in a shared directory, for
 * teams that coordinate deployers without Consul. It is found through {@code ServiceLoader} and
 * passes the lock compatibility kit of {@code cutover-testkit}.
 */
package dev.cutover.examples.custom;

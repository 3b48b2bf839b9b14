/**
 * Machinery of the Consul provider: error translation, key rules, and one class per capability
 * (discovery, config, locks, traffic). Not an API: use {@link dev.cutover.consul.ConsulProvider}
 * instead; anything here may change without notice.
 */
package dev.cutover.consul.internal;

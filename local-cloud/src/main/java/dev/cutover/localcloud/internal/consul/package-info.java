/**
 * Machinery of the Consul emulator: the state store, the HTTP routing with Consul's error answers
 * and blocking queries, and one endpoint class per API group. Internal: use
 * {@link dev.cutover.localcloud.consul.ConsulEmulator} instead; nothing here is a stable API.
 */
package dev.cutover.localcloud.internal.consul;

/**
 * The Consul emulator of the local cloud: {@link dev.cutover.localcloud.consul.ConsulEmulator}
 * speaks Consul's HTTP API on loopback for the real Consul client, and a
 * {@link dev.cutover.localcloud.consul.HealthOracle} decides health checks without any network call.
 */
package dev.cutover.localcloud.consul;

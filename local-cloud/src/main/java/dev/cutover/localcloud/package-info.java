/**
 * The local cloud: loopback emulators of the AWS and Consul APIs that Cutover deploys through,
 * with simulated tasks, traffic, health and faults. Start one with {@code LocalCloud.start()} and
 * point an unmodified AWS SDK v2 or Consul client at its endpoint.
 */
package dev.cutover.localcloud;

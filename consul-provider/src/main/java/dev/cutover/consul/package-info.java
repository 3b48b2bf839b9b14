/**
 * The Consul provider: service registration and health, configuration in KV with check-and-set,
 * deployment locks on sessions, and traffic splitting with {@code service-splitter}. Start with
 * {@link dev.cutover.consul.ConsulProvider#builder()}, or let {@code ServiceLoader} find
 * {@link dev.cutover.consul.ConsulProviderFactory} and configure it with {@code consul.*} keys.
 */
package dev.cutover.consul;

/**
 * The local cloud's Cloud Map (AWS Service Discovery) emulator: private DNS namespaces created
 * asynchronously, services, instances with health, and {@code DiscoverInstances}, over the JSON
 * 1.1 protocol. ECS registers task addresses through its Java API.
 */
package dev.cutover.localcloud.internal.cloudmap;

/**
 * The local cloud's Datadog emulator: the metrics intake that {@code micrometer-registry-datadog}
 * posts to, and the v1 metrics query API answering from the simulated traffic and the received
 * series, with API-key checks and a configurable rate limit.
 */
package dev.cutover.localcloud.internal.datadog;

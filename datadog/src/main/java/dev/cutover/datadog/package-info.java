/**
 * Rollout analysis from Datadog: {@link dev.cutover.datadog.DatadogMetricSource} answers metric
 * gates with Datadog's metrics query API, guarded (rate limit, back-off on 429 and 5xx, circuit
 * breaker) and never turning a missing answer into a pass. {@link dev.cutover.datadog.QueryTemplates}
 * maps each kind of gate to a Datadog query.
 */
package dev.cutover.datadog;

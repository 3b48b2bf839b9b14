/**
 * Rollout analysis: the metric gates and health rules that judge each step, and the
 * {@link dev.cutover.analysis.MetricSource} SPI that answers metric queries (Micrometer, Datadog, ...).
 */
package dev.cutover.analysis;

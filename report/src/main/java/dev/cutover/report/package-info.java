/**
 * HTML reports of rollouts: a listener that records every rollout's traffic shifts, analyses and
 * rollback, and a writer that draws one self-contained chart per rollout (inline SVG and CSS, no
 * network) with the traffic weight per revision and the error rate and latency Datadog measured.
 */
package dev.cutover.report;

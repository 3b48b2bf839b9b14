/**
 * Internal Amazon CloudWatch emulator (query protocol): metrics from PutMetricData and from the
 * traffic simulator, GetMetricData with the arithmetic subset of metric math, metric alarms. Not API.
 */
package dev.cutover.localcloud.internal.cloudwatch;

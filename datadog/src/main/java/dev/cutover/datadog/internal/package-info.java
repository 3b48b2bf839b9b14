/**
 * Machinery of the Datadog metric source: the HTTP exchange with the query API and the stand-alone
 * back-off used when the source is not registered with a {@code Cutover}. Not an API; do not use.
 */
package dev.cutover.datadog.internal;

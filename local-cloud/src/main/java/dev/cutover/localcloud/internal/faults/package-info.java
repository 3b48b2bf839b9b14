/**
 * Internal fault injection of the local cloud: the request gate with outage switch, dropped
 * connections, seeded 5xx, added latency and token-bucket throttling at AWS's documented rates.
 * Not API: script faults through {@code LocalCloud.faults()}.
 */
package dev.cutover.localcloud.internal.faults;

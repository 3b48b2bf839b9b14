/**
 * Internal machinery of the local cloud's AWS emulators: the loopback HTTP server, the JSON 1.1 and
 * REST-JSON protocol dispatch and AWS's error shapes. Not API: users start a {@code LocalCloud}.
 */
package dev.cutover.localcloud.internal.aws;

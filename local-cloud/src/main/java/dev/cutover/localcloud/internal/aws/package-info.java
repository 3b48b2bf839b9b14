/**
 * Internal machinery of the local cloud's AWS emulators: the loopback HTTP server, the JSON 1.1 and
 * REST-JSON protocol dispatch, AWS's error shapes, and the request-shape check generated from
 * AWS's service models ({@code ShapeTable}, {@code ShapeValidator}). Not API: users start a {@code LocalCloud}.
 */
package dev.cutover.localcloud.internal.aws;

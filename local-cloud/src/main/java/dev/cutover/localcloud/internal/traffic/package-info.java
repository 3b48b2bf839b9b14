/**
 * Internal traffic simulation: seeded requests split across services and revisions, and the
 * per-revision statistics store behind {@code LocalCloud.traffic()}. Not API.
 */
package dev.cutover.localcloud.internal.traffic;

/**
 * Internal registry of scripted container image behaviours behind {@code LocalCloud.images()}.
 * Not API.
 */
package dev.cutover.localcloud.internal.images;

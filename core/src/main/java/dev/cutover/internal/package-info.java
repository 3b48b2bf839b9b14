/**
 * Machinery behind the public API: validation helpers, the diff, plan rendering, the guarded
 * executor and a small JSON codec. Not API: it may change in any release; do not use it.
 */
package dev.cutover.internal;

/**
 * Typed deployment events and the listener interface; the console progress renderer and the
 * metrics binder are listeners too.
 */
package dev.cutover.event;

/**
 * The in-memory provider: every capability kept in the JVM, with scriptable image behaviour and
 * seeded failures. It is the reference implementation of the SPI, the engine of JShell experiments
 * and of the core's own tests; nothing in the core depends on it.
 */
package dev.cutover.inmemory;

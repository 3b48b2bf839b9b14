/**
 * The runnable examples: the main job (test, stage and prod on the local cloud, then a bad artifact
 * rolled back by itself), a command-line tool built on the public API, and a custom provider.
 */
package dev.cutover.examples;

/**
 * What {@code ./cutover-shell} starts with, compiled ahead of time: the local cloud, the AWS provider
 * on it and a {@code Cutover} ({@link dev.cutover.examples.shell.ShellWorld}), and the shell's helper
 * methods ({@link dev.cutover.examples.shell.ShellHelpers}). JShell then evaluates a handful of
 * snippets at start-up instead of compiling thirty, and the world starts on a background thread
 * ({@link dev.cutover.examples.shell.ShellWorld#startEarly()}) while JShell compiles the imports.
 */
package dev.cutover.examples.shell;

/**
 * The {@code cutover} command line ({@link dev.cutover.cli.CutoverCli}) and the release descriptor it
 * reads ({@link dev.cutover.cli.Descriptor}); exit codes in {@link dev.cutover.cli.ExitCode}.
 */
package dev.cutover.cli;

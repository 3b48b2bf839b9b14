/**
 * An internal deployment tool built on Cutover's public API only: a picocli command line with
 * {@code plan}, {@code apply}, {@code status}, {@code rollback} and {@code history} against an
 * environment, reading the service and its environments from a properties descriptor.
 */
package dev.cutover.examples.cli;

/**
 * Machinery of the command line: descriptor field reading, provider sessions and the control
 * requests between processes. Not an API: it changes without notice.
 */
package dev.cutover.cli.internal;

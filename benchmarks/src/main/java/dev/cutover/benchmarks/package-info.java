/**
 * JMH benchmarks and timed harnesses behind the numbers in {@code docs/benchmarks.md}. They are
 * not tests: run them with the command given there.
 */
package dev.cutover.benchmarks;

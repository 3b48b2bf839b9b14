/**
 * Testing deployment code against the local cloud with JUnit 5: {@link dev.cutover.junit.CutoverTest}
 * gives each test a started local cloud and a virtual-time {@link dev.cutover.Cutover} wired to it, and
 * {@link dev.cutover.junit.LocalCutover} is the same wiring for code outside JUnit (a JShell session, a tool).
 * Every world is fresh: nothing carries over from one test to the next.
 */
package dev.cutover.junit;

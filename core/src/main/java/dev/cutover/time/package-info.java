/**
 * Time and deferred work: the {@link dev.cutover.time.Scheduler} a Cutover instance runs on, and
 * the {@link dev.cutover.time.VirtualScheduler} that runs long rollouts in virtual time in tests.
 */
package dev.cutover.time;

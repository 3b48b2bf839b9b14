/**
 * The planner behind {@link dev.cutover.Cutover#plan(dev.cutover.Release)}: policy and capability
 * checks, batched observation, the diff against the desired state, and the plan's IAM policy.
 * Machinery, not API: users go through the facade.
 */
package dev.cutover.planner;

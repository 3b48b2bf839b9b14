/**
 * Coordinated releases: several services released together as one {@link dev.cutover.group.ReleaseGroup},
 * in dependency order and waves with a concurrency limit, behind one approval, with one outcome.
 * {@link dev.cutover.group.ReleaseCoordinator} plans, applies, resumes and lists them over a {@code Cutover};
 * the group's own journal sits beside its members' deployment journals.
 */
package dev.cutover.group;

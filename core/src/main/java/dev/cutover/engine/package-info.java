/**
 * The rollout engine behind {@link dev.cutover.Cutover}: the {@link dev.cutover.engine.Engine}
 * (providers by capability, time, journal, locks, listeners, meters) and the rollout state machine
 * that every deployment runs. Machinery, not API: users go through the facade and may not rely on
 * these types, which change without notice.
 */
package dev.cutover.engine;

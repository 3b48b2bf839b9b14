/**
 * Cutover's public API: the DSL values ({@link dev.cutover.Service}, {@link dev.cutover.Environment},
 * {@link dev.cutover.Release}, the {@link dev.cutover.Strategy} family) and the facade
 * {@link dev.cutover.Cutover} that plans and applies them, returning a {@link dev.cutover.Deployment}.
 */
package dev.cutover;

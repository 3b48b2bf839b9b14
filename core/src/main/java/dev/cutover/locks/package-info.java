/**
 * Deployment locks the core ships: {@link dev.cutover.locks.InMemoryLocks} (one JVM, the fallback
 * when no provider offers LOCK) and {@link dev.cutover.locks.FileLocks} (deployers that share a
 * directory). Both implement {@link dev.cutover.spi.LockManager}, like a provider's lock would.
 */
package dev.cutover.locks;

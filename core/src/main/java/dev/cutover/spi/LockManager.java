package dev.cutover.spi;

import java.time.Duration;

/**
 * Admits one deployer per key (an environment and service). A holder that dies loses the lock
 * when its lease runs out.
 */
public interface LockManager {

    /**
     * Takes the lock for {@code key} on behalf of {@code owner} for {@code lease}.
     *
     * @throws LockHeldException when someone else holds it, naming the holder and since when
     */
    LockHandle acquire(String key, String owner, Duration lease);

    /** A held lock. */
    interface LockHandle extends AutoCloseable {

        String key();

        String owner();

        /** Extends the lease; throws {@link LockHeldException} if the lock was lost meanwhile. */
        void renew();

        /** Releases the lock; idempotent. */
        @Override
        void close();
    }
}

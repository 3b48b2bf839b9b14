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

    /**
     * The longest a lock taken with {@code lease} can stay unavailable after its holder died (its
     * last renewal): a resume waits this long for a dead deployment's lock before it gives up. By
     * default the lease; a lock manager whose locks outlive the lease (a Consul session lives up to
     * twice its TTL, then its lock-delay holds the lock) says so.
     */
    default Duration releaseDelay(Duration lease) {
        return lease;
    }

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

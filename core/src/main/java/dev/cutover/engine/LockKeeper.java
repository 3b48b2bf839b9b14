package dev.cutover.engine;

import dev.cutover.spi.LockManager;
import java.time.Duration;
import java.time.Instant;

/**
 * Keeps a rollout's lock: renews it every third of the lease, confirms it before every acting step, and takes it
 * again when the lease lapsed with nobody else holding it. A rollout that lost its lock stops acting.
 */
final class LockKeeper {

    private final Rollout rollout;

    LockKeeper(Rollout rollout) {
        this.rollout = rollout;
    }

    void scheduleRenewal() {
        Duration every = rollout.rt.lockLease().dividedBy(3);
        Runnable[] renew = new Runnable[1];
        renew[0] = () -> {
            synchronized (rollout) {
                if (rollout.ended) {
                    return;
                }
            }
            try {
                confirmLock();
            } catch (Rollout.LockLostException lost) {
                rollout.stopInPlace(lost.getMessage(), lost.journalIsOurs);
                return;
            } catch (Throwable t) {
                Rollout.LOG.warn("{}: lock renewal failed: {}", rollout.id, t.toString());
            }
            synchronized (rollout) {
                if (!rollout.ended) {
                    rollout.renewal = rollout.rt.scheduler().scheduleKeepAlive(every, renew[0]);
                }
            }
        };
        synchronized (rollout) {
            rollout.renewal = rollout.rt.scheduler().scheduleKeepAlive(every, renew[0]);
        }
    }

    /**
     * Renews the lock, proving this deployment still holds it. Lost (another owner has it) or not
     * renewed within its lease, it throws {@link Rollout.LockLostException}: the caller must not act.
     * A renewal that merely failed (the lock service did not answer) is tolerated while the last
     * lease still runs.
     */
    void confirmLock() {
        Instant t = rollout.now();
        try {
            rollout.lock.renew();
            synchronized (rollout) {
                rollout.leaseValidUntil = t.plus(rollout.rt.lockLease());
            }
        } catch (dev.cutover.spi.LockHeldException held) {
            if (held.holder().equals(rollout.lock.owner()) && retake(t)) {
                return; // the lease lapsed (a long action, a slow lock service) but nobody took it: it is ours again
            }
            // the new holder owns the journal now: this engine writes nothing more to it
            throw new Rollout.LockLostException("lost the lock on " + rollout.target + " to " + held.holder() + "; stopped acting with "
                    + "weights " + rollout.weights() + "; whoever holds the lock finishes it (or cutover.resume(\"" + rollout.id
                    + "\") once it is free)", held, false);
        } catch (RuntimeException e) {
            Instant until;
            synchronized (rollout) {
                until = rollout.leaseValidUntil;
            }
            if (!t.isBefore(until)) {
                throw new Rollout.LockLostException("could not renew the lock on " + rollout.target + " before its lease ran out ("
                        + e.getMessage() + "); stopped acting with weights " + rollout.weights()
                        + "; run cutover.resume(\"" + rollout.id + "\") to finish it", e, true);
            }
            Rollout.LOG.warn("{}: lock renewal failed, the lease runs until {}: {}", rollout.id, until, e.getMessage());
        }
    }

    /** Takes the lock again after its lease lapsed with nobody else taking it; false if someone else has it now. */
    boolean retake(Instant t) {
        try {
            LockManager.LockHandle again = rollout.rt.locks().acquire(rollout.target, rollout.lock.owner(), rollout.rt.lockLease());
            if (!again.owner().equals(rollout.lock.owner())) {
                return false;
            }
            synchronized (rollout) {
                rollout.leaseValidUntil = t.plus(rollout.rt.lockLease());
            }
            Rollout.LOG.warn("{}: the lease on {} had lapsed with nobody else holding it; took it again", rollout.id, rollout.target);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}

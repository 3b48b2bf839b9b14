package dev.cutover.spi;

import dev.cutover.CutoverException;
import java.time.Instant;

/**
 * Another deployer holds the lock: says who, and since when. {@link #holder()} is the holder's
 * name exactly as it took the lock (a resume compares it with the deployment it continues); what
 * else a lock manager knows (say, that the holder's session ended and the lock is in a grace
 * period) is in the message.
 */
public final class LockHeldException extends CutoverException {

    private final String key;
    private final String holder;
    private final Instant since;

    public LockHeldException(String key, String holder, Instant since) {
        this(key, holder, since, "wait for it to finish, or for its lease to expire if it died");
    }

    /**
     * @param detail what the lock manager knows beyond the holder, and what to do, e.g. "its session
     *               ended; Consul's lock-delay of 15 s still applies"
     */
    public LockHeldException(String key, String holder, Instant since, String detail) {
        super("'" + key + "' is being deployed by " + holder + " since " + since + "; " + detail);
        this.key = key;
        this.holder = holder;
        this.since = since;
    }

    public String key() {
        return key;
    }

    public String holder() {
        return holder;
    }

    public Instant since() {
        return since;
    }
}

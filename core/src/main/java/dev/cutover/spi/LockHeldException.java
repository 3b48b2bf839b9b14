package dev.cutover.spi;

import dev.cutover.CutoverException;
import java.time.Instant;

/** Another deployer holds the lock: says who, and since when. */
public final class LockHeldException extends CutoverException {

    private final String key;
    private final String holder;
    private final Instant since;

    public LockHeldException(String key, String holder, Instant since) {
        super("'" + key + "' is being deployed by " + holder + " since " + since
                + "; wait for it to finish, or for its lease to expire if it died");
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

package dev.cutover.locks;

import dev.cutover.spi.LockHeldException;
import dev.cutover.spi.LockManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Locks within one process, with leases on an injected clock: the default when no provider offers
 * a {@link LockManager}. Use Consul's (or your own) to coordinate several machines.
 */
public final class InMemoryLocks implements LockManager {

    private final Clock clock;
    private final Map<String, Holder> held = new HashMap<>();

    private record Holder(String owner, Instant since, Instant expires) {
    }

    public InMemoryLocks(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized LockHandle acquire(String key, String owner, Duration lease) {
        Instant now = clock.instant();
        Holder h = held.get(key);
        if (h != null && h.expires.isAfter(now) && !h.owner.equals(owner)) {
            throw new LockHeldException(key, h.owner, h.since);
        }
        held.put(key, new Holder(owner, now, now.plus(lease)));
        return new LockHandle() {
            @Override
            public String key() {
                return key;
            }

            @Override
            public String owner() {
                return owner;
            }

            @Override
            public void renew() {
                synchronized (InMemoryLocks.this) {
                    Holder cur = held.get(key);
                    Instant t = clock.instant();
                    if (cur == null || !cur.owner.equals(owner) || !cur.expires.isAfter(t)) {
                        throw new LockHeldException(key, cur == null ? "nobody (lease expired)" : cur.owner,
                                cur == null ? t : cur.since);
                    }
                    held.put(key, new Holder(owner, cur.since, t.plus(lease)));
                }
            }

            @Override
            public void close() {
                synchronized (InMemoryLocks.this) {
                    Holder cur = held.get(key);
                    if (cur != null && cur.owner.equals(owner)) {
                        held.remove(key);
                    }
                }
            }
        };
    }
}

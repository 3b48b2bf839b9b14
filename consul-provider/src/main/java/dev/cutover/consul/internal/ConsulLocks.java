package dev.cutover.consul.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.orbitz.consul.SessionClient;
import com.orbitz.consul.model.kv.Value;
import com.orbitz.consul.model.session.ImmutableSession;
import com.orbitz.consul.model.session.SessionInfo;
import dev.cutover.spi.LockHeldException;
import dev.cutover.spi.LockManager;
import dev.cutover.spi.ProviderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deployment locks: a Consul session with a TTL (behavior {@code release}) acquires
 * {@code <prefix><name>/lock}, whose value is {@code {"owner":...,"since":...}}. While held, the
 * session is renewed (by {@link LockHandle#renew()}, and on a schedule when one is configured);
 * when a holder dies its session expires and Consul frees the lock.
 */
public final class ConsulLocks implements LockManager {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulLocks.class);
    private static final String FAMILY = "consul.session";
    private static final Duration MIN_TTL = Duration.ofSeconds(10);
    private static final Duration MAX_TTL = Duration.ofSeconds(86_400);
    private static final int ATTEMPTS = 3;

    private final Kv kv;
    private final SessionClient sessions;
    private final ConsulCalls calls;
    private final ConsulKeys keys;
    private final String datacenter;
    private final Duration lockDelay;
    private final Duration renewEvery;
    private final Supplier<ScheduledExecutorService> scheduler;

    /**
     * @param renewEvery how often a held lock renews its session on {@code scheduler}; null: a third
     *                   of the TTL; zero: never (only through {@link LockHandle#renew()})
     */
    public ConsulLocks(Kv kv, SessionClient sessions, ConsulCalls calls, ConsulKeys keys, String datacenter, Duration lockDelay,
                       Duration renewEvery, Supplier<ScheduledExecutorService> scheduler) {
        this.kv = kv;
        this.sessions = sessions;
        this.calls = calls;
        this.keys = keys;
        this.datacenter = datacenter;
        this.lockDelay = lockDelay;
        this.renewEvery = renewEvery;
        this.scheduler = scheduler;
    }

    @Override
    public LockHandle acquire(String key, String owner, Duration lease) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(lease, "lease");
        String kvKey = keys.lockKey("AcquireLock", key);
        Duration ttl = ttl(lease);
        Instant since = calls.clock().instant();
        ObjectNode json = ConfigEntries.JSON.createObjectNode().put("owner", owner).put("since", since.toString());
        String value = json.toString();
        LockHeldException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            String session = createSession(key, ttl);
            boolean acquired;
            try {
                acquired = kv.acquire("AcquireLock", kvKey, value, session);
            } catch (RuntimeException e) {
                destroyQuietly(session);
                throw e;
            }
            if (acquired) {
                LOG.info("lock {} taken by {}", key, owner);
                return new Handle(key, kvKey, owner, value, session, ttl);
            }
            destroyQuietly(session);
            Optional<Value> held = kv.get("ReadLock", kvKey);
            Holder holder = held.map(ConsulLocks::holder).orElse(null);
            if (held.isPresent() && held.get().getSession().isPresent()) {
                throw new LockHeldException(key, holder.owner, holder.since);
            }
            // free again (released meanwhile) or within Consul's lock-delay after a holder's session ended;
            // the holder stays the holder's name alone, so a resume still recognises its own dead deployment
            last = new LockHeldException(key, holder == null ? "(unknown)" : holder.owner,
                    holder == null ? since : holder.since, "its session ended and Consul's lock-delay of "
                            + lockDelay.toSeconds() + " s still applies; try again after it");
        }
        throw last;
    }

    /**
     * Consul invalidates a TTL session at the latest after twice its TTL ("sessions may not be reaped
     * for up to double this TTL", Consul HTTP API, /session/create, TTL), and then keeps the locks it
     * held for the lock-delay ("Consul prevents any of the previously held locks from being
     * re-acquired for the lock-delay interval", Consul docs, Sessions and distributed locks overview).
     */
    @Override
    public Duration releaseDelay(Duration lease) {
        return ttl(lease).multipliedBy(2).plus(lockDelay);
    }

    private static Duration ttl(Duration lease) {
        return lease.compareTo(MIN_TTL) < 0 ? MIN_TTL : lease.compareTo(MAX_TTL) > 0 ? MAX_TTL : lease;
    }

    private String createSession(String key, Duration ttl) {
        ImmutableSession.Builder s = ImmutableSession.builder()
                .name("cutover lock " + key)
                .ttl(ttl.toSeconds() + "s")
                .behavior("release")
                .lockDelay(lockDelay.toMillis() + "ms");
        return calls.call(FAMILY, "CreateSession", () -> sessions.createSession(s.build(), datacenter).getId());
    }

    private void destroyQuietly(String session) {
        try {
            calls.run(FAMILY, "DestroySession", () -> sessions.destroySession(session, datacenter));
        } catch (RuntimeException e) {
            LOG.debug("could not destroy session (it expires by its TTL): {}", e.getMessage());
        }
    }

    /** Who holds the lock, from its value; tolerant of values another tool wrote. */
    static Holder holder(Value v) {
        String text = v.getValueAsString(StandardCharsets.UTF_8).orElse("");
        try {
            JsonNode node = ConfigEntries.JSON.readTree(text);
            String owner = node.path("owner").asText("(unknown)");
            Instant since = Instant.parse(node.path("since").asText(""));
            return new Holder(owner, since);
        } catch (IOException | DateTimeParseException e) {
            return new Holder(text.isEmpty() ? "(unknown)" : "(unreadable lock value)", Instant.EPOCH);
        }
    }

    record Holder(String owner, Instant since) {
    }

    private final class Handle implements LockHandle {
        private final String key;
        private final String kvKey;
        private final String owner;
        private final String value;
        private final String session;
        private final ScheduledFuture<?> renewal;
        private volatile boolean closed;

        Handle(String key, String kvKey, String owner, String value, String session, Duration ttl) {
            this.key = key;
            this.kvKey = kvKey;
            this.owner = owner;
            this.value = value;
            this.session = session;
            Duration every = renewEvery == null ? ttl.dividedBy(3) : renewEvery;
            this.renewal = every.isZero() || every.isNegative() ? null
                    : scheduler.get().scheduleAtFixedRate(this::renewInBackground, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        }

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
            if (closed) {
                throw new IllegalStateException("lock '" + key + "' was released; acquire it again");
            }
            Optional<SessionInfo> info;
            try {
                info = calls.call(FAMILY, "RenewSession", () -> sessions.renewSession(datacenter, session));
            } catch (ProviderException e) {
                if (e.getMessage() == null || !e.getMessage().contains("HTTP 404")) {
                    throw e;
                }
                info = Optional.empty();
            }
            Optional<Value> held = kv.get("ReadLock", kvKey);
            boolean ours = held.flatMap(Value::getSession).map(session::equals).orElse(false);
            if (info.isEmpty() || !ours) {
                Holder now = held.filter(v -> v.getSession().isPresent()).map(ConsulLocks::holder).orElse(null);
                throw new LockHeldException(key, now != null ? now.owner : "(nobody: the session of " + owner + " expired)",
                        now != null ? now.since : calls.clock().instant());
            }
        }

        private void renewInBackground() {
            try {
                renew();
            } catch (LockHeldException e) {
                LOG.error("lost lock {}: {}", key, e.getMessage());
                renewal.cancel(false);
            } catch (RuntimeException e) {
                LOG.warn("could not renew lock {} (will retry): {}", key, e.getMessage());
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (renewal != null) {
                renewal.cancel(false);
            }
            try {
                kv.release("ReleaseLock", kvKey, value, session);
            } catch (RuntimeException e) {
                LOG.warn("could not release lock {} (its session TTL frees it): {}", key, e.getMessage());
            }
            destroyQuietly(session);
            LOG.info("lock {} released by {}", key, owner);
        }

        @Override
        public String toString() {
            return "ConsulLock[" + key + " held by " + owner + "]";
        }
    }
}

package dev.cutover.localcloud.internal.consul;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.localcloud.SimClock;
import dev.cutover.localcloud.consul.HealthOracle;
import dev.cutover.localcloud.consul.HealthOracle.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the emulated Consul agent and server hold: KV, sessions, services, checks and config
 * entries, one Raft-like index, and the waiters of blocking queries.
 *
 * <p>All state is guarded by this object's monitor. Every write bumps the index and calls
 * {@code notifyAll()}, and so does every clock tick, so a blocking query waiting on this monitor
 * re-evaluates both its index and its deadline (which is measured on the {@link SimClock}).
 */
final class ConsulStore {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulStore.class);

    static final String DATACENTER = "dc1";
    static final String NODE = "local-cloud";
    static final String NODE_ADDRESS = "127.0.0.1";
    static final String SERF_CHECK = "serfHealth";
    static final Duration SESSION_TTL_MIN = Duration.ofSeconds(10);
    static final Duration SESSION_TTL_MAX = Duration.ofHours(24);
    /** Consul invalidates a TTL session at the latest after twice its TTL; the emulator does so exactly then. */
    static final int SESSION_TTL_MULTIPLIER = 2;
    static final Duration MIN_DEREGISTER_AFTER = Duration.ofMinutes(1);

    final SimClock clock;
    final String nodeId;
    private final Random random;
    private volatile HealthOracle oracle = HealthOracle.alwaysPassing();

    private long index = 10;
    private long kvIndex = index;
    private long catalogIndex = index;
    private long sessionIndex = index;
    private long configIndex = index;
    private final long nodeCreateIndex = 5;

    private final TreeMap<String, KvEntry> kv = new TreeMap<>();
    private final Map<String, Long> tombstones = new HashMap<>();
    /**
     * Keys whose holder's session was invalidated, until when no session may acquire them: "When a
     * session invalidation takes place, Consul prevents any of the previously held locks from being
     * re-acquired for the lock-delay interval" (Consul docs, "Sessions and distributed locks
     * overview", https://developer.hashicorp.com/consul/docs/automate/session); a release does not arm it.
     */
    private final Map<String, Instant> lockDelays = new HashMap<>();
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final Map<String, Check> checks = new LinkedHashMap<>();
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final TreeMap<String, ConfigEntry> config = new TreeMap<>();
    private int waiting;
    private boolean closed;

    ConsulStore(SimClock clock, long seed) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = new Random(seed);
        this.nodeId = uuid();
    }

    // ---------------------------------------------------------------- entities

    /** One KV entry. */
    static final class KvEntry {
        final String key;
        byte[] value;
        long flags;
        long createIndex;
        long modifyIndex;
        long lockIndex;
        String session;

        KvEntry(String key) {
            this.key = key;
        }
    }

    /** One service instance registered with the agent. */
    static final class Service {
        String id;
        String name;
        List<String> tags = List.of();
        String address = "";
        int port;
        Map<String, String> meta = Map.of();
        boolean enableTagOverride;
        int weightPassing = 1;
        int weightWarning = 1;
        long createIndex;
        long modifyIndex;
    }

    /** One health check (TTL, HTTP, TCP or gRPC). */
    static final class Check {
        String id;
        String name;
        String notes = "";
        String output = "";
        String status = "critical";
        String serviceId = "";
        String serviceName = "";
        List<String> serviceTags = List.of();
        String type = "ttl";
        String target = "";
        Duration interval;
        Duration ttl;
        Duration timeout;
        Duration deregisterAfter;
        Instant ttlDeadline;
        Instant nextRun;
        Instant criticalSince;
        long createIndex;
        long modifyIndex;

        boolean oracleDriven() {
            return !type.equals("ttl");
        }
    }

    /** One session. */
    static final class Session {
        String id;
        String name = "";
        String node = NODE;
        List<String> checks = List.of(SERF_CHECK);
        Duration lockDelay = Duration.ofSeconds(15);
        String behavior = "release";
        String ttl = "";
        Duration ttlDuration;
        Instant expiresAt;
        long createIndex;
        long modifyIndex;
    }

    /** One config entry; {@code body} holds every field the client sent. */
    static final class ConfigEntry {
        String kind;
        String name;
        ObjectNode body;
        long createIndex;
        long modifyIndex;
    }

    // ---------------------------------------------------------------- index, waiting, ticking

    synchronized long index() {
        return index;
    }

    synchronized long kvIndex() {
        return kvIndex;
    }

    synchronized long catalogIndex() {
        return catalogIndex;
    }

    synchronized long sessionIndex() {
        return sessionIndex;
    }

    synchronized long configIndex() {
        return configIndex;
    }

    private long bump() {
        index++;
        notifyAll();
        return index;
    }

    synchronized String uuid() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    /** Random extra wait for a blocking query, up to {@code wait/16}, as Consul adds. */
    synchronized Duration jitter(Duration wait) {
        long bound = wait.toMillis() / 16;
        return bound <= 0 ? Duration.ZERO : Duration.ofMillis((long) (random.nextDouble() * bound));
    }

    void oracle(HealthOracle oracle) {
        this.oracle = Objects.requireNonNull(oracle, "oracle");
    }

    synchronized boolean closed() {
        return closed;
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }

    synchronized void enterWait() {
        waiting++;
        notifyAll();
    }

    synchronized void leaveWait() {
        waiting--;
    }

    /** Waits (in wall-clock time) until at least {@code count} blocking queries are parked. */
    synchronized boolean awaitWaiting(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (waiting < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Clock listener: expires sessions and TTL checks, runs due checks through the oracle, reaps. */
    void tick(Instant now) {
        List<Check> due;
        synchronized (this) {
            if (closed) {
                return;
            }
            expireSessions(now);
            expireTtlChecks(now);
            due = dueChecks(now, false);
            reapCritical(now);
            notifyAll();
        }
        evaluate(due);
    }

    /** Runs every HTTP/TCP/gRPC check through the oracle now, whatever its interval. */
    void runChecksNow() {
        List<Check> due;
        synchronized (this) {
            due = dueChecks(clock.instant(), true);
        }
        evaluate(due);
    }

    private List<Check> dueChecks(Instant now, boolean all) {
        List<Check> due = new ArrayList<>();
        for (Check c : checks.values()) {
            if (c.oracleDriven() && (all || c.nextRun == null || !now.isBefore(c.nextRun))) {
                c.nextRun = now.plus(c.interval);
                due.add(c);
            }
        }
        return due;
    }

    private void evaluate(List<Check> due) {
        if (due.isEmpty()) {
            return;
        }
        HealthOracle current = oracle;
        Map<Check, Verdict> verdicts = new LinkedHashMap<>();
        for (Check c : due) {
            HealthOracle.Probe probe;
            synchronized (this) {
                Service s = services.get(c.serviceId);
                probe = new HealthOracle.Probe(c.id, c.name, HealthOracle.Kind.valueOf(c.type.toUpperCase(java.util.Locale.ROOT)),
                        c.target, c.serviceId, c.serviceName, s == null ? "" : s.address, s == null ? 0 : s.port,
                        s == null ? List.of() : s.tags, s == null ? Map.of() : s.meta);
            }
            try {
                Verdict v = current.evaluate(probe);
                if (v != null && v != Verdict.UNKNOWN) {
                    verdicts.put(c, v);
                }
            } catch (RuntimeException e) {
                LOG.warn("health oracle failed on check {}; leaving it as it is", c.id, e);
            }
        }
        synchronized (this) {
            Instant now = clock.instant();
            for (Map.Entry<Check, Verdict> e : verdicts.entrySet()) {
                Check c = e.getKey();
                if (checks.get(c.id) != c) {
                    continue; // deregistered or replaced meanwhile
                }
                String status = e.getValue().consulStatus();
                setStatus(c, status, outputFor(c, status), now);
            }
            reapCritical(now);
        }
    }

    private static String outputFor(Check c, String status) {
        return switch (c.type) {
            case "http" -> "HTTP GET " + c.target + ": emulated by the HealthOracle, " + status;
            case "tcp" -> "TCP connect " + c.target + ": emulated by the HealthOracle, " + status;
            default -> "gRPC check " + c.target + ": emulated by the HealthOracle, " + status;
        };
    }

    private void setStatus(Check c, String status, String output, Instant now) {
        boolean changed = !c.status.equals(status) || !c.output.equals(output);
        if (!c.status.equals(status)) {
            c.criticalSince = status.equals("critical") ? now : null;
        }
        c.status = status;
        c.output = output;
        if (changed) {
            long i = bump();
            c.modifyIndex = i;
            catalogIndex = i;
        }
        if (status.equals("critical")) {
            for (Session s : List.copyOf(sessions.values())) {
                if (s.checks.contains(c.id)) {
                    invalidate(s, now);
                }
            }
        }
    }

    private void expireTtlChecks(Instant now) {
        for (Check c : checks.values()) {
            if (c.type.equals("ttl") && c.ttlDeadline != null && now.isAfter(c.ttlDeadline)) {
                c.ttlDeadline = null;
                setStatus(c, "critical", "TTL expired", now);
            }
        }
    }

    private void reapCritical(Instant now) {
        for (Check c : List.copyOf(checks.values())) {
            if (c.deregisterAfter != null && c.criticalSince != null && !c.serviceId.isEmpty()
                    && !now.isBefore(c.criticalSince.plus(c.deregisterAfter)) && services.containsKey(c.serviceId)) {
                LOG.debug("check {} critical since {}: deregistering service {}", c.id, c.criticalSince, c.serviceId);
                deregisterService(c.serviceId);
            }
        }
    }

    private void expireSessions(Instant now) {
        for (Session s : List.copyOf(sessions.values())) {
            if (s.expiresAt != null && !now.isBefore(s.expiresAt)) {
                LOG.debug("session {} expired (TTL {})", s.id, s.ttl);
                invalidate(s, now);
            }
        }
    }

    // ---------------------------------------------------------------- KV

    synchronized KvEntry kvGet(String key) {
        return kv.get(key);
    }

    synchronized List<KvEntry> kvList(String prefix) {
        return List.copyOf(kv.subMap(prefix, true, prefix + Character.MAX_VALUE, false).values());
    }

    /** The index a read of {@code prefix} reports: the newest change under it, else the KV table's. */
    synchronized long kvIndexFor(String key, boolean prefix) {
        long max = 0;
        if (prefix) {
            for (KvEntry e : kv.subMap(key, true, key + Character.MAX_VALUE, false).values()) {
                max = Math.max(max, e.modifyIndex);
            }
            for (Map.Entry<String, Long> t : tombstones.entrySet()) {
                if (t.getKey().startsWith(key)) {
                    max = Math.max(max, t.getValue());
                }
            }
        } else {
            KvEntry e = kv.get(key);
            max = e != null ? e.modifyIndex : tombstones.getOrDefault(key, 0L);
        }
        return max == 0 ? kvIndex : max;
    }

    /**
     * A KV write. {@code cas} null means unconditional; {@code acquire}/{@code release} name a session.
     *
     * @return whether the write happened
     */
    synchronized boolean kvPut(String key, byte[] value, long flags, Long cas, String acquire, String release) {
        KvEntry existing = kv.get(key);
        if (cas != null) {
            if (cas == 0 ? existing != null : existing == null || existing.modifyIndex != cas) {
                return false;
            }
        }
        String lockSession = existing == null ? null : existing.session;
        long lockIndex = existing == null ? 0 : existing.lockIndex;
        if (acquire != null) {
            Session s = sessions.get(acquire);
            if (s == null) {
                throw ConsulException.rpc("Invalid session \"" + acquire + "\"");
            }
            Instant delay = lockDelays.get(key);
            if (delay != null && clock.instant().isBefore(delay)) {
                return false;
            }
            if (lockSession != null && !lockSession.equals(acquire)) {
                return false;
            }
            if (lockSession == null) {
                lockIndex++;
            }
            lockSession = acquire;
        }
        if (release != null) {
            if (!sessions.containsKey(release)) {
                throw ConsulException.rpc("Invalid session \"" + release + "\"");
            }
            if (existing == null || !release.equals(lockSession)) {
                return false;
            }
            lockSession = null;
        }
        long i = bump();
        KvEntry e = existing != null ? existing : new KvEntry(key);
        if (existing == null) {
            e.createIndex = i;
        }
        e.value = value;
        e.flags = flags;
        e.modifyIndex = i;
        e.lockIndex = lockIndex;
        e.session = lockSession;
        kv.put(key, e);
        tombstones.remove(key);
        kvIndex = i;
        return true;
    }

    /** A KV delete; with {@code cas} only when the entry's ModifyIndex matches. */
    synchronized boolean kvDelete(String key, boolean recurse, Long cas) {
        if (cas != null) {
            KvEntry existing = kv.get(key);
            if (existing == null) {
                return cas == 0;
            }
            if (existing.modifyIndex != cas) {
                return false;
            }
        }
        List<String> doomed = recurse ? List.copyOf(kv.subMap(key, true, key + Character.MAX_VALUE, false).keySet())
                : kv.containsKey(key) ? List.of(key) : List.of();
        if (doomed.isEmpty()) {
            return true;
        }
        long i = bump();
        for (String k : doomed) {
            kv.remove(k);
            tombstones.put(k, i);
        }
        kvIndex = i;
        return true;
    }

    // ---------------------------------------------------------------- sessions

    synchronized Session createSession(Session s) {
        if (s.node == null || s.node.isEmpty()) {
            throw ConsulException.rpc("Must provide Node");
        }
        if (!s.behavior.equals("release") && !s.behavior.equals("delete")) {
            throw ConsulException.rpc("Invalid Behavior setting '" + s.behavior + "'");
        }
        if (!s.ttl.isEmpty()) {
            Duration ttl;
            try {
                ttl = GoDuration.parse(s.ttl);
            } catch (IllegalArgumentException e) {
                throw ConsulException.rpc("Session TTL '" + s.ttl + "' invalid: " + e.getMessage());
            }
            if (!ttl.isZero() && (ttl.compareTo(SESSION_TTL_MIN) < 0 || ttl.compareTo(SESSION_TTL_MAX) > 0)) {
                throw ConsulException.rpc("Invalid Session TTL '" + ttl.toNanos() + "', must be between ["
                        + GoDuration.format(SESSION_TTL_MIN) + "=" + GoDuration.format(SESSION_TTL_MAX) + "]");
            }
            s.ttlDuration = ttl.isZero() ? null : ttl;
        }
        if (!s.node.equals(NODE)) {
            throw ConsulException.rpc("Missing node registration");
        }
        for (String checkId : s.checks) {
            if (checkId.equals(SERF_CHECK)) {
                continue;
            }
            Check c = checks.get(checkId);
            if (c == null) {
                throw ConsulException.rpc("Missing check '" + checkId + "' registration");
            }
            if (c.status.equals("critical")) {
                throw ConsulException.rpc("Check '" + checkId + "' is in critical state");
            }
        }
        s.id = uuid();
        long i = bump();
        s.createIndex = i;
        s.modifyIndex = i;
        armTtl(s);
        sessions.put(s.id, s);
        sessionIndex = i;
        return s;
    }

    private void armTtl(Session s) {
        s.expiresAt = s.ttlDuration == null ? null : clock.instant().plus(s.ttlDuration.multipliedBy(SESSION_TTL_MULTIPLIER));
    }

    synchronized Session session(String id) {
        return sessions.get(id);
    }

    synchronized List<Session> sessions() {
        return List.copyOf(sessions.values());
    }

    /** Renews a session's TTL; null when the session does not exist. */
    synchronized Session renewSession(String id) {
        Session s = sessions.get(id);
        if (s != null) {
            armTtl(s);
        }
        return s;
    }

    synchronized void destroySession(String id) {
        Session s = sessions.get(id);
        if (s != null) {
            invalidate(s, clock.instant());
        }
    }

    /** Ends a session the way Consul does: held keys released or deleted, lock-delay armed. */
    private void invalidate(Session s, Instant now) {
        if (sessions.remove(s.id) == null) {
            return;
        }
        long i = bump();
        boolean kvChanged = false;
        for (Iterator<KvEntry> it = kv.values().iterator(); it.hasNext(); ) {
            KvEntry e = it.next();
            if (!s.id.equals(e.session)) {
                continue;
            }
            kvChanged = true;
            if (!s.lockDelay.isZero()) {
                lockDelays.put(e.key, now.plus(s.lockDelay));
            }
            if (s.behavior.equals("delete")) {
                it.remove();
                tombstones.put(e.key, i);
            } else {
                e.session = null;
                e.modifyIndex = i;
            }
        }
        if (kvChanged) {
            kvIndex = i;
        }
        sessionIndex = i;
    }

    // ---------------------------------------------------------------- services and checks

    synchronized void registerService(Service s, List<Check> newChecks) {
        long i = bump();
        Service old = services.get(s.id);
        s.createIndex = old == null ? i : old.createIndex;
        s.modifyIndex = i;
        services.put(s.id, s);
        for (Check c : List.copyOf(checks.values())) {
            if (c.serviceId.equals(s.id) && newChecks.stream().noneMatch(n -> n.id.equals(c.id))) {
                checks.remove(c.id);
            }
        }
        for (Check c : newChecks) {
            putCheck(c, i);
        }
        catalogIndex = i;
    }

    synchronized void registerCheck(Check c) {
        long i = bump();
        putCheck(c, i);
        catalogIndex = i;
    }

    private void putCheck(Check c, long i) {
        Check old = checks.get(c.id);
        c.createIndex = old == null ? i : old.createIndex;
        c.modifyIndex = i;
        Instant now = clock.instant();
        if (c.status.equals("critical")) {
            c.criticalSince = old != null && old.criticalSince != null ? old.criticalSince : now;
        }
        if (c.ttl != null && !c.status.equals("critical")) {
            c.ttlDeadline = now.plus(c.ttl);
        }
        checks.put(c.id, c);
    }

    /** @return whether the service existed */
    synchronized boolean deregisterService(String id) {
        if (services.remove(id) == null) {
            return false;
        }
        checks.values().removeIf(c -> c.serviceId.equals(id));
        catalogIndex = bump();
        return true;
    }

    /** @return whether the check existed */
    synchronized boolean deregisterCheck(String id) {
        if (checks.remove(id) == null) {
            return false;
        }
        catalogIndex = bump();
        return true;
    }

    /** Sets a TTL check's status; 404/500 answers as Consul's when the check is unknown or not TTL. */
    synchronized void updateTtl(String id, String status, String output) {
        Check c = checks.get(id);
        if (c == null) {
            throw ConsulException.notFound("Unknown check ID \"" + id + "\". Ensure that the check ID is passed, not the check name.");
        }
        if (!c.type.equals("ttl")) {
            throw ConsulException.rpc("CheckID \"" + id + "\" does not have associated TTL");
        }
        Instant now = clock.instant();
        c.ttlDeadline = now.plus(c.ttl);
        setStatus(c, status, output == null ? "" : output, now);
    }

    synchronized Service service(String id) {
        return services.get(id);
    }

    synchronized List<Service> services() {
        return List.copyOf(services.values());
    }

    synchronized List<Check> checks() {
        return List.copyOf(checks.values());
    }

    synchronized Check check(String id) {
        return checks.get(id);
    }

    synchronized long nodeCreateIndex() {
        return nodeCreateIndex;
    }

    // ---------------------------------------------------------------- config entries

    synchronized ConfigEntry configEntry(String kind, String name) {
        return config.get(kind + "/" + name);
    }

    synchronized List<ConfigEntry> configEntries(String kind) {
        return List.copyOf(config.subMap(kind + "/", true, kind + "/" + Character.MAX_VALUE, false).values());
    }

    /** Upserts an entry; with {@code cas} only when the ModifyIndex matches (0: only when absent). */
    synchronized boolean putConfig(ConfigEntry entry, Long cas) {
        ConfigEntry old = config.get(entry.kind + "/" + entry.name);
        if (cas != null && (cas == 0 ? old != null : old == null || old.modifyIndex != cas)) {
            return false;
        }
        long i = bump();
        entry.createIndex = old == null ? i : old.createIndex;
        entry.modifyIndex = i;
        config.put(entry.kind + "/" + entry.name, entry);
        configIndex = i;
        return true;
    }

    synchronized boolean deleteConfig(String kind, String name, Long cas) {
        ConfigEntry old = config.get(kind + "/" + name);
        if (cas != null && (old == null || old.modifyIndex != cas)) {
            return false;
        }
        if (old != null) {
            config.remove(kind + "/" + name);
            configIndex = bump();
        }
        return true;
    }
}

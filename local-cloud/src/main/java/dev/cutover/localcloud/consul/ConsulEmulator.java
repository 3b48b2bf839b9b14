package dev.cutover.localcloud.consul;

import dev.cutover.localcloud.SimClock;
import dev.cutover.localcloud.internal.consul.ConsulAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A Consul agent (and single-node server) on 127.0.0.1 that unmodified Consul clients talk to over
 * Consul's HTTP API: agent services and checks, catalog, health, KV with check-and-set and locks,
 * sessions, config entries, status, blocking queries and an optional ACL token.
 *
 * <pre>{@code
 * try (ConsulEmulator consul = ConsulEmulator.builder().aclToken("root").start()) {
 *     Consul client = Consul.builder()
 *         .withUrl(consul.endpoint().toString())
 *         .withAclToken("root")
 *         .build();
 *     client.keyValueClient().putValue("cutover/prod/orders/replicas", "3");
 *     consul.clock().advance(Duration.ofSeconds(30)); // TTLs, checks and blocking queries follow
 * }
 * }</pre>
 *
 * <p>Time: everything that waits (session TTLs, TTL checks, check intervals, blocking-query
 * timeouts, lock delays, {@code DeregisterCriticalServiceAfter}) is measured on the
 * {@link SimClock}, so with a virtual clock nothing expires until the test advances it.
 *
 * <p>Health: HTTP, TCP and gRPC checks never open a connection; the {@link HealthOracle} decides
 * their status on every interval (default: passing). Checks start {@code critical} (unless the
 * definition sets {@code Status}), as in Consul, until the first evaluation on the next clock tick
 * or {@link #runHealthChecks()}.
 *
 * <p>Deliberate simplifications (one node, sessions invalidated at exactly 2&times;TTL, one
 * all-powerful ACL token, ...) are listed in {@code docs/local-cloud-consul.md}.
 */
public final class ConsulEmulator implements AutoCloseable {

    private final SimClock clock;
    private final boolean ownsClock;
    private final ConsulAgent agent;

    private ConsulEmulator(Builder b) {
        this.clock = b.clock != null ? b.clock : SimClock.virtual(Instant.parse("2026-01-01T00:00:00Z"));
        this.ownsClock = b.clock == null;
        try {
            this.agent = new ConsulAgent(clock, b.port, b.aclToken, b.seed);
        } catch (IOException e) {
            if (ownsClock) {
                clock.close();
            }
            throw new UncheckedIOException("could not bind the Consul emulator to 127.0.0.1:" + b.port, e);
        }
        agent.oracle(b.oracle);
        if (b.faults instanceof dev.cutover.localcloud.internal.aws.AwsServer.RequestGate gate) {
            agent.gate(gate);
        }
    }

    /** Starts an emulator with a virtual clock, no ACL, on a free port of 127.0.0.1. */
    public static ConsulEmulator start() {
        return builder().start();
    }

    /** A builder for an emulator with a chosen clock, port, ACL token, seed or health oracle. */
    public static Builder builder() {
        return new Builder();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}, for {@code Consul.builder().withUrl(...)}. */
    public URI endpoint() {
        return agent.endpoint();
    }

    /** The clock every timeout of this emulator is measured on. */
    public SimClock clock() {
        return clock;
    }

    /**
     * Replaces the oracle that decides HTTP/TCP/gRPC checks; takes effect at the next evaluation.
     * This is where a simulation of tasks plugs in, so a bad artifact shows as critical in Consul.
     */
    public void healthOracle(HealthOracle oracle) {
        agent.oracle(Objects.requireNonNull(oracle, "oracle"));
    }

    /** Evaluates every HTTP/TCP/gRPC check through the oracle now, without waiting for its interval. */
    public void runHealthChecks() {
        agent.runChecksNow();
    }

    /** The current value of a key as UTF-8, for assertions; empty when the key does not exist. */
    public Optional<String> kvValue(String key) {
        return agent.kv(Objects.requireNonNull(key, "key")).map(v -> new String(v, StandardCharsets.UTF_8));
    }

    /** The session holding the lock on a key, if any. */
    public Optional<String> lockHolder(String key) {
        return agent.kvSession(Objects.requireNonNull(key, "key"));
    }

    /** The status ({@code passing}, {@code warning}, {@code critical}) of a check, if registered. */
    public Optional<String> checkStatus(String checkId) {
        return agent.checkStatus(Objects.requireNonNull(checkId, "checkId"));
    }

    /** The number of live sessions. */
    public int sessionCount() {
        return agent.sessionCount();
    }

    /** The current Raft-like index (what {@code X-Consul-Index} is derived from). */
    public long index() {
        return agent.index();
    }

    /**
     * Waits (wall-clock, at most {@code timeout}) until at least {@code count} blocking queries are
     * parked in the emulator, so a test can advance a virtual clock knowing the query is waiting.
     *
     * @return whether that many queries were parked in time
     */
    public boolean awaitBlockingQueries(int count, Duration timeout) {
        try {
            return agent.awaitBlockingQueries(count, Objects.requireNonNull(timeout, "timeout"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the server (parked blocking queries answer at once) and, if it made it, the clock. */
    @Override
    public void close() {
        agent.close();
        if (ownsClock) {
            clock.close();
        }
    }

    /** Options for a Consul emulator. */
    public static final class Builder {
        private SimClock clock;
        private int port;
        private String aclToken;
        private long seed = 42L;
        private HealthOracle oracle = HealthOracle.alwaysPassing();
        private dev.cutover.localcloud.Faults faults;

        private Builder() {
        }

        /** The clock (default: a virtual clock at 2026-01-01T00:00:00Z, closed with the emulator). */
        public Builder clock(SimClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The port on 127.0.0.1 (default 0: a free one). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Turns ACLs on: every request except {@code /v1/status/*} and {@code /v1/catalog/datacenters}
         * must carry this token ({@code X-Consul-Token}, {@code Authorization: Bearer} or
         * {@code ?token=}); without one it gets 403 for the anonymous token, with another one 403
         * "ACL not found".
         */
        public Builder aclToken(String token) {
            Objects.requireNonNull(token, "token");
            if (token.isBlank()) {
                throw new IllegalArgumentException("aclToken must not be blank");
            }
            this.aclToken = token;
            return this;
        }

        /** The seed for session IDs and blocking-query jitter (default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The oracle for HTTP/TCP/gRPC checks (default: {@link HealthOracle#alwaysPassing()}). */
        public Builder healthOracle(HealthOracle oracle) {
            this.oracle = Objects.requireNonNull(oracle, "oracle");
            return this;
        }

        /**
         * Injects the faults of a local cloud ({@code cloud.faults()}) into this emulator's HTTP API as
         * service {@code consul}: {@code serverErrors("consul", p)} answers 500 "No cluster leader",
         * {@code dropConnections("consul", n)} closes connections unanswered, {@code latency},
         * {@code lostResponseRate}/{@code loseResponses} apply a write and then drop the connection before
         * its answer (reads are never "lost"), {@code outage("consul", true)} answers every request with 500.
         * The operation names are {@code <METHOD> /v1/<path>} ({@code loseResponses("consul", "PUT /v1/kv", 1)}
         * matches by prefix). {@code LocalCloud} wires its own; a standalone emulator has none.
         */
        public Builder faults(dev.cutover.localcloud.Faults faults) {
            this.faults = Objects.requireNonNull(faults, "faults");
            return this;
        }

        /** Binds the port and starts answering. */
        public ConsulEmulator start() {
            return new ConsulEmulator(this);
        }
    }
}

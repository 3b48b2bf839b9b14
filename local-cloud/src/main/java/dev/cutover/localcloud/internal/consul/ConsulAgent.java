package dev.cutover.localcloud.internal.consul;

import dev.cutover.localcloud.SimClock;
import dev.cutover.localcloud.consul.HealthOracle;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The machinery behind {@code ConsulEmulator}: one store, one HTTP server with every endpoint
 * mounted, and a clock listener that drives session TTLs, TTL checks, oracle checks and the
 * deadlines of blocking queries.
 */
public final class ConsulAgent implements AutoCloseable {

    private final SimClock clock;
    private final ConsulStore store;
    private final ConsulHttpServer server;
    private final Consumer<Instant> listener;

    public ConsulAgent(SimClock clock, int port, String aclToken, long seed) throws IOException {
        this.clock = clock;
        this.store = new ConsulStore(clock, seed);
        this.server = new ConsulHttpServer(store, port, aclToken);
        new KvEndpoints(store).register(server);
        new SessionEndpoints(store).register(server);
        new AgentEndpoints(store).register(server);
        new ConfigEndpoints(store).register(server);
        this.listener = store::tick;
        clock.addListener(listener);
        server.start();
    }

    public URI endpoint() {
        return server.endpoint();
    }

    /** Faults injected into the HTTP API (the local cloud's, as service {@code consul}). */
    public void gate(dev.cutover.localcloud.internal.aws.AwsServer.RequestGate gate) {
        server.gate(gate);
    }

    public void oracle(HealthOracle oracle) {
        store.oracle(oracle);
    }

    public void runChecksNow() {
        store.runChecksNow();
    }

    public boolean awaitBlockingQueries(int count, Duration timeout) throws InterruptedException {
        return store.awaitWaiting(count, timeout);
    }

    public long index() {
        return store.index();
    }

    public Optional<byte[]> kv(String key) {
        ConsulStore.KvEntry e = store.kvGet(key);
        return e == null ? Optional.empty() : Optional.of(e.value == null ? new byte[0] : e.value.clone());
    }

    public Optional<String> kvSession(String key) {
        ConsulStore.KvEntry e = store.kvGet(key);
        return e == null ? Optional.empty() : Optional.ofNullable(e.session);
    }

    public Optional<String> checkStatus(String checkId) {
        ConsulStore.Check c = store.check(checkId);
        return c == null ? Optional.empty() : Optional.of(c.status);
    }

    public int sessionCount() {
        return store.sessions().size();
    }

    @Override
    public void close() {
        clock.removeListener(listener);
        server.close();
    }
}

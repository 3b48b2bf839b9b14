package dev.cutover.localcloud.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.orbitz.consul.Consul;
import com.orbitz.consul.ConsulException;
import com.orbitz.consul.KeyValueClient;
import com.orbitz.consul.SessionClient;
import com.orbitz.consul.model.session.ImmutableSession;
import com.orbitz.consul.model.session.SessionInfo;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsulSessionLockTest {

    private static final String LOCK = "cutover/locks/prod/orders";

    private ConsulEmulator consul;

    @BeforeEach
    void start() {
        consul = ConsulEmulator.start();
    }

    @AfterEach
    void stop() {
        consul.close();
    }

    private Consul client() {
        return Consul.builder().withUrl(consul.endpoint().toString()).build();
    }

    private static String session(Consul client, String name, String ttl, String behavior) {
        return client.sessionClient().createSession(ImmutableSession.builder()
                .name(name).ttl(ttl).behavior(behavior).lockDelay("0s").build()).getId();
    }

    @Test
    void sessionLifecycleThroughTheClient() {
        SessionClient sessions = client().sessionClient();
        String id = sessions.createSession(ImmutableSession.builder().name("deployer").ttl("15s").build()).getId();

        SessionInfo info = sessions.getSessionInfo(id).orElseThrow();
        assertThat(info.getName()).contains("deployer");
        assertThat(info.getTtl()).contains("15s");
        assertThat(info.getBehavior()).isEqualTo("release");
        assertThat(info.getLockDelay()).isEqualTo(Duration.ofSeconds(15).toNanos());
        assertThat(info.getNode()).isEqualTo("local-cloud");
        assertThat(sessions.listSessions()).extracting(SessionInfo::getId).containsExactly(id);
        assertThat(sessions.renewSession(id)).isPresent();
        assertThat(ConsulRawHttp.get(consul, "/v1/session/node/local-cloud").body()).contains(id);

        sessions.destroySession(id);
        assertThat(sessions.getSessionInfo(id)).isEmpty();
        assertThat(ConsulRawHttp.put(consul, "/v1/session/renew/" + id, null).statusCode()).isEqualTo(404);
        assertThat(ConsulRawHttp.put(consul, "/v1/session/renew/" + id, null).body()).isEqualTo("Session id '" + id + "' not found");
    }

    @Test
    void sessionTtlAndBehaviourAreValidated() {
        HttpResponse<String> shortTtl = ConsulRawHttp.put(consul, "/v1/session/create", "{\"TTL\":\"5s\"}");
        assertThat(shortTtl.statusCode()).isEqualTo(500);
        assertThat(shortTtl.body()).isEqualTo("Invalid Session TTL '5000000000', must be between [10s=24h0m0s]");
        assertThat(ConsulRawHttp.put(consul, "/v1/session/create", "{\"TTL\":\"soon\"}").body()).startsWith("Session TTL 'soon' invalid: ");
        assertThat(ConsulRawHttp.put(consul, "/v1/session/create", "{\"Behavior\":\"explode\"}").body())
                .isEqualTo("Invalid Behavior setting 'explode'");
        assertThat(ConsulRawHttp.put(consul, "/v1/session/create", "{not json").statusCode()).isEqualTo(400);
        assertThat(ConsulRawHttp.put(consul, "/v1/session/create", "{\"TTL\":\"86400s\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void twoDeployersRacingForTheLockExactlyOneWins() throws Exception {
        Consul a = client();
        Consul b = client();
        String sessionA = session(a, "deployer-a", "30s", "release");
        String sessionB = session(b, "deployer-b", "30s", "release");
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Callable<Boolean>> racers = List.of(
                    () -> { go.await(); return a.keyValueClient().acquireLock(LOCK, "deployer-a", sessionA); },
                    () -> { go.await(); return b.keyValueClient().acquireLock(LOCK, "deployer-b", sessionB); });
            List<Future<Boolean>> results = new ArrayList<>();
            racers.forEach(r -> results.add(pool.submit(r)));
            go.countDown();
            boolean wonA = results.get(0).get(60, TimeUnit.SECONDS);
            boolean wonB = results.get(1).get(60, TimeUnit.SECONDS);
            assertThat(wonA ^ wonB).as("exactly one deployer holds the lock").isTrue();
            String winner = wonA ? sessionA : sessionB;
            assertThat(consul.lockHolder(LOCK)).contains(winner);
            assertThat(a.keyValueClient().getValue(LOCK).orElseThrow().getLockIndex()).isEqualTo(1);
            // the holder may re-acquire; the loser still cannot
            KeyValueClient winnerKv = (wonA ? a : b).keyValueClient();
            KeyValueClient loserKv = (wonA ? b : a).keyValueClient();
            assertThat(winnerKv.acquireLock(LOCK, "again", winner)).isTrue();
            assertThat(loserKv.acquireLock(LOCK, "me", wonA ? sessionB : sessionA)).isFalse();
            assertThat(loserKv.releaseLock(LOCK, wonA ? sessionB : sessionA)).isFalse();
            assertThat(winnerKv.releaseLock(LOCK, winner)).isTrue();
            assertThat(consul.lockHolder(LOCK)).isEmpty();
            assertThat(loserKv.acquireLock(LOCK, "me", wonA ? sessionB : sessionA)).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anExpiredSessionFreesTheLockAfterTwiceItsTtl() {
        Consul crashed = client();
        Consul next = client();
        String dead = session(crashed, "crashed", "10s", "release");
        assertThat(crashed.keyValueClient().acquireLock(LOCK, "crashed", dead)).isTrue();
        String alive = session(next, "next", "60s", "release");
        assertThat(next.keyValueClient().acquireLock(LOCK, "next", alive)).isFalse();

        consul.clock().advance(Duration.ofSeconds(19));
        assertThat(consul.lockHolder(LOCK)).as("Consul keeps a session up to 2x TTL").contains(dead);

        consul.clock().advance(Duration.ofSeconds(1));
        assertThat(consul.lockHolder(LOCK)).isEmpty();
        assertThat(crashed.sessionClient().getSessionInfo(dead)).isEmpty();
        assertThat(consul.kvValue(LOCK)).as("release behaviour keeps the key").contains("crashed");
        assertThat(next.keyValueClient().acquireLock(LOCK, "next", alive)).isTrue();
    }

    @Test
    void renewingKeepsTheSessionAlive() {
        Consul c = client();
        String id = session(c, "renewer", "10s", "release");
        for (int i = 0; i < 5; i++) {
            consul.clock().advance(Duration.ofSeconds(15));
            assertThat(c.sessionClient().renewSession(id)).isPresent();
        }
        assertThat(consul.sessionCount()).isEqualTo(1);
    }

    @Test
    void deleteBehaviourRemovesHeldKeysAndLockDelayIsHonoured() {
        Consul c = client();
        String id = c.sessionClient().createSession(ImmutableSession.builder()
                .name("ephemeral").ttl("10s").behavior("delete").lockDelay("15s").build()).getId();
        assertThat(c.keyValueClient().acquireLock(LOCK, "held", id)).isTrue();
        c.sessionClient().destroySession(id);
        assertThat(consul.kvValue(LOCK)).isEmpty();

        String other = session(c, "other", "60s", "release");
        assertThat(c.keyValueClient().acquireLock(LOCK, "too soon", other)).as("inside the lock-delay").isFalse();
        consul.clock().advance(Duration.ofSeconds(15));
        assertThat(c.keyValueClient().acquireLock(LOCK, "now", other)).isTrue();
    }

    @Test
    void unknownSessionsAreRejected() {
        KeyValueClient kv = client().keyValueClient();
        assertThatThrownBy(() -> kv.acquireLock(LOCK, "x", "00000000-0000-0000-0000-000000000000"))
                .isInstanceOf(ConsulException.class)
                .satisfies(e -> assertThat(((ConsulException) e).getCode()).isEqualTo(500));
        HttpResponse<String> raw = ConsulRawHttp.put(consul, "/v1/kv/" + LOCK + "?acquire=nope", "x");
        assertThat(raw.statusCode()).isEqualTo(500);
        assertThat(raw.body()).isEqualTo("Invalid session \"nope\"");
        assertThat(ConsulRawHttp.get(consul, "/v1/session/info/nope").body()).isEqualTo("[]");
        assertThat(ConsulRawHttp.put(consul, "/v1/session/destroy/nope", null).body()).isEqualTo("true");
        assertThat(ConsulRawHttp.put(consul, "/v1/session/create", "{\"Node\":\"elsewhere\"}").body())
                .isEqualTo("Missing node registration");
    }
}

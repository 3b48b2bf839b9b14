package dev.cutover.localcloud.consul;

import static dev.cutover.localcloud.consul.ConsulRawHttp.get;
import static dev.cutover.localcloud.consul.ConsulRawHttp.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.orbitz.consul.Consul;
import com.orbitz.consul.ConsulException;
import com.orbitz.consul.KeyValueClient;
import com.orbitz.consul.model.ConsulResponse;
import com.orbitz.consul.model.kv.Value;
import com.orbitz.consul.option.ImmutableDeleteOptions;
import com.orbitz.consul.option.ImmutablePutOptions;
import com.orbitz.consul.option.QueryOptions;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsulKvTest {

    private ConsulEmulator consul;
    private KeyValueClient kv;

    @BeforeEach
    void start() {
        consul = ConsulEmulator.start();
        kv = Consul.builder().withUrl(consul.endpoint().toString()).build().keyValueClient();
    }

    @AfterEach
    void stop() {
        consul.close();
    }

    @Test
    void putGetListAndDeleteThroughTheClient() {
        assertThat(kv.putValue("cutover/prod/orders/replicas", "3")).isTrue();
        assertThat(kv.putValue("cutover/prod/orders/image", "orders:1.2.0", 7L)).isTrue();
        assertThat(kv.putValue("cutover/prod/payments/replicas", "2")).isTrue();

        Value value = kv.getValue("cutover/prod/orders/image").orElseThrow();
        assertThat(value.getValueAsString()).contains("orders:1.2.0");
        assertThat(value.getFlags()).isEqualTo(7L);
        assertThat(value.getCreateIndex()).isPositive().isEqualTo(value.getModifyIndex());
        assertThat(value.getLockIndex()).isZero();
        assertThat(value.getSession()).isEmpty();

        assertThat(kv.getValuesAsString("cutover/prod/orders/")).containsExactly("orders:1.2.0", "3");
        assertThat(kv.getKeys("cutover/prod/")).containsExactly(
                "cutover/prod/orders/image", "cutover/prod/orders/replicas", "cutover/prod/payments/replicas");
        assertThat(kv.getKeys("cutover/prod/", "/")).containsExactly("cutover/prod/orders/", "cutover/prod/payments/");

        kv.deleteKeys("cutover/prod/orders");
        assertThat(kv.getValue("cutover/prod/orders/replicas")).isEmpty();
        assertThat(kv.getValueAsString("cutover/prod/payments/replicas")).contains("2");
        kv.deleteKey("cutover/prod/payments/replicas");
        assertThat(kv.getValue("cutover/prod/payments/replicas")).isEmpty();
    }

    @Test
    void rawReadsAndWireFormat() {
        kv.putValue("app/config", "hello");
        HttpResponse<String> raw = get(consul, "/v1/kv/app/config?raw");
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.body()).isEqualTo("hello");
        assertThat(raw.headers().firstValue("Content-Type")).contains("text/plain");

        HttpResponse<String> json = get(consul, "/v1/kv/app/config");
        assertThat(json.body()).contains("\"Key\":\"app/config\"", "\"Value\":\"aGVsbG8=\"", "\"Flags\":0", "\"LockIndex\":0");
        assertThat(json.headers().firstValue("X-Consul-Index")).isPresent();
        assertThat(json.headers().firstValue("X-Consul-KnownLeader")).contains("true");
        assertThat(json.headers().firstValue("X-Consul-LastContact")).contains("0");

        HttpResponse<String> missing = get(consul, "/v1/kv/app/missing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEmpty();
        assertThat(missing.headers().firstValue("X-Consul-Index")).isPresent();
    }

    @Test
    void checkAndSetDetectsAConflict() {
        assertThat(kv.putValue("cfg/orders", "v1", 0, ImmutablePutOptions.builder().cas(0L).build())).isTrue();
        assertThat(kv.putValue("cfg/orders", "again", 0, ImmutablePutOptions.builder().cas(0L).build()))
                .as("cas=0 only creates").isFalse();
        long seen = kv.getValue("cfg/orders").orElseThrow().getModifyIndex();

        assertThat(kv.putValue("cfg/orders", "writer-a", 0, ImmutablePutOptions.builder().cas(seen).build())).isTrue();
        assertThat(kv.putValue("cfg/orders", "writer-b", 0, ImmutablePutOptions.builder().cas(seen).build()))
                .as("the second writer with a stale index loses").isFalse();
        assertThat(kv.getValueAsString("cfg/orders")).contains("writer-a");

        assertThat(put(consul, "/v1/kv/cfg/orders?cas=notanumber", "x").statusCode()).isEqualTo(400);
        assertThat(ConsulRawHttp.send(consul, "DELETE", "/v1/kv/cfg/orders?cas=" + seen, null).body()).isEqualTo("false");
        long current = kv.getValue("cfg/orders").orElseThrow().getModifyIndex();
        kv.deleteKey("cfg/orders", ImmutableDeleteOptions.builder().cas(current).build());
        assertThat(kv.getValue("cfg/orders")).isEmpty();
    }

    @Test
    void oversizedValuesAreRejectedWithConsulsMessage() {
        byte[] big = new byte[512 * 1024 + 1];
        assertThatThrownBy(() -> kv.putValue("blob/big", big, 0, ImmutablePutOptions.builder().build()))
                .isInstanceOf(ConsulException.class)
                .satisfies(e -> assertThat(((ConsulException) e).getCode()).isEqualTo(413));
        HttpResponse<String> raw = put(consul, "/v1/kv/blob/big", "x".repeat(512 * 1024 + 1));
        assertThat(raw.statusCode()).isEqualTo(413);
        assertThat(raw.body()).startsWith("Request body(524289 bytes) too large, max size: 524288 bytes.");
        assertThat(kv.putValue("blob/ok", new byte[512 * 1024], 0, ImmutablePutOptions.builder().build())).isTrue();
    }

    @Test
    void invalidKeysAreAnsweredLikeConsul() {
        assertThat(put(consul, "/v1/kv/", "x").statusCode()).isEqualTo(400);
        assertThat(put(consul, "/v1/kv/", "x").body()).isEqualTo("Missing key name");
        assertThat(get(consul, "/v1/kv/").body()).isEqualTo("Missing key name");
        HttpResponse<String> slash = put(consul, "/v1/kv//leading", "x");
        assertThat(slash.statusCode()).isEqualTo(400);
        assertThat(slash.body()).isEqualTo("key must not begin with a '/'");
        HttpResponse<String> bad = put(consul, "/v1/kv/a%20b", "x");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).startsWith("key contains invalid character ' ' at position 1");
        assertThat(put(consul, "/v1/kv/a?cas=1&acquire=x", "x").body()).startsWith("Conflicting flags: ");
    }

    @Test
    void blockingQueryReturnsAsSoonAsTheKeyChanges() throws Exception {
        kv.putValue("watch/me", "1");
        ConsulResponse<Value> first = kv.getConsulResponseWithValue("watch/me").orElseThrow();
        BigInteger index = first.getIndex();

        CompletableFuture<Optional<ConsulResponse<Value>>> blocked = CompletableFuture.supplyAsync(
                () -> kv.getConsulResponseWithValue("watch/me", QueryOptions.blockSeconds(60, index).build()));
        assertThat(consul.awaitBlockingQueries(1, Duration.ofSeconds(60))).isTrue();
        assertThat(blocked).isNotDone();

        kv.putValue("watch/me", "2");
        ConsulResponse<Value> changed = blocked.get(60, TimeUnit.SECONDS).orElseThrow();
        assertThat(changed.getResponse().getValueAsString()).contains("2");
        assertThat(changed.getIndex()).isGreaterThan(index);
    }

    @Test
    void blockingQueryTimesOutWhenTheVirtualClockPassesTheWait() throws Exception {
        kv.putValue("watch/quiet", "1");
        BigInteger index = kv.getConsulResponseWithValue("watch/quiet").orElseThrow().getIndex();

        CompletableFuture<Optional<ConsulResponse<Value>>> blocked = CompletableFuture.supplyAsync(
                () -> kv.getConsulResponseWithValue("watch/quiet", QueryOptions.blockSeconds(5, index).build()));
        assertThat(consul.awaitBlockingQueries(1, Duration.ofSeconds(60))).isTrue();
        kv.putValue("watch/other", "unrelated"); // another key's write does not release it
        consul.clock().advance(Duration.ofSeconds(4));
        assertThat(blocked).isNotDone();

        consul.clock().advance(Duration.ofSeconds(2)); // past 5s + jitter (at most 5s/16)
        ConsulResponse<Value> timedOut = blocked.get(60, TimeUnit.SECONDS).orElseThrow();
        assertThat(timedOut.getIndex()).isEqualTo(index);
        assertThat(timedOut.getResponse().getValueAsString()).contains("1");
    }

    @Test
    void blockingParametersAreValidated() {
        assertThat(get(consul, "/v1/kv/x?index=1&wait=soon").body()).isEqualTo("Invalid wait time");
        assertThat(get(consul, "/v1/kv/x?index=-3").body()).isEqualTo("Invalid index");
    }
}

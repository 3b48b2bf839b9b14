package dev.cutover.localcloud.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.orbitz.consul.Consul;
import com.orbitz.consul.ConsulException;
import dev.cutover.localcloud.LocalCloud;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The local cloud's faults reach its Consul emulator as service {@code consul}, through the real
 * Consul client: a server error is Consul's 500 "No cluster leader", a dropped connection ends the
 * request unanswered, a lost response applies the write and then drops the connection, reads are
 * never "lost", and Consul is never throttled like an AWS API.
 */
class ConsulFaultsTest {

    @Test
    void serverErrorsDroppedConnectionsAndLostResponsesReachConsulThroughTheRealClient() {
        try (LocalCloud cloud = LocalCloud.start()) {
            Consul client = Consul.builder().withUrl(cloud.consul().endpoint().toString()).withPing(false).build();
            var kv = client.keyValueClient();

            cloud.faults().serverErrors("consul", 1.0);
            assertThatThrownBy(() -> kv.putValue("app/a", "1")).isInstanceOfSatisfying(ConsulException.class,
                    e -> assertThat(e.getCode()).isEqualTo(500));
            assertThat(cloud.consul().kvValue("app/a")).as("a failed write is not applied").isEmpty();
            cloud.faults().reset();

            // the JDK client, which repeats no PUT by itself (OkHttp, under the Consul client, silently retries a
            // request whose connection dropped)
            HttpClient http = HttpClient.newHttpClient();
            URI b = URI.create(cloud.consul().endpoint() + "/v1/kv/app/b");
            cloud.faults().dropConnections("consul", 1);
            assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(b).PUT(HttpRequest.BodyPublishers.ofString("1")).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
            assertThat(cloud.consul().kvValue("app/b")).as("a dropped request is not applied").isEmpty();
            assertThat(kv.putValue("app/b", "2")).as("only the next request is dropped").isTrue();
            assertThat(cloud.consul().kvValue("app/b")).contains("2");

            URI c = URI.create(cloud.consul().endpoint() + "/v1/kv/app/c");
            cloud.faults().loseResponses("consul", "PUT /v1/kv/app/c", 1);
            assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(c).PUT(HttpRequest.BodyPublishers.ofString("applied")).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
            assertThat(cloud.consul().kvValue("app/c")).as("applied, then the answer was lost").contains("applied");
            assertThat(cloud.faults().lostResponses("consul")).isEqualTo(1);

            cloud.faults().lostResponseRate("consul", 1.0);
            assertThat(kv.getValueAsString("app/c")).as("a read is never lost").contains("applied");
            cloud.faults().reset();

            for (int i = 0; i < 200; i++) {
                assertThat(kv.putValue("app/many", String.valueOf(i))).as("no AWS rate limit applies to Consul").isTrue();
            }
        }
    }
}

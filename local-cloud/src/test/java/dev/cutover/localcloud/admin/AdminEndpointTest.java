package dev.cutover.localcloud.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.junit.LocalCloudTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin endpoint {@code /_localcloud/...} over plain HTTP: images, faults, traffic, clock, bad input. */
@LocalCloudTest
class AdminEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private LocalCloud cloud;

    @BeforeEach
    void start(LocalCloud cloud) {
        this.cloud = cloud;
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(cloud.endpoint().resolve(path));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int ecsListClusters() throws Exception {
        return http.send(HttpRequest.newBuilder(cloud.endpoint())
                .header("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters")
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void scriptsImageBehaviours() throws Exception {
        HttpResponse<String> r = send("POST", "/_localcloud/images", """
                {"image":"registry.local/orders:bad","crashOnStart":true,"exitCode":3}""");
        assertThat(r.statusCode()).isEqualTo(200);
        ImageBehavior bad = cloud.images().behaviorOf("registry.local/orders:bad");
        assertThat(bad.crashOnStart()).isTrue();
        assertThat(bad.exitCode()).isEqualTo(3);

        assertThat(send("POST", "/_localcloud/images", """
                {"image":"registry.local/orders:slow","startDelaySeconds":90,"errorRate":0.25,
                 "latencyP50Millis":40,"latencyP99Millis":900}""").statusCode()).isEqualTo(200);
        ImageBehavior slow = cloud.images().behaviorOf("registry.local/orders:slow");
        assertThat(slow.startDelay()).isEqualTo(Duration.ofSeconds(90));
        assertThat(slow.errorRate()).isEqualTo(0.25);
        assertThat(slow.latencyMedian()).isEqualTo(Duration.ofMillis(40));
        assertThat(slow.latencyP99()).isEqualTo(Duration.ofMillis(900));
        assertThat(cloud.images().behaviorOf("registry.local/other:1").crashOnStart()).as("default: healthy").isFalse();
    }

    @Test
    void switchesFaultsOnAndOff() throws Exception {
        assertThat(ecsListClusters()).isEqualTo(200);
        assertThat(send("POST", "/_localcloud/faults", "{\"service\":\"ecs\",\"outage\":true}").statusCode()).isEqualTo(200);
        assertThat(ecsListClusters()).as("ECS is out").isGreaterThanOrEqualTo(500);
        assertThat(send("POST", "/_localcloud/faults", "{\"reset\":true}").statusCode()).isEqualTo(200);
        assertThat(ecsListClusters()).isEqualTo(200);

        assertThat(send("POST", "/_localcloud/faults", "{\"serverErrorRate\":1.0}").statusCode()).isEqualTo(200);
        assertThat(ecsListClusters()).as("every call of every service fails").isGreaterThanOrEqualTo(500);
        assertThat(send("POST", "/_localcloud/faults", "{\"reset\":true,\"throttling\":false}").statusCode()).isEqualTo(200);
        for (int i = 0; i < 120; i++) {
            assertThat(ecsListClusters()).as("throttling off: no burst limit").isEqualTo(200);
        }
    }

    @Test
    void setsTrafficRatesAndReadsStats() throws Exception {
        assertThat(send("POST", "/_localcloud/traffic", "{\"defaultRate\":5}").statusCode()).isEqualTo(200);
        assertThat(send("POST", "/_localcloud/traffic", "{\"service\":\"orders\",\"rate\":50}").statusCode()).isEqualTo(200);
        HttpResponse<String> stats = send("GET", "/_localcloud/traffic?cluster=prod&service=orders&seconds=60", null);
        assertThat(stats.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(stats.body()).path("revisions").isArray()).isTrue();
        assertThat(send("GET", "/_localcloud/traffic", null).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/_localcloud/traffic", "{\"defaultRate\":-1}").statusCode()).isEqualTo(400);
    }

    @Test
    void readsAndAdvancesTheVirtualClock() throws Exception {
        JsonNode clock = JSON.readTree(send("GET", "/_localcloud/clock", null).body());
        assertThat(clock.path("virtual").asBoolean()).isTrue();
        assertThat(clock.path("speed").asDouble()).as("a virtual clock runs at speed 1 of its own").isEqualTo(1.0);
        Instant before = Instant.parse(clock.path("now").asText());
        HttpResponse<String> advanced = send("POST", "/_localcloud/clock/advance?seconds=600", null);
        assertThat(advanced.statusCode()).isEqualTo(200);
        assertThat(Instant.parse(JSON.readTree(advanced.body()).path("now").asText())).isEqualTo(before.plusSeconds(600));
        assertThat(cloud.clock().instant()).isEqualTo(before.plusSeconds(600));
    }

    @Test
    void badRequestsGet4xxWithAMessageAndNeverBreakTheCloud() throws Exception {
        HttpResponse<String> malformed = send("POST", "/_localcloud/images", "{not json");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("malformed JSON");
        HttpResponse<String> missing = send("POST", "/_localcloud/images", "{\"crashOnStart\":true}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("image is required");
        assertThat(send("DELETE", "/_localcloud/images", null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/_localcloud/nothing", null).statusCode()).isEqualTo(404);
        assertThat(send("POST", "/_localcloud/clock/advance?seconds=soon", null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/_localcloud/traffic?seconds=x", null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/_localcloud/clock", null).statusCode()).as("still serving").isEqualTo(200);
    }
}

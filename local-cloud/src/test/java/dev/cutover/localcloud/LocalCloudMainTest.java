package dev.cutover.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The standalone entry point, run in-process: it starts on a free port, prints its endpoint and stops. */
class LocalCloudMainTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void startsOnAFreeLoopbackPortPrintsTheEndpointAndServesUntilClosed() throws Exception {
        URI endpoint;
        try (LocalCloud cloud = LocalCloudMain.start(new String[] {"--port", "0", "--speed", "30", "--seed", "7"}, out)) {
            String printed = bytes.toString(StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("local cloud listening on (http://127\\.0\\.0\\.1:(\\d+))").matcher(printed);
            assertThat(m.find()).as(printed).isTrue();
            endpoint = URI.create(m.group(1));
            assertThat(Integer.parseInt(m.group(2))).isPositive();
            assertThat(endpoint).isEqualTo(cloud.endpoint());
            assertThat(printed).contains("speed x30.0", "seed 7", "consul listening on " + cloud.consul().endpoint());
            assertThat(cloud.seed()).isEqualTo(7L);
            assertThat(cloud.clock().isVirtual()).isFalse();

            HttpResponse<String> clock = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(endpoint.resolve("/_localcloud/clock")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(clock.statusCode()).isEqualTo(200);
            assertThat(clock.body()).contains("\"virtual\":false");
            HttpResponse<String> advance = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(endpoint.resolve("/_localcloud/clock/advance?seconds=60"))
                            .POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(advance.statusCode()).as("a real-time clock cannot be advanced").isEqualTo(400);
        }
        URI stopped = endpoint;
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(stopped.resolve("/_localcloud/clock")).GET().build(), HttpResponse.BodyHandlers.ofString()))
                .as("closed: nothing listens any more").isInstanceOf(java.io.IOException.class);
    }

    @Test
    void helpPrintsTheUsageAndStartsNothing() {
        assertThat(LocalCloudMain.start(new String[] {"--help"}, out)).isNull();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("usage:", "--port", "--speed", "--seed");
    }

    @Test
    void badOptionsAreRejectedBeforeAnythingStarts() {
        assertThatThrownBy(() -> LocalCloudMain.start(new String[] {"--verbose"}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option --verbose");
        assertThatThrownBy(() -> LocalCloudMain.start(new String[] {"--port"}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--port needs a value");
        assertThatThrownBy(() -> LocalCloudMain.start(new String[] {"--port", "x"}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--port needs a number");
        assertThatThrownBy(() -> LocalCloudMain.start(new String[] {"--port", "70000"}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port must be 0-65535");
        assertThatThrownBy(() -> LocalCloudMain.start(new String[] {"--speed", "0"}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--speed must be a positive number");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("listening");
    }
}

package dev.cutover.localcloud.internal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.localcloud.Faults;
import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.Images;
import dev.cutover.localcloud.RevisionStats;
import dev.cutover.localcloud.SimClock;
import dev.cutover.localcloud.Traffic;
import dev.cutover.localcloud.internal.aws.AwsServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The admin endpoint under {@code /_localcloud/}: script images, faults and traffic over HTTP, read
 * per-revision traffic stats, move a virtual clock.
 *
 * <ul>
 *   <li>{@code POST /_localcloud/images} {@code {"image":"repo/a:1","crashOnStart":true,"failsHealthChecks":false,
 *       "startDelaySeconds":30,"exitCode":1,"errorRate":0.05,"latencyP50Millis":20,"latencyP99Millis":300}}</li>
 *   <li>{@code POST /_localcloud/faults} {@code {"service":"ecs","outage":true,"serverErrorRate":0.1,
 *       "latencyMillis":200,"dropConnections":1}}, {@code {"service":"ecs","operation":"RunTask","loseResponses":1}},
 *       {@code {"service":"ecs","lostResponseRate":0.05}}, {@code {"throttling":false}}, {@code {"reset":true}}</li>
 *   <li>{@code POST /_localcloud/traffic} {@code {"service":"orders","rate":50}} or {@code {"defaultRate":5}}</li>
 *   <li>{@code GET /_localcloud/traffic?cluster=prod&service=orders&seconds=60}</li>
 *   <li>{@code POST /_localcloud/clock/advance?seconds=600} (virtual clock only), {@code GET /_localcloud/clock}
 *       ({@code {"now":...,"virtual":...,"speed":...}})</li>
 * </ul>
 */
public final class AdminEndpoint implements AwsServer.PlainHandler {

    public static final String PREFIX = "/_localcloud/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimClock clock;
    private final Images images;
    private final Faults faults;
    private final Traffic traffic;

    public AdminEndpoint(SimClock clock, Images images, Faults faults, Traffic traffic) {
        this.clock = clock;
        this.images = images;
        this.faults = faults;
        this.traffic = traffic;
    }

    @Override
    public AwsServer.PlainResponse handle(String method, URI uri, Map<String, List<String>> headers, byte[] body) {
        String path = uri.getPath().substring(PREFIX.length() - 1);
        Map<String, List<String>> query = AwsServer.query(uri);
        try {
            JsonNode in = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            return switch (method + " " + path) {
                case "POST /images" -> images(in);
                case "POST /faults" -> faults(in);
                case "POST /traffic" -> setTraffic(in);
                case "GET /traffic" -> stats(query);
                case "GET /clock" -> ok(JSON.createObjectNode().put("now", clock.instant().toString())
                        .put("virtual", clock.isVirtual()).put("speed", clock.speed()));
                case "POST /clock/advance" -> advance(query);
                default -> error(404, "no admin operation " + method + " " + path);
            };
        } catch (IOException e) {
            return error(400, "malformed JSON: " + e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            return error(400, String.valueOf(e.getMessage()));
        }
    }

    private AwsServer.PlainResponse images(JsonNode in) {
        String image = text(in, "image");
        ImageBehavior.Builder b = ImageBehavior.builder()
                .crashOnStart(in.path("crashOnStart").asBoolean(false))
                .failsHealthChecks(in.path("failsHealthChecks").asBoolean(false))
                .startDelay(Duration.ofSeconds(in.path("startDelaySeconds").asLong(0)))
                .exitCode(in.path("exitCode").asInt(in.path("crashOnStart").asBoolean(false) ? 1 : 0))
                .errorRate(in.path("errorRate").asDouble(0));
        if (in.has("runSeconds")) {
            b.runDuration(Duration.ofSeconds(in.path("runSeconds").asLong()));
        }
        if (in.has("latencyP50Millis") || in.has("latencyP99Millis")) {
            long p50 = in.path("latencyP50Millis").asLong(20);
            b.latency(Duration.ofMillis(p50), Duration.ofMillis(in.path("latencyP99Millis").asLong(Math.max(p50, 80))));
        }
        images.behave(image, b.build());
        return ok(JSON.createObjectNode().put("image", image).put("behavior", images.behaviorOf(image).toString()));
    }

    private AwsServer.PlainResponse faults(JsonNode in) {
        if (in.path("reset").asBoolean(false)) {
            faults.reset();
        }
        if (in.has("throttling")) {
            faults.throttling(in.path("throttling").asBoolean(true));
        }
        String service = in.path("service").asText("*");
        if (in.has("outage")) {
            faults.outage(service, in.path("outage").asBoolean());
        }
        if (in.has("serverErrorRate")) {
            faults.serverErrors(service, in.path("serverErrorRate").asDouble());
        }
        if (in.has("latencyMillis")) {
            faults.latency(service, Duration.ofMillis(in.path("latencyMillis").asLong()));
        }
        if (in.has("dropConnections")) {
            faults.dropConnections(service, in.path("dropConnections").asInt());
        }
        if (in.has("loseResponses")) {
            String operation = in.hasNonNull("operation") ? in.path("operation").asText() : null;
            faults.loseResponses(service, operation, in.path("loseResponses").asInt());
        }
        if (in.has("lostResponseRate")) {
            faults.lostResponseRate(service, in.path("lostResponseRate").asDouble());
        }
        return ok(JSON.createObjectNode().put("ok", true));
    }

    private AwsServer.PlainResponse setTraffic(JsonNode in) {
        if (in.has("defaultRate")) {
            traffic.defaultRate(in.path("defaultRate").asDouble());
        }
        if (in.has("service")) {
            traffic.rate(text(in, "service"), in.path("rate").asDouble());
        }
        return ok(JSON.createObjectNode().put("ok", true));
    }

    private AwsServer.PlainResponse stats(Map<String, List<String>> query) {
        String cluster = first(query, "cluster", "default");
        String service = first(query, "service", null);
        long seconds = Long.parseLong(first(query, "seconds", "60"));
        Instant now = clock.instant();
        List<RevisionStats> stats = service == null ? traffic.all(now.minusSeconds(seconds), now)
                : traffic.stats(cluster, service, Duration.ofSeconds(seconds));
        ObjectNode out = JSON.createObjectNode();
        ArrayNode items = out.putArray("revisions");
        for (RevisionStats s : stats) {
            items.add(JSON.valueToTree(s));
        }
        return ok(out);
    }

    private AwsServer.PlainResponse advance(Map<String, List<String>> query) {
        clock.advance(Duration.ofSeconds(Long.parseLong(first(query, "seconds", "1"))));
        return ok(JSON.createObjectNode().put("now", clock.instant().toString()));
    }

    private static String text(JsonNode in, String field) {
        JsonNode n = in.get(field);
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return n.asText();
    }

    private static String first(Map<String, List<String>> query, String key, String dflt) {
        List<String> v = query.get(key);
        return v == null || v.isEmpty() ? dflt : v.get(0);
    }

    private static AwsServer.PlainResponse ok(JsonNode body) {
        return AwsServer.PlainResponse.json(200, body.toString());
    }

    private static AwsServer.PlainResponse error(int status, String message) {
        return AwsServer.PlainResponse.json(status, JSON.createObjectNode().put("error", message).toString());
    }
}

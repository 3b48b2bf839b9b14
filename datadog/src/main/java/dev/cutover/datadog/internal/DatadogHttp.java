package dev.cutover.datadog.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.datadog.DatadogQueryException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One exchange with Datadog's v1 metrics query API: {@code GET /api/v1/query} with the keys in
 * headers (never in the URL, so they cannot reach an access log), the answer parsed into points.
 * Failures become {@link DatadogQueryException}s classified for retry; no message holds a key.
 */
public final class DatadogHttp {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_TEXT = 200;

    private final HttpClient client;
    private final URI base;
    private final String apiKey;
    private final String applicationKey;
    private final Duration timeout;
    private final Clock clock;

    public DatadogHttp(URI base, String apiKey, String applicationKey, Duration timeout, Clock clock) {
        this.base = base;
        this.apiKey = apiKey;
        this.applicationKey = applicationKey;
        this.timeout = timeout;
        this.clock = clock;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * One series of an answer: its scope (the tags it is grouped by, comma-separated, e.g.
     * {@code revision:stage-orders:2}) and its points [epochMillis, value], nulls dropped.
     */
    public record Series(String scope, List<double[]> points) {
        public Series {
            points = List.copyOf(points);
        }

        /** Whether the scope holds exactly the tag {@code tag} ({@code key:value}). */
        public boolean hasTag(String tag) {
            for (String t : scope.split(",")) {
                if (t.trim().equals(tag)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Every series the query answered. */
    public record Answer(List<Series> series) {
        public Answer {
            series = List.copyOf(series);
        }

        public int seriesCount() {
            return series.size();
        }

        /** The points of every series together. */
        public List<double[]> points() {
            return series.stream().flatMap(s -> s.points().stream()).toList();
        }
    }

    /** Runs one query over [from, to) in epoch seconds. */
    public Answer query(String query, long from, long to) {
        URI uri = base.resolve("/api/v1/query?from=" + from + "&to=" + to + "&query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8).replace("+", "%20"));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header("Accept", "application/json")
                .header("DD-API-KEY", apiKey)
                .header("DD-APPLICATION-KEY", applicationKey)
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new DatadogQueryException(0, true, null, "no answer from " + base + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatadogQueryException(0, false, null, "interrupted while querying " + base, e);
        }
        int status = response.statusCode();
        if (status == 200) {
            return parse(response.body());
        }
        Duration wait = retryAfter(response).orElse(null);
        String said = errorText(response.body());
        throw switch (status) {
            case 401, 403 -> new DatadogQueryException(status, false, null, "Datadog refused the API or application key ("
                    + status + "); check DD_API_KEY and DD_APP_KEY and the site" + said, null);
            case 429 -> new DatadogQueryException(status, true, wait, "rate limited by Datadog (429)" + said, null);
            case 400, 404, 422 -> new DatadogQueryException(status, false, null, "Datadog cannot answer the query ("
                    + status + ")" + said, null);
            default -> new DatadogQueryException(status, status >= 500 || status == 408, wait,
                    "Datadog answered " + status + said, null);
        };
    }

    private static Answer parse(String body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new DatadogQueryException(200, false, null, "Datadog's answer is not JSON", e);
        }
        if (json == null || !json.isObject()) {
            throw new DatadogQueryException(200, false, null, "Datadog's answer is not a JSON object", null);
        }
        if ("error".equals(json.path("status").asText())) {
            throw new DatadogQueryException(200, false, null, "Datadog cannot answer the query: "
                    + truncate(json.path("error").asText(json.path("message").asText(""))), null);
        }
        JsonNode series = json.path("series");
        if (!series.isArray()) {
            throw new DatadogQueryException(200, false, null, "Datadog's answer has no 'series' array", null);
        }
        List<Series> out = new ArrayList<>();
        for (JsonNode s : series) {
            List<double[]> points = new ArrayList<>();
            for (JsonNode p : s.path("pointlist")) {
                if (p.isArray() && p.size() == 2 && p.get(1).isNumber()) {
                    // a NaN or infinite point stays: the gate refuses a value that cannot be true
                    points.add(new double[] {p.get(0).asDouble(), p.get(1).asDouble()});
                }
            }
            out.add(new Series(s.path("scope").asText(""), points));
        }
        return new Answer(out);
    }

    /** {@code Retry-After} (seconds or an HTTP date), else {@code X-RateLimit-Reset} (seconds until the window resets). */
    private Optional<Duration> retryAfter(HttpResponse<?> response) {
        Optional<String> retryAfter = response.headers().firstValue("Retry-After");
        if (retryAfter.isPresent()) {
            String v = retryAfter.get().trim();
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
            } catch (NumberFormatException notSeconds) {
                try {
                    Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    Duration d = Duration.between(clock.instant(), at);
                    return Optional.of(d.isNegative() ? Duration.ZERO : d);
                } catch (RuntimeException notADate) {
                    // fall through to the rate-limit header
                }
            }
        }
        return response.headers().firstValue("X-RateLimit-Reset").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim()))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    private static String errorText(String body) {
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                return ": " + truncate(errors.get(0).asText());
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: say nothing more
        }
        return "";
    }

    private static String truncate(String s) {
        return s.length() <= MAX_ERROR_TEXT ? s : s.substring(0, MAX_ERROR_TEXT) + "...";
    }

    @Override
    public String toString() {
        return "DatadogHttp[" + base + "]";
    }
}

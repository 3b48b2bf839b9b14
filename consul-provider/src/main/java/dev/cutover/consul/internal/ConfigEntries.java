package dev.cutover.consul.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.spi.ProviderException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Consul's {@code /v1/config} endpoint (service-defaults, service-resolver, service-splitter),
 * which consul-client 1.5.3 does not cover: plain HTTP with the same token, datacenter and guarded
 * executor as every other call.
 */
public final class ConfigEntries {

    /** Shared JSON mapper of the provider. */
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final String FAMILY = "consul.config";

    private final URI base;
    private final String token;
    private final String datacenter;
    private final Duration timeout;
    private final ConsulCalls calls;
    private final HttpClient http;

    public ConfigEntries(URI base, String token, String datacenter, Duration timeout, ConsulCalls calls) {
        this.base = base;
        this.token = token;
        this.datacenter = datacenter;
        this.timeout = timeout;
        this.calls = calls;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The entry of {@code kind} named {@code name}, if it exists. */
    public Optional<ObjectNode> get(String kind, String name) {
        String operation = "GetConfigEntry";
        return calls.call(FAMILY, operation, () -> {
            HttpResponse<String> r = send(operation, request(path(kind, name)).GET());
            if (r.statusCode() == 404) {
                return Optional.empty();
            }
            check(operation, r);
            JsonNode node = parse(operation, r.body());
            if (!(node instanceof ObjectNode o)) {
                throw new ProviderException(ConsulCalls.PROVIDER, operation, false, "Consul answered a config entry that is not an object");
            }
            return Optional.of(o);
        });
    }

    /** Creates or replaces an entry (its {@code Kind} and {@code Name} say which). */
    public void put(ObjectNode entry) {
        String operation = "ApplyConfigEntry";
        calls.run(FAMILY, operation, () -> {
            String body;
            try {
                body = JSON.writeValueAsString(entry);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            HttpResponse<String> r = send(operation, request("/v1/config").PUT(HttpRequest.BodyPublishers.ofString(body)));
            check(operation, r);
            if (!"true".equals(r.body().strip())) {
                throw new ProviderException(ConsulCalls.PROVIDER, operation, true, "Consul did not apply the "
                        + entry.path("Kind").asText() + " '" + entry.path("Name").asText() + "'");
            }
        });
    }

    /** Deletes an entry; nothing happens when it does not exist. */
    public void delete(String kind, String name) {
        String operation = "DeleteConfigEntry";
        calls.run(FAMILY, operation, () -> {
            HttpResponse<String> r = send(operation, request(path(kind, name)).DELETE());
            if (r.statusCode() != 404) {
                check(operation, r);
            }
        });
    }

    private static String path(String kind, String name) {
        return "/v1/config/" + kind + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(String path) {
        String query = datacenter == null ? "" : "?dc=" + URLEncoder.encode(datacenter, StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path + query)).timeout(timeout)
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("X-Consul-Token", token);
        }
        return b;
    }

    private HttpResponse<String> send(String operation, HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ProviderException(ConsulCalls.PROVIDER, operation, true,
                    "could not reach Consul at " + base + ": " + calls.scrub(String.valueOf(e.getMessage())), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(ConsulCalls.PROVIDER, operation, false, "interrupted");
        }
    }

    private void check(String operation, HttpResponse<String> r) {
        if (r.statusCode() / 100 != 2) {
            throw calls.httpError(operation, r.statusCode(), r.body());
        }
    }

    private static JsonNode parse(String operation, String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new ProviderException(ConsulCalls.PROVIDER, operation, false, "Consul answered malformed JSON", e);
        }
    }
}

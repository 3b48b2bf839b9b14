package dev.cutover.localcloud.consul;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Raw requests for the cases the Consul client does not cover (malformed input, headers). */
final class ConsulRawHttp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ConsulRawHttp() {
    }

    static HttpResponse<String> send(ConsulEmulator consul, String method, String pathAndQuery, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(consul.endpoint() + pathAndQuery))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> get(ConsulEmulator consul, String pathAndQuery, String... headers) {
        return send(consul, "GET", pathAndQuery, null, headers);
    }

    static HttpResponse<String> put(ConsulEmulator consul, String pathAndQuery, String body, String... headers) {
        return send(consul, "PUT", pathAndQuery, body, headers);
    }
}

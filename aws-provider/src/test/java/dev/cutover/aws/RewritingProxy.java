package dev.cutover.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A test-only man in the middle between the AWS provider and the local cloud: it forwards every
 * request unchanged, except that while {@link #stripEnvoy} is on it removes the Envoy container,
 * the proxy configuration and the dependencies on Envoy from {@code RegisterTaskDefinition}, as
 * if the provider had registered a task definition without the App Mesh sidecar.
 */
final class RewritingProxy implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RESTRICTED = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding");

    private final URI target;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    volatile boolean stripEnvoy;

    RewritingProxy(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::forward);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void forward(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String amzTarget = ex.getRequestHeaders().getFirst("X-Amz-Target");
            if (stripEnvoy && amzTarget != null && amzTarget.endsWith(".RegisterTaskDefinition")) {
                body = strip(body);
            }
            HttpRequest.Builder rb = HttpRequest.newBuilder(target.resolve(ex.getRequestURI().toString()))
                    .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
                if (!RESTRICTED.contains(h.getKey().toLowerCase())) {
                    h.getValue().forEach(v -> rb.header(h.getKey(), v));
                }
            }
            HttpResponse<byte[]> resp = client.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
            resp.headers().map().forEach((k, vs) -> {
                if (!RESTRICTED.contains(k.toLowerCase()) && !k.startsWith(":")) {
                    vs.forEach(v -> ex.getResponseHeaders().add(k, v));
                }
            });
            byte[] out = resp.body();
            ex.sendResponseHeaders(resp.statusCode(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static byte[] strip(byte[] body) throws IOException {
        ObjectNode req = (ObjectNode) JSON.readTree(body);
        req.remove("proxyConfiguration");
        ArrayNode containers = (ArrayNode) req.get("containerDefinitions");
        for (int i = containers.size() - 1; i >= 0; i--) {
            ObjectNode c = (ObjectNode) containers.get(i);
            if ("envoy".equals(c.path("name").asText())) {
                containers.remove(i);
                continue;
            }
            JsonNode deps = c.get("dependsOn");
            if (deps instanceof ArrayNode a) {
                for (int j = a.size() - 1; j >= 0; j--) {
                    if ("envoy".equals(a.get(j).path("containerName").asText())) {
                        a.remove(j);
                    }
                }
            }
        }
        return JSON.writeValueAsBytes(req);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.cutover.localcloud.internal.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP server on 127.0.0.1 that speaks the AWS JSON 1.1 protocol (dispatched on
 * {@code X-Amz-Target}), the query protocol (form-encoded {@code POST /}, dispatched on the
 * {@code Version} parameter, see {@link QueryProtocolService}) and the REST-JSON protocol (dispatched on path prefix), plus plain
 * HTTP handlers (admin, Datadog) mounted on their own prefixes.
 *
 * <p>Every request first passes the {@link RequestGate} (faults, outage switch, throttling); it may
 * answer an {@link AwsError} instead of letting the request through.
 */
public final class AwsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AwsServer.class);
    static final ObjectMapper JSON = new ObjectMapper();

    /** Decides, before a request reaches its service, whether AWS would answer it at all. */
    public interface RequestGate {
        /**
         * Throws {@link AwsError} to answer with an error, or {@link DropConnection} to close the
         * connection without an answer.
         */
        void admit(String serviceName, String operation);

        /**
         * Like {@link #admit(String, String)}, knowing the request's Region (throttling buckets are per
         * account and Region); the server calls this one, the default ignores the context.
         */
        default void admit(String serviceName, String operation, RequestContext context) {
            admit(serviceName, operation);
        }

        /**
         * Asked after the service acted on a request and before its successful answer is sent: true
         * drops the connection instead of answering, so the change is applied but the caller never
         * learns it (the "applied, then the response is lost" fault). The default never loses one.
         */
        default boolean loseResponse(String serviceName, String operation, RequestContext context) {
            return false;
        }

        RequestGate OPEN = (s, o) -> { };
    }

    /** Thrown by a gate to drop the connection without any answer (a reset, as the SDK sees it). */
    public static final class DropConnection extends RuntimeException {
        public DropConnection() {
            super("connection dropped", null, false, false);
        }
    }

    /**
     * What a JSON-protocol service may want to know about the request besides its body: the
     * Region from the SigV4 credential scope of the {@code Authorization} header (us-east-1 when
     * there is none) and the raw headers.
     */
    public record RequestContext(String region, Map<String, List<String>> headers) {
        public static final String DEFAULT_REGION = "us-east-1";

        /** A context with the default Region and no headers (for calls from Java). */
        public static RequestContext defaults() {
            return new RequestContext(DEFAULT_REGION, Map.of());
        }

        /**
         * The account the request acts in: its access key id when that is 12 digits (the local
         * cloud's stand-in for the account IAM maps a key to, as LocalStack does), else
         * {@code 000000000000}. Resources are kept per account and Region, as in AWS.
         */
        public String account() {
            List<String> auth = headers.getOrDefault("Authorization", headers.getOrDefault("authorization", List.of()));
            return accountOf(auth.isEmpty() ? null : auth.get(0));
        }

        /** The account of {@code Authorization: AWS4-HMAC-SHA256 Credential=AKID/...} (see {@link #account()}). */
        public static String accountOf(String authorization) {
            if (authorization == null) {
                return AwsJson.ACCOUNT;
            }
            int i = authorization.indexOf("Credential=");
            if (i < 0) {
                return AwsJson.ACCOUNT;
            }
            int slash = authorization.indexOf('/', i);
            String key = authorization.substring(i + "Credential=".length(), slash < 0 ? authorization.length() : slash).trim();
            return key.matches("\\d{12}") ? key : AwsJson.ACCOUNT;
        }

        /**
         * Reads the Region from {@code Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-west-2/ecs/aws4_request, ...}.
         */
        public static String regionOf(String authorization) {
            if (authorization == null) {
                return DEFAULT_REGION;
            }
            int i = authorization.indexOf("Credential=");
            if (i < 0) {
                return DEFAULT_REGION;
            }
            int end = authorization.indexOf(',', i);
            String[] scope = authorization.substring(i + "Credential=".length(), end < 0 ? authorization.length() : end)
                    .trim().split("/");
            return scope.length >= 3 && scope[2].matches("[a-z0-9-]{1,32}") ? scope[2] : DEFAULT_REGION;
        }
    }

    /** A plain handler for non-AWS paths (admin endpoint, Datadog intake and query). */
    public interface PlainHandler {
        /** Returns the status and writes the answer; {@code body} is the raw request body. */
        PlainResponse handle(String method, URI uri, Map<String, List<String>> headers, byte[] body);
    }

    /** A plain answer, with extra response headers (e.g. Datadog's {@code X-RateLimit-*}). */
    public record PlainResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
        public PlainResponse {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
            headers = Map.copyOf(headers == null ? Map.of() : headers);
        }

        /** An answer without extra headers. */
        public PlainResponse(int status, String contentType, byte[] body) {
            this(status, contentType, body, Map.of());
        }

        public static PlainResponse json(int status, String json) {
            return new PlainResponse(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
        }

        /** The same answer with these headers added (replacing ones of the same name). */
        public PlainResponse withHeaders(Map<String, String> extra) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.putAll(extra);
            return new PlainResponse(status, contentType, body, all);
        }
    }

    private final Map<String, JsonProtocolService> jsonServices = new ConcurrentHashMap<>();
    private final Map<String, RestJsonService> restServices = new ConcurrentHashMap<>();
    private final Map<String, PlainHandler> plainHandlers = new ConcurrentHashMap<>();
    private final Map<String, QueryProtocolService> queryServices = new ConcurrentHashMap<>();
    private volatile RequestGate gate = RequestGate.OPEN;
    private final HttpServer server;
    private final ExecutorService executor;

    /**
     * Turns on TCP_NODELAY for the JDK HTTP server's connections (its {@code sun.net.httpserver.nodelay}
     * switch, read once per JVM) unless the user set it: without it, a response written as headers
     * then body can wait for the client's delayed ACK (~40 ms per call on Linux loopback).
     */
    public static void preferNoDelay() {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    public AwsServer(int port) throws IOException {
        preferNoDelay();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        this.executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "local-cloud-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public void register(JsonProtocolService service) {
        jsonServices.put(service.targetPrefix(), service);
    }

    public void register(RestJsonService service) {
        restServices.put(service.pathPrefix(), service);
    }

    /** Registers a query-protocol service (dispatched on the {@code Version} form parameter). */
    public void register(QueryProtocolService service) {
        queryServices.put(service.apiVersion(), service);
    }

    public void mount(String pathPrefix, PlainHandler handler) {
        plainHandlers.put(pathPrefix, handler);
    }

    public void gate(RequestGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = readAll(exchange.getRequestBody());
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String path = exchange.getRequestURI().getPath();
            try {
                if (target != null) {
                    handleJson(exchange, target, body);
                    return;
                }
                String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
                if (!queryServices.isEmpty() && "POST".equals(exchange.getRequestMethod()) && path.equals("/")
                        && contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
                    handleQuery(exchange, body);
                    return;
                }
                for (Map.Entry<String, RestJsonService> e : restServices.entrySet()) {
                    if (path.startsWith(e.getKey())) {
                        handleRest(exchange, e.getValue(), body);
                        return;
                    }
                }
                String best = null;
                for (String prefix : plainHandlers.keySet()) {
                    if (path.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
                        best = prefix; // the longest prefix wins, so nested mounts do not depend on map order
                    }
                }
                if (best != null) {
                    handlePlain(exchange, plainHandlers.get(best), body);
                    return;
                }
                sendJsonError(exchange, new AwsError(404, "UnknownOperationException", "No service handles " + path));
            } catch (DropConnection drop) {
                // closing the exchange without a response makes the client see a connection reset
                exchange.getResponseBody().close();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("local cloud request failed", e);
        }
    }

    private void handlePlain(HttpExchange exchange, PlainHandler handler, byte[] body) throws IOException {
        PlainResponse r;
        try {
            r = handler.handle(exchange.getRequestMethod(), exchange.getRequestURI(), exchange.getRequestHeaders(), body);
        } catch (DropConnection e) {
            throw e;
        } catch (AwsError e) {
            r = PlainResponse.json(e.status(), errorJson(e));
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed inside the emulator", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            r = PlainResponse.json(500, "{\"errors\":[\"internal failure\"]}");
        }
        r.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        send(exchange, r.status(), r.contentType(), r.body(), null);
    }

    private static String errorJson(AwsError e) {
        ObjectNode err = JSON.createObjectNode();
        err.put("__type", e.type());
        err.put("message", e.getMessage());
        return err.toString();
    }

    private void handleJson(HttpExchange exchange, String target, byte[] body) throws IOException {
        int dot = target.lastIndexOf('.');
        JsonProtocolService service = dot < 0 ? null : jsonServices.get(target.substring(0, dot));
        if (service == null) {
            sendJsonError(exchange, AwsError.badRequest("UnknownOperationException", "Unknown target " + target));
            return;
        }
        String operation = target.substring(dot + 1);
        try {
            RequestContext context = context(exchange);
            gate.admit(service.serviceName(), operation, context);
            ObjectNode request;
            if (body.length == 0) {
                request = JSON.createObjectNode();
            } else {
                JsonNode parsed = JSON.readTree(body);
                if (parsed == null || !parsed.isObject()) {
                    throw AwsError.badRequest("SerializationException", "Request body must be a JSON object");
                }
                request = (ObjectNode) parsed;
            }
            // the request's shape is checked against AWS's model before the emulator sees it (ShapeValidator)
            ShapeValidator.check(service.serviceName(), operation, request);
            ObjectNode response = service.handle(operation, request, context);
            if (gate.loseResponse(service.serviceName(), operation, context)) {
                throw new DropConnection();
            }
            byte[] out = JSON.writeValueAsBytes(response);
            send(exchange, 200, "application/x-amz-json-1.1", out, null);
        } catch (JsonProcessingException e) {
            sendJsonError(exchange, AwsError.badRequest("SerializationException", "Malformed JSON: " + e.getOriginalMessage()));
        } catch (AwsError e) {
            sendJsonError(exchange, e);
        } catch (DropConnection e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("{}.{} failed inside the emulator", service.serviceName(), operation, e);
            sendJsonError(exchange, AwsError.internal("Internal failure"));
        }
    }

    private void handleRest(HttpExchange exchange, RestJsonService service, byte[] body) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        try {
            RequestContext context = context(exchange);
            String operation = method + " " + path;
            gate.admit(service.serviceName(), operation, context);
            JsonNode json = body.length == 0 ? null : JSON.readTree(body);
            Map<String, List<String>> query = query(exchange.getRequestURI());
            ShapeValidator.of(service.serviceName()).ifPresent(v -> v.checkRest(method, path, query, json));
            RestJsonService.RestResponse r = service.handle(method, path, query, json, context);
            if (r.status() < 300 && gate.loseResponse(service.serviceName(), operation, context)) {
                throw new DropConnection();
            }
            byte[] out = r.body() == null ? new byte[0] : JSON.writeValueAsBytes(r.body());
            send(exchange, r.status(), "application/json", out, null);
        } catch (JsonProcessingException e) {
            sendRestError(exchange, AwsError.badRequest("BadRequestException", "Malformed JSON: " + e.getOriginalMessage()));
        } catch (AwsError e) {
            sendRestError(exchange, e);
        } catch (DropConnection e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed inside the emulator", method, path, e);
            sendRestError(exchange, new AwsError(500, "InternalServerErrorException", "Internal failure"));
        }
    }

    /**
     * The AWS query protocol: {@code Action} and {@code Version} in the form body choose the
     * operation and the service; the input is typed and checked by the service's shape table; the
     * result or error goes back as XML (see {@link QueryXml}).
     */
    private void handleQuery(HttpExchange exchange, byte[] body) throws IOException {
        Map<String, String> form = QueryXml.form(body);
        String version = form.getOrDefault("Version", "");
        QueryProtocolService service = queryServices.get(version);
        String requestId = java.util.UUID.randomUUID().toString();
        if (service == null) {
            byte[] out = QueryXml.error("", AwsError.badRequest("InvalidAction", "No service answers Version " + version), requestId)
                    .getBytes(StandardCharsets.UTF_8);
            send(exchange, 400, "text/xml", out, null);
            return;
        }
        String operation = form.getOrDefault("Action", "");
        try {
            RequestContext context = context(exchange);
            gate.admit(service.serviceName(), operation, context);
            Optional<ShapeValidator> validator = ShapeValidator.of(service.serviceName());
            if (validator.isEmpty() || !validator.get().table().hasOperation(operation)) {
                throw AwsError.badRequest("InvalidAction", "The action " + operation + " is not valid for this web service.");
            }
            ObjectNode input = validator.get().table().queryInput(operation, form);
            validator.get().checkQuery(operation, input);
            ObjectNode result = service.handle(operation, input, context);
            if (gate.loseResponse(service.serviceName(), operation, context)) {
                throw new DropConnection();
            }
            send(exchange, 200, "text/xml", QueryXml.response(operation, service.xmlNamespace(), result, requestId)
                    .getBytes(StandardCharsets.UTF_8), null);
        } catch (AwsError e) {
            send(exchange, e.status(), "text/xml", QueryXml.error(service.xmlNamespace(), e, requestId)
                    .getBytes(StandardCharsets.UTF_8), null);
        } catch (DropConnection e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("{}.{} failed inside the emulator", service.serviceName(), operation, e);
            send(exchange, 500, "text/xml", QueryXml.error(service.xmlNamespace(), new AwsError(500, "InternalFailure",
                    "Internal failure"), requestId).getBytes(StandardCharsets.UTF_8), null);
        }
    }

    private static RequestContext context(HttpExchange exchange) {
        return new RequestContext(RequestContext.regionOf(exchange.getRequestHeaders().getFirst("Authorization")),
                exchange.getRequestHeaders());
    }

    /** Parses a raw query string into decoded multi-valued parameters, in order. */
    public static Map<String, List<String>> query(URI uri) {
        String raw = uri.getRawQuery();
        return raw == null ? new LinkedHashMap<>() : decodePairs(raw);
    }

    /** Decodes {@code k=v&k2=v2} (a query string or a form body) into multi-valued parameters, in order. */
    public static Map<String, List<String>> decodePairs(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static void sendJsonError(HttpExchange exchange, AwsError e) throws IOException {
        send(exchange, e.status(), "application/x-amz-json-1.1", errorJson(e).getBytes(StandardCharsets.UTF_8), e.type());
    }

    private static void sendRestError(HttpExchange exchange, AwsError e) throws IOException {
        ObjectNode err = JSON.createObjectNode();
        err.put("message", e.getMessage());
        send(exchange, e.status(), "application/json", JSON.writeValueAsBytes(err), e.type());
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body, String errorType)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        if (errorType != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

package dev.cutover.localcloud.internal.consul;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Consul HTTP API on 127.0.0.1: routing like Consul's mux (longest pattern wins, a pattern
 * ending in {@code /} matches everything below it), ACL enforcement, Consul's plain-text error
 * answers, the {@code X-Consul-*} headers and blocking queries measured in SimClock time.
 */
public final class ConsulHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulHttpServer.class);
    static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
    static final Duration MAX_WAIT = Duration.ofMinutes(10);
    /** Bodies above this are not even read into memory; Consul's own KV limit is far lower. */
    private static final int MAX_BODY = 8 * 1024 * 1024;

    /** Turns a request into a 200 answer or throws {@link ConsulException}. */
    @FunctionalInterface
    interface Handler {
        ConsulReply handle(ConsulRequest request);
    }

    /**
     * One route.
     *
     * @param pattern  the path below {@code /v1/}; ending in {@code /} means "and everything below"
     * @param methods  the methods Consul accepts there
     * @param resource the ACL resource it needs ({@code key}, {@code service}, ...), or null for none
     * @param blocking whether {@code ?index=&wait=} make it a blocking query
     */
    record Route(String pattern, Set<String> methods, String resource, boolean blocking, Handler handler) {
        boolean matches(String path) {
            return pattern.endsWith("/") ? path.startsWith(pattern) : path.equals(pattern);
        }
    }

    private final ConsulStore store;
    private final String aclToken;
    private final List<Route> routes = new ArrayList<>();
    private final HttpServer server;
    private final ExecutorService executor;
    /** Injected faults: the service name is {@code consul}, the operation {@code <METHOD> /v1/<path>}. */
    private volatile dev.cutover.localcloud.internal.aws.AwsServer.RequestGate gate =
            dev.cutover.localcloud.internal.aws.AwsServer.RequestGate.OPEN;
    static final String FAULT_SERVICE = "consul";

    ConsulHttpServer(ConsulStore store, int port, String aclToken) throws IOException {
        this.store = store;
        this.aclToken = aclToken;
        dev.cutover.localcloud.internal.aws.AwsServer.preferNoDelay();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        // blocking queries park a thread each, so the pool grows with them
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "local-cloud-consul");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
    }

    void gate(dev.cutover.localcloud.internal.aws.AwsServer.RequestGate gate) {
        this.gate = java.util.Objects.requireNonNull(gate, "gate");
    }

    void route(String pattern, String methods, String resource, boolean blocking, Handler handler) {
        routes.add(new Route(pattern, Set.of(methods.split(",")), resource, blocking, handler));
        routes.sort(Comparator.comparingInt((Route r) -> r.pattern().length()).reversed());
    }

    void start() {
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        store.close();
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch(HttpExchange exchange) {
        try (exchange) {
            ConsulReply reply;
            String rawPath = exchange.getRequestURI().getRawPath();
            String operation = exchange.getRequestMethod() + " " + (rawPath == null ? "/" : rawPath);
            try {
                try {
                    gate.admit(FAULT_SERVICE, operation);
                } catch (dev.cutover.localcloud.internal.aws.AwsError injected) {
                    // a server-side failure as Consul's HTTP layer reports one: 500 and its plain-text reason
                    // (structs.ErrNoLeader, "No cluster leader", is the usual transient one)
                    drain(exchange.getRequestBody());
                    throw new ConsulException(500, "No cluster leader");
                }
                reply = answer(exchange);
                if (reply.status() == 200 && !exchange.getRequestMethod().equals("GET")
                        && gate.loseResponse(FAULT_SERVICE, operation, dev.cutover.localcloud.internal.aws.AwsServer.RequestContext.defaults())) {
                    throw new dev.cutover.localcloud.internal.aws.AwsServer.DropConnection(); // applied, then the answer is lost
                }
            } catch (dev.cutover.localcloud.internal.aws.AwsServer.DropConnection drop) {
                exchange.getResponseBody().close(); // no answer: the client sees the connection end
                return;
            } catch (ConsulException e) {
                if (e.allow() != null) {
                    exchange.getResponseHeaders().set("Allow", e.allow());
                }
                reply = ConsulReply.text(e.status(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("Consul emulator failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                reply = ConsulReply.text(500, "An unexpected error occurred");
            }
            send(exchange, reply);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Consul emulator could not answer", e);
        }
    }

    private ConsulReply answer(HttpExchange exchange) throws IOException {
        String rawPath = exchange.getRequestURI().getRawPath();
        String path = decode(rawPath == null ? "/" : rawPath);
        if (!path.startsWith("/v1/")) {
            drain(exchange.getRequestBody());
            if (path.equals("/")) {
                return ConsulReply.text(200, "Consul Agent: UI disabled. To enable, set ui_config.enabled=true in the agent configuration and restart.");
            }
            throw ConsulException.notFound("Invalid URL path: if attempting to use the HTTP API, ensure the path starts with '/v1/'\n");
        }
        String sub = path.substring(4);
        Route route = routes.stream().filter(r -> r.matches(sub)).findFirst().orElse(null);
        if (route == null) {
            drain(exchange.getRequestBody());
            throw ConsulException.notFound("Invalid URL path: not a recognized HTTP API endpoint\n");
        }
        String method = exchange.getRequestMethod();
        if (method.equals("OPTIONS")) {
            exchange.getResponseHeaders().set("Allow", "OPTIONS," + String.join(",", route.methods()));
            return new ConsulReply(200, "text/plain", new byte[0], -1);
        }
        if (!route.methods().contains(method)) {
            throw ConsulException.methodNotAllowed(method, "OPTIONS," + String.join(",", route.methods()));
        }
        byte[] body = readBody(exchange.getRequestBody());
        Map<String, List<String>> query = parseQuery(exchange.getRequestURI().getRawQuery());
        ConsulRequest request = new ConsulRequest(method, sub, query, body);
        authorize(exchange, request, route);
        if (!route.blocking() || !method.equals("GET")) {
            return route.handler().handle(request);
        }
        Duration wait = DEFAULT_WAIT;
        String waitParam = request.param("wait");
        if (waitParam != null && !waitParam.isEmpty()) {
            try {
                wait = GoDuration.parse(waitParam);
            } catch (IllegalArgumentException e) {
                throw ConsulException.badRequest("Invalid wait time");
            }
        }
        long minIndex = 0;
        String indexParam = request.param("index");
        if (indexParam != null && !indexParam.isEmpty()) {
            try {
                minIndex = Long.parseUnsignedLong(indexParam);
            } catch (NumberFormatException e) {
                throw ConsulException.badRequest("Invalid index");
            }
        }
        return block(route, request, minIndex, wait);
    }

    /** Runs a query, and while its index has not moved past {@code minIndex}, waits for a write or the deadline. */
    private ConsulReply block(Route route, ConsulRequest request, long minIndex, Duration wait) {
        if (minIndex == 0) {
            return route.handler().handle(request);
        }
        if (wait.isNegative() || wait.isZero() || wait.compareTo(MAX_WAIT) > 0) {
            wait = wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : DEFAULT_WAIT;
        }
        Instant deadline = store.clock.instant().plus(wait).plus(store.jitter(wait));
        synchronized (store) {
            store.enterWait();
            try {
                while (true) {
                    ConsulReply reply = route.handler().handle(request);
                    if (reply.index() > minIndex || !store.clock.instant().isBefore(deadline) || store.closed()) {
                        return reply;
                    }
                    store.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return route.handler().handle(request);
            } finally {
                store.leaveWait();
            }
        }
    }

    private void authorize(HttpExchange exchange, ConsulRequest request, Route route) {
        if (aclToken == null || route.resource() == null) {
            return;
        }
        String token = request.param("token");
        if (token == null || token.isEmpty()) {
            token = exchange.getRequestHeaders().getFirst("X-Consul-Token");
        }
        if (token == null || token.isEmpty()) {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                token = auth.substring(7).trim();
            }
        }
        if (token == null || token.isEmpty()) {
            String access = request.method().equals("GET") ? "read" : "write";
            String name = route.pattern().endsWith("/") ? request.rest(route.pattern()) : "";
            throw new ConsulException(403, "Permission denied: anonymous token lacks permission '" + route.resource() + ":" + access + "'"
                    + (name.isEmpty() ? "" : " on \"" + name + "\"")
                    + ". The anonymous token is used implicitly when a request does not specify a token.");
        }
        if (!java.security.MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), aclToken.getBytes(StandardCharsets.UTF_8))) {
            throw new ConsulException(403, "ACL not found");
        }
    }

    private static void send(HttpExchange exchange, ConsulReply reply) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", reply.contentType());
        headers.set("Vary", "Accept-Encoding");
        if (reply.index() >= 0) {
            headers.set("X-Consul-Index", Long.toString(Math.max(1, reply.index())));
            headers.set("X-Consul-KnownLeader", "true");
            headers.set("X-Consul-LastContact", "0");
        }
        if (reply.contentType().equals("text/plain") && reply.status() == 200) {
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Content-Security-Policy", "sandbox");
        }
        byte[] body = reply.body();
        exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16384];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            total += n;
            if (total <= MAX_BODY) {
                out.write(buf, 0, n);
            }
        }
        if (total > MAX_BODY) {
            throw new ConsulException(413, "Request body(" + total + " bytes) too large, max size: " + MAX_BODY + " bytes.");
        }
        return out.toByteArray();
    }

    private static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ConsulException.badRequest("invalid URL escape in path");
        }
    }

    /** Decodes a query string; a parameter without {@code =} (a flag) maps to {@code [""]}. */
    static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("[&;]")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException e) {
                throw ConsulException.badRequest("invalid URL escape in query");
            }
        }
        return out;
    }
}

package dev.cutover.localcloud.internal.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code /v1/session/...}: create, renew, destroy, info, list, node. */
final class SessionEndpoints {

    /** Lock delays below this many nanoseconds are taken as seconds, as Consul does. */
    private static final long LOCK_DELAY_MIN_THRESHOLD = 1000;

    private final ConsulStore store;

    SessionEndpoints(ConsulStore store) {
        this.store = store;
    }

    void register(ConsulHttpServer server) {
        server.route("session/create", "PUT", "session", false, this::create);
        server.route("session/renew/", "PUT", "session", false, this::renew);
        server.route("session/destroy/", "PUT", "session", false, this::destroy);
        server.route("session/info/", "GET", "session", true, this::info);
        server.route("session/list", "GET", "session", true, r -> list(store.sessions()));
        server.route("session/node/", "GET", "session", true, this::node);
    }

    private ConsulReply create(ConsulRequest r) {
        ConsulStore.Session s = new ConsulStore.Session();
        JsonNode body = r.body().length == 0 ? null : r.jsonObject();
        if (body != null) {
            s.name = Fields.textOr(body, "", "Name");
            s.node = Fields.textOr(body, ConsulStore.NODE, "Node");
            s.behavior = Fields.textOr(body, "release", "Behavior");
            if (s.behavior.isEmpty()) {
                s.behavior = "release";
            }
            s.ttl = Fields.textOr(body, "", "TTL");
            if (Fields.get(body, "Checks") != null || Fields.get(body, "NodeChecks") != null) {
                s.checks = Fields.get(body, "Checks") != null ? Fields.strings(body, "Checks") : Fields.strings(body, "NodeChecks");
            }
            s.lockDelay = lockDelay(Fields.get(body, "LockDelay"), s.lockDelay);
        }
        ConsulStore.Session created = store.createSession(s);
        return ConsulReply.json(Map.of("ID", created.id));
    }

    private static Duration lockDelay(JsonNode value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        long nanos;
        if (value.isNumber()) {
            nanos = value.asLong();
        } else if (value.isTextual()) {
            try {
                nanos = GoDuration.parse(value.asText()).toNanos();
            } catch (IllegalArgumentException e) {
                throw ConsulException.badRequest("Request decode failed: " + e.getMessage());
            }
        } else {
            throw ConsulException.badRequest("Request decode failed: LockDelay must be a duration");
        }
        return nanos < LOCK_DELAY_MIN_THRESHOLD ? Duration.ofSeconds(nanos) : Duration.ofNanos(nanos);
    }

    private ConsulReply renew(ConsulRequest r) {
        String id = r.rest("session/renew/");
        if (id.isEmpty()) {
            throw ConsulException.badRequest("Missing session");
        }
        ConsulStore.Session s = store.renewSession(id);
        if (s == null) {
            throw ConsulException.notFound("Session id '" + id + "' not found");
        }
        return list(List.of(s));
    }

    private ConsulReply destroy(ConsulRequest r) {
        String id = r.rest("session/destroy/");
        if (id.isEmpty()) {
            throw ConsulException.badRequest("Missing session");
        }
        store.destroySession(id);
        return ConsulReply.json(true);
    }

    private ConsulReply info(ConsulRequest r) {
        String id = r.rest("session/info/");
        if (id.isEmpty()) {
            throw ConsulException.badRequest("Missing session");
        }
        ConsulStore.Session s = store.session(id);
        return list(s == null ? List.of() : List.of(s));
    }

    private ConsulReply node(ConsulRequest r) {
        String node = r.rest("session/node/");
        if (node.isEmpty()) {
            throw ConsulException.badRequest("Missing node name");
        }
        return list(store.sessions().stream().filter(s -> s.node.equals(node)).toList());
    }

    private ConsulReply list(List<ConsulStore.Session> sessions) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (ConsulStore.Session s : sessions) {
            ObjectNode n = out.addObject();
            n.put("ID", s.id);
            n.put("Name", s.name);
            n.put("Node", s.node);
            ArrayNode checks = n.putArray("NodeChecks");
            s.checks.forEach(checks::add);
            ArrayNode legacy = n.putArray("Checks");
            s.checks.forEach(legacy::add);
            n.putArray("ServiceChecks");
            n.put("LockDelay", s.lockDelay.toNanos());
            n.put("Behavior", s.behavior);
            n.put("TTL", s.ttl);
            n.put("Namespace", "default");
            n.put("CreateIndex", s.createIndex);
            n.put("ModifyIndex", s.modifyIndex);
        }
        return ConsulReply.json(out, store.sessionIndex());
    }
}

package dev.cutover.localcloud.internal.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/config}: config entries of the kinds Cutover uses (service-defaults, proxy-defaults,
 * service-resolver, service-splitter, service-router), with Consul's validation of splitters.
 */
final class ConfigEndpoints {

    static final Set<String> KINDS = Set.of("service-defaults", "proxy-defaults", "service-resolver",
            "service-splitter", "service-router");
    private static final Set<String> L7_PROTOCOLS = Set.of("http", "http2", "grpc");

    private final ConsulStore store;

    ConfigEndpoints(ConsulStore store) {
        this.store = store;
    }

    void register(ConsulHttpServer server) {
        server.route("config", "PUT", "operator", false, this::apply);
        server.route("config/", "GET,DELETE", "operator", true, this::getOrDelete);
    }

    private ConsulReply apply(ConsulRequest r) {
        JsonNode body = r.jsonObject();
        String kind = Fields.text(body, "Kind");
        if (kind == null || kind.isEmpty()) {
            throw ConsulException.badRequest("Request decoding failed: Payload does not contain a kind/Kind key at the top level");
        }
        kind = kind.toLowerCase(Locale.ROOT);
        if (!KINDS.contains(kind)) {
            throw ConsulException.badRequest("Request decoding failed: invalid config entry kind: " + kind);
        }
        String name = Fields.textOr(body, "", "Name");
        ObjectNode entry = JsonNodeFactory.instance.objectNode();
        entry.put("Kind", kind);
        entry.put("Name", name);
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String k = f.getKey();
            if (!k.equalsIgnoreCase("Kind") && !k.equalsIgnoreCase("Name") && !k.equalsIgnoreCase("CreateIndex")
                    && !k.equalsIgnoreCase("ModifyIndex")) {
                entry.set(k, f.getValue());
            }
        }
        validate(kind, name, entry);
        ConsulStore.ConfigEntry e = new ConsulStore.ConfigEntry();
        e.kind = kind;
        e.name = name;
        e.body = entry;
        Long cas = r.has("cas") ? r.unsignedParam("cas", 0) : null;
        return ConsulReply.json(store.putConfig(e, cas));
    }

    private void validate(String kind, String name, ObjectNode entry) {
        if (name.isEmpty()) {
            throw ConsulException.rpc("Name is required");
        }
        if (kind.equals("proxy-defaults") && !name.equals("global")) {
            throw ConsulException.rpc("invalid name (\"" + name + "\"), only \"global\" is supported");
        }
        if (kind.equals("service-splitter")) {
            JsonNode splits = Fields.get(entry, "Splits");
            if (splits == null || !splits.isArray() || splits.isEmpty()) {
                throw ConsulException.rpc("no splits configured");
            }
            long sumScaled = 0;
            for (JsonNode split : splits) {
                JsonNode w = Fields.get(split, "Weight");
                double weight = w == null ? 0 : w.asDouble();
                sumScaled += BigDecimal.valueOf(weight).multiply(BigDecimal.valueOf(100)).setScale(0, RoundingMode.HALF_UP).longValue();
            }
            if (sumScaled != 10_000) {
                throw ConsulException.rpc(String.format(Locale.ROOT, "the sum of all split weights must be 100, not %f", sumScaled / 100.0));
            }
        }
        if (kind.equals("service-splitter") || kind.equals("service-router")) {
            String protocol = protocolOf(name);
            if (!L7_PROTOCOLS.contains(protocol)) {
                throw ConsulException.rpc("discovery chain \"" + name + "\" uses a protocol \"" + protocol
                        + "\" that does not permit advanced routing or splitting behavior");
            }
        }
    }

    /** The service's protocol from its service-defaults, else proxy-defaults' {@code Config.protocol}, else tcp. */
    private String protocolOf(String service) {
        ConsulStore.ConfigEntry defaults = store.configEntry("service-defaults", service);
        String protocol = defaults == null ? null : Fields.text(defaults.body, "Protocol");
        if (protocol == null || protocol.isEmpty()) {
            ConsulStore.ConfigEntry global = store.configEntry("proxy-defaults", "global");
            JsonNode config = global == null ? null : Fields.get(global.body, "Config");
            JsonNode p = config == null ? null : Fields.get(config, "protocol");
            protocol = p == null ? null : p.asText();
        }
        return protocol == null || protocol.isEmpty() ? "tcp" : protocol.toLowerCase(Locale.ROOT);
    }

    private ConsulReply getOrDelete(ConsulRequest r) {
        String[] parts = r.rest("config/").split("/", 2);
        String kind = parts[0];
        if (r.method().equals("DELETE")) {
            if (parts.length != 2 || parts[1].isEmpty()) {
                throw ConsulException.notFound("Must provide both a kind and name to delete");
            }
            checkKind(kind);
            Long cas = r.has("cas") ? r.unsignedParam("cas", 0) : null;
            boolean deleted = store.deleteConfig(kind, parts[1], cas);
            return cas != null ? ConsulReply.json(deleted) : ConsulReply.json(JsonNodeFactory.instance.objectNode());
        }
        if (kind.isEmpty()) {
            throw ConsulException.notFound("Must provide either a kind or both kind and name");
        }
        checkKind(kind);
        if (parts.length == 2 && !parts[1].isEmpty()) {
            ConsulStore.ConfigEntry e = store.configEntry(kind, parts[1]);
            if (e == null) {
                throw ConsulException.notFound("Config entry not found for \"" + kind + "\" / \"" + parts[1] + "\"");
            }
            return ConsulReply.json(render(e), store.configIndex());
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        store.configEntries(kind).forEach(e -> out.add(render(e)));
        return ConsulReply.json(out, store.configIndex());
    }

    private static void checkKind(String kind) {
        if (!KINDS.contains(kind)) {
            throw ConsulException.badRequest("invalid config entry kind: " + kind);
        }
    }

    private static ObjectNode render(ConsulStore.ConfigEntry e) {
        ObjectNode n = e.body.deepCopy();
        n.put("CreateIndex", e.createIndex);
        n.put("ModifyIndex", e.modifyIndex);
        return n;
    }
}

package dev.cutover.localcloud.internal.consul;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code /v1/kv/:key}: GET (raw, recurse, keys, separator), PUT (flags, cas, acquire, release), DELETE (recurse, cas). */
final class KvEndpoints {

    /** Consul's default {@code kv_max_value_size}: 512 KiB. */
    static final int MAX_VALUE_SIZE = 512 * 1024;
    private static final List<String> SUSPICIOUS_EXTENSIONS = List.of(
            ".js", ".css", ".html", ".htm", ".xml", ".json", ".txt", ".log", ".php", ".asp", ".jsp", ".cgi", ".pl",
            ".py", ".rb", ".sh", ".exe", ".dll", ".bat", ".cmd", ".com", ".scr", ".vbs", ".pdf", ".doc", ".docx",
            ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".tar", ".gz", ".7z", ".bz2", ".jpg", ".jpeg", ".png",
            ".gif", ".svg", ".ico", ".bmp", ".mp3", ".mp4", ".avi", ".mov", ".wmv", ".flv", ".swf", ".woff", ".woff2",
            ".ttf", ".eot", ".otf");

    private final ConsulStore store;

    KvEndpoints(ConsulStore store) {
        this.store = store;
    }

    void register(ConsulHttpServer server) {
        server.route("kv/", "GET,PUT,DELETE", "key", true, this::handle);
    }

    private ConsulReply handle(ConsulRequest r) {
        String key = r.rest("kv/");
        if (!key.isEmpty()) {
            validateKey(key);
        }
        return switch (r.method()) {
            case "GET" -> r.has("keys") ? keys(r, key) : get(r, key);
            case "PUT" -> put(r, key);
            default -> delete(r, key);
        };
    }

    /**
     * Consul's key rules (agent/kvs_endpoint.go in recent releases): not empty, no leading slash,
     * only letters, digits and {@code ,-_./}, no traversal, no file extension a proxy might cache.
     */
    static void validateKey(String key) {
        if (key.startsWith("/")) {
            throw ConsulException.badRequest("key must not begin with a '/'");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == ',' || c == '-' || c == '_' || c == '.' || c == '/';
            if (!ok) {
                throw ConsulException.badRequest("key contains invalid character '" + c + "' at position " + i
                        + ". Only alphanumeric characters and ,-_./ are allowed");
            }
        }
        if (key.contains("../")) {
            throw ConsulException.badRequest("key contains path traversal sequence");
        }
        String lower = key.toLowerCase(Locale.ROOT);
        for (String ext : SUSPICIOUS_EXTENSIONS) {
            if (lower.endsWith(ext)) {
                throw ConsulException.badRequest("key contains suspicious file extension '" + ext + "' that may be cached by proxies");
            }
        }
    }

    private ConsulReply get(ConsulRequest r, String key) {
        boolean recurse = r.has("recurse");
        if (!recurse && key.isEmpty()) {
            throw ConsulException.badRequest("Missing key name");
        }
        long index = store.kvIndexFor(key, recurse);
        List<ConsulStore.KvEntry> entries;
        if (recurse) {
            entries = store.kvList(key);
        } else {
            ConsulStore.KvEntry e = store.kvGet(key);
            entries = e == null ? List.of() : List.of(e);
        }
        if (entries.isEmpty()) {
            return ConsulReply.notFound(index);
        }
        if (r.has("raw") && !recurse) {
            byte[] value = entries.get(0).value;
            return ConsulReply.raw(value == null ? new byte[0] : value, index);
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (ConsulStore.KvEntry e : entries) {
            out.add(render(e));
        }
        return ConsulReply.json(out, index);
    }

    static ObjectNode render(ConsulStore.KvEntry e) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("LockIndex", e.lockIndex);
        n.put("Key", e.key);
        n.put("Flags", e.flags);
        if (e.value == null || e.value.length == 0) {
            n.putNull("Value");
        } else {
            n.put("Value", Base64.getEncoder().encodeToString(e.value));
        }
        if (e.session != null) {
            n.put("Session", e.session);
        }
        n.put("CreateIndex", e.createIndex);
        n.put("ModifyIndex", e.modifyIndex);
        return n;
    }

    private ConsulReply keys(ConsulRequest r, String prefix) {
        String separator = r.has("separator") ? r.param("separator") : r.has("seperator") ? r.param("seperator") : "";
        long index = store.kvIndexFor(prefix, true);
        Set<String> keys = new LinkedHashSet<>();
        for (ConsulStore.KvEntry e : store.kvList(prefix)) {
            int cut = separator.isEmpty() ? -1 : e.key.indexOf(separator, prefix.length());
            keys.add(cut < 0 ? e.key : e.key.substring(0, cut + separator.length()));
        }
        if (keys.isEmpty() && !prefix.isEmpty()) {
            return ConsulReply.notFound(index);
        }
        return ConsulReply.json(keys, index);
    }

    private ConsulReply put(ConsulRequest r, String key) {
        if (key.isEmpty()) {
            throw ConsulException.badRequest("Missing key name");
        }
        conflicting(r, "cas", "acquire", "release");
        long flags = r.unsignedParam("flags", 0);
        Long cas = r.has("cas") ? r.unsignedParam("cas", 0) : null;
        String acquire = r.has("acquire") ? r.param("acquire") : null;
        String release = r.has("release") ? r.param("release") : null;
        if (r.body().length > MAX_VALUE_SIZE) {
            throw new ConsulException(413, "Request body(" + r.body().length + " bytes) too large, max size: " + MAX_VALUE_SIZE
                    + " bytes. See https://developer.hashicorp.com/docs/agent/config/config-files#kv_max_value_size.");
        }
        boolean done = store.kvPut(key, r.body(), flags, cas, acquire, release);
        return ConsulReply.json(cas == null && acquire == null && release == null || done);
    }

    private ConsulReply delete(ConsulRequest r, String key) {
        conflicting(r, "recurse", "cas");
        boolean recurse = r.has("recurse");
        if (!recurse && key.isEmpty()) {
            throw ConsulException.badRequest("Missing key name");
        }
        Long cas = r.has("cas") ? r.unsignedParam("cas", 0) : null;
        boolean done = store.kvDelete(key, recurse, cas);
        return ConsulReply.json(cas == null || done);
    }

    private static void conflicting(ConsulRequest r, String... flags) {
        int found = 0;
        for (String flag : flags) {
            if (r.has(flag)) {
                found++;
            }
        }
        if (found > 1) {
            StringBuilder encoded = new StringBuilder();
            r.query().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e -> {
                for (String v : e.getValue()) {
                    if (encoded.length() > 0) {
                        encoded.append('&');
                    }
                    encoded.append(java.net.URLEncoder.encode(e.getKey(), java.nio.charset.StandardCharsets.UTF_8))
                            .append('=').append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8));
                }
            });
            throw ConsulException.badRequest("Conflicting flags: " + encoded + "\n");
        }
    }
}

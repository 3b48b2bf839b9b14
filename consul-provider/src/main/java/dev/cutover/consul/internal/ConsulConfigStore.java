package dev.cutover.consul.internal;

import com.orbitz.consul.model.kv.Value;
import dev.cutover.Change;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.ConfigConflictException;
import dev.cutover.spi.ConfigStore;
import dev.cutover.spi.ProviderException;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's configuration in KV under {@code <prefix><env>/<service>/config/<key>}, one entry per
 * key. Every write is a check-and-set against the modify index just read, and only goes ahead while
 * the entry still holds the value the plan was made from: a concurrent writer never loses an update,
 * the later one gets a {@link ConfigConflictException}.
 */
public final class ConsulConfigStore implements ConfigStore {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulConfigStore.class);
    private static final int CAS_ATTEMPTS = 5;

    private final Kv kv;
    private final ConsulKeys keys;

    public ConsulConfigStore(Kv kv, ConsulKeys keys) {
        this.kv = kv;
        this.keys = keys;
    }

    @Override
    public List<Resource> observe(List<ResourceId> ids) {
        List<Resource> out = new ArrayList<>();
        for (ResourceId id : ids) {
            if (id.type() != ResourceType.CONFIG) {
                continue;
            }
            Map<String, String> entries = read(id.environment(), id.name());
            if (!entries.isEmpty()) {
                Map<String, Attribute> attrs = new LinkedHashMap<>();
                entries.forEach((k, v) -> attrs.put(k, Attribute.of(v)));
                out.add(Resource.of(id, attrs));
            }
        }
        return out;
    }

    /** The configuration entries of a service in an environment, sorted by key. */
    public Map<String, String> read(String environment, String service) {
        String prefix = keys.configPrefix("ReadConfig", environment, service);
        Map<String, String> out = new TreeMap<>();
        for (Value v : kv.list("ReadConfig", prefix)) {
            if (v.getKey().length() > prefix.length()) {
                out.put(v.getKey().substring(prefix.length()), text(v));
            }
        }
        return out;
    }

    @Override
    public void apply(Change change) {
        Objects.requireNonNull(change, "change");
        ResourceId id = change.id();
        if (id.type() != ResourceType.CONFIG) {
            throw new ProviderException(ConsulCalls.PROVIDER, "ApplyConfig", false,
                    "the Consul config store owns config resources only, not " + id);
        }
        Map<String, String> before = values(change.before());
        Map<String, String> after = change.action() == Change.Action.DELETE ? Map.of() : values(change.after());
        if (change.action() == Change.Action.NO_OP) {
            return;
        }
        TreeSet<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        // check every key and value before the first write, so bad input changes nothing
        Map<String, String> kvKeys = new LinkedHashMap<>();
        for (String name : names) {
            String key = keys.configKey("ApplyConfig", id.environment(), id.name(), name);
            if (after.get(name) != null) {
                ConsulKeys.checkValue("ApplyConfig", key, after.get(name));
            }
            kvKeys.put(name, key);
        }
        Map<String, Value> current = new LinkedHashMap<>();
        for (Value v : kv.list("ApplyConfig", keys.configPrefix("ApplyConfig", id.environment(), id.name()))) {
            current.put(v.getKey(), v);
        }
        for (String name : names) {
            String b = before.get(name);
            String a = after.get(name);
            if (!Objects.equals(a, b)) {
                String key = kvKeys.get(name);
                write(name, key, b, a, Optional.ofNullable(current.get(key)));
            }
        }
    }

    /** Moves one entry from {@code expected} to {@code target} (null: absent) with check-and-set. */
    private void write(String name, String key, String expected, String target, Optional<Value> read) {
        Optional<Value> cur = read;
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            String now = cur.map(ConsulConfigStore::text).orElse(null);
            if (Objects.equals(now, target)) {
                return; // already there (an earlier attempt, or another writer made the same change)
            }
            if (!Objects.equals(now, expected)) {
                throw new ConfigConflictException(name, "it " + (now == null ? "was deleted" : expected == null ? "was created"
                        : "was changed") + " by another writer since the plan was made; plan again to see its current value");
            }
            long index = cur.map(Value::getModifyIndex).orElse(0L);
            if (target == null) {
                kv.delete("DeleteConfig", key, index);
            } else if (kv.put("PutConfig", key, target, index)) {
                LOG.debug("config {} written (cas {})", key, index);
                return;
            }
            cur = kv.get("ReadConfig", key);
            LOG.debug("config {}: check-and-set at index {} lost, re-read", key, index);
        }
        throw new ConfigConflictException(name, "it kept changing while being written (" + CAS_ATTEMPTS + " attempts)");
    }

    private static Map<String, String> values(Resource r) {
        Map<String, String> out = new LinkedHashMap<>();
        if (r != null) {
            r.attributes().forEach((k, v) -> out.put(k, v.value()));
        }
        return out;
    }

    private static String text(Value v) {
        return v.getValueAsString(StandardCharsets.UTF_8).orElse("");
    }
}

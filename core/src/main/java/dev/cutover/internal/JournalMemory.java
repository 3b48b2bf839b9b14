package dev.cutover.internal;

import dev.cutover.journal.JournalStore;
import dev.cutover.spi.ProviderMemory;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider's {@link ProviderMemory} kept in the journal store ({@link JournalStore#remember}).
 * What was read is cached in the process; a recall that misses a key reads the store once more
 * (another process may have remembered it since), so a fleet of known keys costs one read.
 * Failures of the store are logged and answered as "unknown": the provider then describes.
 */
public final class JournalMemory implements ProviderMemory {

    private static final Logger LOG = LoggerFactory.getLogger(JournalMemory.class);

    private final JournalStore store;
    private final String provider;
    private final Map<String, Map<String, String>> known = new ConcurrentHashMap<>();

    public JournalMemory(JournalStore store, String provider) {
        this.store = Objects.requireNonNull(store, "store");
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    @Override
    public void remember(String key, Map<String, String> facts) {
        Objects.requireNonNull(key, "key");
        Map<String, String> copy = Map.copyOf(Objects.requireNonNull(facts, "facts"));
        if (known.putIfAbsent(key, copy) != null) {
            return; // facts of an immutable thing: already kept
        }
        try {
            store.remember(provider, key, copy);
        } catch (RuntimeException e) {
            LOG.warn("could not remember a fact of provider {} in {}: {}", provider, store, e.toString());
        }
    }

    @Override
    public Map<String, Map<String, String>> recall(Collection<String> keys) {
        if (!known.keySet().containsAll(keys)) {
            try {
                store.remembered(provider).forEach(known::putIfAbsent);
            } catch (RuntimeException e) {
                LOG.warn("could not read the facts of provider {} from {}: {}", provider, store, e.toString());
            }
        }
        Map<String, Map<String, String>> out = new HashMap<>();
        for (String k : keys) {
            Map<String, String> f = known.get(k);
            if (f != null) {
                out.put(k, f);
            }
        }
        return out;
    }
}

package dev.cutover.consul.internal;

import com.orbitz.consul.KeyValueClient;
import com.orbitz.consul.model.kv.Value;
import com.orbitz.consul.option.DeleteOptions;
import com.orbitz.consul.option.ImmutableDeleteOptions;
import com.orbitz.consul.option.ImmutablePutOptions;
import com.orbitz.consul.option.ImmutableQueryOptions;
import com.orbitz.consul.option.PutOptions;
import com.orbitz.consul.option.QueryOptions;
import java.util.List;
import java.util.Optional;

/**
 * Consul KV through the real client, every call guarded: reads, check-and-set writes, lock
 * acquire/release and deletes, all in the configured datacenter, with the 512 KiB value limit
 * checked before anything is sent.
 */
public final class Kv {

    private static final String FAMILY = "consul.kv";

    private final KeyValueClient client;
    private final ConsulCalls calls;
    private final String datacenter;

    /** @param datacenter the datacenter, or null for the agent's own */
    public Kv(KeyValueClient client, ConsulCalls calls, String datacenter) {
        this.client = client;
        this.calls = calls;
        this.datacenter = datacenter;
    }

    /** One entry, if it exists. */
    public Optional<Value> get(String operation, String key) {
        return calls.call(FAMILY, operation, () -> client.getValue(key, query()));
    }

    /** Every entry under {@code prefix} (empty when there is none). */
    public List<Value> list(String operation, String prefix) {
        return calls.call(FAMILY, operation, () -> {
            List<Value> values = client.getValues(prefix, query());
            return values == null ? List.of() : List.copyOf(values);
        });
    }

    /** Writes {@code value}; with {@code cas} (0: only if absent) returns false when the entry changed meanwhile. */
    public boolean put(String operation, String key, String value, Long cas) {
        byte[] bytes = ConsulKeys.checkValue(operation, key, value);
        ImmutablePutOptions.Builder options = putOptions();
        if (cas != null) {
            options.cas(cas);
        }
        return calls.call(FAMILY, operation, () -> client.putValue(key, bytes, 0L, options.build()));
    }

    /** Writes {@code value} and takes the lock of {@code key} for {@code session}; false when another session holds it. */
    public boolean acquire(String operation, String key, String value, String session) {
        byte[] bytes = ConsulKeys.checkValue(operation, key, value);
        PutOptions options = putOptions().acquire(session).build();
        return calls.call(FAMILY, operation, () -> client.putValue(key, bytes, 0L, options));
    }

    /** Releases the lock of {@code key} held by {@code session}, keeping the value. */
    public boolean release(String operation, String key, String value, String session) {
        byte[] bytes = ConsulKeys.checkValue(operation, key, value);
        PutOptions options = putOptions().release(session).build();
        return calls.call(FAMILY, operation, () -> client.putValue(key, bytes, 0L, options));
    }

    /** Deletes one entry; with {@code cas}, only if it still has that modify index. */
    public void delete(String operation, String key, Long cas) {
        ImmutableDeleteOptions.Builder options = ImmutableDeleteOptions.builder();
        if (datacenter != null) {
            options.datacenter(datacenter);
        }
        if (cas != null) {
            options.cas(cas);
        }
        DeleteOptions built = options.build();
        calls.run(FAMILY, operation, () -> client.deleteKey(key, built));
    }

    private ImmutablePutOptions.Builder putOptions() {
        ImmutablePutOptions.Builder b = ImmutablePutOptions.builder();
        if (datacenter != null) {
            b.dc(datacenter);
        }
        return b;
    }

    private QueryOptions query() {
        return datacenter == null ? QueryOptions.BLANK : ImmutableQueryOptions.builder().datacenter(datacenter).build();
    }
}

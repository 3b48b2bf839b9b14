package dev.cutover.consul.internal;

import com.orbitz.consul.model.kv.Value;
import dev.cutover.journal.JournalCodec;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.JournalException;
import dev.cutover.journal.JournalStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Deployment journals in KV, so a deployment can be resumed from another machine: one key per
 * entry, {@code <prefix>_journal/<deployment>/<sequence, 10 digits>}, holding the entry's JSON line.
 * Entries are created with {@code cas=0}, so an entry is never overwritten: appending the same entry
 * again is a no-op, appending a different one with a taken sequence number is an error.
 */
public final class ConsulJournalStore implements JournalStore {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.,-]{1,200}");

    private final Kv kv;
    private final String root;

    public ConsulJournalStore(Kv kv, ConsulKeys keys) {
        this.kv = kv;
        this.root = keys.prefix() + "_journal/";
    }

    @Override
    public void append(JournalEntry entry) {
        Objects.requireNonNull(entry, "entry");
        if (entry.sequence() < 0) {
            throw new JournalException("journal sequence must not be negative, was " + entry.sequence());
        }
        String key = root + id(entry.deploymentId()) + "/" + String.format(Locale.ROOT, "%010d", entry.sequence());
        String line = JournalCodec.encode(entry);
        if (!kv.put("AppendJournal", key, line, 0L)) {
            String existing = kv.get("ReadJournal", key).flatMap(v -> v.getValueAsString(StandardCharsets.UTF_8)).orElse("");
            if (!existing.equals(line)) {
                throw new JournalException("journal of " + entry.deploymentId() + " already has a different entry "
                        + entry.sequence() + "; another process is writing this deployment");
            }
        }
    }

    @Override
    public List<JournalEntry> read(String deploymentId) {
        String prefix = root + id(deploymentId) + "/";
        List<Value> values = new ArrayList<>(kv.list("ReadJournal", prefix));
        if (values.isEmpty()) {
            throw new JournalException("no deployment '" + deploymentId + "' in the Consul journal under " + root);
        }
        values.sort(Comparator.comparing(Value::getKey));
        List<JournalEntry> out = new ArrayList<>();
        for (Value v : values) {
            String line = v.getValueAsString(StandardCharsets.UTF_8).orElse("");
            try {
                out.add(JournalCodec.decode(line));
            } catch (JournalException e) {
                throw new JournalException("corrupt journal entry " + v.getKey() + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    @Override
    public List<String> deployments() {
        // KV lists sort by key, so the first entry seen per deployment is its lowest sequence
        List<Value> firsts = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Value v : kv.list("ListJournals", root)) {
            String rest = v.getKey().substring(root.length());
            int slash = rest.indexOf('/');
            if (slash > 0 && seen.add(rest.substring(0, slash))) {
                firsts.add(v);
            }
        }
        firsts.sort(Comparator.comparingLong(Value::getCreateIndex).thenComparing(Value::getKey));
        return firsts.stream().map(v -> {
            String rest = v.getKey().substring(root.length());
            return rest.substring(0, rest.indexOf('/'));
        }).toList();
    }

    private static String id(String deploymentId) {
        Objects.requireNonNull(deploymentId, "deploymentId");
        if (!ID.matcher(deploymentId).matches() || deploymentId.contains("..")) {
            throw new JournalException("deployment id '" + deploymentId + "' cannot be a Consul key: use 1-200 letters, "
                    + "digits, '_', '.', ',', '-'");
        }
        return deploymentId;
    }
}

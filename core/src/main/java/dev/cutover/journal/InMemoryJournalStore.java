package dev.cutover.journal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A journal kept in memory (tests, JShell); lost when the process ends. */
public final class InMemoryJournalStore implements JournalStore {

    private final Map<String, List<JournalEntry>> journals = new LinkedHashMap<>();
    private final Map<String, Map<String, Map<String, String>>> memory = new LinkedHashMap<>();

    @Override
    public synchronized void append(JournalEntry entry) {
        journals.computeIfAbsent(entry.deploymentId(), k -> new ArrayList<>()).add(entry);
    }

    @Override
    public synchronized List<JournalEntry> read(String deploymentId) {
        List<JournalEntry> entries = journals.get(deploymentId);
        if (entries == null) {
            throw new JournalException("no deployment '" + deploymentId + "' in the journal");
        }
        return List.copyOf(entries);
    }

    @Override
    public synchronized List<String> deployments() {
        return List.copyOf(journals.keySet());
    }

    @Override
    public synchronized void remember(String provider, String key, Map<String, String> facts) {
        memory.computeIfAbsent(provider, k -> new LinkedHashMap<>()).putIfAbsent(key, Map.copyOf(facts));
    }

    @Override
    public synchronized Map<String, Map<String, String>> remembered(String provider) {
        return Map.copyOf(memory.getOrDefault(provider, Map.of()));
    }

    /** {@code InMemoryJournalStore[3 deployments]}: history that ends with the process. */
    @Override
    public String toString() {
        return "InMemoryJournalStore[" + deployments().size() + " deployments]";
    }
}

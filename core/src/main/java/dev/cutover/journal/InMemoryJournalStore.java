package dev.cutover.journal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A journal kept in memory (tests, JShell); lost when the process ends. */
public final class InMemoryJournalStore implements JournalStore {

    private final Map<String, List<JournalEntry>> journals = new LinkedHashMap<>();

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

    /** {@code InMemoryJournalStore[3 deployments]}: history that ends with the process. */
    @Override
    public String toString() {
        return "InMemoryJournalStore[" + deployments().size() + " deployments]";
    }
}

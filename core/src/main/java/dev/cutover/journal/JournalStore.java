package dev.cutover.journal;

import java.util.List;

/**
 * Where deployment journals live: append-only, one journal per deployment. Cutover appends an
 * entry before it acts on a step and another after, so a crashed deployment can be resumed from
 * another process. The default is {@link FileJournalStore}; Consul KV or your own store plug in here.
 */
public interface JournalStore {

    /** Appends an entry durably (the call returns only after the entry is persisted). */
    void append(JournalEntry entry);

    /**
     * Every entry of a deployment in order.
     *
     * @throws JournalException when the deployment is unknown or its journal is corrupt
     */
    List<JournalEntry> read(String deploymentId);

    /** The ids of every deployment this store knows, oldest first. */
    List<String> deployments();
}

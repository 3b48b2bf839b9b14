package dev.cutover.journal;

import java.util.List;
import java.util.Map;

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

    /**
     * Keeps a provider's fact about an immutable thing ({@link dev.cutover.spi.ProviderMemory}),
     * e.g. the attributes of an ECS task definition the AWS provider registered, keyed by its ARN.
     * Kept apart from the deployments (never listed by {@link #deployments()}); several processes
     * may remember at once. The default keeps nothing, which is correct: the provider then
     * describes the thing again.
     *
     * @param provider the provider's name ({@code aws})
     * @param key      what the facts are about (an ARN)
     * @param facts    string facts, never a secret's value
     */
    default void remember(String provider, String key, Map<String, String> facts) {
    }

    /** Every fact {@link #remember} kept for {@code provider}, by key. The default: none. */
    default Map<String, Map<String, String>> remembered(String provider) {
        return Map.of();
    }
}

package dev.cutover.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.JournalException;
import dev.cutover.journal.JournalStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsulJournalStoreTest extends ConsulTestSupport {

    private JournalEntry entry(String deployment, long seq, String type) {
        return new JournalEntry(deployment, seq, consul.clock().instant(), type, Map.of("revision", "orders:2", "weights", "orders:2=10"));
    }

    @Test
    void entriesReadBackInOrderAndAnotherProcessSeesThem() {
        JournalStore journal = provider.journalStore();
        for (int i = 1; i <= 12; i++) {
            journal.append(entry("prod-orders-1", i, i == 1 ? "started" : "intent"));
            consul.clock().advance(Duration.ofSeconds(1));
        }
        journal.append(entry("prod-orders-2", 1, "started"));

        // a second provider instance, as on another machine
        JournalStore other = provider(b -> { }).journalStore();
        assertThat(other.read("prod-orders-1")).hasSize(12)
                .extracting(JournalEntry::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
        assertThat(other.read("prod-orders-1").get(0).get("weights")).isEqualTo("orders:2=10");
        assertThat(other.read("prod-orders-1").get(0).at()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(other.deployments()).containsExactly("prod-orders-1", "prod-orders-2");
        assertThat(consul.kvValue("cutover/_journal/prod-orders-1/0000000001")).isPresent();
    }

    @Test
    void appendingIsIdempotentButNeverOverwrites() {
        JournalStore journal = provider.journalStore();
        JournalEntry first = entry("prod-orders-1", 1, "started");
        journal.append(first);
        journal.append(first);
        assertThat(journal.read("prod-orders-1")).containsExactly(first);
        assertThatThrownBy(() -> journal.append(entry("prod-orders-1", 1, "finished")))
                .isInstanceOf(JournalException.class).hasMessageContaining("already has a different entry 1");
    }

    @Test
    void unknownDeploymentsCorruptEntriesAndBadIdsAreClearErrors() {
        JournalStore journal = provider.journalStore();
        assertThatThrownBy(() -> journal.read("nope")).isInstanceOf(JournalException.class).hasMessageContaining("no deployment 'nope'");
        assertThatThrownBy(() -> journal.append(entry("a b", 1, "started")))
                .isInstanceOf(JournalException.class).hasMessageContaining("cannot be a Consul key");

        journal.append(entry("prod-orders-9", 1, "started"));
        // corrupt one entry by hand
        com.orbitz.consul.Consul.builder().withUrl(consul.endpoint().toString()).withPing(false).build()
                .keyValueClient().putValue("cutover/_journal/prod-orders-9/0000000002", "{not json");
        assertThatThrownBy(() -> journal.read("prod-orders-9"))
                .isInstanceOf(JournalException.class).hasMessageContaining("corrupt journal entry cutover/_journal/prod-orders-9/0000000002");
    }
}

package dev.cutover.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.internal.JournalMemory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Providers' facts kept beside the journal: durable, shared by processes, never listed as deployments. */
class ProviderMemoryStoreTest {

    @TempDir
    Path dir;

    @Test
    void factsRememberedByOneStoreAreRecalledByAnotherOnTheSameDirectoryAndAreNoDeployment() {
        FileJournalStore one = new FileJournalStore(dir);
        new JournalMemory(one, "aws").remember("arn:td/a:1", Map.of("image", "repo/a:1", "cpu", "256"));
        new JournalMemory(one, "aws").remember("arn:td/a:1", Map.of("image", "repo/a:1", "cpu", "256")); // again: no new line

        JournalMemory fresh = new JournalMemory(new FileJournalStore(dir), "aws");
        assertThat(fresh.recall(List.of("arn:td/a:1", "arn:td/b:1")))
                .isEqualTo(Map.of("arn:td/a:1", Map.of("image", "repo/a:1", "cpu", "256")));
        assertThat(new JournalMemory(new FileJournalStore(dir), "consul").recall(List.of("arn:td/a:1"))).isEmpty();
        assertThat(one.deployments()).isEmpty();
    }

    @Test
    void aFactRememberedLaterByAnotherProcessIsFoundOnTheNextMiss() {
        JournalMemory reader = new JournalMemory(new FileJournalStore(dir), "aws");
        assertThat(reader.recall(List.of("k"))).isEmpty();
        new FileJournalStore(dir).remember("aws", "k", Map.of("v", "1"));
        assertThat(reader.recall(List.of("k"))).containsKey("k");
    }

    @Test
    void aTornFactIsUnknownAndTheNextFactCutsItOff() throws Exception {
        FileJournalStore store = new FileJournalStore(dir);
        store.remember("aws", "k1", Map.of("v", "1"));
        Path file = dir.resolve("memory/aws.jsonl");
        Files.write(file, "{\"deployment\":\"aws\",\"se".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        assertThat(store.remembered("aws")).containsOnlyKeys("k1");
        store.remember("aws", "k2", Map.of("v", "2"));
        assertThat(store.remembered("aws")).containsOnlyKeys("k1", "k2");
        assertThat(Files.readAllLines(file)).hasSize(2);
    }

    @Test
    void theInMemoryStoreKeepsFactsForItsLifetime() {
        InMemoryJournalStore store = new InMemoryJournalStore();
        new JournalMemory(store, "aws").remember("k", Map.of("v", "1"));
        assertThat(new JournalMemory(store, "aws").recall(List.of("k"))).containsKey("k");
        assertThat(store.deployments()).isEmpty();
    }
}

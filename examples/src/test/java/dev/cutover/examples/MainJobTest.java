package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.localcloud.Datadog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's main job on the local cloud in virtual time (the cloud and Cutover on one
 * timeline), so the outcome does not depend on how loaded the machine is.
 */
class MainJobTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void theMainJobBehavesAsDesignedAndWritesTheReport(@TempDir Path out) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        String apiKey = "dd-api-key-from-the-environment";
        boolean ok;
        try (PrintStream print = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            ok = MainJob.runVirtual(T0, out, print, Map.of("DD_API_KEY", apiKey)::get);
        }
        String console = buffer.toString(StandardCharsets.UTF_8);
        System.out.println(console);
        assertThat(ok).as("exit status of the main job").isTrue();
        assertThat(console).contains("Main job finished as designed", "ROLLED_BACK", "error rate",
                "cutover.deployments", "Deployment history");
        assertThat(console).as("the Datadog key is never printed").doesNotContain(apiKey, Datadog.DEFAULT_APPLICATION_KEY);

        Path report = out.resolve("cutover-report.html");
        assertThat(report).exists();
        String html = Files.readString(report);
        assertThat(html).contains("<svg", "traffic weight %", "error rate %", "p99 latency ms", "rollback");
        assertThat(html).as("self-contained, no network").doesNotContain("http://", "https://", "<script", "<link");
        assertThat(out.resolve("cutover-journal")).isDirectoryContaining(p -> true);
    }
}

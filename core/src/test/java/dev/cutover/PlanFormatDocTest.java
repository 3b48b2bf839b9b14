package dev.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The examples in {@code docs/plan-format.md} are the golden files, so the page cannot drift from the renderer. */
class PlanFormatDocTest {

    @Test
    void everyGoldenFileAppearsVerbatimInThePlanFormatPage() throws IOException {
        Path doc = Path.of(System.getProperty("basedir", ".")).resolve("../docs/plan-format.md");
        String page = Files.readString(doc, StandardCharsets.UTF_8);
        for (String name : new String[] {"first-deployment.txt", "new-image.txt", "secret-changed.txt", "config-added.txt",
                "config-changed.txt", "config-removed.txt", "scaling-removed.txt", "drift-weights.txt", "no-changes.txt",
                "autoscaled-inside.txt", "autoscaled-clamped.txt",
                "new-image.json"}) {
            String golden = Files.readString(PlanGolden.dir().resolve(name), StandardCharsets.UTF_8).strip();
            assertThat(page).as("docs/plan-format.md shows %s; copy it from the golden file", name).contains(golden);
        }
    }
}

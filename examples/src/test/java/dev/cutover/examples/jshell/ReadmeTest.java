package dev.cutover.examples.jshell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs every ```java block of README.md through JShell exactly as written — what a newcomer pastes
 * into {@code ./cutover-shell} — so a block that does not paste, or blocks on the system clock, fails
 * the build.
 */
class ReadmeTest {

    @Test
    void everyJavaBlockOfTheReadmePastesIntoJShellAndFinishes() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> blocks = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme).results()
                .map(m -> m.group(1)).toList();
        assertThat(blocks).as("java blocks in README.md").isNotEmpty();
        for (String block : blocks) {
            try (JShellScripts jshell = new JShellScripts()) {
                jshell.eval(block, "README.md");
                assertThat(jshell.value("deployment.status().toString()")).isEqualTo("\"SUCCEEDED\"");
                assertThat(jshell.value("cutover.plan(release).isEmpty()")).isEqualTo("true");
            }
        }
    }
}

package dev.cutover.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keeps the Java blocks of the user guides honest: each must be one of the
 * {@code snippet:start}/{@code snippet:end} regions of code that tests compile and run
 * ({@link DocsExamplesTest}, the custom provider's kit test). Indentation and blank lines are ignored.
 */
class DocsSnippetsTest {

    private static final Path TESTS = Path.of("src", "test", "java", "dev", "cutover", "examples");
    private static final List<Path> SOURCES = List.of(
            TESTS.resolve(Path.of("docs", "DocsExamplesTest.java")),
            TESTS.resolve(Path.of("custom", "DirectoryLocksKitTest.java")));

    @ParameterizedTest
    @ValueSource(strings = {"getting-started.md", "strategies-and-analysis.md", "providers.md", "security.md"})
    void everyJavaBlockIsARunSnippet(String page) throws IOException {
        Path doc = Path.of("..", "docs", page);
        List<String> blocks = blocks(Files.readString(doc), Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL));
        List<String> snippets = new ArrayList<>();
        for (Path source : SOURCES) {
            snippets.addAll(blocks(Files.readString(source),
                    Pattern.compile("// snippet:start\\n(.*?)\\n\\s*// snippet:end", Pattern.DOTALL)));
        }
        assertThat(blocks).as("java blocks in %s", doc).isNotEmpty();
        assertThat(snippets).as("snippets for %s", doc).containsAll(blocks);
    }

    /** The first group of every match, each line stripped of indentation, blank lines dropped. */
    private static List<String> blocks(String text, Pattern pattern) {
        List<String> out = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            out.add(m.group(1).lines().map(String::strip).filter(l -> !l.isEmpty()).reduce((a, b) -> a + "\n" + b).orElse(""));
        }
        return out;
    }
}

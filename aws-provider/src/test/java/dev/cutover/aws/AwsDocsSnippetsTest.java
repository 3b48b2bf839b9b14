package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the Java blocks of docs/providers-aws.md honest: each must be one of the
 * {@code snippet:start}/{@code snippet:end} regions of {@link AwsDocsExamplesTest}, which compiles
 * and runs them. Indentation and blank lines are ignored (the pattern of the examples module's
 * {@code DocsSnippetsTest}).
 */
class AwsDocsSnippetsTest {

    private static final Path DOC = Path.of("..", "docs", "providers-aws.md");
    private static final Path SOURCE = Path.of("src", "test", "java", "dev", "cutover", "aws", "AwsDocsExamplesTest.java");

    @Test
    void everyJavaBlockIsARunSnippet() throws IOException {
        List<String> blocks = blocks(Files.readString(DOC), Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL));
        List<String> snippets = blocks(Files.readString(SOURCE),
                Pattern.compile("// snippet:start\\n(.*?)\\n\\s*// snippet:end", Pattern.DOTALL));
        assertThat(blocks).as("java blocks in %s", DOC).hasSize(6);
        assertThat(snippets).as("snippets in %s", SOURCE).containsAll(blocks);
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

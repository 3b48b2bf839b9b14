package dev.cutover.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.examples.docs.MarkdownBlocks.Block;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link DocBlocksTest} reports for a broken block: the page's file and line. */
class DocBlocksRunnerTest {

    @TempDir
    Path dir;

    @Test
    void aJavaBlockThatDoesNotCompileIsReportedAtThePagesLine() throws Exception {
        Path page = dir.resolve("page.md");
        Files.writeString(page, String.join("\n",
                "# A page",                                  // 1
                "```bash",                                   // 2
                "echo not java",                             // 3
                "```",                                       // 4
                "```java compile-only",                      // 5
                "import java.time.Duration;",                // 6
                "",                                          // 7
                "Duration d = Duration.ofMinutes(10);",      // 8
                "Service s = Service.named(\"orders\").nosuch();",   // 9
                "```",
                "```java",                                   // 11
                "System.out.println(cutover.plan(Release.of(Service.named(\"a\").image(\"r/a:1\").build())",
                "    .to(Environment.named(\"test\").region(\"us-east-1\").cluster(\"main\").serviceConnect().build()).build()));",
                "```",
                "```jshell",                                 // 15
                "String s = \"orders\"",                     // 16: complete, so jshell runs it
                "    .repeat(2);",                           // 17: and rejects this
                "```",
                ""));
        List<Block> blocks = MarkdownBlocks.of(page, "page.md");
        assertThat(blocks).extracting(Block::toString)
                .containsExactly("page.md:5 (```java compile-only)", "page.md:11 (```java)", "page.md:15 (```jshell)");

        JavaBlocks java = new JavaBlocks(blocks.subList(0, 2), dir.resolve("classes")).compile();
        assertThat(java.errors(blocks.get(0))).singleElement().asString()
                .startsWith("page.md:9: cannot find symbol").contains("nosuch()");
        assertThat(java.errors(blocks.get(1))).as("the good block compiles although the other does not").isEmpty();
        assertThat(java.isType(blocks.get(1))).isFalse();

        try (JShellSession shell = JShellSession.plain()) {
            assertThatThrownBy(() -> shell.eval(blocks.get(2))).hasMessageStartingWith("page.md:17: JShell says REJECTED");
        }
    }

    @Test
    void aBlockThatIsNeverClosedIsAnError() throws Exception {
        Path page = dir.resolve("open.md");
        Files.writeString(page, "text\n```java\nint x = 1;\n");
        assertThatThrownBy(() -> MarkdownBlocks.of(page, "open.md")).hasMessage("open.md:2: the code block is never closed");
    }
}

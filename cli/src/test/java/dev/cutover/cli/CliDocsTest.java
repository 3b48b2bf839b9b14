package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Keeps docs/operations.md's command-line section true to the code. */
class CliDocsTest {

    private static String operations() throws IOException {
        return Files.readString(Path.of("..", "docs", "operations.md"));
    }

    @Test
    void theDocumentedDescriptorIsTheOneTheTestsRead() throws IOException {
        Matcher m = Pattern.compile("### The release descriptor.*?```yaml\\n(.*?)```", Pattern.DOTALL).matcher(operations());
        assertThat(m.find()).as("a yaml block under 'The release descriptor'").isTrue();
        assertThat(m.group(1)).isEqualTo(Files.readString(DescriptorTest.resource("orders.yaml")));
    }

    @Test
    void theExitCodesAreDocumentedInTheDocsAndInHelp() throws IOException {
        String docs = operations();
        assertThat(docs).contains("| " + ExitCode.OK + " | success")
                .contains("| " + ExitCode.DEPLOYMENT_FAILED + " | the deployment failed")
                .contains("| " + ExitCode.BAD_INPUT + " | bad input")
                .contains("| " + ExitCode.UNREACHABLE + " | could not reach the provider");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = CutoverCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, "--help");
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Exit codes:")
                .contains("0  success").contains("1  the deployment failed").contains("2  bad input")
                .contains("3  could not reach the provider")
                .contains("plan", "apply", "status", "history", "rollback", "resume", "pause", "promote", "abort", "approve",
                        "local-cloud");
    }

    @Test
    void aUsageErrorIsBadInput() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CutoverCli.run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), "plan", "-e", "stage");
        assertThat(code).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: Error: Missing required argument");
    }

    @Test
    void aControlRequestForAnUnknownDeploymentIsBadInput(@org.junit.jupiter.api.io.TempDir Path state) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CutoverCli.run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8),
                "approve", "stage-orders-nope", "--state-dir", state.toString());
        assertThat(code).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no deployment 'stage-orders-nope' in the journal");
    }
}

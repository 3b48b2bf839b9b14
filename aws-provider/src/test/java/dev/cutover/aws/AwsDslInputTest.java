package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Problem;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.ValidationException;
import dev.cutover.aws.internal.TaskDefs;
import dev.cutover.spi.RevisionRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Issue 10 item 7 on the AWS provider against the local cloud. The health-check path is quoted in the container's health command. The command
 * is registered through the AWS provider on the local cloud, read back with the real SDK's
 * DescribeTaskDefinition, and run by {@code /bin/sh} exactly as Docker runs a {@code CMD-SHELL}
 * check, with a stand-in {@code curl} that records its arguments: the shell must hand the whole URL
 * to curl as one argument and run nothing else.
 */
class AwsDslInputTest {

    private final AwsFixture f = new AwsFixture();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void shellSyntaxInTheHealthPathIsQuotedSoItRunsNothing() throws Exception {
        Path marker = dir.resolve("pwned");
        // URL path characters only (RFC 3986 allows ; $ & in a path), so these pass validation
        for (String path : List.of("/h;touch$IFS" + marker, "/h&touch$IFS" + marker, "/h$(touch$IFS" + marker + ")")) {
            TaskDefinition td = register(path);
            List<String> command = td.containerDefinitions().get(0).healthCheck().command();
            assertThat(command).hasSize(2).first().isEqualTo("CMD-SHELL");

            List<String> curlArgs = runLikeDocker(command.get(1));

            assertThat(marker).as("the shell ran what the path %s smuggled in", path).doesNotExist();
            assertThat(curlArgs).as("curl gets the whole URL as one argument").containsExactly("-fs", "http://localhost:8080" + path);
            // and the plan still reads the path back from the quoted command (no drift on the next plan)
            assertThat(TaskDefs.canonical(td).get("healthCheck").toString()).contains("GET " + path + " every 10s");
        }
    }

    @Test
    void aQueryStringOrShellQuoteIsNoUrlPathAndIsRejectedBeforeAnyCall() {
        for (String path : List.of("/h?a=1&b=2", "/h'x", "/h x", "/h#frag", "/h\\x", "/h`id`")) {
            assertThatThrownBy(() -> register(path)).as(path).isInstanceOf(ValidationException.class)
                    .satisfies(e -> assertThat(((ValidationException) e).problems()).extracting(Problem::path)
                            .containsExactly("service.healthCheck.path"));
        }
        assertThat(f.aws.apiCalls()).doesNotContainKey("ecs:RegisterTaskDefinition");
    }

    @Test
    void aTaskDefinitionLargerThanEcsAllowsIsRejectedBeforeAnyCall() {
        Service.Builder big = AwsFixture.orders("1.0.0").toBuilder();
        for (int i = 0; i < 60; i++) {
            big.env("BLOB_" + i, "x".repeat(1000));
        }
        assertThatThrownBy(big::build).isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).problems()).extracting(Problem::path).containsExactly("service.env"))
                .hasMessageContaining("64 KiB");
        // a secret value given where its reference belongs is never echoed
        assertThatThrownBy(() -> AwsFixture.orders("1.0.0").toBuilder().secret("DB_PASSWORD", "hunter2 is my password").build())
                .isInstanceOf(ValidationException.class).hasMessageNotContaining("hunter2").hasMessageContaining("(hidden)");
        assertThat(f.aws.apiCalls()).doesNotContainKey("ecs:RegisterTaskDefinition");
    }

    private TaskDefinition register(String healthPath) {
        Service s = AwsFixture.orders("1.0.0").toBuilder().healthCheck(h -> h.path(healthPath)).build();
        Release release = AwsFixture.release(s, AwsFixture.meshEnv());
        f.bootstrap(release);
        RevisionRef ref = f.aws.compute().orElseThrow().startRevision(release, 1);
        try (var ecs = f.ecs()) {
            return ecs.describeTaskDefinition(b -> b.taskDefinition(ref.id())).taskDefinition();
        }
    }

    /** Runs {@code shellCommand} with {@code /bin/sh -c}, as Docker runs CMD-SHELL; returns the arguments curl got. */
    private List<String> runLikeDocker(String shellCommand) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path argsFile = dir.resolve("curl-args");
        Files.deleteIfExists(argsFile);
        Path curl = bin.resolve("curl");
        Files.writeString(curl, "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + argsFile + "'\nexit 0\n");
        Files.setPosixFilePermissions(curl, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", shellCommand).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return Files.readAllLines(argsFile, StandardCharsets.UTF_8);
    }
}

package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a pipeline runs it: {@code java -jar} of the runnable jar the package phase built, one
 * process per command, state shared only through the state directory and a local cloud running in
 * its own process ({@code cutover local-cloud}, virtual time moved by the commands, so every outcome
 * depends on nothing but the seed).
 */
class CliProcessIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    // outside private ECR, so planning needs no image pushed to the running local cloud's ECR
    private static final String IMAGE = "ghcr.io/acme/orders";

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + out + "\nstderr: " + err, e);
            }
        }
    }

    @Test
    void aBadDescriptorExitsWith2AndListsEveryProblemBeforeAnyProviderCall() throws Exception {
        // no --local-cloud and no AWS settings: validation comes first, so no provider is ever asked
        Result r = cutover("plan", "-f", descriptor("bad.yaml"), "-e", "stage", "--json");

        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.BAD_INPUT);
        JsonNode error = r.json().get("error");
        assertThat(error.get("kind").asText()).isEqualTo("invalid");
        List<String> paths = new ArrayList<>();
        error.get("problems").forEach(p -> paths.add(p.get("path").asText()));
        assertThat(paths).hasSize(13).contains("service.image", "service.imagee", "service.cpu",
                "environments.stage.regon", "strategy.steps[2]", "environments.prod.region");
        assertThat(r.err()).contains("13 problems in release descriptor bad.yaml")
                .contains("did you mean 'region'?");
        assertThat(r.out() + r.err()).doesNotContain("hunter2");
    }

    @Test
    void aJavaReleaseClassPlansOnTheEmbeddedLocalCloudInHumanForm() throws Exception {
        Path testClasses = Path.of(SampleRelease.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Result r = cutover("plan", "--release-class", SampleRelease.class.getName(), "--class-path", testClasses.toString(),
                "-e", "stage", "--local-cloud", "--state-dir", dir.resolve("state").toString());

        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).startsWith("Cutover plan: payments 3.1.0 -> stage (canary)")
                .contains("+ revision stage/payments  # first revision of the service")
                .contains("Rollout (canary) 20% -> 100% of traffic to the new revision, baking 1m at each step.");
        assertThat(r.err()).contains("provider: the embedded local cloud (virtual time)");
    }

    @Test
    void reviewedPlansRollbacksAndHistoryAcrossProcesses() throws Exception {
        String state = dir.resolve("state").toString();
        String release = descriptor("local.json");
        Process cloud = start("local-cloud", "--port", "0", "--json");
        try {
            String endpoint;
            try (BufferedReader first = new BufferedReader(new InputStreamReader(cloud.getInputStream(), StandardCharsets.UTF_8))) {
                String line = first.readLine();
                assertThat(line).as("the local cloud says where it listens").isNotNull();
                endpoint = JSON.readTree(line).get("endpoint").asText();
                String at = "--local-cloud=" + endpoint;

                // 1. plan --out in one process, as JSON
                Path planFile = dir.resolve("plan.json");
                Result plan = cutover("plan", "-f", release, "-e", "stage", at, "--state-dir", state, "--out",
                        planFile.toString(), "--json");
                assertThat(plan.code()).as(plan.err()).isEqualTo(ExitCode.OK);
                JsonNode planJson = plan.json();
                assertThat(planJson.get("planFile").asText()).isEqualTo(planFile.toString());
                assertThat(planJson.at("/plan/release/service").asText()).isEqualTo("orders");
                assertThat(planJson.at("/plan/summary/create").asInt()).isEqualTo(7);
                assertThat(planJson.at("/plan/rollout/strategy").asText()).isEqualTo("canary");

                // 2. an edited copy is refused before anything is applied
                Path edited = dir.resolve("edited.json");
                Files.writeString(edited, Files.readString(planFile).replace("orders:1.4.2", "orders:6.6.6"));
                Result refused = cutover("apply", edited.toString(), at, "--state-dir", state, "--json");
                assertThat(refused.code()).as(refused.err()).isEqualTo(ExitCode.BAD_INPUT);
                assertThat(refused.json().at("/error/message").asText()).contains("edited after it was written");

                // 3. another process applies the reviewed plan exactly
                Result applied = cutover("apply", planFile.toString(), at, "--state-dir", state, "--json");
                assertThat(applied.code()).as(applied.err()).isEqualTo(ExitCode.OK);
                JsonNode deployment = applied.json().get("deployment");
                assertThat(deployment.get("status").asText()).isEqualTo("SUCCEEDED");
                assertThat(deployment.get("weights").toString()).isEqualTo("{\"stage-orders:1\":100}");
                String firstId = deployment.get("id").asText();
                assertThat(applied.err()).contains("promoted stage-orders:1");   // progress on stderr

                // 4. the same plan again: the world changed since it was made
                Result stale = cutover("apply", planFile.toString(), at, "--state-dir", state, "--json");
                assertThat(stale.code()).as(stale.err()).isEqualTo(ExitCode.BAD_INPUT);
                assertThat(stale.json().at("/error/kind").asText()).isEqualTo("stale-plan");
                assertThat(stale.json().at("/error/message").asText()).contains("is stale");

                // 5. status in a new process, from the state directory only
                Result status = cutover("status", "-s", "orders", "-e", "stage", "--state-dir", state, "--json");
                assertThat(status.code()).as(status.err()).isEqualTo(ExitCode.OK);
                assertThat(status.json().at("/deployment/deploymentId").asText()).isEqualTo(firstId);
                assertThat(status.json().at("/deployment/outcome").asText()).isEqualTo("SUCCEEDED");

                // 6. a bad artifact: its tasks crash, the rollout rolls back by itself
                admin(endpoint, "images", "{\"image\":\"" + IMAGE + ":2.0.0\",\"crashOnStart\":true}");
                Result bad = cutover("apply", "-f", release, "-e", "stage", "--image", IMAGE + ":2.0.0", at,
                        "--state-dir", state);
                assertThat(bad.code()).as(bad.err()).isEqualTo(ExitCode.DEPLOYMENT_FAILED);
                assertThat(bad.out()).contains("ROLLED_BACK (new revision's tasks fail");
                assertThat(bad.err()).contains("ROLLED BACK to stage-orders:1");

                // 7. history in a new process: both deployments, oldest first
                Result history = cutover("history", "-f", release, "-e", "stage", "--state-dir", state, "--json");
                assertThat(history.code()).as(history.err()).isEqualTo(ExitCode.OK);
                List<String> outcomes = new ArrayList<>();
                history.json().get("deployments").forEach(h -> outcomes.add(h.get("outcome").asText()));
                assertThat(outcomes).containsExactly("SUCCEEDED", "ROLLED_BACK");
                assertThat(history.json().at("/deployments/1/image").asText()).isEqualTo(IMAGE + ":2.0.0");

                // 8. a control request for a deployment that has ended is bad input
                Result approve = cutover("approve", firstId, "--state-dir", state);
                assertThat(approve.code()).as(approve.err()).isEqualTo(ExitCode.BAD_INPUT);
                assertThat(approve.err()).contains("already ended (SUCCEEDED)");
            }
        } finally {
            try (OutputStream stdin = cloud.getOutputStream()) {
                stdin.flush();   // closing stdin stops the local cloud
            }
            assertThat(cloud.waitFor(60, TimeUnit.SECONDS)).as("the local cloud stops when stdin closes").isTrue();
            cloud.destroy();
        }
    }

    @Test
    void aPersonApprovesFromAnotherProcessTheDeploymentAPipelineRuns() throws Exception {
        // real time here (x30), since the rollout must wait while another process decides; the approval
        // timeout is 7 days of it, so how fast this machine is does not matter
        String state = dir.resolve("state").toString();
        Process cloud = start("local-cloud", "--port", "0", "--json", "--speed", "30");
        try (BufferedReader cloudOut = new BufferedReader(new InputStreamReader(cloud.getInputStream(), StandardCharsets.UTF_8))) {
            String at = "--local-cloud=" + JSON.readTree(cloudOut.readLine()).get("endpoint").asText();
            Path applyOut = dir.resolve("apply.out");
            Process apply = new ProcessBuilder(command("apply", "-f", descriptor("approval.yaml"), "-e", "prod", at,
                    "--state-dir", state, "--json")).directory(dir.toFile()).redirectOutput(applyOut.toFile()).start();
            apply.getOutputStream().close();
            String id = null;
            StringBuilder progress = new StringBuilder();
            try (BufferedReader err = new BufferedReader(new InputStreamReader(apply.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = err.readLine(); line != null; line = err.readLine()) {   // blocks until the apply says more
                    progress.append(line).append('\n');
                    Matcher started = Pattern.compile("deployment (\\S+) started").matcher(line);
                    if (started.find()) {
                        id = started.group(1);
                    }
                    if (line.contains("awaiting approval")) {
                        break;
                    }
                }
                assertThat(id).as(progress.toString()).isNotNull();
                assertThat(progress.toString()).contains("awaiting approval before step 1");

                Result status = cutover("status", id, "--state-dir", state, "--json");
                assertThat(status.json().get("running").asBoolean()).as(status.out()).isTrue();

                Result approve = cutover("approve", id, "--state-dir", state, "--json");
                assertThat(approve.code()).as(approve.err()).isEqualTo(ExitCode.OK);
                assertThat(approve.json().get("action").asText()).isEqualTo("approve");

                err.transferTo(java.io.Writer.nullWriter());
            }
            assertThat(apply.waitFor(10, TimeUnit.MINUTES)).isTrue();
            assertThat(apply.exitValue()).as(Files.readString(applyOut)).isEqualTo(ExitCode.OK);
            assertThat(JSON.readTree(Files.readString(applyOut)).at("/deployment/status").asText()).isEqualTo("SUCCEEDED");
        } finally {
            cloud.getOutputStream().close();
            assertThat(cloud.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void anUnreachableProviderExitsWith3() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();   // free once closed: nothing listens there
        }
        Result r = cutover(Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test",
                        "AWS_EXECUTION_ROLE", "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"),
                "plan", "-f", descriptor("local.json"), "-e", "stage", "--region", "us-east-1",
                "--endpoint", "http://127.0.0.1:" + closed, "--state-dir", dir.resolve("state").toString(), "--json");

        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(r.json().at("/error/kind").asText()).isEqualTo("unreachable");
        assertThat(r.json().at("/error/message").asText()).contains("DescribeClusters").contains("Connection refused");
    }

    // ------------------------------------------------------------------ helpers

    private String descriptor(String name) throws IOException {
        Path target = dir.resolve(name);
        Files.copy(DescriptorTest.resource(name), target);
        return target.toString();
    }

    private Result cutover(String... args) throws Exception {
        return cutover(Map.of(), args);
    }

    private Result cutover(Map<String, String> env, String... args) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command(args)).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        // a safety net for a hung process, not a timing assertion
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("cutover " + String.join(" ", args) + " did not end");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Process start(String... args) throws IOException {
        return new ProcessBuilder(command(args)).directory(dir.toFile())
                .redirectError(dir.resolve("local-cloud.err").toFile()).start();
    }

    private static List<String> command(String... args) {
        String jar = System.getProperty("cutover.cli.jar");
        assertThat(jar).as("cutover.cli.jar: the runnable jar (run through failsafe, after package)").isNotNull();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", jar));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static void admin(String endpoint, String path, String body) throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint + "/_localcloud/" + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    }
}

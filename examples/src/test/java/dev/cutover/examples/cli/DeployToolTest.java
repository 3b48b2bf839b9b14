package dev.cutover.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Cutover;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The deployment tool, in process: one Cutover (in-memory provider, virtual time) across commands. */
class DeployToolTest {

    private static final String DESCRIPTOR = Path.of("src", "test", "resources", "cli", "orders.properties").toString();
    private static final String V143 = "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.3";

    private final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryProvider cloud = new InMemoryProvider().addSecret("prod/orders/db");
    private final Cutover cutover = Cutover.builder().provider(cloud).scheduler(time).build();
    private final DeployTool tool = new DeployTool(d -> cutover);
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @AfterEach
    void close() {
        tool.close();
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cl = DeployTool.commandLine(tool);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        all[0] = "--descriptor";
        all[1] = DESCRIPTOR;
        System.arraycopy(args, 0, all, 2, args.length);
        return cl.execute(all);
    }

    @Test
    void planApplyStatusHistoryAndRollbackAgainstAnEnvironment() {
        assertThat(run("status", "stage")).isZero();
        assertThat(out.toString()).contains("stage/orders: never deployed");

        assertThat(run("plan", "stage")).isZero();
        assertThat(out.toString()).contains("+ cluster stage/main", "+ revision stage/orders", "secret.DB_PASSWORD = (secret)");

        assertThat(run("apply", "stage")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("SUCCEEDED");

        assertThat(run("apply", "stage", "--image", V143)).as(err.toString()).isZero();
        assertThat(run("status", "stage")).isZero();
        assertThat(out.toString()).contains("stage/orders: SUCCEEDED " + V143);

        assertThat(run("rollback", "stage")).as(err.toString()).isZero();
        assertThat(run("history", "stage")).isZero();
        assertThat(out.toString().lines()).hasSize(3);
        assertThat(out.toString().lines().toList().get(2)).contains("orders:1.4.2", "SUCCEEDED");
    }

    @Test
    void planPrintsJsonAndThePermissionsItNeeds() {
        assertThat(run("plan", "test", "--json", "--permissions")).isZero();
        assertThat(out.toString()).contains("\"changes\"", "\"Version\": \"2012-10-17\"");
    }

    @Test
    void prodNeedsThePromotionAndAnApproval() {
        assertThat(run("apply", "prod")).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: ").contains("environment.promotedFrom", "stage");

        assertThat(run("apply", "stage")).isZero();
        assertThat(run("apply", "prod", "--approve")).as(err.toString()).isZero();
        assertThat(run("status", "prod")).isZero();
        assertThat(out.toString()).contains("prod/orders: SUCCEEDED");
    }

    @Test
    void aBadDescriptorValueIsRefusedBeforeAnyCall() {
        assertThat(run("plan", "nowhere")).isEqualTo(1);
        assertThat(err.toString()).contains("no environment 'nowhere'", "[prod, stage, test]");
        assertThat(run("plan", "stage", "--image", "not a valid image")).isEqualTo(1);
        assertThat(err.toString()).contains("service.image");
        assertThat(run("deploy", "stage")).isEqualTo(2);
    }
}

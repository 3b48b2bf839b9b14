package dev.cutover;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.journal.InMemoryJournalStore;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "Plan in the pull request, apply the reviewed plan": a written plan applied by another Cutover. */
class ReviewedPlanTest {

    final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));
    final InMemoryProvider cloud = new InMemoryProvider().addSecret("prod/orders/db");
    final InMemoryJournalStore journal = new InMemoryJournalStore();
    final Environment stage = Environment.named("stage").region("us-east-1").cluster("main").mesh("internal")
            .namespace("stage.local").build();

    /** Another process: its own Cutover over the same world. */
    Cutover process() {
        return Cutover.builder().provider(cloud).discoverProviders(false).scheduler(time).journal(journal).build();
    }

    Release release(String version) {
        Service orders = Service.named("orders").image("repo/orders:" + version).port(8080).cpu(256).memoryMiB(512)
                .instances(2).secret("DB_PASSWORD", "prod/orders/db").env("LOG_LEVEL", "info")
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10))).build();
        return Release.of(orders).to(stage).strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(5))).build();
    }

    @Test
    void aPlanWrittenByOneProcessIsAppliedByAnotherExactlyAsReviewed(@TempDir Path dir) throws Exception {
        Cutover ci = process();
        assertThat(ci.apply(ci.plan(release("1.0.0"))).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        Plan reviewed = ci.plan(release("2.0.0"));
        Path file = dir.resolve("plan.json");
        reviewed.write(file);
        assertThat(Files.readString(file)).contains("\"digest\": \"sha256:", "repo/orders:2.0.0").doesNotContain("DB_PASSWORD\": \"s3");

        Plan read = Plan.read(file);
        assertThat(read.id()).isEqualTo(reviewed.id());
        assertThat(read.toString()).isEqualTo(reviewed.toString());
        assertThat(read.requiredPermissions()).isEqualTo(reviewed.requiredPermissions());
        assertThat(read.release()).isEqualTo(reviewed.release());

        Cutover later = process();
        Deployment d = later.apply(read);
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(journal.read(d.id()).get(0).get("plan")).isEqualTo(reviewed.id());
        assertThat(later.plan(release("2.0.0")).isEmpty()).isTrue();
    }

    @Test
    void aFreshPlanOfAnotherInstanceIsStillRefusedAndSaysHowToApplyOneFromAFile() {
        Plan p = process().plan(release("1.0.0"));
        assertThatThrownBy(() -> process().apply(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plan.write(path)").hasMessageContaining("Plan.read(path)");
    }

    @Test
    void aPlanWhoseWorldChangedSinceItWasWrittenIsStale(@TempDir Path dir) {
        Cutover ci = process();
        assertThat(ci.apply(ci.plan(release("1.0.0"))).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        Path file = dir.resolve("plan.json");
        ci.plan(release("2.0.0")).write(file);
        assertThat(ci.apply(ci.plan(release("1.5.0"))).awaitRetirement()).as("someone deployed meanwhile")
                .isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThatThrownBy(() -> process().apply(Plan.read(file))).isInstanceOf(StalePlanException.class)
                .hasMessageContaining("stale");
        assertThat(cloud.running("stage", "orders")).extracting(r -> r.version()).containsExactly("1.5.0");
    }

    @Test
    void aPlanFileEditedAfterItWasWrittenIsRefusedWhenRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plan.json");
        process().plan(release("1.0.0")).write(file);
        Files.writeString(file, Files.readString(file).replace("\"instances\": 2", "\"instances\": 20"));
        assertThatThrownBy(() -> Plan.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("edited after it was written");
        Files.writeString(file, "{\"hello\": 1}");
        assertThatThrownBy(() -> Plan.read(file)).hasMessageContaining("not a Cutover plan file");
    }
}

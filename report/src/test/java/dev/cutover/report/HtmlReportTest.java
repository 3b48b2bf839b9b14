package dev.cutover.report;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.journal.InMemoryJournalStore;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report as a library: drawn live from events or later from the journal, accessible, without overlaps. */
class HtmlReportTest {

    final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));
    final InMemoryJournalStore journal = new InMemoryJournalStore();
    final RolloutRecorder live = new RolloutRecorder();
    final Cutover cutover = Cutover.builder().provider(new InMemoryProvider()).discoverProviders(false).scheduler(time)
            .journal(journal).listener(live).build();
    final Environment stage = Environment.named("stage").region("us-east-1").cluster("main").mesh("internal")
            .namespace("stage.local").build();

    Release release(String version) {
        Service orders = Service.named("orders").image("repo/orders:" + version).port(8080).cpu(256).memoryMiB(512)
                .instances(2).healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10))).build();
        return Release.of(orders).to(stage).strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(5))).build();
    }

    String rolledBackRun() {
        assertThat(cutover.apply(cutover.plan(release("1.0.0"))).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        Deployment d = cutover.apply(cutover.plan(release("2.0.0")));
        d.await(Duration.ofMinutes(8));
        d.abort();
        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        return d.id();
    }

    @Test
    void aReportDrawnFromTheJournalShowsTheSameRolloutAsOneRecordedLive(@TempDir Path dir) throws Exception {
        String id = rolledBackRun();
        RolloutRecorder.Rollout fromJournal = RolloutRecorder.fromJournal(journal).rollout(id).orElseThrow();
        RolloutRecorder.Rollout recorded = live.rollout(id).orElseThrow();
        assertThat(fromJournal.weights()).extracting(RolloutRecorder.WeightChange::weights)
                .isEqualTo(recorded.weights().stream().map(w -> w.weights().entrySet().stream().filter(e -> e.getValue() > 0)
                        .collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue)))
                        .toList());
        assertThat(fromJournal.outcome()).isEqualTo("ROLLED_BACK");
        assertThat(fromJournal.rolledBackAt()).isPresent();
        assertThat(fromJournal.version()).isEqualTo("2.0.0");

        Path file = HtmlReport.of("History of stage/orders", RolloutRecorder.fromJournal(journal)).write(dir.resolve("r.html"));
        String html = Files.readString(file);
        assertThat(html).contains("<meta name=\"viewport\"", "role=\"img\"", "aria-labelledby=\"", "<desc id=\"",
                "rolled back: ", "aria-label=\"traffic weight %\"", ">rollback</text>");
        assertThat(html).as("self-contained").doesNotContain("http://", "https://", "<script", "<link");
        assertThat(Pattern.compile("<svg").matcher(html).results().count()).isEqualTo(2);
    }

    @Test
    void theRollbackLabelStaysAboveThePanelsAndLeftOfTheLegendAndTheTimeAxisIsBelowTheLastZero() {
        rolledBackRun();
        String svg = HtmlReport.of("r", live).toString();
        String html = render(live);
        Matcher label = Pattern.compile("<text x=\"([0-9.]+)\" y=\"([0-9.]+)\" text-anchor=\"(start|end)\" style=\"fill:#b00020").matcher(html);
        assertThat(label.find()).isTrue();
        assertThat(Double.parseDouble(label.group(2))).as("in the top margin, above every panel").isLessThan(22);
        double x = Double.parseDouble(label.group(1));
        assertThat("start".equals(label.group(3)) ? x + 60 : x).as("never reaching the legend").isLessThanOrEqualTo(860 - 150);
        List<Double> zeros = Pattern.compile("<text x=\"64\" y=\"([0-9.]+)\" text-anchor=\"end\">0</text>").matcher(html).results()
                .map(m -> Double.parseDouble(m.group(1))).toList();
        Matcher axis = Pattern.compile("<text x=\"([0-9.]+)\" y=\"([0-9]+)\" text-anchor=\"start\">\\+0:00</text>").matcher(html);
        assertThat(axis.find()).isTrue();
        assertThat(Double.parseDouble(axis.group(2)) - zeros.get(zeros.size() - 1)).as("the time axis sits below the lowest 0")
                .isGreaterThanOrEqualTo(12);
        assertThat(svg).isNotNull();
    }

    private static String render(RolloutRecorder recorder) {
        try {
            Path f = Files.createTempFile("report", ".html");
            HtmlReport.of("r", recorder).write(f);
            String html = Files.readString(f);
            Files.delete(f);
            return html;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

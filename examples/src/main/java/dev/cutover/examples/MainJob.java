package dev.cutover.examples;

import static dev.cutover.Strategies.allAtOnce;
import static dev.cutover.Strategies.blueGreen;
import static dev.cutover.Strategies.canary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Strategy;
import dev.cutover.aws.AwsProvider;
import dev.cutover.consul.ConsulProvider;
import dev.cutover.datadog.DatadogMetricSource;
import dev.cutover.event.ConsoleProgress;
import dev.cutover.report.HtmlReport;
import dev.cutover.report.RolloutRecorder;
import dev.cutover.journal.FileJournalStore;
import dev.cutover.localcloud.Datadog;
import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.SimClock;
import dev.cutover.spi.Capability;
import io.micrometer.datadog.DatadogConfig;
import io.micrometer.datadog.DatadogMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The README's first command: the sample {@code orders} service on the embedded local cloud (AWS,
 * Consul and Datadog emulators on 127.0.0.1, simulated time running {@code speed} times faster than
 * the wall clock).
 *
 * <ol>
 *   <li>bootstrap {@code test}, {@code stage}, {@code prod} with {@code orders:1.4.1} (the plans print first);</li>
 *   <li>{@code orders:1.4.2} to test (all-at-once), stage (canary 10/50/100 with Datadog analysis) and prod
 *       (canary in App Mesh mode, digest-pinned image promoted from stage, an approval gate the job approves);</li>
 *   <li>a bad {@code orders:1.4.3} (12% errors, slow) to stage: Datadog shows the errors, the analysis
 *       fails, traffic goes back to 1.4.2 by itself;</li>
 *   <li>{@code edge} in LOAD_BALANCER mode (an ALB Cutover creates): {@code orders:1.4.2}, then a blue/green
 *       whose header-routed preview ({@code x-cutover-preview: 1}) is analysed before the switch;</li>
 *   <li>the history, the metrics Cutover published as the local Datadog intake received them, and an
 *       HTML report ({@code cutover-report.html}) with a chart per rollout.</li>
 * </ol>
 * Exits 0 when everything behaved as designed, 1 otherwise.
 *
 * <p>Usage: {@code ./mvnw -B -q -pl examples exec:java} ({@code -Dcutover.speed=30}, or
 * {@code -Dcutover.speed=virtual} for virtual time, as fast as the machine allows and the same on every run;
 * {@code -Dcutover.out=examples/target}); the Datadog API key comes from {@code DD_API_KEY} (and
 * {@code DD_APP_KEY}) or a demo default, and is never printed.
 */
public final class MainJob {

    /** The default speed: about a minute of wall time for the whole job. */
    public static final double DEFAULT_SPEED = 30;

    private static final String REPO = "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders";

    private MainJob() {
    }

    public static void main(String[] args) {
        String speed = args.length > 0 ? args[0] : System.getProperty("cutover.speed", String.valueOf(DEFAULT_SPEED));
        Path out = Path.of(System.getProperty("cutover.out", "target"));
        boolean ok = "virtual".equals(speed)
                ? runVirtual(Instant.parse("2026-01-01T00:00:00Z"), out, System.out, System::getenv)
                : run(Double.parseDouble(speed), out, System.out, System::getenv);
        System.exit(ok ? 0 : 1);
    }

    /**
     * Runs the sample.
     *
     * @param speed simulated seconds per wall-clock second
     * @param out   the folder for the journal and the report
     * @param print where the progress and summaries go
     * @param env   the environment ({@code DD_API_KEY}, {@code DD_APP_KEY})
     * @return whether every step ended as designed
     */
    public static boolean run(double speed, Path out, PrintStream print, Function<String, String> env) {
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be a positive finite number, was " + speed);
        }
        print.printf(Locale.ROOT, "Starting the local cloud (AWS, Consul, Datadog) on 127.0.0.1, simulated time at %.0fx%n", speed);
        return run(Timeline.accelerated(speed), out, print, env);
    }

    /**
     * Runs the sample in virtual time: the local cloud's clock, its ECS scheduler, simulated traffic
     * and Datadog series, and Cutover's scheduler step on one timeline that moves only when Cutover
     * waits, so the outcome depends on the cloud's seed and never on how busy the machine is (tests
     * use this).
     *
     * @param start the simulated instant the run starts at
     * @param out   the folder for the journal and the report
     * @param print where the progress and summaries go
     * @param env   the environment ({@code DD_API_KEY}, {@code DD_APP_KEY})
     * @return whether every step ended as designed
     */
    public static boolean runVirtual(Instant start, Path out, PrintStream print, Function<String, String> env) {
        print.println("Starting the local cloud (AWS, Consul, Datadog) on 127.0.0.1, simulated time in virtual steps");
        return run(Timeline.virtual(start), out, print, env);
    }

    private static boolean run(Timeline timeline, Path out, PrintStream print, Function<String, String> env) {
        MainJobOutcome outcome = new MainJobOutcome(print);
        String apiKey = orDefault(env.apply("DD_API_KEY"), Datadog.DEFAULT_API_KEY);
        String appKey = orDefault(env.apply("DD_APP_KEY"), Datadog.DEFAULT_APPLICATION_KEY);
        Path journalDir = out.resolve("cutover-journal");
        deleteTree(journalDir);
        try (timeline; LocalCloud cloud = LocalCloud.builder().clock(timeline.clock).start()) {
            SimClock clock = timeline.clock;
            Scheduler time = timeline.scheduler;
            cloud.datadog().keys(apiKey, appKey); // the local Datadog accepts the keys this job uses
            cloud.traffic().defaultRate(40);       // requests per second to every service
            cloud.secrets().createSecret("prod/orders/db", "{\"password\":\"local-demo-only\"}");
            for (String version : List.of("1.4.1", "1.4.2", "1.4.3", "1.4.4")) {
                cloud.images().push(REPO + ":" + version); // what CI pushed to ECR; planning resolves each tag to its digest
            }
            cloud.images().behave(REPO + ":1.4.1", b -> b.latency(Duration.ofMillis(25), Duration.ofMillis(140)));
            cloud.images().behave(REPO + ":1.4.2", b -> b.latency(Duration.ofMillis(20), Duration.ofMillis(120)));
            cloud.images().behave(REPO + ":1.4.3", ImageBehavior.builder().errorRate(0.12)
                    .latency(Duration.ofMillis(60), Duration.ofMillis(450)).build());

            AwsProvider.Builder awsBuilder = AwsProvider.builder()
                    .region("us-east-1").endpointOverride(cloud.endpoint())
                    .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .accountId("123456789012").subnets("subnet-0a1b2c3d").securityGroups("sg-0a1b2c3d").vpcId("vpc-0a1b2c3d")
                    .executionRole("arn:aws:iam::123456789012:role/ecsTaskExecutionRole") // awslogs and secrets on Fargate need it
                    .clock(clock).sleeper(time::sleep);
            if (timeline.isVirtual()) {
                awsBuilder.observeConcurrency(1); // one timeline, one thread moves it: observe one service at a time
            }
            AwsProvider aws = awsBuilder.build();
            ConsulProvider consul = ConsulProvider.builder().url(cloud.consul().endpoint())
                    .sessionRenewal(Duration.ZERO) // Cutover renews the lock on its own (simulated) schedule
                    .build();
            DatadogMetricSource datadog = DatadogMetricSource.builder()
                    .uri(cloud.endpoint()).apiKey(apiKey).applicationKey(appKey)
                    .scheduler(time)
                    .build();
            DatadogMeterRegistry meters = DatadogMeterRegistry
                    .builder(datadogConfig(cloud.endpoint(), apiKey, appKey, timeline.isVirtual()))
                    .clock(timeline.meterClock()).build();
            RolloutRecorder recorder = new RolloutRecorder();
            try (Cutover cutover = Cutover.builder()
                    .discoverProviders(false)
                    .provider(aws).provider(consul).provider(datadog)
                    // both offer traffic and discovery: App Mesh and Service Connect route through Cloud Map,
                    // so AWS serves both; Consul holds the deployment locks and the service's config (KV)
                    .use(Capability.TRAFFIC, "aws")
                    .use(Capability.DISCOVERY, "aws")
                    .use(Capability.LOCK, "consul")
                    .use(Capability.CONFIG, "consul")
                    .scheduler(time)
                    .meterRegistry(meters)
                    .journal(new FileJournalStore(journalDir))
                    .listener(new ConsoleProgress(print))
                    .listener(recorder)
                    .rollbackWindow(Duration.ofMinutes(1))
                    .lockLease(Duration.ofMinutes(10))
                    .deployer("main-job")
                    .build()) {
                MainJobScenario scenario = new MainJobScenario(cutover, aws, outcome, print);
                scenario.run();
                print.println("\n=== Deployment history ===");
                for (String e : List.of("test", "stage", "prod")) {
                    cutover.history("orders", e).forEach(h -> print.println("  " + h));
                }
            } finally {
                meters.close(); // publishes the last step to the intake
            }
            summarizePublished(cloud.datadog(), outcome, print);
            Path report = writeReport(cloud, apiKey, appKey, recorder, outcome, out.resolve("cutover-report.html"));
            print.println("\nReport: " + report.toAbsolutePath());
        } catch (RuntimeException e) {
            outcome.fail("the job stopped: " + e);
            e.printStackTrace(print);
        }
        return outcome.report();
    }

    // ------------------------------------------------------------------ metrics

    /**
     * Accelerated runs publish every second of wall time. A virtual run publishes once, when the
     * registry closes: its step (a day of simulated time) outlasts the run, so what the intake
     * receives does not depend on when the registry's publishing thread happens to wake up.
     */
    private static DatadogConfig datadogConfig(URI uri, String apiKey, String appKey, boolean virtual) {
        Map<String, String> config = Map.of(
                "datadog.apiKey", apiKey,
                "datadog.applicationKey", appKey,
                "datadog.uri", uri.toString(),
                "datadog.step", virtual ? "1d" : "1s",
                "datadog.hostTag", "host");
        return config::get;
    }

    /** The local cloud's clock and Cutover's scheduler on one timeline: accelerated wall time or virtual steps. */
    private static final class Timeline implements AutoCloseable {
        final SimClock clock;
        final Scheduler scheduler;

        private Timeline(SimClock clock, Scheduler scheduler) {
            this.clock = clock;
            this.scheduler = scheduler;
        }

        static Timeline accelerated(double speed) {
            SimClock clock = SimClock.realTime(speed);
            return new Timeline(clock, Scheduler.following(clock, speed));
        }

        static Timeline virtual(Instant start) {
            SimClock clock = SimClock.virtual(start);
            VirtualScheduler scheduler = Scheduler.virtual(start);
            // Cutover's waits move the cloud: its ECS tasks, health checks, traffic and Datadog series
            scheduler.onAdvance((from, to) -> {
                if (to.isAfter(clock.instant())) {
                    clock.advance(Duration.between(clock.instant(), to));
                }
            });
            return new Timeline(clock, scheduler);
        }

        boolean isVirtual() {
            return scheduler.isVirtual();
        }

        /** Micrometer's clock: the wall clock, or the virtual timeline's. */
        io.micrometer.core.instrument.Clock meterClock() {
            if (!isVirtual()) {
                return io.micrometer.core.instrument.Clock.SYSTEM;
            }
            return new io.micrometer.core.instrument.Clock() {
                @Override
                public long wallTime() {
                    return clock.millis();
                }

                @Override
                public long monotonicTime() {
                    Instant now = clock.instant();
                    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
                }
            };
        }

        @Override
        public void close() {
            if (scheduler instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException("could not stop the scheduler", e);
                }
            }
            clock.close();
        }
    }

    private static void summarizePublished(Datadog datadog, MainJobOutcome outcome, PrintStream print) {
        print.println("\n=== Metrics Cutover published (as the local Datadog intake received them) ===");
        Map<String, List<Datadog.Series>> byMetric = new TreeMap<>();
        for (Datadog.Series s : datadog.receivedSeries()) {
            if (s.metric().startsWith("cutover.")) {
                byMetric.computeIfAbsent(s.metric(), k -> new ArrayList<>()).add(s);
            }
        }
        byMetric.forEach((metric, series) -> {
            long points = series.stream().mapToLong(s -> s.points().size()).sum();
            long tagSets = series.stream().map(Datadog.Series::tags).distinct().count();
            print.printf(Locale.ROOT, "  %-48s %-6s %4d tag sets %6d points%n", metric, series.get(0).type(), tagSets, points);
        });
        for (String counter : List.of("cutover.deployments", "cutover.rollbacks")) {
            Map<String, Double> totals = new TreeMap<>();
            for (Datadog.Series s : byMetric.getOrDefault(counter, List.of())) {
                Map<String, String> t = s.tagMap();
                String key = t.get("environment") + " " + t.getOrDefault("outcome", t.getOrDefault("reason", ""));
                totals.merge(key, s.points().stream().mapToDouble(Datadog.Point::value).sum(), Double::sum);
            }
            totals.forEach((k, v) -> print.printf(Locale.ROOT, "  %s{%s} = %.0f%n", counter, k.trim(), v));
        }
        outcome.expect(byMetric.containsKey("cutover.deployments"), "the intake received cutover.deployments");
        outcome.expect(byMetric.containsKey("cutover.rollbacks"), "the intake received cutover.rollbacks");
        outcome.expect(byMetric.keySet().stream().anyMatch(m -> m.startsWith("cutover.provider.calls")),
                "the intake received cutover.provider.calls");
    }

    // ------------------------------------------------------------------ report

    private static Path writeReport(LocalCloud cloud, String apiKey, String appKey, RolloutRecorder recorder,
            MainJobOutcome outcome, Path file) {
        HtmlReport report = HtmlReport.titled("Cutover main job — orders on the local cloud");
        report.paragraph("Every rollout of the run: the traffic weight of each revision as Cutover shifted it, and the "
                + "error rate and p99 latency of each revision as the local Datadog query API answered them. "
                + "Times are simulated.");
        HttpClient http = HttpClient.newHttpClient();
        for (RolloutRecorder.Rollout r : recorder.rollouts()) {
            if (r.started() == null || r.finished().isEmpty()) {
                continue;
            }
            String env = r.target().substring(0, r.target().indexOf('/'));
            String ecsService = env + "-orders";
            Instant from = r.started();
            Instant to = r.finished().get().plusSeconds(1);
            long rollup = Math.max(5, Duration.between(from, to).toSeconds() / 60);
            Map<String, List<HtmlReport.Point>> errors = query(http, cloud.endpoint(), apiKey, appKey,
                    "avg:cutover.sim.error_rate{*} by {revision}.rollup(avg, " + rollup + ")", from, to, ecsService);
            Map<String, List<HtmlReport.Point>> p99 = query(http, cloud.endpoint(), apiKey, appKey,
                    "avg:cutover.sim.latency.p99{*} by {revision}.rollup(avg, " + rollup + ")", from, to, ecsService);
            report.add(new HtmlReport.Chart(r.target() + " — " + r.version() + " (" + r.strategy() + ")", r, errors, p99));
        }
        List<List<String>> rows = new ArrayList<>();
        recorder.rollouts().forEach(r -> rows.add(List.of(String.valueOf(r.started()), r.target(), r.version(), r.strategy(),
                r.outcome(), r.rolledBackAt().map(at -> "rolled back at " + at + ": " + r.rollbackReason()).orElse(r.detail()))));
        report.table("All deployments", List.of("started", "target", "version", "strategy", "outcome", "detail"), rows);
        Path written = report.write(file);
        outcome.expect(report.charts() >= 5 && Files.exists(written), "the report has a chart per rollout");
        return written;
    }

    /**
     * Revision to points, from the local Datadog's query API, for the revisions of one ECS service
     * ({@code family:n}; in App Mesh mode the traffic is tagged by the mesh route, so the revision
     * tag is what identifies the service).
     */
    private static Map<String, List<HtmlReport.Point>> query(HttpClient http, URI endpoint, String apiKey, String appKey,
            String query, Instant from, Instant to, String family) {
        URI uri = endpoint.resolve("/api/v1/query?from=" + from.getEpochSecond() + "&to=" + to.getEpochSecond() + "&query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8).replace("+", "%20"));
        Map<String, List<HtmlReport.Point>> out = new LinkedHashMap<>();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).header("DD-API-KEY", apiKey)
                    .header("DD-APPLICATION-KEY", appKey).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return out;
            }
            for (JsonNode s : new ObjectMapper().readTree(response.body()).path("series")) {
                String scope = s.path("scope").asText();
                String revision = scope.substring(scope.indexOf("revision:") + "revision:".length());
                if (!revision.startsWith(family + ":")) {
                    continue;
                }
                List<HtmlReport.Point> points = new ArrayList<>();
                s.path("pointlist").forEach(p -> points.add(new HtmlReport.Point(p.get(0).asLong(), p.get(1).asDouble())));
                out.put(revision, points);
            }
        } catch (IOException e) {
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    /** A stand-in digest for an image of the local cloud (it has no registry): sha256 of the reference. */
    static String digestOf(String image) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(image.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Service orders(String version) {
        return Service.named("orders")
                .image(REPO + ":" + version)
                .port(8080).cpu(512).memoryMiB(1024).instances(2)
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10)))
                .env("LOG_LEVEL", "info")
                .config("checkout/enabled", "true")
                .secret("DB_PASSWORD", "prod/orders/db")
                .build();
    }

    static Environment test() {
        return Environment.named("test").region("us-east-1").cluster("test").namespace("test.local").serviceConnect().build();
    }

    static Environment stage() {
        return Environment.named("stage").region("us-east-1").cluster("stage").mesh("internal").namespace("stage.local")
                .build();
    }

    static Environment prod() {
        return Environment.named("prod").region("us-east-1").cluster("prod").mesh("internal").namespace("prod.local")
                .requireImageDigest().promotedFrom("stage").requireApproval()
                .override("orders", o -> o.instances(3))
                .build();
    }

    /** LOAD_BALANCER mode: an ALB Cutover creates, one target group per revision, a header-routed preview. */
    static Environment edge() {
        return Environment.named("edge").region("us-east-1").cluster("edge").namespace("edge.local")
                .network(n -> n.vpc("vpc-0a1b2c3d").subnets("subnet-0a1b2c3d", "subnet-4e5f6a7b").securityGroups("sg-0a1b2c3d"))
                .loadBalancer(lb -> lb.name("orders-alb").create(true).preview("x-cutover-preview", "1"))
                .build();
    }

    /** Blue/green whose preview (tagged test requests only) is analysed before the switch. */
    static Strategy blueGreenWithPreview() {
        return blueGreen().previewBake(Duration.ofMinutes(1)).bake(Duration.ofMinutes(1))
                .analysis(a -> a.errorRateBelow(0.01).initialDelay(Duration.ofSeconds(20)).interval(Duration.ofSeconds(30))
                        .inconclusiveLimit(2));
    }

    static Strategy canaryWithDatadogAnalysis() {
        return canary().steps(10, 50, 100).bake(Duration.ofMinutes(2))
                .analysis(a -> a.errorRateBelow(0.01).p99LatencyBelow(Duration.ofMillis(300))
                        .initialDelay(Duration.ofSeconds(20)).interval(Duration.ofSeconds(30)).inconclusiveLimit(2));
    }

    private static String orDefault(String v, String fallback) {
        return v == null || v.isBlank() ? fallback : v;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not clear " + dir, e);
        }
    }

    /** Plans, prints and applies one release; approves when asked; returns the deployment. */
    static Deployment deploy(Cutover cutover, Release release, boolean approve, PrintStream print) {
        print.println("\n=== " + release.service().name() + " " + release.service().image().version() + " to "
                + release.environment().name() + " (" + release.strategy() + ") ===");
        Plan plan = cutover.plan(release);
        print.println(plan);
        Deployment d = cutover.apply(plan);
        finish(d, approve, print);
        print.println("result: " + d.status() + (d.statusReason().isEmpty() ? "" : " — " + d.statusReason()));
        return d;
    }

    /**
     * Waits for the deployment to end: approves the move to 100% when {@code approve}, and aborts
     * (rolls back) a deployment that paused for a person, since nobody is watching this run.
     */
    static DeploymentStatus finish(Deployment d, boolean approve, PrintStream print) {
        boolean abortedPause = false;
        while (!d.status().isTerminal()) {
            d.await(Duration.ofMillis(20));
            DeploymentStatus s = d.status();
            if (s == DeploymentStatus.AWAITING_APPROVAL && approve) {
                print.println("(the sample approves the move to 100%)");
                d.approve();
            } else if (s == DeploymentStatus.AWAITING_APPROVAL || s == DeploymentStatus.PAUSED && !abortedPause) {
                print.println("(paused and nobody is watching: the sample aborts: " + d.statusReason() + ")");
                abortedPause = true;
                d.abort();
            }
        }
        return d.status();
    }
}

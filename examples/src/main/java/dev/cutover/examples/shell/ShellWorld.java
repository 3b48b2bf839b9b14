package dev.cutover.examples.shell;

import dev.cutover.event.ConsoleProgress;
import dev.cutover.Cutover;
import dev.cutover.aws.AwsProvider;
import dev.cutover.datadog.DatadogMetricSource;
import dev.cutover.journal.FileJournalStore;
import dev.cutover.localcloud.Datadog;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.SimClock;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import org.slf4j.LoggerFactory;

/**
 * The world {@code ./cutover-shell} starts with: the local cloud (AWS + Consul + Datadog emulators
 * on 127.0.0.1), {@code aws} (the AWS provider pointed at it), {@code time} (Cutover's scheduler, on
 * the cloud's timeline) and {@code cutover} (reading metric gates from the local Datadog, history in
 * a file journal, progress printed). Compiled here rather than written as JShell snippets, so the
 * shell starts without compiling them.
 *
 * <pre>{@code
 * ShellWorld world = ShellWorld.virtual();
 * Cutover cutover = world.cutover();
 * }</pre>
 *
 * @param journal where the history is kept: {@code -Dcutover.shell.journal}/<session>, or a temporary directory
 */
public record ShellWorld(SimClock clock, LocalCloud cloud, AwsProvider aws, Scheduler time, Cutover cutover, Path journal)
        implements AutoCloseable {

    /** When virtual time starts. */
    public static final Instant VIRTUAL_START = Instant.parse("2026-01-01T00:00:00Z");

    /**
     * The local cloud on a real-time clock running {@code -Dcutover.shell.speed} (default 60) times faster
     * than the wall clock: a ten-minute bake takes ten seconds. Takes the world {@link #startEarly()} started,
     * if it started a local one, else starts one now; either way prints the banner.
     */
    public static ShellWorld local() {
        ShellWorld world = take(LOCAL);
        System.out.println("Local cloud at " + world.cloud.endpoint() + " (" + speed() + "x); " + world.banner());
        return world;
    }

    private static double speed() {
        return Double.parseDouble(System.getProperty("cutover.shell.speed", "60"));
    }

    private static ShellWorld startLocal() {
        double speed = speed();
        SimClock clock = SimClock.realTime(speed);
        LocalCloud cloud = LocalCloud.builder().clock(clock).start();
        AwsProvider aws = provider(cloud)
                .clock(clock).sleeper(d -> Thread.sleep(Math.max(1, clock.toWallClock(d).toMillis())))
                .build();
        return build(clock, cloud, aws, Scheduler.following(clock, speed));   // one timeline
    }

    /**
     * The local cloud on virtual time: nothing moves until you wait; {@code deployment.await()} runs a
     * whole rollout at once, {@code deployment.await(Duration.ofMinutes(5))} lets five minutes pass. Takes
     * the world {@link #startEarly()} started, if it started a virtual one, else starts one now.
     */
    public static ShellWorld virtual() {
        ShellWorld world = take(VIRTUAL);
        System.out.println("Local cloud at " + world.cloud.endpoint() + " on virtual time; " + world.banner());
        return world;
    }

    private static ShellWorld startVirtual() {
        VirtualScheduler time = Scheduler.virtual(VIRTUAL_START);
        SimClock clock = SimClock.virtual(VIRTUAL_START);
        time.onAdvance((from, to) -> {
            if (to.isAfter(clock.instant())) {
                clock.advance(Duration.between(clock.instant(), to));
            }
        });
        LocalCloud cloud = LocalCloud.builder().clock(clock).start();
        AwsProvider aws = provider(cloud).clock(time.clock()).sleeper(time::sleep).build();
        return build(clock, cloud, aws, time);
    }

    private static final String LOCAL = "local";
    private static final String VIRTUAL = "virtual";

    /** The world {@link #startEarly()} is starting, and its kind; taken by the first {@link #local()} or {@link #virtual()}. */
    private static final AtomicReference<Map.Entry<String, CompletableFuture<ShellWorld>>> EARLY = new AtomicReference<>();

    /**
     * Starts the world of {@code -Dcutover.shell.world} ({@code local}, the default, or {@code virtual}) on a
     * background thread and returns at once: {@code ./cutover-shell} calls it in its first start-up snippet,
     * so the local cloud, the AWS provider and {@code cutover} are built while JShell compiles the imports;
     * {@link #local()} or {@link #virtual()} then waits for it (or rethrows why it failed). Nothing is
     * printed until then.
     */
    public static void startEarly() {
        String kind = System.getProperty("cutover.shell.world", LOCAL);
        if (!kind.equals(LOCAL) && !kind.equals(VIRTUAL)) {
            throw new IllegalArgumentException("cutover.shell.world: '" + kind + "' is neither local nor virtual");
        }
        EARLY.set(Map.entry(kind, startOutsideTheSnippetsThreadGroup(kind)));
    }

    private static ShellWorld take(String kind) {
        Map.Entry<String, CompletableFuture<ShellWorld>> early = EARLY.getAndSet(null);
        if (early != null && !early.getKey().equals(kind)) {
            early.getValue().thenAccept(ShellWorld::close);   // started for the other kind of shell: not used
        }
        CompletableFuture<ShellWorld> world = early != null && early.getKey().equals(kind) ? early.getValue()
                : startOutsideTheSnippetsThreadGroup(kind);
        try {
            return world.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Starts the world on a thread of the parent thread group, so the cloud's and Cutover's threads are
     * not in the group of the snippet that starts them: JShell's local execution engine joins every
     * thread of that group it finds alive once the snippet runs, and a start-up that had already
     * started its HTTP server by then (likely on a loaded machine) would never return.
     */
    private static CompletableFuture<ShellWorld> startOutsideTheSnippetsThreadGroup(String kind) {
        Supplier<ShellWorld> start = kind.equals(LOCAL) ? ShellWorld::startLocal : ShellWorld::startVirtual;
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        ThreadGroup parent = group.getParent() != null ? group.getParent() : group;
        CompletableFuture<ShellWorld> result = new CompletableFuture<>();
        Thread starter = new Thread(parent, () -> {
            ShellWorld world;
            try {
                world = start.get();
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
                return;
            }
            result.complete(world);
            warmUpSdk(world.cloud.endpoint());
        }, "cutover-shell-start");
        starter.setDaemon(true);
        starter.start();
        return result;
    }

    /**
     * Builds and closes one SDK client, sending nothing (so {@code aws.apiCalls()} and the cloud see no
     * call): the SDK's region and endpoint metadata and client runtime, about a thousand classes the
     * provider's clients load when the first plan builds them, are then initialized on this background
     * thread while JShell still compiles. A failure here only means the first plan does that work itself.
     */
    private static void warmUpSdk(java.net.URI endpoint) {
        try (SdkHttpClient http = UrlConnectionHttpClient.create();
                EcsClient ecs = EcsClient.builder().region(Region.US_EAST_1).endpointOverride(endpoint).httpClient(http)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                        .build()) {
            ecs.serviceName();
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(ShellWorld.class).debug("warming up the AWS SDK failed", e);
        }
    }

    /** {@link #time()} as the virtual scheduler it is in a {@link #virtual()} world. */
    public VirtualScheduler virtualTime() {
        if (!(time instanceof VirtualScheduler v)) {
            throw new IllegalStateException("this shell runs on real time (" + time + "), not virtual time");
        }
        return v;
    }

    private static AwsProvider.Builder provider(LocalCloud cloud) {
        return AwsProvider.builder()
                .region("us-east-1").endpointOverride(cloud.endpoint())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .accountId("123456789012").subnets("subnet-0a1b2c3d").securityGroups("sg-0a1b2c3d").vpcId("vpc-0a1b2c3d")
                .executionRole("arn:aws:iam::123456789012:role/ecsTaskExecutionRole");   // ECS needs it for awslogs and secrets on Fargate
    }

    private static ShellWorld build(SimClock clock, LocalCloud cloud, AwsProvider aws, Scheduler time) {
        Path journal = newJournal();
        Cutover cutover = Cutover.builder()
                .provider(aws)
                .scheduler(time)
                .metrics(DatadogMetricSource.builder().uri(cloud.endpoint()).scheduler(time)
                        .apiKey(Datadog.DEFAULT_API_KEY).applicationKey(Datadog.DEFAULT_APPLICATION_KEY).build())
                .journal(new FileJournalStore(journal))
                .listener(new ConsoleProgress(System.out))
                .build();
        return new ShellWorld(clock, cloud, aws, time, cutover, journal);
    }

    // history survives a restart of `cutover` (new Cutover(...), resume, rollback): a file journal per session
    private static Path newJournal() {
        String root = System.getProperty("cutover.shell.journal");   // set by ./cutover-shell: target/cutover-shell/journal
        String session = LocalDateTime.now().toString().replace(':', '-').substring(0, 19);
        try {
            return root == null ? Files.createTempDirectory("cutover-journal") : Path.of(root, session);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String banner() {
        return "`cutover` deploys to it through the AWS provider.\n"
                + "Metric gates read the local Datadog: add them to a strategy, e.g. canary().analysis(a -> a.errorRateBelow(0.01)) -\n"
                + "without a gate, analysis checks task health only. History is kept in " + journal + ".";
    }

    /** Closes {@code cutover}, the local cloud and its clock. */
    public void close() {
        cutover.close();
        cloud.close();
        clock.close();
    }

    @Override
    public String toString() {
        return "ShellWorld[cloud=" + cloud.endpoint() + ", time=" + time + ", journal=" + journal + "]";
    }
}

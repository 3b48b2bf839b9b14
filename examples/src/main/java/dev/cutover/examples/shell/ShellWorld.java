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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

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
public record ShellWorld(SimClock clock, LocalCloud cloud, AwsProvider aws, Scheduler time, Cutover cutover, Path journal) {

    /** When virtual time starts. */
    public static final Instant VIRTUAL_START = Instant.parse("2026-01-01T00:00:00Z");

    /**
     * The local cloud on a real-time clock running {@code -Dcutover.shell.speed} (default 60) times faster
     * than the wall clock: a ten-minute bake takes ten seconds.
     */
    public static ShellWorld local() {
        return outsideTheSnippetsThreadGroup(ShellWorld::startLocal);
    }

    private static ShellWorld startLocal() {
        double speed = Double.parseDouble(System.getProperty("cutover.shell.speed", "60"));
        SimClock clock = SimClock.realTime(speed);
        LocalCloud cloud = LocalCloud.builder().clock(clock).start();
        AwsProvider aws = provider(cloud)
                .clock(clock).sleeper(d -> Thread.sleep(Math.max(1, clock.toWallClock(d).toMillis())))
                .build();
        ShellWorld world = build(clock, cloud, aws, Scheduler.following(clock, speed));   // one timeline
        System.out.println("Local cloud at " + cloud.endpoint() + " (" + speed + "x); " + world.banner());
        return world;
    }

    /**
     * The local cloud on virtual time: nothing moves until you wait; {@code deployment.await()} runs a
     * whole rollout at once, {@code deployment.await(Duration.ofMinutes(5))} lets five minutes pass.
     */
    public static ShellWorld virtual() {
        return outsideTheSnippetsThreadGroup(ShellWorld::startVirtual);
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
        ShellWorld world = build(clock, cloud, aws, time);
        System.out.println("Local cloud at " + cloud.endpoint() + " on virtual time; " + world.banner());
        return world;
    }

    /**
     * Starts the world on a thread of the parent thread group, so the cloud's and Cutover's threads are
     * not in the group of the snippet that starts them: JShell's local execution engine joins every
     * thread of that group it finds alive once the snippet runs, and a start-up that had already
     * started its HTTP server by then (likely on a loaded machine) would never return.
     */
    private static ShellWorld outsideTheSnippetsThreadGroup(java.util.function.Supplier<ShellWorld> start) {
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        ThreadGroup parent = group.getParent() != null ? group.getParent() : group;
        java.util.concurrent.atomic.AtomicReference<Object> result = new java.util.concurrent.atomic.AtomicReference<>();
        Thread starter = new Thread(parent, () -> {
            try {
                result.set(start.get());
            } catch (RuntimeException | Error e) {
                result.set(e);
            }
        }, "cutover-shell-start");
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the local cloud started", e);
        }
        if (result.get() instanceof RuntimeException e) {
            throw e;
        }
        if (result.get() instanceof Error e) {
            throw e;
        }
        return (ShellWorld) result.get();
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

    @Override
    public String toString() {
        return "ShellWorld[cloud=" + cloud.endpoint() + ", time=" + time + ", journal=" + journal + "]";
    }
}

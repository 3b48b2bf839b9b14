package dev.cutover.benchmarks;

import dev.cutover.Cutover;
import dev.cutover.Environment;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.aws.AwsProvider;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.SimClock;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The AWS benchmarks' world: a local cloud on a virtual {@link SimClock} (AWS-rate throttling on),
 * and Cutover with the AWS provider on a {@link VirtualScheduler} whose advances drive the cloud's
 * clock, so token buckets refill in the same simulated seconds Cutover waits in.
 */
final class AwsBenchWorld implements AutoCloseable {

    static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    static final Environment ENV = Environment.named("bench").region("us-east-1").cluster("bench").namespace("bench.local")
            .serviceConnect().build();

    final SimClock clock;
    final LocalCloud cloud;
    /** The virtual scheduler, or null in real time. */
    final VirtualScheduler time;
    final Scheduler scheduler;
    final double speed;
    final AwsProvider aws;
    final Cutover cutover;
    /** The journal store of {@link #cutover} (null: Cutover's in-memory default). */
    final dev.cutover.journal.JournalStore journal;
    private final java.util.List<AutoCloseable> others = new ArrayList<>();

    /** Virtual time: every wait advances the one timeline (deployments do not overlap while one waits). */
    AwsBenchWorld() {
        this(0);
    }

    /** Virtual time, Cutover journaling to {@code journal}. */
    AwsBenchWorld(dev.cutover.journal.JournalStore journal) {
        this(0, journal);
    }

    AwsBenchWorld(double speed) {
        this(speed, null);
    }

    /**
     * {@code speed > 0}: real time at {@code speed}x on both sides (the cloud's {@code SimClock.realTime}
     * and {@code Scheduler.following} it), so deployments run concurrently on threads as in production.
     */
    AwsBenchWorld(double speed, dev.cutover.journal.JournalStore journal) {
        this.speed = speed;
        this.journal = journal;
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        clock = speed > 0 ? SimClock.realTime(speed) : SimClock.virtual(t0);
        cloud = LocalCloud.builder().clock(clock).start();
        cloud.traffic().defaultRate(0);
        if (speed > 0) {
            time = null;
            scheduler = Scheduler.following(clock, speed);
        } else {
            time = Scheduler.virtual(t0);
            time.onAdvance((from, to) -> {
                if (to.isAfter(clock.instant())) {
                    clock.advance(Duration.between(clock.instant(), to));
                }
            });
            scheduler = time;
        }
        aws = provider();
        cutover = cutover(aws, journal);
    }

    /** A new AWS provider on this world's cloud and time (what a new process would build). */
    AwsProvider provider() {
        return provider(1);
    }

    /**
     * A new AWS provider observing {@code observeConcurrency} calls at once in virtual time (the
     * provider's default is 4; more than 1 only where no rate-limiter wait moves the one virtual
     * timeline from several threads, e.g. a plan whose calls fit in the buckets' bursts).
     */
    AwsProvider provider(int observeConcurrency) {
        AwsProvider.Builder pb = AwsProvider.builder().region("us-east-1").endpointOverride(cloud.endpoint()).credentials(CREDENTIALS)
                .accountId("123456789012").subnets("subnet-0a1b2c3d").securityGroups("sg-0a1b2c3d").vpcId("vpc-0a1b2c3d")
                .executionRole("arn:aws:iam::123456789012:role/ecsTaskExecutionRole");
        if (time == null) {
            pb.clock(clock).sleeper(d -> java.util.concurrent.TimeUnit.NANOSECONDS.sleep((long) (d.toNanos() / speed)));
        } else {
            pb.clock(time.clock()).sleeper(time::sleep).observeConcurrency(observeConcurrency); // one virtual timeline
        }
        return pb.build();
    }

    /** A new Cutover on {@code aws}, journaling to {@code journal} (null: in memory). */
    Cutover cutover(AwsProvider aws, dev.cutover.journal.JournalStore journal) {
        Cutover.Builder b = Cutover.builder().provider(aws).discoverProviders(false).scheduler(scheduler)
                .rollbackWindow(Duration.ZERO);
        if (journal != null) {
            b.journal(journal);
        }
        return b.build();
    }

    /**
     * A new provider and Cutover on the same cloud and journal store, as a second process would
     * have them: nothing cached, only what the journal store holds. Closed with the world.
     */
    Process freshProcess() {
        return freshProcess(1);
    }

    /** {@link #freshProcess()} with a provider observing {@code observeConcurrency} calls at once. */
    Process freshProcess(int observeConcurrency) {
        AwsProvider p = provider(observeConcurrency);
        Cutover c = cutover(p, journal);
        others.add(0, p);
        others.add(0, c);
        return new Process(p, c);
    }

    /** What one deployer process holds: its AWS provider and its Cutover. */
    record Process(AwsProvider aws, Cutover cutover) {
    }

    Instant now() {
        return scheduler.clock().instant();
    }

    /** Lets {@code d} of simulated time pass. */
    void pass(Duration d) {
        if (time != null) {
            time.advance(d);
        } else {
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep((long) (d.toNanos() / speed));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static Service service(String name, String version) {
        return Service.named(name).image("repo/" + name + ":" + version).port(8080).cpu(256).memoryMiB(512).instances(1)
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(2)).retries(2))
                .build();
    }

    static List<Release> releases(int n, String version) {
        List<Release> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Release.of(service(String.format("svc%04d", i), version)).to(ENV).build());
        }
        return out;
    }

    EcsClient ecs() {
        return EcsClient.builder().endpointOverride(cloud.endpoint()).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .build();
    }

    /**
     * Creates running services for {@code releases}: the first through Cutover (bootstrap), the rest
     * as copies of its task definition and service, directly and with throttling off (setup only).
     */
    void seed(List<Release> releases) {
        Release first = releases.get(0);
        cutover.apply(cutover.plan(first)).await();
        cloud.faults().throttling(false);
        try (EcsClient ecs = ecs()) {
            var template = ecs.describeServices(b -> b.cluster(ENV.cluster()).services("bench-" + first.service().name()))
                    .services().get(0);
            var td = ecs.describeTaskDefinition(b -> b.taskDefinition(template.taskDefinition())).taskDefinition();
            for (Release r : releases.subList(1, releases.size())) {
                String family = "bench-" + r.service().name();
                var containers = td.containerDefinitions().stream().map(c -> c.name().equals("app")
                        ? c.toBuilder().image(r.service().image().toString()).build() : c).toList();
                String arn = ecs.registerTaskDefinition(b -> b.family(family).containerDefinitions(containers)
                        .executionRoleArn(td.executionRoleArn()).proxyConfiguration(td.proxyConfiguration())
                        .cpu(td.cpu()).memory(td.memory()).networkMode(td.networkMode())
                        .requiresCompatibilities(td.requiresCompatibilities())).taskDefinition().taskDefinitionArn();
                ecs.createService(b -> b.cluster(ENV.cluster()).serviceName(family).taskDefinition(arn)
                        .desiredCount(r.service().instances()).launchType(template.launchType())
                        .networkConfiguration(template.networkConfiguration()));
            }
        }
        cloud.faults().reset(); // throttling on again, every bucket full
        pass(Duration.ofSeconds(40)); // the services start; every bucket refills
    }

    /**
     * Creates running services for {@code releases} the way Cutover's apply starts a revision: the
     * first through a whole deployment (bootstrap), the rest through the provider's own
     * {@code startRevision} (registering each task definition, remembered in the journal store, and
     * creating its service) without the rollout, with throttling off (setup only).
     */
    void seedThroughCutover(List<Release> releases) {
        Release first = releases.get(0);
        cutover.apply(cutover.plan(first)).await();
        cloud.faults().throttling(false);
        var compute = aws.compute().orElseThrow();
        aws.prepare(releases);
        for (Release r : releases.subList(1, releases.size())) {
            compute.startRevision(r, r.service().instances());
        }
        cloud.faults().reset();
        pass(Duration.ofSeconds(40));
    }

    @Override
    public void close() {
        for (AutoCloseable c : others) {
            try {
                c.close();
            } catch (Exception e) {
                // closing
            }
        }
        cutover.close();
        aws.close();
        cloud.close();
        clock.close();
    }
}

package dev.cutover.benchmarks;

import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.SimClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Deploying 100 changed Service Connect services against the local cloud's AWS-rate throttling,
 * side by side: Cutover (its rate limiter sized from the provider's declared ECS buckets, in
 * virtual time tied to the cloud's clock) and a naive SDK loop (RegisterTaskDefinition +
 * UpdateService per service with the SDK's default retries, on a real-time SimClock at
 * {@link #NAIVE_SPEED}x). Each run prints simulated seconds, the token-bucket lower bound, the
 * throttled calls at the cloud and the failures that reached the caller; Cutover's run fails unless
 * it finishes within 1.10x the bound with zero failed deployments.
 *
 * <p>Lower bound: RegisterTaskDefinition's bucket (20 burst, 1 per second) admits 100
 * registrations no sooner than (100 - 20) / 1 = 80 s after the first; the last deployment then
 * needs at least what one deployment takes alone (measured first, same world, full buckets). So
 * bound = 80 s + single deployment.
 *
 * <p>{@code ./mvnw -B -q -pl benchmarks exec:exec -Djmh.args="AwsDeploy"} or the main method.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(1)
public class AwsDeployBenchmark {

    static final int SERVICES = 100;
    /**
     * Simulated seconds per wall second, on both sides ({@code -Daws.bench.speed}, default 10). At 10x a
     * millisecond a starved thread loses on a busy machine costs ten simulated ones; 1 is AWS's own pace.
     */
    static final double SPEED = Double.parseDouble(System.getProperty("aws.bench.speed", "10"));
    static final double NAIVE_SPEED = SPEED;
    /**
     * Where the 100 running services came from ({@code -Daws.bench.seed}): {@code cutover} (default),
     * started by Cutover, so the journal knows their task definitions and the plan describes none; or
     * {@code outside}, registered by someone else, so the plan describes each (99 DescribeTaskDefinition
     * calls, bound by their bucket: 50 at once, then 20 a second).
     */
    static final boolean SEEDED_OUTSIDE = "outside".equals(System.getProperty("aws.bench.seed", "cutover"));

    /** One side's outcome, in simulated time. */
    record Result(String who, double seconds, double boundSeconds, long throttledAtCloud, int failed, CpuSplit.Result cpu) {
        @Override
        public String toString() {
            return String.format("%-8s %6.1f s simulated (%.2fx the %.1f s bound), %d calls throttled at the cloud, "
                    + "%d of %d deployments failed; %s", who, seconds, seconds / boundSeconds, boundSeconds, throttledAtCloud,
                    failed, SERVICES, cpu);
        }
    }

    @Benchmark
    public Result cutover() {
        Result r = runCutover();
        System.out.println(r);
        if (r.failed() > 0 || r.seconds() > 1.10 * r.boundSeconds()) {
            throw new IllegalStateException("Cutover missed the target: " + r);
        }
        return r;
    }

    /** Four deployers (separate providers and Cutover instances) releasing 25 services each at once: within 1.15x. */
    @Benchmark
    public Result fourDeployers() {
        Result r = runCutover(4, runCutoverSingle());
        System.out.println(r);
        if (r.failed() > 0 || r.seconds() > 1.15 * r.boundSeconds()) {
            throw new IllegalStateException("four deployers missed the target: " + r);
        }
        return r;
    }

    @Benchmark
    public Result naiveSdkLoop() {
        Result r = runNaive(runCutoverSingle());
        System.out.println(r);
        return r;
    }

    /** One deployment alone in a fresh world (full buckets): the critical path of the last deployment. */
    static double runCutoverSingle() {
        try (AwsBenchWorld w = new AwsBenchWorld(SPEED)) {
            w.seed(AwsBenchWorld.releases(1, "1.0.0"));
            Instant start = w.now();
            Deployment d = w.cutover.apply(w.cutover.plan(AwsBenchWorld.releases(1, "2.0.0").get(0)));
            if (d.await() != DeploymentStatus.SUCCEEDED) {
                throw new IllegalStateException("single deployment: " + d.statusReason());
            }
            double seconds = Duration.between(start, w.now()).toMillis() / 1000.0;
            d.awaitRetirement(); // the old revision is retired before the world closes
            return seconds;
        }
    }

    static Result runCutover() {
        return runCutover(1, runCutoverSingle());
    }

    /**
     * The 100 deployments from {@code deployers} Cutover instances, each with its own AWS provider,
     * SDK clients and guarded executor (so its own client-side token buckets), releasing an equal
     * share at once against the one local cloud, whose buckets are per account and Region as AWS's:
     * what separate deployer processes do. Each plans its share at once and applies the plans together
     * ({@code Cutover.apply(Collection<Plan>)}: one batched apply check, then every rollout starts).
     */
    static Result runCutover(int deployers, double single) {
        double bound = (SERVICES - 20) / 1.0 + single;
        try (AwsBenchWorld w = new AwsBenchWorld(SPEED)) {
            if (SEEDED_OUTSIDE) {
                w.seed(AwsBenchWorld.releases(SERVICES, "1.0.0"));
            } else {
                w.seedThroughCutover(AwsBenchWorld.releases(SERVICES, "1.0.0"));
            }
            List<Cutover> processes = new ArrayList<>();
            processes.add(w.cutover);
            for (int i = 1; i < deployers; i++) {
                processes.add(w.freshProcess().cutover());
            }
            List<Release> next = AwsBenchWorld.releases(SERVICES, "2.0.0");
            int share = SERVICES / deployers;
            long throttledBefore = w.cloud.faults().throttledCalls("ecs");
            CpuSplit cpu = CpuSplit.start();
            Instant start = w.now();
            List<java.util.concurrent.Future<List<Deployment>>> launched = new ArrayList<>();
            java.util.concurrent.ExecutorService launchers = java.util.concurrent.Executors.newFixedThreadPool(deployers);
            for (int i = 0; i < deployers; i++) {
                Cutover cutover = processes.get(i);
                List<Release> mine = next.subList(i * share, i == deployers - 1 ? SERVICES : (i + 1) * share);
                launched.add(launchers.submit(() -> planAndApply(cutover, mine)));
            }
            List<Deployment> running = new ArrayList<>();
            try {
                for (var f : launched) {
                    running.addAll(f.get());
                }
            } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e);
            } finally {
                launchers.shutdown();
            }
            int failed = 0;
            for (Deployment d : running) {
                if (d.await() != DeploymentStatus.SUCCEEDED) {
                    failed++;
                    System.out.println("  failed: " + d.statusReason());
                }
            }
            double seconds = Duration.between(start, w.now()).toMillis() / 1000.0;
            CpuSplit.Result used = cpu.stop();
            if (Boolean.getBoolean("aws.bench.debug")) {
                System.out.println("calls: " + w.aws.apiCalls());
                java.util.function.ToDoubleFunction<Deployment> finishedAt = d -> d.events().isEmpty() ? 0
                        : Duration.between(start, d.events().get(d.events().size() - 1).at()).toMillis() / 1000.0;
                List<Deployment> byFinish = new ArrayList<>(running);
                byFinish.sort(java.util.Comparator.comparingDouble(finishedAt));
                StringBuilder line = new StringBuilder("revision started / finished (s):");
                for (Deployment d : byFinish) {
                    double revisionAt = d.events().stream().filter(e -> e instanceof dev.cutover.event.DeploymentEvent.RevisionStarted)
                            .mapToDouble(e -> Duration.between(start, e.at()).toMillis() / 1000.0).findFirst().orElse(-1);
                    line.append(String.format(" %.1f/%.1f", revisionAt, finishedAt.applyAsDouble(d)));
                }
                System.out.println(line);
                for (Deployment d : byFinish.subList(byFinish.size() - 3, byFinish.size())) {
                    d.events().forEach(e -> System.out.println("  " + Duration.between(start, e.at()).toMillis() / 1000.0 + " " + e));
                }
            }
            for (Deployment d : running) {
                d.awaitRetirement(); // old revisions retired before the world closes
            }
            return new Result(deployers == 1 ? "cutover" : deployers + " deployers", seconds, bound,
                    w.cloud.faults().throttledCalls("ecs") - throttledBefore, failed, used);
        }
    }

    /** One deployer: plans its releases at once, then applies the plans together (one batched apply check). */
    private static List<Deployment> planAndApply(Cutover cutover, List<Release> releases) {
        long t0 = System.nanoTime();
        List<Plan> plans = cutover.plan(releases);
        if (Boolean.getBoolean("aws.bench.debug")) {
            System.out.printf("planned %d releases in %d ms of wall time%n", plans.size(), (System.nanoTime() - t0) / 1_000_000);
        }
        List<Deployment> out = cutover.apply(plans);
        if (Boolean.getBoolean("aws.bench.debug")) {
            System.out.printf("planned and applied %d releases in %d ms of wall time%n", plans.size(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
        return out;
    }

    /** The same deployments as a plain loop over the SDK with its default retry strategy. */
    static Result runNaive(double single) {
        double bound = (SERVICES - 20) / 1.0 + single;
        try (SimClock clock = SimClock.realTime(NAIVE_SPEED); LocalCloud cloud = LocalCloud.builder().clock(clock).start()) {
            cloud.traffic().defaultRate(0);
            cloud.faults().throttling(false);
            EcsClient ecs = EcsClient.builder().endpointOverride(cloud.endpoint()).region(Region.US_EAST_1)
                    .credentialsProvider(AwsBenchWorld.CREDENTIALS).build();
            ecs.createCluster(b -> b.clusterName("bench"));
            List<String> families = new ArrayList<>();
            for (Release r : AwsBenchWorld.releases(SERVICES, "1.0.0")) {
                String family = "bench-" + r.service().name();
                families.add(family);
                String arn = ecs.registerTaskDefinition(td(family, r)).taskDefinition().taskDefinitionArn();
                ecs.createService(b -> b.cluster("bench").serviceName(family).taskDefinition(arn).desiredCount(1)
                        .launchType("FARGATE").networkConfiguration(n -> n.awsvpcConfiguration(v -> v.subnets("subnet-0a1b2c3d"))));
            }
            cloud.faults().reset();
            CpuSplit cpu = CpuSplit.start();
            Instant start = clock.instant();
            int failed = 0;
            List<String> deployed = new ArrayList<>();
            List<Release> next = AwsBenchWorld.releases(SERVICES, "2.0.0");
            for (int i = 0; i < SERVICES; i++) {
                String family = families.get(i);
                try {
                    String arn = ecs.registerTaskDefinition(td(family, next.get(i))).taskDefinition().taskDefinitionArn();
                    ecs.updateService(b -> b.cluster("bench").service(family).taskDefinition(arn));
                    deployed.add(family);
                } catch (RuntimeException e) {
                    failed++;
                }
            }
            // wait until every updated service runs one completed deployment (polling is not counted as failure)
            while (!deployed.isEmpty()) {
                List<String> pending = new ArrayList<>();
                for (int i = 0; i < deployed.size(); i += 10) {
                    List<String> chunk = deployed.subList(i, Math.min(deployed.size(), i + 10));
                    try {
                        for (Service s : ecs.describeServices(b -> b.cluster("bench").services(chunk)).services()) {
                            if (s.deployments().size() != 1 || !"COMPLETED".equals(s.deployments().get(0).rolloutStateAsString())) {
                                pending.add(s.serviceName());
                            }
                        }
                    } catch (RuntimeException e) {
                        pending.addAll(chunk);
                    }
                }
                deployed = pending;
                if (!pending.isEmpty()) {
                    try {
                        TimeUnit.MILLISECONDS.sleep((long) (1000 / NAIVE_SPEED)); // one simulated second
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            double seconds = Duration.between(start, clock.instant()).toMillis() / 1000.0;
            long throttled = cloud.faults().throttledCalls("ecs");
            ecs.close();
            return new Result("naive", seconds, bound, throttled, failed, cpu.stop());
        }
    }

    private static software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest td(String family, Release r) {
        return software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest.builder().family(family)
                .networkMode("awsvpc").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512")
                .containerDefinitions(c -> c.name("app").image(r.service().image().toString()).essential(true)
                        .portMappings(p -> p.containerPort(8080).name("http")))
                .build();
    }

    public static void main(String[] args) {
        double single = runCutoverSingle();
        System.out.printf("single deployment alone: %.1f s simulated%n", single);
        System.out.println("load average " + java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()
                + "; running services seeded " + (SEEDED_OUTSIDE ? "outside Cutover" : "through Cutover"));
        List<String> sides = args.length == 0 ? List.of("cutover", "four", "naive") : List.of(args);
        if (sides.contains("cutover")) {
            System.out.println(runCutover(1, single));
        }
        if (sides.contains("four")) {
            System.out.println(runCutover(4, single));
        }
        if (sides.contains("naive")) {
            System.out.println(runNaive(single));
        }
    }
}

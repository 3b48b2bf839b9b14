package dev.cutover.benchmarks;

import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.journal.FileJournalStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Planning 1,000 running Service Connect services on the local cloud (AWS-rate throttling on) with
 * {@code Cutover.plan(Collection)}, side by side:
 *
 * <ul>
 *   <li><b>journal</b>: the services were started by Cutover (one deployment, then the provider's
 *       own {@code startRevision} for the rest, which registers each task definition and remembers
 *       it in the journal store); a <em>fresh</em> provider and Cutover on the same journal store
 *       plan them. Targets: 0 DescribeTaskDefinition, at most 130 calls, at most 3 s of wall time.</li>
 *   <li><b>foreign</b>: the services' task definitions were registered outside Cutover (today's
 *       benchmark world): one DescribeTaskDefinition each.</li>
 *   <li><b>naive</b>: an SDK loop reading what a plan needs (DescribeServices ten at a time and
 *       DescribeTaskDefinition per service), throttling lifted (its calls and wall time only).</li>
 * </ul>
 *
 * <p>{@code java -cp ... dev.cutover.benchmarks.AwsPlanningBenchmark} prints all three; the JMH
 * benchmark measures the journal side ({@code -Djmh.args="AwsPlanning"}) and fails at tear-down when a
 * target is missed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class AwsPlanningBenchmark {

    static final int SERVICES = 1000;
    static final int MAX_CALLS = 130;
    static final long MAX_WALL_MILLIS = 3000;

    private Path dir;
    private AwsBenchWorld world;
    private List<Release> releases;
    private AwsBenchWorld.Process fresh;
    private Result last;

    /** One plan: its calls per operation, wall time and simulated time. */
    record Result(String side, Map<String, Long> calls, long wallMillis, Duration simulated, long inCallsMillis, CpuSplit.Result cpu) {
        long total() {
            return calls.values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public String toString() {
            return String.format("%-8s %5d calls, %5d DescribeTaskDefinition, %6d ms wall (%d ms of it waiting for the local "
                    + "cloud's answers), %5.1f s simulated; %s: %s", side, total(), calls.getOrDefault("ecs:DescribeTaskDefinition", 0L),
                    wallMillis, inCallsMillis, simulated.toMillis() / 1000.0, cpu, calls);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        try {
            dir = Files.createTempDirectory("cutover-plan-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        releases = AwsBenchWorld.releases(SERVICES, "1.0.0");
        world = new AwsBenchWorld(new FileJournalStore(dir.resolve("journal")));
        world.seedThroughCutover(releases);
    }

    @Setup(Level.Iteration)
    public void freshProcess() {
        fresh = world.freshProcess(4); // nothing cached: what the journal store holds, and AWS; the default observe concurrency
    }

    @Benchmark
    public List<Plan> planThousandServicesFromTheJournal() {
        Holder<List<Plan>> plans = new Holder<>();
        last = measure("journal", world, fresh, () -> plans.value = fresh.cutover().plan(releases));
        return plans.value;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println(last);
        world.close();
        delete(dir);
        check(last);
    }

    static void check(Result r) {
        long describeTd = r.calls().getOrDefault("ecs:DescribeTaskDefinition", 0L);
        if (describeTd > 0 || r.total() > MAX_CALLS || r.wallMillis() > MAX_WALL_MILLIS) {
            throw new IllegalStateException("planning " + SERVICES + " services Cutover started missed a target (0 "
                    + "DescribeTaskDefinition, <= " + MAX_CALLS + " calls, <= " + MAX_WALL_MILLIS + " ms): " + r);
        }
    }

    private static final class Holder<T> {
        T value;
    }

    /** Runs {@code plan} and counts what {@code aws} called meanwhile. */
    static Result measure(String side, AwsBenchWorld world, AwsBenchWorld.Process process, Runnable plan) {
        dev.cutover.aws.AwsProvider aws = process.aws();
        Map<String, Long> before = aws.apiCalls();
        double callsBefore = inCalls(process);
        Instant simulatedStart = world.now();
        CpuSplit cpu = CpuSplit.start();
        long t0 = System.nanoTime();
        plan.run();
        long wall = (System.nanoTime() - t0) / 1_000_000;
        CpuSplit.Result used = cpu.stop();
        Map<String, Long> calls = new TreeMap<>();
        aws.apiCalls().forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d > 0) {
                calls.put(k, d);
            }
        });
        return new Result(side, calls, wall, Duration.between(simulatedStart, world.now()), (long) (inCalls(process) - callsBefore),
                used);
    }

    /** Milliseconds the process's provider calls took so far, as the guarded executor timed them (one call after another here). */
    private static double inCalls(AwsBenchWorld.Process process) {
        return process.cutover().meterRegistry().find("cutover.provider.calls").timers().stream()
                .mapToDouble(t -> t.totalTime(TimeUnit.MILLISECONDS)).sum();
    }

    /** The naive loop: what a plan reads, straight through the SDK (throttling lifted: calls and wall time only). */
    static Result naive(AwsBenchWorld world, List<Release> releases) {
        world.cloud.faults().throttling(false);
        Map<String, Long> calls = new TreeMap<>();
        CpuSplit cpu = CpuSplit.start();
        long t0 = System.nanoTime();
        try (EcsClient ecs = world.ecs()) {
            List<String> names = releases.stream().map(r -> "bench-" + r.service().name()).toList();
            for (int i = 0; i < names.size(); i += 10) {
                List<String> chunk = names.subList(i, Math.min(names.size(), i + 10));
                var services = ecs.describeServices(b -> b.cluster(AwsBenchWorld.ENV.cluster()).services(chunk)).services();
                calls.merge("ecs:DescribeServices", 1L, Long::sum);
                for (var s : services) {
                    ecs.describeTaskDefinition(b -> b.taskDefinition(s.taskDefinition()));
                    calls.merge("ecs:DescribeTaskDefinition", 1L, Long::sum);
                }
            }
        } finally {
            world.cloud.faults().reset();
        }
        long wall = (System.nanoTime() - t0) / 1_000_000;
        return new Result("naive", calls, wall, Duration.ZERO, wall, cpu.stop());
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory
        }
    }

    /**
     * {@code [journal] [journal1] [naive] [foreign]}: the sides to run (journal, naive and foreign without arguments;
     * journal1 is the journal side observing one call at a time).
     */
    public static void main(String[] args) {
        List<String> sides = args.length == 0 ? List.of("journal", "naive", "foreign") : List.of(args);
        List<Release> releases = AwsBenchWorld.releases(SERVICES, "1.0.0");
        List<Result> results = new ArrayList<>();
        Path dir;
        try {
            dir = Files.createTempDirectory("cutover-plan-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (AwsBenchWorld world = new AwsBenchWorld(new FileJournalStore(dir.resolve("journal")))) {
            world.seedThroughCutover(releases);
            // the provider's default observe concurrency (4), as a production process plans; the plan's calls fit in the
            // buckets' bursts, so no rate-limiter wait moves the virtual clock
            AwsBenchWorld.Process fresh = world.freshProcess(4);
            results.add(measure("journal", world, fresh, () -> fresh.cutover().plan(releases)));
            if (sides.contains("journal1")) {
                AwsBenchWorld.Process serial = world.freshProcess(1);
                results.add(measure("journal1", world, serial, () -> serial.cutover().plan(releases)));
            }
            if (sides.contains("naive")) {
                results.add(naive(world, releases));
            }
        } finally {
            delete(dir);
        }
        if (sides.contains("foreign")) {
            try (AwsBenchWorld world = new AwsBenchWorld()) {
                world.seed(releases);
                AwsBenchWorld.Process fresh = world.freshProcess();
                results.add(measure("foreign", world, fresh, () -> fresh.cutover().plan(releases)));
            }
        }
        System.out.println("planning " + SERVICES + " running Service Connect services (load average "
                + String.format("%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                + "):");
        results.forEach(System.out::println);
        check(results.get(0));
    }
}

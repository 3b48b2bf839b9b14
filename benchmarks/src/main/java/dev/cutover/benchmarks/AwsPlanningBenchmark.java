package dev.cutover.benchmarks;

import dev.cutover.Plan;
import dev.cutover.Release;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
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

/**
 * Planning 1,000 running Service Connect services on the local cloud with
 * {@code Cutover.plan(Collection)}: wall time per plan, and AWS calls per operation (at most 100
 * DescribeServices; checked at tear-down, which fails the run otherwise).
 *
 * <p>{@code ./mvnw -B -q -pl benchmarks exec:exec -Djmh.args="AwsPlanning"}, or
 * {@code java -cp ... dev.cutover.benchmarks.AwsPlanningBenchmark} for one plan with its counts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class AwsPlanningBenchmark {

    static final int SERVICES = 1000;

    private AwsBenchWorld world;
    private List<Release> releases;
    private Map<String, Long> lastCalls = Map.of();

    @Setup(Level.Trial)
    public void setUp() {
        world = new AwsBenchWorld();
        world.seed(AwsBenchWorld.releases(SERVICES, "1.0.0"));
        releases = AwsBenchWorld.releases(SERVICES, "1.0.0");
    }

    @Benchmark
    public List<Plan> planThousandServices() {
        Map<String, Long> before = world.aws.apiCalls();
        List<Plan> plans = world.cutover.plan(releases);
        Map<String, Long> calls = new TreeMap<>();
        world.aws.apiCalls().forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d > 0) {
                calls.put(k, d);
            }
        });
        lastCalls = calls;
        return plans;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("AWS calls of one plan of " + SERVICES + " services: " + lastCalls);
        world.close();
        long describe = lastCalls.getOrDefault("ecs:DescribeServices", 0L);
        if (describe > 100) {
            throw new IllegalStateException("planning " + SERVICES + " services took " + describe + " DescribeServices calls (> 100)");
        }
    }

    public static void main(String[] args) {
        AwsPlanningBenchmark b = new AwsPlanningBenchmark();
        b.setUp();
        long t0 = System.nanoTime();
        b.planThousandServices();
        System.out.printf("one plan of %d services: %d ms wall%n", SERVICES, (System.nanoTime() - t0) / 1_000_000);
        b.tearDown();
    }
}

package dev.cutover.benchmarks;

import dev.cutover.Cutover;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.Plan;
import dev.cutover.Release;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Planning a fleet end to end on the in-memory provider: {@code Cutover.plan(Collection)} for 1,000
 * services (10% with a new image), i.e. policies, secret resolution, batched observation, diff and
 * plan assembly. The {@code observeCalls} counter reports how many observe calls one plan of the
 * whole fleet makes (batches of the provider's observe batch size per capability, not one per
 * service).
 *
 * <pre>{@code ./mvnw -B -q -pl benchmarks exec:exec -Djmh.args="PlanBenchmark -f 1 -wi 3 -i 5 -jvmArgs -Xmx256m -prof gc"}</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PlanBenchmark {

    @Param("1000")
    public int services;

    private Cutover cutover;
    private List<Release> released;

    /** Observe calls and plans made in an iteration (events): observeCalls / (plans / services) per fleet plan. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Calls {
        public long observeCalls;
        public long plans;

        @Setup(Level.Iteration)
        public void reset() {
            observeCalls = 0;
            plans = 0;
        }
    }

    @Setup
    public void setUp() {
        InMemoryProvider cloud = PlanningWorld.deployed(PlanningWorld.running(services));
        cutover = Cutover.builder().provider(cloud).discoverProviders(false).build();
        released = PlanningWorld.released(services);
        long rollouts = cutover.plan(released).stream().filter(Plan::isRollout).count();
        if (rollouts != services / 10) {
            throw new IllegalStateException("expected " + services / 10 + " rollouts, planned " + rollouts);
        }
    }

    @Benchmark
    public List<Plan> planTheFleet(Calls calls) {
        long before = cutover.observeCalls();
        List<Plan> plans = cutover.plan(released);
        calls.observeCalls += cutover.observeCalls() - before;
        calls.plans += plans.size();
        return plans;
    }
}

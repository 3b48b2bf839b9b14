package dev.cutover.benchmarks;

import dev.cutover.Change;
import dev.cutover.Release;
import dev.cutover.internal.Diff;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The pure diff of a whole fleet: desired against observed for 10,000 services (90,000 resources)
 * where every tenth service runs an older image, so 10% of the services plan a revision replace and
 * a route update and the rest plan as no-ops. One operation diffs every service. Sample time, so
 * JMH reports the median; run it with a 256 MiB heap and the allocation profiler:
 *
 * <pre>{@code ./mvnw -B -q -pl benchmarks exec:exec -Djmh.args="DiffBenchmark -f 1 -wi 3 -i 5 -jvmArgs -Xmx256m -prof gc"}</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DiffBenchmark {

    @Param("10000")
    public int services;

    private final List<List<Resource>> desired = new ArrayList<>();
    private final List<List<ResourceId>> candidates = new ArrayList<>();
    private Map<ResourceId, Resource> observed;

    @Setup
    public void setUp() {
        observed = new HashMap<>();
        List<Release> running = PlanningWorld.running(services);
        List<Release> released = PlanningWorld.released(services);
        for (int i = 0; i < services; i++) {
            Release r = released.get(i);
            desired.add(DesiredState.of(r));
            candidates.add(DesiredState.candidateIds(r));
            String revision = "svc-" + i + "-prod:1";
            for (Resource have : DesiredState.of(running.get(i))) {
                if (have.id().type() == ResourceType.ROUTE) {
                    have = Resource.of(have.id(), Map.of("weights", Attribute.of(DesiredState.weights(Map.of(revision, 100)))));
                } else if (have.id().type() == ResourceType.REVISION || have.id().type() == ResourceType.SERVICE) {
                    have = have.withRef(revision);
                }
                observed.put(have.id(), have);
            }
        }
        int changes = 0;
        for (int i = 0; i < services; i++) {
            changes += (int) Diff.diff(desired.get(i), observed, candidates.get(i)).stream().filter(c -> !c.isNoOp()).count();
        }
        if (changes != 2 * (services / 10)) {
            throw new IllegalStateException("expected a replace and a route update per differing service, got " + changes + " changes");
        }
    }

    @Benchmark
    public void diffTheFleet(Blackhole bh) {
        for (int i = 0; i < services; i++) {
            List<Change> changes = Diff.diff(desired.get(i), observed, candidates.get(i));
            bh.consume(changes);
        }
    }
}

package dev.cutover.benchmarks;

import dev.cutover.Resilience;
import dev.cutover.internal.GuardedExecutor;
import dev.cutover.spi.Provider;
import dev.cutover.time.Scheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the guarded executor adds to one provider call: the same trivial call made directly and
 * through {@link GuardedExecutor} (token bucket, circuit breaker, retry context, bulkhead, time
 * limit, Micrometer timer), side by side in one run. Sample time, so JMH reports the median.
 *
 * <pre>{@code ./mvnw -B -q -pl benchmarks exec:exec -Djmh.args="GuardedCall -f 1 -wi 3 -i 5"}</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GuardedCallBenchmark {

    private final Provider provider = () -> "bench";
    private final Supplier<Long> call = new Supplier<>() {
        private long n;

        @Override
        public Long get() {
            return ++n;
        }
    };
    private GuardedExecutor executor;

    @Setup
    public void setUp() {
        Resilience resilience = Resilience.builder().rateLimit("bench.Describe", 1_000_000_000, 1e12).build();
        executor = new GuardedExecutor(resilience, Scheduler.system(), new SimpleMeterRegistry());
    }

    @TearDown
    public void tearDown() {
        executor.close();
    }

    @Benchmark
    public Long direct() {
        return call.get();
    }

    @Benchmark
    public Long guarded() {
        return executor.call(provider, "bench.Describe", "Describe", call);
    }
}

package dev.cutover.benchmarks;

import dev.cutover.localcloud.LocalCloud;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long {@link LocalCloud#start()} takes until every emulator (AWS server and Consul) listens,
 * plus {@code close()}: {@code cold} is the first start in a fresh JVM (class loading included, one
 * shot per fork), {@code warm} the steady state of a process that starts many clouds (a test suite).
 *
 * <pre>{@code
 * ./mvnw -B -q -pl benchmarks exec:exec -Djmh.args="LocalCloudStartup -f 5"
 * }</pre>
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(5)
public class LocalCloudStartupBenchmark {

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public URI cold() {
        try (LocalCloud cloud = LocalCloud.start()) {
            return cloud.endpoint();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public URI warm() {
        try (LocalCloud cloud = LocalCloud.start()) {
            return cloud.endpoint();
        }
    }
}

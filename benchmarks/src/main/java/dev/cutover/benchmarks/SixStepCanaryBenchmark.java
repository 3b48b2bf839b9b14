package dev.cutover.benchmarks;

import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Strategies;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Wall time of a six-step canary (5/10/25/50/75/100%, ten-minute bakes, an error-rate gate
 * measured every minute: over an hour of deployment) in virtual time on the in-memory provider:
 * plan, apply and await. Each invocation starts from a fresh world with 1.0.0 deployed.
 *
 * <pre>{@code ./mvnw -B -q -pl benchmarks exec:exec -Djmh.args="SixStepCanary -f 1 -wi 3 -i 5"}</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SixStepCanaryBenchmark {

    private static final Environment STAGE = Environment.named("stage").region("us-east-1").cluster("main")
            .mesh("internal").namespace("internal.local").build();

    private Cutover cutover;
    private VirtualScheduler time;

    private static Service orders(String version) {
        return Service.named("orders").image("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:" + version)
                .port(8080).cpu(512).memoryMiB(1024).build();
    }

    @Setup(Level.Invocation)
    public void freshWorld() {
        time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));
        cutover = Cutover.builder().provider(new InMemoryProvider()).discoverProviders(false).scheduler(time).build();
        cutover.apply(cutover.plan(Release.of(orders("1.0.0")).to(STAGE).build())).await();
    }

    @Benchmark
    public DeploymentStatus sixStepCanary() {
        Deployment d = cutover.apply(cutover.plan(Release.of(orders("2.0.0")).to(STAGE)
                .strategy(Strategies.canary().steps(5, 10, 25, 50, 75, 100).bake(Duration.ofMinutes(10))
                        .analysis(a -> a.errorRateBelow(0.01)))
                .build()));
        DeploymentStatus s = d.await();
        if (s != DeploymentStatus.SUCCEEDED) {
            throw new IllegalStateException("the canary did not succeed: " + d);
        }
        return s;
    }
}

package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Environment;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.aws.internal.EcsCompute;
import dev.cutover.spi.ProviderContext;
import dev.cutover.spi.RevisionHealth;
import dev.cutover.spi.RevisionRef;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 6: the health reads of concurrent rollouts describe their tasks together —
 * DescribeTasks takes up to 100 task ARNs of a cluster whatever their service (ECS API Reference,
 * DescribeTasks), so the reads that come while one DescribeTasks of the cluster waits for its
 * token join it, and each rollout gets its own service's tasks from the one answer. Against the
 * local cloud through the real SDK; the clock is the cloud's virtual clock.
 */
class AwsTaskReadsBatchedTest {

    static final int SERVICES = 6;

    private final Environment env = Environment.named("test").region("us-east-1").cluster("apps").namespace("test.local")
            .serviceConnect().build();

    private Release release(int i) {
        return Release.of(Service.named("svc" + i).image("repo/svc" + i + ":1.0.0").port(8080).cpu(256).memoryMiB(512)
                .instances(i % 2 + 1).build()).to(env).build();
    }

    @Test
    void concurrentHealthReadsOfSixServicesShareOneDescribeTasks() throws Exception {
        try (AwsFixture f = new AwsFixture()) {
            List<RevisionRef> refs = new ArrayList<>();
            List<Release> releases = new ArrayList<>();
            for (int i = 0; i < SERVICES; i++) {
                releases.add(release(i));
            }
            f.bootstrap(releases.get(0));
            f.aws.prepare(releases);
            for (Release r : releases) {
                refs.add(f.aws.compute().orElseThrow().startRevision(r, r.service().instances()));
            }
            List<RevisionHealth> alone = new ArrayList<>();
            for (RevisionRef ref : refs) {
                alone.add(f.awaitConverged(ref)); // one after another: one DescribeTasks each
            }
            assertThat(alone).allSatisfy(h -> assertThat(h.isConverged()).isTrue());
            f.cloud.clock().advance(java.time.Duration.ofSeconds(5)); // the health snapshots age out

            // the first DescribeTasks waits for its token until every other read has joined it (a rate limiter's wait,
            // held by the test instead of the clock; bounded so that a read that never joins fails the count, not the run)
            EcsCompute compute = (EcsCompute) f.aws.compute().orElseThrow();
            AtomicInteger describeTasks = new AtomicInteger();
            long joinedBefore = compute.joinedTaskReads();
            Clock clock = f.cloud.clock();
            f.aws.start(new ProviderContext() {
                @Override
                public <T> T call(String family, String operation, Supplier<T> call) {
                    if (operation.equals("DescribeTasks") && describeTasks.getAndIncrement() == 0) {
                        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                        while (compute.joinedTaskReads() - joinedBefore < SERVICES - 1 && System.nanoTime() < giveUp) {
                            Thread.onSpinWait();
                        }
                    }
                    return call.get();
                }

                @Override
                public Clock clock() {
                    return clock;
                }
            });
            long before = f.aws.apiCalls().getOrDefault("ecs:DescribeTasks", 0L);
            ExecutorService rollouts = Executors.newFixedThreadPool(SERVICES);
            List<Future<RevisionHealth>> polled = new ArrayList<>();
            try {
                for (RevisionRef ref : refs) {
                    polled.add(rollouts.submit(() -> f.aws.compute().orElseThrow().health(ref)));
                }
                for (int i = 0; i < SERVICES; i++) {
                    assertThat(polled.get(i).get(30, TimeUnit.SECONDS)).as("svc%d reads its own tasks from the shared answer", i)
                            .isEqualTo(alone.get(i));
                }
            } finally {
                rollouts.shutdownNow();
            }
            assertThat(f.aws.apiCalls().getOrDefault("ecs:DescribeTasks", 0L) - before)
                    .as("one DescribeTasks for the tasks of %d services (one each without batching)", SERVICES).isEqualTo(1);
            assertThat(f.aws.apiCalls().get("ecs:ListTasks")).as("ListTasks stays per service (it filters by service)").isNotNull();
        }
    }
}

package dev.cutover;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.CrashResumeFaultTest.DyingJournal;
import dev.cutover.time.MortalScheduler;
import dev.cutover.CrashResumeFaultTest.ProcessDeath;
import dev.cutover.journal.FileJournalStore;
import dev.cutover.journal.JournalException;
import dev.cutover.spi.LockHeldException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One deployer at a time, and bad input that is refused before any provider call. */
class LockAndBadInputTest extends RolloutHarness {

    private final Cutover cutover = builder().build();

    @Test
    void eightConcurrentDeployersExactlyOneProceeds() throws Exception {
        baseline(cutover);
        Release next = release("2.0.0", canary().bake(Duration.ofMinutes(1)));
        List<Plan> plans = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            plans.add(cutover.plan(next));
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Deployment>> results = new ArrayList<>();
            for (Plan p : plans) {
                results.add(pool.submit(() -> {
                    go.await();
                    return cutover.apply(p);
                }));
            }
            go.countDown();
            List<Deployment> winners = new ArrayList<>();
            List<LockHeldException> losers = new ArrayList<>();
            for (Future<Deployment> f : results) {
                try {
                    winners.add(f.get(30, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(LockHeldException.class);
                    losers.add((LockHeldException) e.getCause());
                }
            }
            assertThat(winners).hasSize(1);
            assertThat(losers).hasSize(7).allSatisfy(l -> {
                assertThat(l.key()).isEqualTo("stage/orders");
                assertThat(l.holder()).isEqualTo("cutover@host-a/" + winners.get(0).id());
                assertThat(l.since()).isEqualTo(T0.plusSeconds(10));
                assertThat(l.getMessage()).contains(winners.get(0).id(), "since " + l.since());
            });
            assertThat(winners.get(0).awaitRetirement()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(journal.deployments()).hasSize(2);
            assertSettled(cloud, journal, winners.get(0).id(), time.clock());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPlanFromAnotherCutoverIsRefusedAndNothingIsCalled() {
        baseline(cutover);
        Cutover other = builder().build();
        Plan foreign = other.plan(release("2.0.0", canary()));
        Map<String, Integer> before = cloud.calls();
        assertThatThrownBy(() -> cutover.apply(foreign)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was made by another Cutover instance");
        assertThat(cloud.calls()).isEqualTo(before);
        assertThat(journal.deployments()).hasSize(1);
    }

    @Test
    void resumingAnUnknownDeploymentIsRefusedAndNothingIsCalled() {
        baseline(cutover);
        Map<String, Integer> before = cloud.calls();
        assertThatThrownBy(() -> cutover.resume("stage-orders-20260101000000-deadbeef"))
                .isInstanceOf(JournalException.class).hasMessageContaining("no deployment 'stage-orders-20260101000000-deadbeef'");
        assertThat(cloud.calls()).isEqualTo(before);
    }

    @Test
    void resumingAFinishedDeploymentIsRefused() {
        baseline(cutover);
        String id = journal.deployments().get(0);
        Map<String, Integer> before = cloud.calls();
        assertThatThrownBy(() -> cutover.resume(id)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already finished: SUCCEEDED");
        assertThat(cloud.calls()).isEqualTo(before);
    }

    @Test
    void aCorruptedJournalLineIsAClearErrorAndNothingIsApplied(@TempDir Path dir) throws IOException {
        FileJournalStore files = new FileJournalStore(dir);
        baseline(builder().journal(files).build());
        MortalScheduler mortal = new MortalScheduler(time);
        DyingJournal dying = new DyingJournal(files, 6);
        Cutover doomed = builder().journal(dying).scheduler(mortal).build();
        assertThatThrownBy(() -> {
            apply(doomed, release("2.0.0", canary()));
            time.runUntil(() -> false);
        }).isInstanceOf(ProcessDeath.class);
        mortal.dead = true;
        Path file = dir.resolve(dying.deploymentId + ".jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        assertThat(lines).hasSize(6);
        lines.set(3, lines.get(3).substring(0, lines.get(3).length() / 2));
        Files.write(file, lines, StandardCharsets.UTF_8);

        Cutover survivor = builder().journal(files).deployer("cutover@host-b").build();
        Map<String, Integer> before = cloud.calls();
        assertThatThrownBy(() -> survivor.resume(dying.deploymentId)).isInstanceOf(JournalException.class)
                .hasMessageContaining(file.toString() + " line 4: corrupt journal line");
        assertThat(cloud.calls()).isEqualTo(before);
        assertThat(survivor.history(SVC, ENV)).hasSize(1); // the unreadable journal is skipped, not fatal
    }

    /**
     * Lease renewals go to the scheduler's keep-alive lane, which a real-time scheduler runs on
     * threads of their own (SystemSchedulerConcurrencyTest): rollouts blocked in provider calls and
     * rate limiters cannot delay them until the lease lapses.
     */
    @Test
    void leaseRenewalsGoToTheSchedulersKeepAliveLane() {
        java.util.concurrent.atomic.AtomicInteger keepAlives = new java.util.concurrent.atomic.AtomicInteger();
        dev.cutover.time.Scheduler counting = new dev.cutover.time.Scheduler() {
            @Override
            public java.time.Clock clock() {
                return time.clock();
            }

            @Override
            public Cancellable schedule(Duration delay, Runnable task) {
                return time.schedule(delay, task);
            }

            @Override
            public Cancellable scheduleKeepAlive(Duration delay, Runnable task) {
                keepAlives.incrementAndGet();
                return time.schedule(delay, task);
            }

            @Override
            public void sleep(Duration duration) {
                time.sleep(duration);
            }

            @Override
            public boolean isVirtual() {
                return true;
            }
        };
        Cutover c = builder().scheduler(counting).lockLease(Duration.ofSeconds(30)).build();
        Deployment d = apply(c, release("2.0.0", canary()));
        time.runUntil(() -> d.status() != DeploymentStatus.RUNNING && d.status() != DeploymentStatus.PAUSED);
        assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(keepAlives.get()).as("renewals every 10 s through a canary of minutes").isGreaterThan(10);
    }
}

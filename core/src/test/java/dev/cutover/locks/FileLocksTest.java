package dev.cutover.locks;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.spi.LockHeldException;
import dev.cutover.spi.LockManager;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLocksTest {

    @TempDir
    Path dir;

    private final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void theHolderIsNamedAndAReleasedLockIsFree() {
        FileLocks locks = new FileLocks(dir, time.clock());
        LockManager.LockHandle alice = locks.acquire("stage/orders", "alice", Duration.ofMinutes(1));
        assertThatThrownBy(() -> locks.acquire("stage/orders", "bob", Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(LockHeldException.class, e -> {
                    assertThat(e.holder()).isEqualTo("alice");
                    assertThat(e.since()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
                });
        alice.close();
        assertThat(locks.acquire("stage/orders", "bob", Duration.ofMinutes(1)).owner()).isEqualTo("bob");
    }

    @Test
    void aDeadHolderLosesTheLockWhenItsLeaseEndsAndRenewalKeepsItAlive() {
        FileLocks locks = new FileLocks(dir, time.clock());
        LockManager.LockHandle alive = locks.acquire("prod/orders", "alive", Duration.ofSeconds(30));
        time.advance(Duration.ofSeconds(20));
        alive.renew();
        time.advance(Duration.ofSeconds(20));
        assertThatThrownBy(() -> locks.acquire("prod/orders", "next", Duration.ofSeconds(30)))
                .isInstanceOf(LockHeldException.class);
        time.advance(Duration.ofSeconds(31));   // the holder "died": no more renewals
        assertThat(locks.acquire("prod/orders", "next", Duration.ofSeconds(30)).owner()).isEqualTo("next");
        assertThatThrownBy(alive::renew).isInstanceOf(LockHeldException.class).hasMessageContaining("next");
    }

    @Test
    void anUnreadableLockFileDoesNotBlockForever() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("test_orders.lock"), "{not json");
        FileLocks locks = new FileLocks(dir, time.clock());
        assertThat(locks.acquire("test/orders", "me", Duration.ofMinutes(1)).owner()).isEqualTo("me");
    }

    @Test
    void eightDeployersSharingADirectoryExactlyOneProceeds() throws Exception {
        InMemoryProvider cloud = new InMemoryProvider();
        Environment stage = Environment.named("stage").region("us-east-1").mesh("internal").build();
        Service v1 = Service.named("orders").image("registry.example.com/orders:1.0.0").build();
        Cutover setup = Cutover.builder().provider(cloud).scheduler(time).locks(new FileLocks(dir, time.clock())).build();
        setup.apply(setup.plan(Release.of(v1).to(stage).build())).await();

        List<Cutover> deployers = new ArrayList<>();
        List<Plan> plans = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Cutover c = Cutover.builder().provider(cloud).scheduler(time).deployer("deployer-" + i)
                    .locks(new FileLocks(dir, time.clock())).build();
            deployers.add(c);
            plans.add(c.plan(Release.of(v1.toBuilder().image("registry.example.com/orders:1.0.1").build())
                    .to(stage).strategy(canary()).build()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Deployment>> tries = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                tries.add(() -> {
                    try {
                        return deployers.get(n).apply(plans.get(n));
                    } catch (LockHeldException e) {
                        assertThat(e.holder()).startsWith("deployer-");
                        return null;
                    }
                });
            }
            List<Deployment> winners = new ArrayList<>();
            for (Future<Deployment> f : pool.invokeAll(tries, 60, TimeUnit.SECONDS)) {
                if (f.get() != null) {
                    winners.add(f.get());
                }
            }
            assertThat(winners).hasSize(1);
            assertThat(winners.get(0).awaitRetirement()).isEqualTo(DeploymentStatus.SUCCEEDED);
        } finally {
            pool.shutdownNow();
        }
        // no lock file and no temporary file is left; the guard file stays (it is never deleted)
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()).toList()).containsOnly(FileLocks.GUARD);
    }
}

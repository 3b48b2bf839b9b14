package dev.cutover.consul;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.TrafficMode;
import dev.cutover.localcloud.consul.ConsulEmulator;
import dev.cutover.spi.Capability;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11 item 2: a deployer dies in the middle of a canary while it holds the Consul lock; a new
 * process resumes the deployment 0 to 60 s later (a person noticing, a supervisor restarting it).
 * The dead deployer's session lives on until Consul invalidates it (up to twice its TTL after the
 * last renewal) and Consul's lock-delay (15 s by default) then keeps the lock from everyone; the
 * resume must wait out both, recognise its own dead deployment in the lock's holder throughout
 * (also while the lock-delay runs), and finish the deployment. Everything goes through the real
 * consul-client against the local cloud's Consul emulator, on one virtual timeline.
 */
class ConsulResumeAfterCrashTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Environment PROD = Environment.named("prod").region("us-east-1").cluster("main")
            .namespace("prod.internal").trafficMode(TrafficMode.CONSUL).build();

    private final VirtualScheduler time = Scheduler.virtual(START);
    private final ConsulEmulator consul = ConsulEmulator.start();
    private final InMemoryProvider compute = new InMemoryProvider();
    private final ConsulProvider observer = consulProvider();

    ConsulResumeAfterCrashTest() {
        time.onAdvance((from, to) -> consul.clock().advance(Duration.between(from, to)));
    }

    @AfterEach
    void close() {
        consul.close();
    }

    private ConsulProvider consulProvider() {
        return ConsulProvider.builder().url(consul.endpoint()).sessionRenewal(Duration.ZERO).build();
    }

    /** A deployer process: its own Consul provider, the shared compute, the journal in Consul KV. */
    private Cutover process(Scheduler scheduler, String deployer) {
        ConsulProvider p = consulProvider();
        return Cutover.builder().discoverProviders(false).scheduler(scheduler).deployer(deployer).shutdownHook(false)
                .provider(compute).provider(p)
                .use(Capability.DISCOVERY, "consul").use(Capability.TRAFFIC, "consul")
                .use(Capability.CONFIG, "consul").use(Capability.LOCK, "consul")
                .journal(p.journalStore())
                .build();
    }

    private static Release release(String version) {
        Service orders = Service.named("orders").image("registry.example.com/orders:" + version).port(8080).instances(2)
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10))).build();
        return Release.of(orders).to(PROD).strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(10))).build();
    }

    @ParameterizedTest(name = "resumed {0} s after the crash")
    @ValueSource(ints = {0, 5, 15, 20, 30, 40, 45, 55, 60})
    void aResumeAfterACrashWaitsOutTheSessionAndTheLockDelayAndFinishes(int secondsAfterCrash) {
        Cutover first = process(time, "cutover@host-a");
        assertThat(first.apply(first.plan(release("1.0.0"))).await()).isEqualTo(DeploymentStatus.SUCCEEDED);

        // host-a starts the canary and dies while it bakes at 10%, holding the lock
        Mortal mortal = new Mortal(time);
        Cutover doomed = process(mortal, "cutover@host-a");
        Deployment canary = doomed.apply(doomed.plan(release("2.0.0")));
        time.runUntil(() -> observer.traffic().orElseThrow().weights("prod", "orders").size() == 2);
        time.advance(Duration.ofSeconds(45));   // a few lock renewals into the bake
        mortal.dead = true;
        assertThat(consul.lockHolder("cutover/prod/orders/lock")).as("the dead deployer's session holds the lock").isPresent();

        time.advance(Duration.ofSeconds(secondsAfterCrash));
        Cutover survivor = process(time, "cutover@host-b");
        Deployment resumed = survivor.resume(canary.id());

        assertThat(resumed.await()).isIn(DeploymentStatus.SUCCEEDED, DeploymentStatus.ROLLED_BACK);
        Map<String, Integer> weights = observer.traffic().orElseThrow().weights("prod", "orders");
        assertThat(weights).as("100% on exactly one revision").hasSize(1).containsValue(100);
        assertThat(consul.lockHolder("cutover/prod/orders/lock")).as("the resumed deployment released the lock").isEmpty();
    }

    /** The dying process's view of the shared timeline: once dead, nothing it scheduled runs. */
    static final class Mortal implements Scheduler {
        private final VirtualScheduler time;
        volatile boolean dead;

        Mortal(VirtualScheduler time) {
            this.time = time;
        }

        @Override
        public Clock clock() {
            return time.clock();
        }

        @Override
        public Cancellable schedule(Duration delay, Runnable task) {
            return time.schedule(delay, () -> {
                if (!dead) {
                    task.run();
                }
            });
        }

        @Override
        public void sleep(Duration duration) {
            if (dead) {
                throw new IllegalStateException("this process is dead");
            }
            time.sleep(duration);
        }

        @Override
        public boolean isVirtual() {
            return true;
        }
    }
}

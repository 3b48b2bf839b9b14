package dev.cutover;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.analysis.Measurement;
import dev.cutover.analysis.MetricSource;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.journal.JournalEntry;
import dev.cutover.spi.LockHeldException;
import dev.cutover.spi.LockManager;
import dev.cutover.spi.RevisionRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The engine's own lifecycle: an Error in an action, a lost lock, a shutdown, and what a person
 * runs afterwards.
 */
class RolloutLifecycleTest extends RolloutHarness {

    private static final Strategy CANARY = canary().steps(25, 50, 75, 100).bake(Duration.ofMinutes(2))
            .analysis(a -> a.errorRateBelow(0.01));

    /** Locks whose handles can be "taken" by another owner: renew then fails as it would after a takeover. */
    static final class StealableLocks implements LockManager {
        final LockManager inner;
        final AtomicBoolean stolen = new AtomicBoolean();

        StealableLocks(LockManager inner) {
            this.inner = inner;
        }

        @Override
        public LockHandle acquire(String key, String owner, Duration lease) {
            LockHandle h = inner.acquire(key, owner, lease);
            return new LockHandle() {
                @Override
                public String key() {
                    return h.key();
                }

                @Override
                public String owner() {
                    return h.owner();
                }

                @Override
                public void renew() {
                    if (stolen.get()) {
                        throw new LockHeldException(key, "cutover@host-z/other", java.time.Instant.EPOCH);
                    }
                    h.renew();
                }

                @Override
                public void close() {
                    if (!stolen.get()) {
                        h.close();
                    }
                }
            };
        }
    }

    private void runUntilShifts(Deployment d, int shifts) {
        time.runUntil(() -> events(d, DeploymentEvent.TrafficShifted.class).size() >= shifts);
        assertThat(newWeights(d)).hasSize(shifts);
    }

    @Test
    void anErrorInARolloutActionRollsBackAndReleasesTheLockInsteadOfHangingAtASplit() {
        AtomicInteger calls = new AtomicInteger();
        MetricSource source = (q, ctx) -> {
            if (calls.incrementAndGet() == 4) {
                throw new AssertionError("metrics client bug");
            }
            return Measurement.of(0.001);
        };
        Cutover c = builder().metrics(source).build();
        RevisionRef old = baseline(c);
        Deployment d = apply(c, release("2.0.0", CANARY));
        assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(d.statusReason()).contains("unexpected failure", "AssertionError", "metrics client bug");
        assertThat(assertSettled(cloud, journal, d.id(), time.clock())).isEqualTo(old);
    }

    @Test
    void aRolloutThatLosesItsLockStopsActingAtOnceAndSaysSo() {
        StealableLocks locks = new StealableLocks(new InMemoryLocks(time.clock()));
        Cutover c = builder().locks(locks).build();
        baseline(c);
        Deployment d = apply(c, release("2.0.0", canary().steps(25, 50, 75, 100).bake(Duration.ofMinutes(2))));
        runUntilShifts(d, 1);
        Map<String, Integer> split = routeWeights();
        locks.stolen.set(true);
        assertThat(d.await()).isEqualTo(DeploymentStatus.STOPPED);
        assertThat(d.statusReason()).contains("lost the lock", "cutover@host-z/other");
        assertThat(newWeights(d)).as("no traffic shift after the lock was lost").containsExactly(25);
        assertThat(routeWeights()).isEqualTo(split);
        List<JournalEntry> entries = journal.read(d.id());
        assertThat(entries.get(entries.size() - 1).type()).isEqualTo("stopped");
        assertThat(entries.get(entries.size() - 1).get("reason")).contains("lost the lock");
        time.advance(Duration.ofHours(1));
        assertThat(routeWeights()).isEqualTo(split);
    }

    @Test
    void shutdownStopsAtTheNextSafePointJournalsItAndResumeFinishesTheDeployment() {
        Cutover c = builder().build();
        RevisionRef old = baseline(c);
        Deployment d = apply(c, release("2.0.0", canary().steps(25, 50, 100).bake(Duration.ofMinutes(2))));
        runUntilShifts(d, 2);
        assertThat(c.running()).containsExactly(d);
        assertThat(c.shutdown()).containsExactly(d);
        assertThat(d.status()).isEqualTo(DeploymentStatus.STOPPED);
        assertThat(d.statusReason()).contains("shutting down");
        assertThat(c.running()).isEmpty();
        Map<String, Integer> split = routeWeights();
        assertThat(split).hasSize(2);
        time.advance(Duration.ofHours(1));
        assertThat(routeWeights()).as("nothing acts after the stop").isEqualTo(split);
        assertThat(journal.read(d.id())).extracting(JournalEntry::type).last().isEqualTo("stopped");
        assertThat(events(d, DeploymentEvent.DeploymentFinished.class)).extracting(DeploymentEvent.DeploymentFinished::outcome)
                .containsExactly("STOPPED");

        Cutover next = builder().deployer("cutover@host-b").build();
        Deployment resumed = next.resume(d.id());
        assertThat(resumed.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(assertSettled(cloud, journal, d.id(), time.clock())).isEqualTo(old);
    }
}

package dev.cutover;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.locks.InMemoryLocks;
import dev.cutover.spi.LockHeldException;
import dev.cutover.spi.RevisionRef;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 item 2, bullet 3: {@code resume(id)} does not take over a live deployment's lock; it
 * waits out a dead holder's lease, and {@code forceResume(id)} takes a known-dead holder's lock at once.
 * Two deployers share one lock manager and one timeline, so the live one really renews its lease.
 */
class ResumeLiveLockTest extends RolloutHarness {

    final InMemoryLocks locks = new InMemoryLocks(time.clock());

    Cutover deployer(String name) {
        return builder().locks(locks).deployer(name).lockLease(Duration.ofMinutes(1)).build();
    }

    @Test
    void resumeRefusesALiveDeploymentAndNamesForceResume() {
        Cutover a = deployer("cutover@host-a");
        baseline(a);
        Deployment d = apply(a, release("2.0.0", canary().steps(25, 50, 100).bake(Duration.ofMinutes(30))));
        time.runUntil(() -> d.weights().size() == 2);
        Cutover b = deployer("cutover@host-b");
        assertThatThrownBy(() -> b.resume(d.id())).isInstanceOf(LockHeldException.class)
                .hasMessageContaining("looks alive").hasMessageContaining("forceResume(\"" + d.id() + "\")");
        assertThat(d.status()).as("the live deployment went on").isEqualTo(DeploymentStatus.RUNNING);
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
    }

    @Test
    void resumeWaitsOutTheLeaseOfAStoppedDeployerAndForceResumeTakesItAtOnce() {
        Cutover a = deployer("cutover@host-a");
        RevisionRef old = baseline(a);
        Deployment d = apply(a, release("2.0.0", canary().steps(25, 50, 100).bake(Duration.ofMinutes(30))));
        time.runUntil(() -> d.weights().size() == 2);
        a.shutdown(); // stops at a safe point and keeps its lease: resume must wait it out or be forced
        assertThat(d.status()).isEqualTo(DeploymentStatus.STOPPED);

        Instant before = time.clock().instant();
        Deployment forced = deployer("cutover@host-b").forceResume(d.id());
        assertThat(Duration.between(before, time.clock().instant())).as("forced: no wait").isZero();
        assertThat(forced.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(assertSettled(cloud, journal, d.id(), time.clock())).isEqualTo(old);
    }

    @Test
    void aPlainResumeOfAStoppedDeployerTakesTheLockOnceItsLeaseRanOut() {
        Cutover a = deployer("cutover@host-a");
        RevisionRef old = baseline(a);
        Deployment d = apply(a, release("2.0.0", canary().steps(25, 50, 100).bake(Duration.ofMinutes(30))));
        time.runUntil(() -> d.weights().size() == 2);
        a.shutdown();
        Instant before = time.clock().instant();
        Deployment resumed = deployer("cutover@host-b").resume(d.id());
        assertThat(Duration.between(before, time.clock().instant())).as("waited for the lease")
                .isPositive().isLessThanOrEqualTo(Duration.ofMinutes(2));
        assertThat(resumed.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(assertSettled(cloud, journal, d.id(), time.clock())).isEqualTo(old);
    }
}

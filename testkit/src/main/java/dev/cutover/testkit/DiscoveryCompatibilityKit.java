package dev.cutover.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Release;
import dev.cutover.spi.Discovery;
import dev.cutover.spi.Discovery.InstanceHealth;
import dev.cutover.spi.ResourceCapability;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.RevisionRef;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Discovery}: the namespace and discovery resources round-trip through
 * observe/apply like every {@link ResourceCapabilityKit resource capability}, and the instances of a
 * started revision are registered (and reported, when the registry checks health) until the revision
 * retires. A registry that checks health (the default) must report every instance of a started
 * revision, and the kit's sample image, which is healthy, as passing.
 *
 * <p>Extend it with your provider and its world's clock:
 *
 * <pre>{@code
 * class MyDiscoveryKitTest extends DiscoveryCompatibilityKit {
 *     private final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));
 *     protected Provider createProvider() { return new MyRegistryProvider(); }
 *     protected Clock clock() { return time.clock(); }
 *     protected void advance(Duration d) { time.advance(d); }
 *     protected boolean reportsInstanceHealth() { return false; }  // only if your registry cannot check health
 * }
 * }</pre>
 *
 * Override {@link #healthCheckTime()} when your registry needs longer to run a first check.
 */
public abstract class DiscoveryCompatibilityKit extends ResourceCapabilityKit {

    /** The discovery capability under test. */
    protected Discovery discovery;

    @Override
    protected ResourceCapability capabilityUnderTest() {
        discovery = provider.discovery().orElseThrow(() -> new AssertionError(provider.name() + " offers no DISCOVERY"));
        return discovery;
    }

    @Override
    protected Set<ResourceType> ownedTypes() {
        return Set.of(ResourceType.NAMESPACE, ResourceType.DISCOVERY);
    }

    /**
     * Whether {@link Discovery#health(RevisionRef)} reports the instances of a started revision
     * (Consul, Cloud Map with health checks, the in-memory provider). Default true: the kit then
     * requires every instance of a started revision to be reported, and those of its healthy sample
     * image to pass, within {@link #healthCheckTime()}. Override to return false only for a registry
     * that cannot check health; the kit then accepts an empty answer (or one that counts no more
     * instances than were started).
     */
    protected boolean reportsInstanceHealth() {
        return true;
    }

    /** How long the registry may take to check a new instance once (default one minute). */
    protected Duration healthCheckTime() {
        return Duration.ofMinutes(1);
    }

    /** A revision of {@code release}, as a compute provider would start it. */
    protected RevisionRef revisionOf(Release release, String id) {
        return new RevisionRef(release.environment().name(), release.service().name(), id,
                release.service().image().version());
    }

    private Release registered() {
        Release r = releaseOf(sampleService("kit-svc").toBuilder().instances(3).noScaling().build());
        announce(List.of(r));
        create(r);
        return r;
    }

    /** Starts {@code rev} of {@code r}, lets the registry check it once and returns its health. */
    private Optional<InstanceHealth> startedAndChecked(Release r, RevisionRef rev) {
        discovery.revisionStarted(rev, r, "kit-deployment-1");
        advance(healthCheckTime());
        return discovery.health(rev);
    }

    @Test
    void aStartedRevisionsInstancesAreReportedUntilItRetires() {
        Release r = registered();
        RevisionRef rev = revisionOf(r, "kit-svc:1");
        Optional<InstanceHealth> health = startedAndChecked(r, rev);
        if (reportsInstanceHealth()) {
            assertThat(health).as("health of %s after %s", rev, healthCheckTime()).isPresent();
            assertThat(health.get().passing() + health.get().critical()).as("checked instances").isEqualTo(3);
        } else {
            health.ifPresent(h -> assertThat(h.passing() + h.critical()).isLessThanOrEqualTo(3));
        }
        discovery.revisionRetired(rev);
        assertThat(discovery.health(rev)).as("health after retire").satisfiesAnyOf(
                h -> assertThat(h).isEmpty(),
                h -> assertThat(h.get().passing() + h.get().critical()).isZero());
    }

    @Test
    void aHealthyRevisionsInstancesPass() {
        Release r = registered();
        RevisionRef rev = revisionOf(r, "kit-svc:1");
        Optional<InstanceHealth> health = startedAndChecked(r, rev);
        if (reportsInstanceHealth()) {
            assertThat(health).as("health of %s after %s", rev, healthCheckTime())
                    .contains(new InstanceHealth(3, 0));
        } else {
            health.ifPresent(h -> assertThat(h.critical()).as("critical instances of a healthy revision").isZero());
        }
        discovery.revisionRetired(rev);
    }

    @Test
    void revisionsAreReportedSeparately() {
        Release r = registered();
        RevisionRef one = revisionOf(r, "kit-svc:1");
        RevisionRef two = revisionOf(r, "kit-svc:2");
        discovery.revisionStarted(one, r, "kit-deployment-1");
        discovery.revisionStarted(two, releaseOf(r.service().toBuilder().instances(2).build()),
                "kit-deployment-2");
        advance(healthCheckTime());
        discovery.revisionRetired(one);
        assertThat(discovery.health(one)).satisfiesAnyOf(
                h -> assertThat(h).isEmpty(),
                h -> assertThat(h.get().passing() + h.get().critical()).isZero());
        if (reportsInstanceHealth()) {
            assertThat(discovery.health(two)).hasValueSatisfying(h -> assertThat(h.passing() + h.critical()).isEqualTo(2));
        }
    }

    @Test
    void retiringIsIdempotentAndUnknownRevisionsAreNotAnError() {
        Release r = registered();
        RevisionRef rev = revisionOf(r, "kit-svc:1");
        discovery.revisionStarted(rev, r, "kit-deployment-1");
        discovery.revisionRetired(rev);
        discovery.revisionRetired(rev);
        discovery.revisionRetired(revisionOf(r, "kit-svc:never-started"));
        assertThat(discovery.health(revisionOf(r, "kit-svc:never-started"))).satisfiesAnyOf(
                h -> assertThat(h).isEmpty(),
                h -> assertThat(h.get().passing() + h.get().critical()).isZero());
    }
}

package dev.cutover.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Change;
import dev.cutover.Hook;
import dev.cutover.Release;
import dev.cutover.spi.Compute;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.RevisionHealth;
import dev.cutover.spi.RevisionRef;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Compute}. Extend it in your provider's tests:
 *
 * <pre>{@code
 * class MyComputeTest extends ComputeCompatibilityKit {
 *     protected Provider createProvider() { return new MyProvider(); }
 *     ...
 * }
 * }</pre>
 */
public abstract class ComputeCompatibilityKit extends KitFixture {

    protected Compute compute;

    @BeforeEach
    void compute() {
        compute = provider.compute().orElseThrow(() -> new AssertionError(provider.name() + " offers no COMPUTE"));
        Release r = release("1.0.0");
        for (Resource want : DesiredState.of(r)) {
            if (want.id().type() == ResourceType.CLUSTER) {
                compute.apply(new Change(want.id(), Change.Action.CREATE, null, want, "kit bootstrap"));
            }
        }
    }

    /** How long a healthy revision may take to converge in the provider's world. */
    protected Duration convergenceTime() {
        return Duration.ofMinutes(2);
    }

    private RevisionHealth awaitConverged(RevisionRef ref) {
        RevisionHealth h = compute.health(ref);
        for (int i = 0; i < 120 && !h.isConverged(); i++) {
            advance(convergenceTime().dividedBy(120).plusMillis(1));
            h = compute.health(ref);
        }
        return h;
    }

    @Test
    void startRevisionIsIdempotentAndConverges() {
        Release r = release("1.0.0");
        RevisionRef first = compute.startRevision(r, 2);
        RevisionRef again = compute.startRevision(r, 2);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(first.version()).isEqualTo("1.0.0");
        assertThat(compute.revisions(r.environment().name(), r.service().name())).extracting(RevisionRef::id)
                .containsExactly(first.id());
        RevisionHealth h = awaitConverged(first);
        assertThat(h.isConverged()).as("health after convergence: %s", h).isTrue();
        assertThat(h.desired()).isEqualTo(2);
    }

    @Test
    void aChangedSpecIsANewRevision() {
        RevisionRef a = compute.startRevision(release("1.0.0"), 1);
        RevisionRef b = compute.startRevision(release("1.0.1"), 1);
        assertThat(b.id()).isNotEqualTo(a.id());
        assertThat(compute.revisions("kit", "kit-svc")).extracting(RevisionRef::id).containsExactly(a.id(), b.id());
    }

    @Test
    void observeDescribesTheServingRevisionInCanonicalAttributes() {
        Release r = release("1.0.0");
        RevisionRef ref = compute.startRevision(r, 2);
        awaitConverged(ref);
        ResourceId id = ResourceId.of("kit", ResourceType.REVISION, "kit-svc");
        List<Resource> seen = compute.observe(List.of(id));
        assertThat(seen).singleElement().satisfies(res -> {
            assertThat(res.attributes().keySet()).containsAll(DesiredState.revision(r.service()).keySet());
            assertThat(res.value("image")).isEqualTo(r.service().image().toString());
        });
    }

    @Test
    void retireRemovesTheRevisionAndIsIdempotent() {
        RevisionRef a = compute.startRevision(release("1.0.0"), 1);
        compute.retire(a);
        compute.retire(a);
        assertThat(compute.revisions("kit", "kit-svc")).extracting(RevisionRef::id).doesNotContain(a.id());
    }

    @Test
    void oneOffTasksReportTheirExitCode() {
        RevisionRef a = compute.startRevision(release("1.0.0"), 1);
        awaitConverged(a);
        var result = compute.runTask(a, Hook.command("./migrate", "up").timeout(Duration.ofMinutes(5)));
        assertThat(result.exitCode()).isZero();
        assertThat(result.succeeded()).isTrue();
    }
}

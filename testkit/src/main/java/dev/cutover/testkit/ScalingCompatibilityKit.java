package dev.cutover.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Release;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceCapability;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.Scaling;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Scaling}: a service's auto scaling target and policy round-trip through
 * observe/apply like every {@link ResourceCapabilityKit resource capability}, in the canonical
 * attributes {@code min}, {@code max} and {@code targetCpuPercent}.
 *
 * <p>Extend it with your provider and its world's clock; when a scaling target needs the service it
 * scales to exist first (Application Auto Scaling needs the ECS service), create it in
 * {@link #prepareWorld(Release)}:
 *
 * <pre>{@code
 * class MyScalingKitTest extends ScalingCompatibilityKit {
 *     private final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));
 *     protected Provider createProvider() { return new MyScalingProvider(); }
 *     protected Clock clock() { return time.clock(); }
 *     protected void advance(Duration d) { time.advance(d); }
 *     protected void prepareWorld(Release release) { myCompute.startRevision(release, 2); }
 * }
 * }</pre>
 */
public abstract class ScalingCompatibilityKit extends ResourceCapabilityKit {

    /** The scaling capability under test. */
    protected Scaling scaling;

    @Override
    protected ResourceCapability capabilityUnderTest() {
        scaling = provider.scaling().orElseThrow(() -> new AssertionError(provider.name() + " offers no SCALING"));
        return scaling;
    }

    @Override
    protected Set<ResourceType> ownedTypes() {
        return Set.of(ResourceType.SCALING);
    }

    @Test
    void boundsAndTargetReadBackExactly() {
        Release r = releaseOf(sampleService("kit-svc").toBuilder().scaling(s -> s.min(1).max(100).targetCpuPercent(1)).build());
        announce(List.of(r));
        create(r);
        List<Resource> seen = scaling.observe(owned(r).stream().map(Resource::id).toList());
        assertThat(seen).singleElement().satisfies(res -> {
            assertThat(res.value("min")).isEqualTo("1");
            assertThat(res.value("max")).isEqualTo("100");
            assertThat(res.value("targetCpuPercent")).isEqualTo("1");
        });
    }
}

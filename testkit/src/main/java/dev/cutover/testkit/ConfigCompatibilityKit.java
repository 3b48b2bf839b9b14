package dev.cutover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Change;
import dev.cutover.Release;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.ConfigConflictException;
import dev.cutover.spi.ConfigStore;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceCapability;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ConfigStore}: configuration entries round-trip through observe/apply like
 * every {@link ResourceCapabilityKit resource capability}, and every write is a check-and-set
 * against the {@code before} state of the change: a writer whose plan was made from a value that
 * changed since loses with {@link ConfigConflictException} naming the entry, and never overwrites
 * the other writer's update.
 *
 * <p>Extend it with your provider and its world's clock:
 *
 * <pre>{@code
 * class MyConfigKitTest extends ConfigCompatibilityKit {
 *     private final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));
 *     protected Provider createProvider() { return new MyConfigProvider(); }
 *     protected Clock clock() { return time.clock(); }
 *     protected void advance(Duration d) { time.advance(d); }
 * }
 * }</pre>
 */
public abstract class ConfigCompatibilityKit extends ResourceCapabilityKit {

    /** The config store under test. */
    protected ConfigStore config;

    @Override
    protected ResourceCapability capabilityUnderTest() {
        config = provider.config().orElseThrow(() -> new AssertionError(provider.name() + " offers no CONFIG"));
        return config;
    }

    @Override
    protected Set<ResourceType> ownedTypes() {
        return Set.of(ResourceType.CONFIG);
    }

    private ResourceId id() {
        return ResourceId.of(environment().name(), ResourceType.CONFIG, "kit-svc");
    }

    private Resource entries(String... kv) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], Attribute.of(kv[i + 1]));
        }
        return Resource.of(id(), m);
    }

    private Resource observed() {
        List<Resource> seen = config.observe(List.of(id()));
        assertThat(seen).as("config %s", id()).hasSizeLessThanOrEqualTo(1);
        return seen.isEmpty() ? null : seen.get(0);
    }

    private Resource base() {
        Release r = releaseOf(sampleService("kit-svc"));
        announce(List.of(r));
        create(r);
        Resource seen = observed();
        assertThat(seen).isNotNull();
        return seen;
    }

    private static Change update(Resource before, Resource after) {
        return new Change(before.id(), Change.Action.UPDATE, before, after, "kit: update");
    }

    @Test
    void aWriterWhosePlanIsStaleLosesWithAConflictAndTheFirstWriteStays() {
        Resource plannedFrom = base();
        config.apply(update(plannedFrom, entries("pool.size", "40", "feature.checkout-v2", "on")));
        assertThatThrownBy(() -> config.apply(update(plannedFrom, entries("pool.size", "10", "feature.checkout-v2", "on"))))
                .isInstanceOfSatisfying(ConfigConflictException.class, e -> {
                    assertThat(e.key()).contains("pool.size");
                    assertThat(e.getMessage()).contains("pool.size");
                });
        assertThat(values(observed())).containsEntry("pool.size", "40");
    }

    @Test
    void twoWritersCreatingTheSameEntryDifferentlyConflict() {
        Resource plannedFrom = base();
        config.apply(update(plannedFrom, entries("pool.size", "20", "feature.checkout-v2", "on", "timeout", "2s")));
        assertThatThrownBy(() -> config.apply(update(plannedFrom,
                entries("pool.size", "20", "feature.checkout-v2", "on", "timeout", "5s"))))
                .isInstanceOf(ConfigConflictException.class);
        assertThat(values(observed())).containsEntry("timeout", "2s");
    }

    @Test
    void deletingAnEntrySomeoneChangedConflicts() {
        Resource plannedFrom = base();
        config.apply(update(plannedFrom, entries("pool.size", "40", "feature.checkout-v2", "on")));
        assertThatThrownBy(() -> config.apply(new Change(id(), Change.Action.DELETE, plannedFrom, null, "kit: delete")))
                .isInstanceOf(ConfigConflictException.class);
        assertThat(values(observed())).containsEntry("pool.size", "40");
    }

    @Test
    void writesToDifferentEntriesFromTheSameBaseBothLand() {
        Resource plannedFrom = base();
        config.apply(update(plannedFrom, entries("pool.size", "40", "feature.checkout-v2", "on")));
        config.apply(update(plannedFrom, entries("pool.size", "20", "feature.checkout-v2", "off")));
        assertThat(values(observed())).containsEntry("pool.size", "40").containsEntry("feature.checkout-v2", "off");
    }

    @Test
    void repeatingAnAppliedWriteIsNotAConflict() {
        Resource plannedFrom = base();
        Change change = update(plannedFrom, entries("pool.size", "40", "feature.checkout-v2", "on"));
        config.apply(change);
        config.apply(change);
        assertThat(values(observed())).containsEntry("pool.size", "40");
    }
}

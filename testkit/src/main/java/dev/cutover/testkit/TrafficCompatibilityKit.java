package dev.cutover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.CutoverException;
import dev.cutover.spi.Compute;
import dev.cutover.spi.RevisionRef;
import dev.cutover.spi.Traffic;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract of {@link Traffic}, with revisions from the same provider's compute (override {@link #startRevision}). */
public abstract class TrafficCompatibilityKit extends KitFixture {

    protected Traffic traffic;

    @BeforeEach
    void traffic() {
        traffic = provider.traffic().orElseThrow(() -> new AssertionError(provider.name() + " offers no TRAFFIC"));
    }

    /** Starts a revision to route to (default: the provider's own compute). */
    protected RevisionRef startRevision(String version) {
        Compute compute = provider.compute().orElseThrow(() -> new AssertionError(
                "override startRevision: " + provider.name() + " offers no COMPUTE"));
        return compute.startRevision(release(version), 1);
    }

    @Test
    void weightsReadBackAsSet() {
        RevisionRef a = startRevision("1.0.0");
        RevisionRef b = startRevision("1.0.1");
        Map<String, Integer> w = new LinkedHashMap<>();
        w.put(a.id(), 90);
        w.put(b.id(), 10);
        traffic.setWeights("kit", "kit-svc", w);
        assertThat(traffic.weights("kit", "kit-svc")).isEqualTo(w);
        traffic.setWeights("kit", "kit-svc", Map.of(b.id(), 100));
        assertThat(traffic.weights("kit", "kit-svc")).containsEntry(b.id(), 100)
                .satisfies(m -> assertThat(m.getOrDefault(a.id(), 0)).isZero());
    }

    @Test
    void weightsThatDoNotSumTo100AreRejected() {
        RevisionRef a = startRevision("1.0.0");
        assertThatThrownBy(() -> traffic.setWeights("kit", "kit-svc", Map.of(a.id(), 50)))
                .isInstanceOf(CutoverException.class);
    }
}

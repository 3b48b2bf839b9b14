package dev.cutover.testkit;

import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.analysis.MetricContext;
import dev.cutover.spi.Provider;
import dev.cutover.spi.RevisionRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** The in-memory provider's metric source passes the metrics kit. */
class InMemoryMetricsKitTest extends MetricsCompatibilityKit {

    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }

    @Override
    protected MetricContext revisionWithTraffic() {
        RevisionRef rev = provider.compute().orElseThrow().startRevision(release("1.0.0"), 2);
        advance(Duration.ofMinutes(1));
        provider.traffic().orElseThrow().setWeights("kit", "kit-svc", Map.of(rev.id(), 100));
        advance(Duration.ofMinutes(1));
        Instant now = clock().instant();
        return new MetricContext("kit", "kit-svc", rev.id(), now.minus(Duration.ofMinutes(1)), now);
    }
}

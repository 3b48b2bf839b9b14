package dev.cutover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.cutover.analysis.Measurement;
import dev.cutover.analysis.MetricContext;
import dev.cutover.analysis.MetricQuery;
import dev.cutover.analysis.MetricSource;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of a METRICS capability ({@link MetricSource}): it never throws, "no data" and
 * errors are never values (so an analysis can never pass on nothing), and a revision that receives
 * traffic gets real values. Extend it and prepare a revision with traffic:
 *
 * <pre>{@code
 * class MyMetricsKitTest extends MetricsCompatibilityKit {
 *     protected Provider createProvider() { return new MyMetricsProvider(); }
 *     protected MetricContext revisionWithTraffic() { ... start a revision, send it traffic, return its context ... }
 * }
 * }</pre>
 */
public abstract class MetricsCompatibilityKit extends KitFixture {

    protected MetricSource metrics;

    @BeforeEach
    void metrics() {
        metrics = provider.metrics().orElseThrow(() -> new AssertionError(provider.name() + " offers no METRICS"));
    }

    /**
     * Prepares a revision that has received traffic (in the provider's world, advancing time as
     * needed) and returns the context to measure it over.
     */
    protected abstract MetricContext revisionWithTraffic();

    /** A context for a revision nobody has heard of. */
    protected MetricContext unknownRevision() {
        Instant now = clock().instant();
        return new MetricContext("kit", "kit-svc", "kit-svc-unknown:999", now.minus(Duration.ofMinutes(1)), now);
    }

    @Test
    void measuringNeverThrowsAndNothingIsNeverAValue() {
        for (MetricQuery.Kind kind : MetricQuery.Kind.values()) {
            MetricQuery query = kind == MetricQuery.Kind.CUSTOM ? MetricQuery.custom("kit.unknown.metric{*}") : MetricQuery.of(kind);
            assertThatCode(() -> {
                Measurement m = metrics.measure(query, unknownRevision());
                assertThat(m).as("%s for an unknown revision", kind).isNotNull();
                if (kind != MetricQuery.Kind.REQUEST_RATE) {
                    assertThat(m.status()).as("%s for a revision without traffic must be no data or an error, was %s", kind, m)
                            .isNotEqualTo(Measurement.Status.VALUE);
                }
            }).doesNotThrowAnyException();
        }
    }

    @Test
    void aRevisionWithTrafficHasAnErrorRateBetweenZeroAndOne() {
        MetricContext ctx = revisionWithTraffic();
        Measurement m = metrics.measure(MetricQuery.of(MetricQuery.Kind.ERROR_RATE), ctx);
        assertThat(m.status()).as("error rate of %s: %s", ctx.revision(), m).isEqualTo(Measurement.Status.VALUE);
        assertThat(m.value()).isBetween(0.0, 1.0);
    }

    @Test
    void aRevisionWithTrafficHasALatency() {
        MetricContext ctx = revisionWithTraffic();
        Measurement m = metrics.measure(MetricQuery.of(MetricQuery.Kind.LATENCY_P99), ctx);
        assertThat(m.status()).as("p99 of %s: %s", ctx.revision(), m).isEqualTo(Measurement.Status.VALUE);
        assertThat(m.value()).isGreaterThanOrEqualTo(0.0);
    }
}

package dev.cutover.engine;

import dev.cutover.DeploymentStatus;
import dev.cutover.Release;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The deployment meters; recording never throws. */
final class DeploymentMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(DeploymentMetrics.class);
    private final MeterRegistry meters;
    private final Map<String, WeightGauge> weightGauges = new ConcurrentHashMap<>();

    DeploymentMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    private Tags tags(Release r) {
        return Tags.of("service", r.service().name(), "environment", r.environment().name(),
                "strategy", r.strategy().name());
    }

    void started(Release r) {
        safe(() -> Counter.builder("cutover.deployments.started").tags(tags(r)).register(meters).increment());
    }

    void finished(Release r, DeploymentStatus outcome, Duration took) {
        safe(() -> {
            Counter.builder("cutover.deployments").tags(tags(r)).tag("outcome", outcome.name().toLowerCase())
                    .register(meters).increment();
            Timer.builder("cutover.deployment.duration").tags(tags(r)).tag("outcome", outcome.name().toLowerCase())
                    .register(meters).record(took);
        });
    }

    void rollback(Release r, RollbackReason reason) {
        safe(() -> Counter.builder("cutover.rollbacks").tags(tags(r)).tag("reason", reason.tag()).register(meters).increment());
    }

    /**
     * Sets the weight gauge of every revision in {@code weights}; a revision no longer in them
     * (retired) loses its gauge, so no series stays at 0 forever.
     */
    void weights(Release r, Map<String, Integer> weights) {
        safe(() -> {
            for (Map.Entry<String, Integer> e : weights.entrySet()) {
                String key = r.key() + "|" + e.getKey();
                WeightGauge holder = weightGauges.computeIfAbsent(key, k -> {
                    AtomicInteger a = new AtomicInteger();
                    io.micrometer.core.instrument.Gauge g = io.micrometer.core.instrument.Gauge
                            .builder("cutover.traffic.weight", a, AtomicInteger::get)
                            .tags("service", r.service().name(), "environment", r.environment().name(), "revision", e.getKey())
                            .baseUnit("percent").description("the share of the service's traffic a revision receives")
                            .register(meters);
                    return new WeightGauge(a, g);
                });
                holder.value().set(e.getValue());
            }
            weightGauges.entrySet().removeIf(entry -> {
                String k = entry.getKey();
                if (k.startsWith(r.key() + "|") && !weights.containsKey(k.substring(r.key().length() + 1))) {
                    meters.remove(entry.getValue().gauge());
                    return true;
                }
                return false;
            });
        });
    }

    /** A retired revision serves nothing any more: its weight gauge goes away. */
    void retired(Release r, String revision) {
        safe(() -> {
            WeightGauge g = weightGauges.remove(r.key() + "|" + revision);
            if (g != null) {
                meters.remove(g.gauge());
            }
        });
    }

    private record WeightGauge(AtomicInteger value, io.micrometer.core.instrument.Gauge gauge) {
    }

    private static void safe(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.debug("could not record a metric", e);
        }
    }
}

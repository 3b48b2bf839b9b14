package dev.cutover.engine;

import dev.cutover.DeploymentStatus;
import dev.cutover.Step;
import dev.cutover.analysis.Analysis;
import dev.cutover.analysis.Measurement;
import dev.cutover.analysis.MetricContext;
import dev.cutover.analysis.MetricGate;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.spi.Discovery;
import dev.cutover.spi.RevisionHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The bake of a traffic step: health and metric gates analysed until the step passes, fails or stays
 * inconclusive; a metric source outage pauses safely and rolls back only after its timeout.
 */
final class Bake {

    private final Rollout rollout;

    Bake(Rollout rollout) {
        this.rollout = rollout;
    }

    void analyse(int index) {
        Step step = rollout.steps.get(index);
        Analysis a = rollout.release.strategy().analysis();
        RevisionHealth h = rollout.rt.compute().health(rollout.newRevision);
        Map<String, String> measured = new LinkedHashMap<>();
        String verdict = "PASSED";
        String why = "";
        if (h.failed() > a.maxFailedTasks() || h.running() < h.desired() && h.healthy() < h.desired()
                && Duration.between(rollout.phaseStartedAt, rollout.now()).compareTo(a.progressDeadline()) >= 0) {
            verdict = "FAILED";
            why = "health: " + h;
        }
        Optional<Discovery.InstanceHealth> dh = rollout.rt.discovery().flatMap(d -> d.health(rollout.newRevision));
        if (dh.isPresent()) {
            measured.put("discovery", dh.get().passing() + " passing, " + dh.get().critical() + " critical");
            if (dh.get().critical() > a.maxFailedTasks()) {
                verdict = "FAILED";
                why = "discovery health: " + dh.get().critical() + " critical instances";
            }
        }
        // after reading discovery health: an instance registered now has not been checked yet
        rollout.discoverySync.sync(rollout.newRevision);
        rollout.discoverySync.sync(rollout.oldRevision);
        boolean sawError = false;
        boolean sawNoData = false;
        String lastError = "";
        // a zero bake means no bake: the step is judged on health alone, with no window to measure; a 0% step
        // measures only when tagged test traffic reaches the new revision (a header-routed preview)
        boolean measurable = step.weight() > 0
                || PreviewSteps.isPreview(step, rollout.oldRevision, rollout.release, rollout.rt.traffic().orElse(null));
        if (measurable && !a.gates().isEmpty() && !step.bake().isZero() && "PASSED".equals(verdict)) {
            Instant to = rollout.now();
            Instant from = to.minus(a.interval());
            MetricContext ctx = new MetricContext(rollout.release.environment().name(), rollout.release.service().name(),
                    rollout.newRevision.id(), from.isBefore(rollout.bakeStartedAt) ? rollout.bakeStartedAt : from, to);
            for (MetricGate g : a.gates()) {
                Measurement m;
                try {
                    m = rollout.rt.metricSource().measure(g.query(), ctx);
                } catch (RuntimeException e) {
                    m = Measurement.error(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                Optional<String> impossible = m.status() == Measurement.Status.VALUE
                        ? g.query().kind().impossible(m.value()) : Optional.empty();
                if (impossible.isPresent()) {
                    // a value that cannot be true is an error of the source or the query, never a pass
                    m = Measurement.error("impossible value " + m.value() + " for " + g.query() + ": " + impossible.get()
                            + (m.detail().isEmpty() ? "" : " [" + m.detail() + "]"));
                }
                measured.put(g.name(), m.toString());
                if (m.status() == Measurement.Status.ERROR) {
                    lastError = g.name() + ": " + m.detail();
                }
                switch (m.status()) {
                    case VALUE -> {
                        if (!g.passes(m.value())) {
                            verdict = "FAILED";
                            why = g.name() + " " + Measurement.format(m.value()) + " breaks " + g;
                        }
                    }
                    case NO_DATA -> sawNoData = true;
                    case ERROR -> sawError = true;
                }
            }
        }
        synchronized (rollout) {
            rollout.lastMeasurements.clear();
            rollout.lastMeasurements.putAll(measured);
        }
        if (!sawError || "FAILED".equals(verdict)) {
            endMetricOutage();
        }
        boolean bakeOver = Duration.between(rollout.bakeStartedAt, rollout.now()).plus(rollout.bakedBefore).compareTo(step.bake()) >= 0;
        if ("FAILED".equals(verdict)) {
            rollout.failures++;
            rollout.consecutiveErrors = 0;
            rollout.emit(new DeploymentEvent.AnalysisCompleted(rollout.id, rollout.target, rollout.now(), index + 1, "FAILED", measured, h.toString()));
            if (rollout.failures > a.failureLimit()) {
                rollout.rollback(RollbackReason.ANALYSIS, "analysis failed at " + step.weight() + "%: " + why);
                return;
            }
        } else if (sawError) {
            rollout.consecutiveErrors++;
            if (rollout.errorStreakSince == null) {
                rollout.errorStreakSince = rollout.now();
            }
            rollout.emit(new DeploymentEvent.AnalysisCompleted(rollout.id, rollout.target, rollout.now(), index + 1, "ERROR", measured, h.toString()));
            if (rollout.consecutiveErrors > a.consecutiveErrorLimit()) {
                Duration down = Duration.between(rollout.errorStreakSince, rollout.now());
                String source = rollout.rt.metricSource().name();
                if (down.compareTo(a.metricOutageTimeout()) >= 0) {
                    rollout.rollback(RollbackReason.METRIC_OUTAGE, "metric source " + source + " could not answer for " + human(down) + " (" + rollout.consecutiveErrors
                            + " measurements in a row; last: " + lastError + "): past the metric outage timeout of "
                            + human(a.metricOutageTimeout()));
                    return;
                }
                startMetricOutage(source, lastError, a);
            }
        } else if (sawNoData) {
            rollout.inconclusive++;
            rollout.consecutiveErrors = 0;
            rollout.emit(new DeploymentEvent.AnalysisCompleted(rollout.id, rollout.target, rollout.now(), index + 1, "INCONCLUSIVE", measured, h.toString()));
            if (rollout.inconclusive > a.inconclusiveLimit()) {
                Runnable keepBaking = () -> {
                    synchronized (rollout) {
                        rollout.inconclusive = 0;
                    }
                    analyse(index);
                };
                rollout.pauseForHuman("analysis inconclusive at " + step.weight() + "% (no data: " + measured
                        + "); resume() to keep baking, promote() to go on, abort() to roll back; rolls back by itself after "
                        + human(a.inconclusiveTimeout()), keepBaking);
                rollBackIfStillParked(keepBaking, a.inconclusiveTimeout(), "analysis inconclusive at " + step.weight()
                        + "% (no data: " + measured + ") and no decision within the inconclusive timeout of "
                        + human(a.inconclusiveTimeout()));
                return;
            }
        } else {
            rollout.consecutiveErrors = 0;
            rollout.emit(new DeploymentEvent.AnalysisCompleted(rollout.id, rollout.target, rollout.now(), index + 1, bakeOver ? "PASSED" : "RUNNING",
                    measured, h.toString()));
            if (bakeOver || rollout.isPromoteRequested()) {
                if (index + 1 < rollout.steps.size() && !rollout.isPromoteRequested()) {
                    rollout.run(Duration.ZERO, () -> rollout.trafficSteps.startStep(index + 1));
                } else if (index + 1 < rollout.steps.size()) {
                    rollout.run(Duration.ZERO, () -> rollout.trafficSteps.startStep(rollout.steps.size() - 1));
                } else {
                    rollout.run(Duration.ZERO, rollout::smokeTest);
                }
                return;
            }
        }
        Duration left = step.bake().minus(Duration.between(rollout.bakeStartedAt, rollout.now()).plus(rollout.bakedBefore));
        rollout.run(left.isNegative() || left.isZero() ? a.interval() : Rollout.min(a.interval(), left), () -> analyse(index));
    }

    /**
     * The metric source cannot answer past {@code consecutiveErrorLimit}: the rollout pauses safely
     * (traffic stays, the bake clock stops) and keeps measuring every interval, like a provider outage.
     */
    void startMetricOutage(String source, String lastError, Analysis a) {
        String why;
        synchronized (rollout) {
            if (rollout.metricOutage) {
                return;
            }
            rollout.metricOutage = true;
            rollout.bakedBefore = rollout.bakedBefore.plus(Duration.between(rollout.bakeStartedAt, rollout.now()));
            rollout.bakeStartedAt = rollout.now();
            why = "metric source " + source + " unavailable (" + lastError + "); paused safely, measuring every "
                    + human(a.interval()) + "; rolls back if it does not answer by " + rollout.errorStreakSince.plus(a.metricOutageTimeout());
            rollout.status = DeploymentStatus.PAUSED;
            rollout.reason = why;
        }
        rollout.journal("paused", Map.of("reason", why));
        rollout.emit(new DeploymentEvent.DeploymentPaused(rollout.id, rollout.target, rollout.now(), why));
    }

    /** The metric source answers again: the rollout goes on where it paused. */
    void endMetricOutage() {
        synchronized (rollout) {
            rollout.errorStreakSince = null;
            if (!rollout.metricOutage) {
                return;
            }
            rollout.metricOutage = false;
            rollout.bakeStartedAt = rollout.now(); // the outage does not count as bake time
            if (rollout.status == DeploymentStatus.PAUSED && !rollout.pauseRequested) {
                rollout.status = DeploymentStatus.RUNNING;
                rollout.reason = "";
            }
        }
        rollout.journal("resumed", Map.of("by", "metric source answered"));
        rollout.emit(new DeploymentEvent.DeploymentResumed(rollout.id, rollout.target, rollout.now(), "metric source answered"));
    }

    /** Rolls back after {@code timeout} unless a person moved the deployment on from {@code parkedAction} meanwhile. */
    void rollBackIfStillParked(Runnable parkedAction, Duration timeout, String why) {
        long gen = rollout.generation();
        rollout.rt.scheduler().schedule(timeout, () -> {
            synchronized (rollout) {
                if (gen != rollout.generation || rollout.ended || rollout.parked != parkedAction) {
                    return;
                }
                rollout.parked = null;
                rollout.pauseRequested = false;
                rollout.status = DeploymentStatus.RUNNING;
                rollout.reason = "";
            }
            rollout.runNow(() -> rollout.rollback(RollbackReason.ANALYSIS, why));
        });
    }

    static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}

package dev.cutover.report;

import dev.cutover.event.DeploymentEvent;
import dev.cutover.event.DeploymentListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Records what each deployment did, from its events: when it started and ended, every traffic
 * shift, every analysis verdict, and the rollback (when, why, to which revision).
 *
 * <pre>{@code
 * RolloutRecorder recorder = new RolloutRecorder();
 * Cutover.builder().listener(recorder)...
 * recorder.rollout(deployment.id()).orElseThrow().weights();
 * }</pre>
 */
public final class RolloutRecorder implements DeploymentListener {

    /** The traffic split from {@code at} on. */
    public record WeightChange(Instant at, Map<String, Integer> weights) {
    }

    /** One analysis of a step. */
    public record AnalysisPoint(Instant at, int step, String verdict, Map<String, String> measurements) {
    }

    /** What one deployment did; mutable while it runs, read after it finished. */
    public static final class Rollout {
        private final String id;
        private final String target;
        private String version = "";
        private String strategy = "";
        private Instant started;
        private Instant finished;
        private String outcome = "";
        private String detail = "";
        private Instant rolledBackAt;
        private String rollbackReason = "";
        private final List<WeightChange> weights = new ArrayList<>();
        private final List<AnalysisPoint> analyses = new ArrayList<>();

        Rollout(String id, String target) {
            this.id = id;
            this.target = target;
        }

        public String id() {
            return id;
        }

        /** {@code environment/service}. */
        public String target() {
            return target;
        }

        public synchronized String version() {
            return version;
        }

        public synchronized String strategy() {
            return strategy;
        }

        public synchronized Instant started() {
            return started;
        }

        public synchronized Optional<Instant> finished() {
            return Optional.ofNullable(finished);
        }

        public synchronized String outcome() {
            return outcome;
        }

        public synchronized String detail() {
            return detail;
        }

        public synchronized Optional<Instant> rolledBackAt() {
            return Optional.ofNullable(rolledBackAt);
        }

        public synchronized String rollbackReason() {
            return rollbackReason;
        }

        public synchronized List<WeightChange> weights() {
            return List.copyOf(weights);
        }

        public synchronized List<AnalysisPoint> analyses() {
            return List.copyOf(analyses);
        }

        synchronized void on(DeploymentEvent e) {
            if (e instanceof DeploymentEvent.DeploymentStarted s) {
                started = s.at();
                version = s.version();
                strategy = s.strategy();
            } else if (e instanceof DeploymentEvent.TrafficShifted t) {
                weights.add(new WeightChange(t.at(), new LinkedHashMap<>(t.weights())));
            } else if (e instanceof DeploymentEvent.AnalysisCompleted a) {
                analyses.add(new AnalysisPoint(a.at(), a.step(), a.verdict(), new LinkedHashMap<>(a.measurements())));
            } else if (e instanceof DeploymentEvent.RolledBack r) {
                rolledBackAt = r.at();
                rollbackReason = r.reason();
            } else if (e instanceof DeploymentEvent.DeploymentFinished f) {
                finished = f.at();
                outcome = f.outcome();
                detail = f.detail();
            } else if (started == null) {
                started = e.at();
            }
        }
    }

    private final Map<String, Rollout> rollouts = new LinkedHashMap<>();

    @Override
    public void onEvent(DeploymentEvent event) {
        Rollout r;
        synchronized (rollouts) {
            r = rollouts.computeIfAbsent(event.deploymentId(), id -> new Rollout(id, event.target()));
        }
        r.on(event);
    }

    /**
     * Rebuilds what every deployment in {@code journal} did — version, strategy, each traffic shift,
     * the rollback and the outcome, at the times they were journaled — so a report can be drawn from
     * history in another process. The journal does not keep metric values: charts drawn from it get
     * them from the metric source, or show "no data".
     */
    public static RolloutRecorder fromJournal(dev.cutover.journal.JournalStore journal) {
        Objects.requireNonNull(journal, "journal");
        RolloutRecorder recorder = new RolloutRecorder();
        for (String id : journal.deployments()) {
            List<dev.cutover.journal.JournalEntry> entries = journal.read(id);
            if (entries.isEmpty() || !"started".equals(entries.get(0).type())) {
                continue;
            }
            dev.cutover.journal.JournalEntry first = entries.get(0);
            Rollout r = new Rollout(id, first.get("target") == null ? first.get("environment") + "/" + first.get("service")
                    : first.get("target"));
            synchronized (r) {
                r.started = first.at();
                String image = first.get("image") == null ? "" : first.get("image");
                r.version = image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : image;
                r.strategy = first.get("strategy") == null ? "" : first.get("strategy");
                for (dev.cutover.journal.JournalEntry e : entries) {
                    if ("done".equals(e.type()) && "shift".equals(e.get("action"))) {
                        r.weights.add(new WeightChange(e.at(), parseWeights(e.get("weights"))));
                    } else if ("intent".equals(e.type()) && "rollback".equals(e.get("action")) && r.rolledBackAt == null) {
                        r.rolledBackAt = e.at();
                        r.rollbackReason = e.get("reason") == null ? "" : e.get("reason");
                    } else if ("finished".equals(e.type())) {
                        r.finished = e.at();
                        r.outcome = e.get("outcome") == null ? "" : e.get("outcome");
                        r.detail = e.get("detail") == null ? "" : e.get("detail");
                    }
                }
            }
            recorder.rollouts.put(id, r);
        }
        return recorder;
    }

    /** {@code a=90,b=10} as the journal writes weights (revisions at 0 left out). */
    private static Map<String, Integer> parseWeights(String text) {
        Map<String, Integer> m = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return m;
        }
        for (String part : text.split(",")) {
            int eq = part.lastIndexOf('=');
            if (eq > 0) {
                m.put(part.substring(0, eq), Integer.parseInt(part.substring(eq + 1).trim()));
            }
        }
        return m;
    }

    /** The rollout of one deployment, if any event of it arrived. */
    public Optional<Rollout> rollout(String deploymentId) {
        synchronized (rollouts) {
            return Optional.ofNullable(rollouts.get(deploymentId));
        }
    }

    /** Every rollout recorded, in the order they started. */
    public List<Rollout> rollouts() {
        synchronized (rollouts) {
            return List.copyOf(rollouts.values());
        }
    }
}

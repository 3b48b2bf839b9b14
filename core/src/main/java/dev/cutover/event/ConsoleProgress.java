package dev.cutover.event;

import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A listener that renders deployments for people: one line per event, with a traffic bar,
 * weights and analysis results. The examples and JShell use it; pass the stream to print to.
 *
 * <pre>{@code
 * Cutover.builder().listener(new ConsoleProgress(System.out))
 * }</pre>
 */
public final class ConsoleProgress implements DeploymentListener {

    private static final int BAR = 20;
    private final PrintStream out;

    public ConsoleProgress(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public void onEvent(DeploymentEvent event) {
        out.println(render(event));
        out.flush();
    }

    /** The line shown for an event. */
    public static String render(DeploymentEvent event) {
        String head = String.format("%-22s %-16s ", event.at().toString().substring(0, 19).replace('T', ' '), event.target());
        if (event instanceof DeploymentEvent.DeploymentStarted e) {
            return head + "▶ deploying " + e.version() + " with " + e.strategy() + " (" + e.changes() + " changes)";
        } else if (event instanceof DeploymentEvent.ChangeApplied e) {
            return head + "  applied " + e.change();
        } else if (event instanceof DeploymentEvent.RevisionStarted e) {
            return head + "  started revision " + e.revision() + " (" + e.desiredCount() + " tasks)";
        } else if (event instanceof DeploymentEvent.InstancesRegistered e) {
            return head + "  discovery: " + e.revision() + " has " + e.tasks().size() + " running task(s) registered";
        } else if (event instanceof DeploymentEvent.HookCompleted e) {
            return head + "  " + e.hook() + (e.succeeded() ? " ✔ " : " ✘ ") + e.detail();
        } else if (event instanceof DeploymentEvent.StepStarted e) {
            return head + "  step " + e.step() + "/" + e.steps() + " → " + e.weight() + "%";
        } else if (event instanceof DeploymentEvent.TrafficShifted e) {
            return head + "  " + bar(e.weights()) + " " + new TreeMap<>(e.weights());
        } else if (event instanceof DeploymentEvent.AnalysisCompleted e) {
            return head + "  analysis " + e.verdict() + " " + e.measurements() + " health " + e.health();
        } else if (event instanceof DeploymentEvent.ApprovalRequested e) {
            return head + "⏸ awaiting approval before step " + e.step() + " (rolls back after "
                    + dev.cutover.internal.PlanRenderer.duration(e.timeout()) + ")";
        } else if (event instanceof DeploymentEvent.DeploymentPaused e) {
            return head + "⏸ paused: " + e.reason();
        } else if (event instanceof DeploymentEvent.DeploymentResumed e) {
            return head + "▶ resumed by " + e.by();
        } else if (event instanceof DeploymentEvent.Promoted e) {
            return head + "  promoted " + e.revision();
        } else if (event instanceof DeploymentEvent.RolledBack e) {
            return head + "↩ ROLLED BACK to " + e.toRevision() + ": " + e.reason();
        } else if (event instanceof DeploymentEvent.DeploymentFinished e) {
            return head + "■ " + e.outcome() + (e.detail().isEmpty() ? "" : ": " + e.detail());
        } else if (event instanceof DeploymentEvent.RevisionsRetired e) {
            return head + "  retired " + String.join(", ", e.revisions());
        } else if (event instanceof DeploymentEvent.Notes e) {
            return head + "  " + e.notes();
        }
        return head + event;
    }

    /** {@code [#####...............]}: the share of the newest revision (the last key in order of weight). */
    static String bar(Map<String, Integer> weights) {
        int newest = weights.entrySet().stream().max(Map.Entry.comparingByKey()).map(Map.Entry::getValue).orElse(0);
        int filled = Math.round(newest * BAR / 100f);
        return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "]";
    }
}

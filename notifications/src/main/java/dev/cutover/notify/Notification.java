package dev.cutover.notify;

import dev.cutover.event.DeploymentEvent;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link WebhookNotifier} tells: one of the moments a person cares about, taken from a
 * {@link DeploymentEvent} by its type (never by the words of a message).
 */
public enum Notification {
    /** A deployment began. */
    STARTED,
    /** A deployment waits for a person (paused, inconclusive analysis, provider outage). */
    PAUSED,
    /** A step needs approval before it shifts traffic. */
    AWAITING_APPROVAL,
    /** The new revision serves all traffic. */
    PROMOTED,
    /** Traffic went back to the previous revision. */
    ROLLED_BACK,
    /** A deployment ended FAILED (or stopped without finishing). */
    FAILED;

    /** The notification an event stands for, if any. */
    static Optional<Notification> of(DeploymentEvent event) {
        if (event instanceof DeploymentEvent.DeploymentStarted) {
            return Optional.of(STARTED);
        } else if (event instanceof DeploymentEvent.DeploymentPaused) {
            return Optional.of(PAUSED);
        } else if (event instanceof DeploymentEvent.ApprovalRequested) {
            return Optional.of(AWAITING_APPROVAL);
        } else if (event instanceof DeploymentEvent.Promoted) {
            return Optional.of(PROMOTED);
        } else if (event instanceof DeploymentEvent.RolledBack) {
            return Optional.of(ROLLED_BACK);
        } else if (event instanceof DeploymentEvent.DeploymentFinished f
                && !"SUCCEEDED".equals(f.outcome()) && !"ROLLED_BACK".equals(f.outcome())) {
            return Optional.of(FAILED);
        }
        return Optional.empty();
    }

    /** The event's facts for a generic body, in a stable order; only what the events carry (never a secret's value). */
    static Map<String, Object> fields(Notification kind, DeploymentEvent event) {
        Map<String, Object> m = new LinkedHashMap<>();
        String[] target = event.target().split("/", 2);
        m.put("kind", kind.name());
        m.put("deploymentId", event.deploymentId());
        m.put("environment", target[0]);
        m.put("service", target.length > 1 ? target[1] : "");
        m.put("at", event.at().toString());
        if (event instanceof DeploymentEvent.DeploymentStarted e) {
            m.put("version", e.version());
            m.put("strategy", e.strategy());
        } else if (event instanceof DeploymentEvent.DeploymentPaused e) {
            m.put("reason", e.reason());
        } else if (event instanceof DeploymentEvent.ApprovalRequested e) {
            m.put("step", e.step());
            m.put("timeoutSeconds", e.timeout().toSeconds());
        } else if (event instanceof DeploymentEvent.Promoted e) {
            m.put("revision", e.revision());
        } else if (event instanceof DeploymentEvent.RolledBack e) {
            m.put("revision", e.toRevision());
            m.put("reason", e.reason());
        } else if (event instanceof DeploymentEvent.DeploymentFinished e) {
            m.put("outcome", e.outcome());
            m.put("reason", e.detail());
        }
        m.put("text", text(kind, event));
        return m;
    }

    /** The sentence a person reads in a chat channel. */
    static String text(Notification kind, DeploymentEvent event) {
        String who = "*" + event.target() + "*";
        if (event instanceof DeploymentEvent.DeploymentStarted e) {
            return ":rocket: " + who + " deploying " + e.version() + " (" + e.strategy() + ")";
        } else if (event instanceof DeploymentEvent.DeploymentPaused e) {
            return ":double_vertical_bar: " + who + " paused: " + e.reason();
        } else if (event instanceof DeploymentEvent.ApprovalRequested e) {
            return ":raised_hand: " + who + " awaits approval before step " + e.step() + "; rolls back after "
                    + e.timeout().toString().substring(2).toLowerCase(Locale.ROOT) + " without it";
        } else if (event instanceof DeploymentEvent.Promoted e) {
            return ":white_check_mark: " + who + " promoted " + e.revision();
        } else if (event instanceof DeploymentEvent.RolledBack e) {
            return ":rewind: " + who + " rolled back to " + e.toRevision() + ": " + e.reason();
        } else if (event instanceof DeploymentEvent.DeploymentFinished e) {
            return ":x: " + who + " " + e.outcome().toLowerCase(Locale.ROOT) + (e.detail().isEmpty() ? "" : ": " + e.detail());
        }
        return who + " " + kind.name().toLowerCase(Locale.ROOT);
    }
}

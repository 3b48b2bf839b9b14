package dev.cutover.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a deployment does, as typed events delivered to {@link DeploymentListener}s (the
 * console progress renderer, SLF4J logging, metrics, your own webhook). Events never carry a
 * secret's value.
 *
 * <pre>{@code
 * Cutover.builder().listener(e -> {
 *     if (e instanceof DeploymentEvent.RolledBack r) alert(r.reason());
 * })
 * }</pre>
 */
public sealed interface DeploymentEvent {

    /** The deployment this event belongs to. */
    String deploymentId();

    /** {@code <environment>/<service>}. */
    String target();

    /** When it happened, by the deployment's clock. */
    Instant at();

    /** A deployment began applying a plan. */
    record DeploymentStarted(String deploymentId, String target, Instant at, String version, String strategy,
            int changes) implements DeploymentEvent {
    }

    /** One planned change (create/update/delete of a resource) was applied. */
    record ChangeApplied(String deploymentId, String target, Instant at, String change) implements DeploymentEvent {
    }

    /** The new revision is running (not yet taking traffic). */
    record RevisionStarted(String deploymentId, String target, Instant at, String revision, int desiredCount)
            implements DeploymentEvent {
    }

    /**
     * Discovery's instances of a revision were made its running tasks (tasks that started were
     * registered, tasks that stopped deregistered), when the compute provider reports them (ECS next
     * to Consul).
     *
     * @param tasks the revision's running tasks now, as {@code <task id>@<address>:<port>}
     */
    record InstancesRegistered(String deploymentId, String target, Instant at, String revision, List<String> tasks)
            implements DeploymentEvent {
        public InstancesRegistered {
            tasks = List.copyOf(tasks);
        }
    }

    /** A hook (pre-deploy task, smoke test) finished. */
    record HookCompleted(String deploymentId, String target, Instant at, String hook, boolean succeeded, String detail)
            implements DeploymentEvent {
    }

    /** A rollout step began. */
    record StepStarted(String deploymentId, String target, Instant at, int step, int steps, int weight)
            implements DeploymentEvent {
    }

    /** Traffic weights changed. */
    record TrafficShifted(String deploymentId, String target, Instant at, Map<String, Integer> weights)
            implements DeploymentEvent {
        public TrafficShifted {
            weights = Map.copyOf(weights);
        }
    }

    /**
     * One analysis of a step: the verdict and every measured value (for debugging).
     *
     * @param verdict      PASSED, FAILED, INCONCLUSIVE or RUNNING (measured, more to come)
     * @param measurements gate name → measured value text
     * @param health       the new revision's health text
     */
    record AnalysisCompleted(String deploymentId, String target, Instant at, int step, String verdict,
            Map<String, String> measurements, String health) implements DeploymentEvent {
        public AnalysisCompleted {
            measurements = Map.copyOf(measurements);
        }
    }

    /**
     * The rollout reached a step that needs a person's approval ({@code Environment.requireApproval()}):
     * it waits for {@code approve()} and rolls back after {@code timeout}.
     *
     * @param step    the step waiting (1-based)
     * @param timeout how long it waits before rolling back
     */
    record ApprovalRequested(String deploymentId, String target, Instant at, int step, java.time.Duration timeout)
            implements DeploymentEvent {
    }

    /** The deployment waits for a person: paused, inconclusive analysis or a provider outage ({@link ApprovalRequested} for approval). */
    record DeploymentPaused(String deploymentId, String target, Instant at, String reason) implements DeploymentEvent {
    }

    /** The deployment continues after a pause. */
    record DeploymentResumed(String deploymentId, String target, Instant at, String by) implements DeploymentEvent {
    }

    /** The new revision took all traffic; the old one stays warm for the rollback window. */
    record Promoted(String deploymentId, String target, Instant at, String revision) implements DeploymentEvent {
    }

    /** Traffic went back to the previous revision. */
    record RolledBack(String deploymentId, String target, Instant at, String reason, String toRevision)
            implements DeploymentEvent {
    }

    /**
     * The deployment reached its outcome: {@code SUCCEEDED} as soon as the new revision serves all
     * traffic ({@code Deployment.await()} returns then; the old revision is retired after the
     * rollback window, see {@link RevisionsRetired}), {@code ROLLED_BACK}, {@code FAILED} or
     * {@code STOPPED}.
     */
    record DeploymentFinished(String deploymentId, String target, Instant at, String outcome, String detail)
            implements DeploymentEvent {
    }

    /** After a success, the revisions that served before were retired (the rollback window is over). */
    record RevisionsRetired(String deploymentId, String target, Instant at, List<String> revisions)
            implements DeploymentEvent {
        public RevisionsRetired {
            revisions = List.copyOf(revisions);
        }
    }

    /** Problems the listener machinery saw (a listener that threw), kept for diagnostics. */
    record Notes(String deploymentId, String target, Instant at, List<String> notes) implements DeploymentEvent {
        public Notes {
            notes = List.copyOf(notes);
        }
    }
}

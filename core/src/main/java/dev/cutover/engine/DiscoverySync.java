package dev.cutover.engine;

import dev.cutover.event.DeploymentEvent;
import dev.cutover.spi.Compute;
import dev.cutover.spi.Discovery;
import dev.cutover.spi.RevisionRef;
import dev.cutover.spi.RunningTask;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps discovery's instances of a rollout's revisions equal to their running tasks, when the compute
 * provider reports them ({@link Compute#runningTasks}, e.g. ECS next to Consul).
 */
final class DiscoverySync {

    private final Rollout rollout;
    /** The running tasks last registered in discovery, by revision id (what {@link #sync} compares with). */
    private final Map<String, Set<RunningTask>> registered = new ConcurrentHashMap<>();
    /** Whether the compute provider reports running tasks for discovery to register. */
    private volatile boolean tasksRegistered;

    DiscoverySync(Rollout rollout) {
        this.rollout = rollout;
    }

    /**
     * Makes discovery's instances of {@code r} its running tasks: tasks that started are registered, tasks
     * that stopped (scaled in, replaced after a failure) deregistered. Writes only when the tasks changed
     * since the last registration, and only with the lock. Returns whether the compute provider reports tasks.
     */
    boolean sync(RevisionRef r) {
        if (r == null) {
            return tasksRegistered;
        }
        Optional<Discovery> discovery = rollout.rt.discovery();
        if (discovery.isEmpty()) {
            return false;
        }
        Optional<List<RunningTask>> tasks = rollout.rt.compute().runningTasks(r);
        if (tasks.isEmpty()) {
            return false;
        }
        tasksRegistered = true;
        Set<RunningTask> now = Set.copyOf(tasks.get());
        if (!now.equals(registered.get(r.id()))) {
            rollout.lockKeeper.confirmLock(); // never write a registration without the lock
            discovery.get().registerTasks(r, rollout.release, rollout.id, tasks.get());
            registered.put(r.id(), now);
            rollout.emit(new DeploymentEvent.InstancesRegistered(rollout.id, rollout.target, rollout.now(), r.id(),
                    tasks.get().stream().map(RunningTask::toString).toList()));
        }
        return true;
    }

    /**
     * At the end of a deployment, when discovery registers running tasks: the serving revision's
     * instances are its running tasks, and every other revision's instances are gone (a revision ECS
     * drained by itself, a retirement cut by a crash).
     */
    void settle(RevisionRef serving, Set<String> keep) {
        if (serving != null) {
            registered.remove(serving.id()); // compare with the registry afresh: the last word of this deployment
        }
        if (!sync(serving)) {
            return;
        }
        rollout.lockKeeper.confirmLock();
        rollout.rt.discovery().ifPresent(d -> d.sweep(rollout.release.environment().name(), rollout.release.service().name(), keep));
    }

    /** A retired revision: its registrations are gone with it. */
    void forget(RevisionRef r) {
        registered.remove(r.id());
    }
}

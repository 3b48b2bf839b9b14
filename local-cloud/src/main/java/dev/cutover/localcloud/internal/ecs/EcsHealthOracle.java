package dev.cutover.localcloud.internal.ecs;

import dev.cutover.localcloud.consul.HealthOracle;
import dev.cutover.localcloud.internal.ecs.EcsModel.Region;
import dev.cutover.localcloud.internal.ecs.EcsModel.Task;
import dev.cutover.localcloud.internal.ecs.EcsModel.TaskDef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers the Consul emulator's health checks from the ECS emulator's tasks, so a bad artifact that
 * ECS runs shows as {@code critical} in Consul too. A check is matched to ECS in this order:
 *
 * <ol>
 *   <li><b>By address</b>: the check's host (or the instance's address) is the private IP of a live
 *       ECS task (or of a stopped one, which is critical): that task's health decides.</li>
 *   <li><b>By revision</b>: the instance carries the ECS task definition it runs, as
 *       {@code family:revision} or a task definition ARN, in its {@code cutover_revision} metadata or
 *       a {@code revision=} tag (what Cutover's Consul discovery registers, whose AWS revision ids are
 *       {@code family:revision}). The live tasks of that task definition, oldest first, stand behind
 *       the instances: the instance whose ID ends in {@code -n} maps to task {@code n} (modulo the
 *       number of tasks). No live task means {@code critical}: nothing would answer the check.</li>
 *   <li>Otherwise ECS knows nothing of the instance and the check passes (the emulator's previous
 *       default), so instances of other compute providers are unaffected.</li>
 * </ol>
 *
 * A task is {@code passing} when it is RUNNING and healthy (HEALTHY, or no container health check);
 * PROVISIONING, PENDING, UNHEALTHY, crashed or stopping tasks are {@code critical}.
 */
public final class EcsHealthOracle implements HealthOracle {

    private static final Pattern INDEX = Pattern.compile("-(\\d+)$");
    private final EcsEmulator ecs;

    public EcsHealthOracle(EcsEmulator ecs) {
        this.ecs = Objects.requireNonNull(ecs, "ecs");
    }

    @Override
    public Verdict evaluate(Probe probe) {
        String revision = revisionOf(probe);
        synchronized (ecs.lock) {
            ecs.scheduler.tick(ecs.clock.instant()); // answer for the current simulated time
            Task byAddress = taskAt(probe.host());
            if (byAddress == null && !probe.serviceAddress().isEmpty()) {
                byAddress = taskAt(probe.serviceAddress());
            }
            if (byAddress != null) {
                return verdict(byAddress);
            }
            if (revision == null) {
                return Verdict.PASSING;
            }
            TaskDef td = taskDefinition(revision);
            if (td == null) {
                return Verdict.PASSING;
            }
            List<Task> tasks = new ArrayList<>();
            for (Region region : ecs.regions.values()) {
                for (Task t : region.tasks.values()) {
                    if (t.taskDef == td && t.live() && !t.oneOff) {
                        tasks.add(t);
                    }
                }
            }
            if (tasks.isEmpty()) {
                return Verdict.CRITICAL;
            }
            tasks.sort(Comparator.comparing((Task t) -> t.createdAt).thenComparing(t -> t.id));
            Matcher m = INDEX.matcher(probe.serviceId());
            int index = 0;
            if (m.find()) {
                try {
                    index = Integer.parseInt(m.group(1));
                } catch (NumberFormatException e) {
                    index = 0;
                }
            }
            return verdict(tasks.get(index % tasks.size()));
        }
    }

    private static String revisionOf(Probe probe) {
        String meta = probe.serviceMeta().get("cutover_revision");
        if (meta != null && !meta.isBlank()) {
            return meta;
        }
        for (String tag : probe.serviceTags()) {
            if (tag.startsWith("revision=") && tag.length() > "revision=".length()) {
                return tag.substring("revision=".length());
            }
        }
        return null;
    }

    /** The live task with this private IP, else the last stopped one that had it, else null. */
    private Task taskAt(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        Task stopped = null;
        for (Region region : ecs.regions.values()) {
            for (Task t : region.tasks.values()) {
                if (host.equals(t.privateIp)) {
                    if (t.live()) {
                        return t;
                    }
                    stopped = t; // a stopping or stopped task still owns its address until another takes it
                }
            }
        }
        return stopped;
    }

    /** {@code family:revision} or {@code arn:aws:ecs:...:task-definition/family:revision}. */
    private TaskDef taskDefinition(String revision) {
        String fr = revision.contains("task-definition/")
                ? revision.substring(revision.indexOf("task-definition/") + "task-definition/".length())
                : revision;
        int colon = fr.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String family = fr.substring(0, colon);
        int number;
        try {
            number = Integer.parseInt(fr.substring(colon + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        for (Region region : ecs.regions.values()) {
            List<TaskDef> defs = region.families.get(family);
            if (defs != null) {
                for (TaskDef td : defs) {
                    if (td.revision == number) {
                        return td;
                    }
                }
            }
        }
        return null;
    }

    private static Verdict verdict(Task t) {
        return t.healthy() ? Verdict.PASSING : Verdict.CRITICAL;
    }
}

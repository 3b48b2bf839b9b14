package dev.cutover.localcloud.internal.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.internal.ecs.EcsModel.Cluster;
import dev.cutover.localcloud.internal.ecs.EcsModel.ContainerDef;
import dev.cutover.localcloud.internal.ecs.EcsModel.ContainerState;
import dev.cutover.localcloud.internal.ecs.EcsModel.Deployment;
import dev.cutover.localcloud.internal.ecs.EcsModel.Region;
import dev.cutover.localcloud.internal.ecs.EcsModel.Service;
import dev.cutover.localcloud.internal.ecs.EcsModel.ServiceDeployment;
import dev.cutover.localcloud.internal.ecs.EcsModel.Task;
import dev.cutover.localcloud.internal.ecs.EcsModel.TaskDef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ECS simulation: task lifecycle (PROVISIONING, PENDING, RUNNING, health checks, exits), the
 * service scheduler (rolling updates within minimum healthy / maximum percent, draining, steady
 * state), the deployment circuit breaker with rollback, and the native CANARY, LINEAR and
 * BLUE_GREEN strategies with their bake times. Runs under the emulator's lock.
 */
final class EcsScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(EcsScheduler.class);
    static final Duration PROVISIONING = Duration.ofSeconds(3);
    static final Duration PULL = Duration.ofSeconds(5);
    static final Duration STOPPING = Duration.ofSeconds(2);
    static final Duration STOPPED_RETENTION = Duration.ofHours(1);
    private static final int MAX_EVENTS = 100;

    private final EcsEmulator ecs;

    EcsScheduler(EcsEmulator ecs) {
        this.ecs = ecs;
    }

    void tick(Instant now) {
        for (Region region : ecs.regions.values()) {
            for (Task t : new ArrayList<>(region.tasks.values())) {
                advance(t, now);
            }
            for (Cluster c : region.clusters.values()) {
                for (Service s : c.services.values()) {
                    try {
                        schedule(region, s, now);
                    } catch (RuntimeException e) {
                        LOG.warn("scheduling service {} failed", s.arn, e);
                    }
                }
            }
            syncRegistries(region);
            syncTargetGroups(region);
            region.tasks.values().removeIf(t -> t.lastStatus.equals("STOPPED") && t.stoppedAt != null
                    && t.stoppedAt.plus(STOPPED_RETENTION).isBefore(now));
        }
    }

    // ------------------------------------------------------------ Cloud Map (serviceRegistries)

    /**
     * Keeps Cloud Map in step with the tasks of services that have {@code serviceRegistries}, as ECS
     * does: a task is registered once it is RUNNING (instance id = task id, {@code AWS_INSTANCE_IPV4}
     * = its private IP, {@code AWS_INSTANCE_PORT} when known), its instance health follows the task's
     * health, and it is deregistered as soon as it is asked to stop.
     */
    private void syncRegistries(Region region) {
        dev.cutover.localcloud.CloudMap registry = ecs.registry;
        if (registry == null) {
            return;
        }
        for (Task t : region.tasks.values()) {
            String wanted = null;
            if (t.live() && t.lastStatus.equals("RUNNING") && t.deployment != null
                    && t.deployment.service.serviceRegistries != null && !t.deployment.service.serviceRegistries.isEmpty()) {
                wanted = t.deployment.service.serviceRegistries.get(0).path("registryArn").asText(null);
            }
            try {
                if (t.registeredIn != null && !t.registeredIn.equals(wanted)) {
                    registry.deregisterInstance(t.registeredIn, t.id);
                    t.registeredIn = null;
                    t.registeredHealthy = null;
                }
                if (wanted == null) {
                    continue;
                }
                if (t.registeredIn == null) {
                    registry.registerInstance(wanted, t.id, attributes(region, t, t.deployment.service.serviceRegistries.get(0)));
                    t.registeredIn = wanted;
                }
                boolean healthy = t.healthy();
                if (!Boolean.valueOf(healthy).equals(t.registeredHealthy)) {
                    registry.setHealthy(wanted, t.id, healthy);
                    t.registeredHealthy = healthy;
                }
            } catch (IllegalArgumentException e) {
                if (t.registeredIn == null) {
                    // the Cloud Map service does not exist: ECS keeps the task running, unregistered
                    if (!t.registryWarned && t.deployment != null) {
                        t.registryWarned = true;
                        event(t.deployment.service, ecs.clock.instant(), "(service " + t.deployment.service.name
                                + ") failed to register (task " + t.id + ") in the service registry: " + e.getMessage());
                    }
                } else {
                    // the instance or its Cloud Map service was removed behind ECS's back: register again next tick
                    t.registeredIn = null;
                    t.registeredHealthy = null;
                }
            }
        }
    }

    /**
     * Keeps ELBv2 target groups in step with the tasks of services that have {@code loadBalancers}, as
     * ECS does: a task is registered (its private IP for target type ip, on the entry's container port)
     * once it is RUNNING and deregistered as soon as it is asked to stop ("When a task stops, ECS
     * deregisters it from the target group", developer guide, service load balancing); the target
     * group drains it for its deregistration delay.
     */
    private void syncTargetGroups(Region region) {
        TargetGroups groups = ecs.targetGroups;
        if (groups == null) {
            return;
        }
        for (Task t : region.tasks.values()) {
            java.util.Set<String> wanted = new java.util.LinkedHashSet<>();
            if (t.live() && t.lastStatus.equals("RUNNING") && t.deployment != null && t.deployment.service.loadBalancers != null) {
                for (JsonNode lb : t.deployment.service.loadBalancers) {
                    String tg = t.deployment.alternate && lb.has("advancedConfiguration")
                            ? lb.path("advancedConfiguration").path("alternateTargetGroupArn").asText()
                            : lb.path("targetGroupArn").asText();
                    wanted.add(tg + "|" + lb.path("containerPort").asInt());
                }
            }
            for (java.util.Iterator<String> it = t.targetGroups.iterator(); it.hasNext(); ) {
                String key = it.next();
                if (!wanted.contains(key)) {
                    int bar = key.lastIndexOf('|');
                    groups.deregister(key.substring(0, bar), t.privateIp, Integer.parseInt(key.substring(bar + 1)));
                    it.remove();
                }
            }
            for (String key : wanted) {
                if (!t.targetGroups.contains(key)) {
                    int bar = key.lastIndexOf('|');
                    if (groups.register(key.substring(0, bar), t.privateIp, Integer.parseInt(key.substring(bar + 1)),
                            t.deployment.service.arn)) {
                        t.targetGroups.add(key);
                    }
                }
            }
        }
    }

    private static java.util.Map<String, String> attributes(Region region, Task t, JsonNode registryEntry) {
        java.util.Map<String, String> a = new java.util.LinkedHashMap<>();
        a.put("AWS_INSTANCE_IPV4", t.privateIp);
        Integer port = registryEntry.path("port").isInt() ? Integer.valueOf(registryEntry.path("port").asInt())
                : registryEntry.path("containerPort").isInt() ? Integer.valueOf(registryEntry.path("containerPort").asInt())
                : firstContainerPort(t.taskDef);
        if (port != null) {
            a.put("AWS_INSTANCE_PORT", String.valueOf(port));
        }
        a.put("AVAILABILITY_ZONE", region.name + "a");
        a.put("AWS_INIT_HEALTH_STATUS", "HEALTHY");
        a.put("ECS_CLUSTER_NAME", t.cluster.name);
        a.put("ECS_SERVICE_NAME", t.deployment.service.name);
        a.put("ECS_TASK_DEFINITION_FAMILY", t.taskDef.family);
        a.put("REGION", region.name);
        return a;
    }

    private static Integer firstContainerPort(TaskDef td) {
        for (JsonNode c : td.json.path("containerDefinitions")) {
            for (JsonNode pm : c.path("portMappings")) {
                if (pm.path("containerPort").isInt()) {
                    return pm.path("containerPort").asInt();
                }
            }
        }
        return null;
    }

    // ------------------------------------------------------------ tasks

    Task launch(Region region, Cluster c, TaskDef td, Deployment d, Instant now) {
        Task t = new Task();
        t.id = ecs.ids.hex(32);
        t.arn = EcsEmulator.arn(region, "task/" + c.name + "/" + t.id);
        t.cluster = c;
        t.taskDef = td;
        t.deployment = d;
        t.createdAt = now;
        t.privateIp = ecs.ids.privateIp();
        t.cpu = td.json.path("cpu").isTextual() ? td.json.path("cpu").asText() : null;
        t.memory = td.json.path("memory").isTextual() ? td.json.path("memory").asText() : null;
        t.behavior = ecs.images.behaviorOf(td.firstEssentialImage());
        for (ContainerDef cd : td.containers) {
            ContainerState cs = new ContainerState();
            cs.def = cd;
            cs.arn = EcsEmulator.arn(region, "container/" + c.name + "/" + t.id + "/" + ecs.ids.uuid());
            cs.behavior = ecs.images.behaviorOf(cd.image);
            cs.digest = ecs.images.digestOf(cd.image);
            t.containers.add(cs);
        }
        if (d != null) {
            t.group = "service:" + d.service.name;
            t.startedBy = d.id;
            t.launchType = d.launchType != null ? d.launchType : "EC2";
            d.tasks.add(t);
        }
        region.tasks.put(t.arn, t);
        return t;
    }

    /** Moves a task through every transition due by {@code now}. */
    private void advance(Task t, Instant now) {
        if (t.lastStatus.equals("STOPPED")) {
            return;
        }
        if (!t.live()) {
            if (!now.isBefore(t.stopAt)) {
                t.lastStatus = "STOPPED";
                t.stoppedAt = t.stopAt;
                for (ContainerState cs : t.containers) {
                    cs.lastStatus = "STOPPED";
                    if (cs.exitCode == null && cs.runtimeId != null) {
                        cs.exitCode = 137;
                    }
                }
                t.version++;
            }
            return;
        }
        ImageBehavior b = t.behavior;
        if (t.lastStatus.equals("PROVISIONING") && !now.isBefore(t.createdAt.plus(PROVISIONING))) {
            t.lastStatus = "PENDING";
            t.pendingAt = t.createdAt.plus(PROVISIONING);
            t.version++;
        }
        if (t.lastStatus.equals("PENDING") && !now.isBefore(t.pendingAt.plus(PULL).plus(b.startDelay()))) {
            t.lastStatus = "RUNNING";
            t.runningAt = t.pendingAt.plus(PULL).plus(b.startDelay());
            t.startedAt = t.runningAt;
            for (ContainerState cs : t.containers) {
                cs.lastStatus = "RUNNING";
                cs.runtimeId = t.id + "-" + Math.abs(cs.def.name.hashCode());
            }
            t.version++;
            if (t.deployment != null) {
                event(t.deployment.service, now, "(service " + t.deployment.service.name + ") has started 1 tasks: (task "
                        + t.id + ").");
            }
        }
        if (!t.lastStatus.equals("RUNNING")) {
            return;
        }
        for (ContainerState cs : t.containers) {
            if (cs.behavior.crashOnStart() && cs.def.essential && !now.isBefore(t.runningAt.plus(cs.behavior.crashAfter()))) {
                exit(t, cs, cs.behavior.exitCode() == 0 ? 1 : cs.behavior.exitCode(), now);
                return;
            }
        }
        if (t.oneOff && !now.isBefore(t.runningAt.plus(b.runDuration()))) {
            ContainerState main = t.containers.stream().filter(cs -> cs.def.essential).findFirst().orElseThrow();
            exit(t, main, b.exitCode(), now);
            return;
        }
        updateHealth(t, now);
        if (t.healthStatus.equals("UNHEALTHY") && t.deployment != null) {
            Service s = t.deployment.service;
            event(s, now, "(service " + s.name + ") (task " + t.id + ") failed container health checks.");
            stop(t, "ServiceSchedulerInitiated", "Task failed container health checks", now, false);
            failed(t.deployment, now);
        }
    }

    private void exit(Task t, ContainerState cs, int code, Instant now) {
        cs.exitCode = code;
        cs.lastStatus = "STOPPED";
        cs.reason = null;
        for (ContainerState other : t.containers) {
            if (other != cs && other.exitCode == null) {
                other.exitCode = 0;
            }
        }
        stop(t, "EssentialContainerExited", "Essential container in task exited", now, false);
        if (t.deployment != null && code != 0) {
            failed(t.deployment, now);
        } else if (t.deployment != null) {
            failed(t.deployment, now);
        }
    }

    private void failed(Deployment d, Instant now) {
        d.failedTasks++;
        d.updatedAt = now;
    }

    private void updateHealth(Task t, Instant now) {
        boolean anyCheck = false;
        boolean allHealthy = true;
        boolean unhealthy = false;
        for (ContainerState cs : t.containers) {
            if (!cs.def.hasHealthCheck) {
                continue;
            }
            anyCheck = true;
            ContainerDef d = cs.def;
            if (cs.healthStatus.equals("UNKNOWN")) {
                if (cs.behavior.healthChecksFail()) {
                    long first = Math.max(1, (d.startPeriod + d.interval - 1) / d.interval);
                    Instant at = t.runningAt.plusSeconds((first + d.retries - 1) * d.interval);
                    if (!now.isBefore(at)) {
                        cs.healthStatus = "UNHEALTHY";
                        t.version++;
                    }
                } else if (!now.isBefore(t.runningAt.plusSeconds(Math.min(d.interval, Math.max(5, d.interval))))) {
                    cs.healthStatus = "HEALTHY";
                    t.version++;
                }
            }
            if (!cs.healthStatus.equals("HEALTHY")) {
                allHealthy = false;
            }
            if (cs.healthStatus.equals("UNHEALTHY") && d.essential) {
                unhealthy = true;
            }
        }
        String before = t.healthStatus;
        t.healthStatus = !anyCheck ? "UNKNOWN" : unhealthy ? "UNHEALTHY" : allHealthy ? "HEALTHY" : "UNKNOWN";
        if (!before.equals(t.healthStatus)) {
            t.version++;
        }
    }

    /** Asks a task to stop; it reaches STOPPED after {@link #STOPPING}. */
    void stop(Task t, String stopCode, String reason, Instant now, boolean byUser) {
        if (!t.live()) {
            return;
        }
        t.desiredStatus = "STOPPED";
        t.stopCode = stopCode;
        t.stoppedReason = reason;
        t.stoppingAt = now;
        t.schedulerStop = !byUser && stopCode.equals("ServiceSchedulerInitiated");
        boolean wasRunning = t.lastStatus.equals("RUNNING");
        t.lastStatus = wasRunning ? "DEACTIVATING" : t.lastStatus;
        t.stopAt = now.plus(wasRunning ? STOPPING : Duration.ofSeconds(1));
        t.version++;
        if (byUser && t.deployment != null) {
            event(t.deployment.service, now, "(service " + t.deployment.service.name + ") has stopped 1 running tasks: (task "
                    + t.id + ").");
        }
    }

    int count(Deployment d, String status) {
        int n = 0;
        for (Task t : d.tasks) {
            if (!t.live()) {
                continue;
            }
            boolean running = t.lastStatus.equals("RUNNING");
            if (status.equals("RUNNING") ? running : !running) {
                n++;
            }
        }
        return n;
    }

    private static int live(Deployment d) {
        return (int) d.tasks.stream().filter(Task::live).count();
    }

    private static int healthy(Deployment d) {
        return (int) d.tasks.stream().filter(Task::healthy).count();
    }

    // ------------------------------------------------------------ deployments

    void startDeployment(Region region, Service s, Instant now, boolean initial) {
        ServiceDeployment previous = s.serviceDeployments.isEmpty() ? null : s.serviceDeployments.get(0);
        if (previous != null && previous.inProgress()) {
            previous.status = "STOPPED";
            previous.statusReason = "Superseded by a newer service deployment.";
            previous.stoppedAt = now;
            previous.finishedAt = now;
            previous.updatedAt = now;
        }
        Deployment d = new Deployment();
        d.id = ecs.ids.deploymentId();
        d.revisionArn = EcsEmulator.arn(region, "service-revision/" + s.cluster.name + "/" + s.name + "/"
                + d.id.substring("ecs-svc/".length()));
        d.service = s;
        d.taskDef = s.taskDef;
        d.desiredCount = s.desiredCount;
        d.createdAt = now;
        d.updatedAt = now;
        d.launchType = s.launchType;
        d.networkConfiguration = s.networkConfiguration;
        d.serviceConnectConfiguration = s.serviceConnectConfiguration;
        List<Deployment> sources = new ArrayList<>(s.deployments);
        for (Deployment old : sources) {
            old.status = "ACTIVE";
            old.updatedAt = now;
        }
        s.deployments.add(0, d);
        ServiceDeployment sd = new ServiceDeployment();
        sd.arn = EcsEmulator.arn(region, "service-deployment/" + s.cluster.name + "/" + s.name + "/" + ecs.ids.alnum(22));
        sd.service = s;
        sd.createdAt = now;
        sd.startedAt = now;
        sd.updatedAt = now;
        sd.sources.addAll(sources);
        sd.target = d;
        sd.initial = initial;
        sd.deploymentConfiguration = s.deploymentConfiguration.deepCopy();
        sd.lifecycleStage = "SCALE_UP";
        sd.stageSince = now;
        boolean hasBlue = sources.stream().anyMatch(o -> live(o) > 0);
        sd.strategy = !initial && hasBlue ? s.strategy() : "ROLLING";
        if (s.circuitBreakerEnabled()) {
            sd.circuitBreakerStatus = "MONITORING";
            sd.threshold = DeploymentConfigs.threshold(s.deploymentConfiguration, s.desiredCount);
        }
        d.serviceDeployment = sd;
        if (!sd.strategy.equals("ROLLING")) {
            d.weight = 0;
            d.alternate = hasAdvancedLoadBalancers(s); // the green registers in the alternate target groups
            List<Deployment> blues = sources.stream().filter(o -> live(o) > 0).toList();
            for (Deployment o : sources) {
                o.weight = blues.contains(o) ? 100.0 / blues.size() : 0;
            }
        } else {
            sources.forEach(o -> o.weight = Double.NaN);
        }
        s.serviceDeployments.add(0, sd);
        region.serviceDeployments.put(sd.arn, sd);
        region.revisions.put(d.revisionArn, d);
        s.steadyAnnounced = false;
    }

    void resize(Service s, Instant now) {
        Deployment p = s.primary();
        if (p != null) {
            p.desiredCount = s.desiredCount;
            p.updatedAt = now;
        }
    }

    void drain(Service s, Instant now) {
        s.status = "DRAINING";
        s.desiredCount = 0;
        for (Deployment d : s.deployments) {
            d.desiredCount = 0;
            for (Task t : d.tasks) {
                stop(t, "ServiceSchedulerInitiated", "Service deleted", now, false);
            }
        }
        ServiceDeployment sd = s.serviceDeployments.isEmpty() ? null : s.serviceDeployments.get(0);
        if (sd != null && sd.inProgress()) {
            sd.status = "STOPPED";
            sd.statusReason = "The service was deleted.";
            sd.stoppedAt = now;
            sd.finishedAt = now;
        }
    }

    void stopServiceDeployment(ServiceDeployment sd, String stopType, Instant now) {
        Service s = sd.service;
        String reason = "Service deployment stopped by a user request (" + stopType + ").";
        if (!sd.strategy.equals("ROLLING")) {
            rollbackNative(s, sd, reason, stopType.equals("ROLLBACK") ? "ROLLBACK_SUCCESSFUL" : "STOPPED", now);
        } else if (stopType.equals("ROLLBACK") && s.lastCompleted != null && s.lastCompleted != sd.target) {
            sd.status = "ROLLBACK_REQUESTED";
            rollbackRolling(s, sd, reason, now);
        } else {
            sd.status = "STOPPED";
            sd.statusReason = reason;
            sd.stoppedAt = now;
            sd.finishedAt = now;
            sd.target.rolloutState = "FAILED";
            sd.target.rolloutStateReason = reason;
        }
        sd.updatedAt = now;
    }

    private void schedule(Region region, Service s, Instant now) {
        if (s.status.equals("INACTIVE")) {
            return;
        }
        if (s.status.equals("DRAINING")) {
            s.deployments.forEach(d -> d.tasks.removeIf(t -> t.lastStatus.equals("STOPPED")));
            if (s.deployments.stream().allMatch(d -> d.tasks.isEmpty())) {
                s.status = "INACTIVE";
                s.inactiveAt = now;
                s.deployments.clear();
            }
            return;
        }
        ServiceDeployment sd = s.serviceDeployments.isEmpty() ? null : s.serviceDeployments.get(0);
        if (sd != null && sd.inProgress() && !sd.strategy.equals("ROLLING") && sd.target == s.primary()) {
            scheduleNative(region, s, sd, now);
        } else {
            scheduleRolling(region, s, sd, now);
        }
        // forget drained old deployments
        for (Iterator<Deployment> it = s.deployments.listIterator(1); it.hasNext();) {
            Deployment d = it.next();
            if (live(d) == 0 && Double.isNaN(d.weight) || live(d) == 0 && d.weight == 0) {
                d.status = "INACTIVE";
                it.remove();
            }
        }
        for (Deployment d : s.deployments) {
            d.tasks.removeIf(t -> t.lastStatus.equals("STOPPED") && t.stoppedAt.plus(STOPPED_RETENTION).isBefore(now));
        }
        Deployment p = s.primary();
        if (p != null && p.rolloutState.equals("COMPLETED") && s.deployments.size() == 1 && !s.steadyAnnounced
                && healthy(p) == s.desiredCount && live(p) == s.desiredCount) {
            s.steadyAnnounced = true;
            event(s, now, "(service " + s.name + ") has reached a steady state.");
        }
    }

    private void scheduleRolling(Region region, Service s, ServiceDeployment sd, Instant now) {
        Deployment primary = s.primary();
        if (primary == null) {
            return;
        }
        int desired = s.desiredCount;
        primary.desiredCount = desired;
        boolean monitoring = sd != null && sd.inProgress() && sd.target == primary && !primary.rollback
                && sd.circuitBreakerStatus.equals("MONITORING");
        if (monitoring && primary.failedTasks >= sd.threshold) {
            tripRolling(s, sd, now);
            primary = s.primary();
        }
        boolean blocked = primary.rolloutState.equals("FAILED");
        int maxTotal = Math.max(desired, (int) Math.floor(desired * s.maximumPercent() / 100.0));
        int liveTotal = s.deployments.stream().mapToInt(EcsScheduler::live).sum();
        if (!blocked) {
            int toLaunch = Math.min(desired - live(primary), maxTotal - liveTotal);
            launchFor(region, s, primary, toLaunch, now);
        }
        int extra = live(primary) - desired;
        if (extra > 0) {
            scaleIn(s, primary, extra, now);
        }
        if (!blocked) {
            int minHealthy = (int) Math.ceil(desired * s.minimumHealthyPercent() / 100.0);
            int healthyTotal = s.deployments.stream().mapToInt(EcsScheduler::healthy).sum();
            for (Deployment old : s.deployments.subList(1, s.deployments.size())) {
                for (Task t : new ArrayList<>(old.tasks)) {
                    if (t.live() && !t.healthy()) {
                        schedulerStop(s, old, t, now);
                    }
                }
                for (Task t : new ArrayList<>(old.tasks)) {
                    if (t.live() && t.healthy() && healthyTotal - 1 >= minHealthy) {
                        schedulerStop(s, old, t, now);
                        healthyTotal--;
                    }
                }
                old.desiredCount = live(old);
            }
        }
        if (primary.rolloutState.equals("IN_PROGRESS") && healthy(primary) == desired && live(primary) == desired
                && s.deployments.stream().skip(1).allMatch(d -> live(d) == 0)) {
            complete(s, primary, now);
        }
    }

    private void tripRolling(Service s, ServiceDeployment sd, Instant now) {
        Deployment failed = sd.target;
        String reason = "ECS deployment circuit breaker: tasks failed to start.";
        failed.rolloutState = "FAILED";
        failed.rolloutStateReason = reason;
        failed.updatedAt = now;
        sd.circuitBreakerStatus = "TRIGGERED";
        event(s, now, "(service " + s.name + ") (deployment " + failed.id + ") deployment failed: tasks failed to start.");
        if (s.circuitBreakerRollback() && s.lastCompleted != null && s.lastCompleted != failed) {
            sd.status = "ROLLBACK_REQUESTED";
            rollbackRolling(s, sd, reason, now);
        } else {
            sd.status = "STOPPED";
            sd.statusReason = reason;
            sd.stoppedAt = now;
            sd.finishedAt = now;
            sd.updatedAt = now;
        }
    }

    private void rollbackRolling(Service s, ServiceDeployment sd, String reason, Instant now) {
        Deployment failed = sd.target;
        Deployment good = s.lastCompleted;
        if (!failed.rolloutState.equals("FAILED")) {
            failed.rolloutState = "FAILED";
            failed.rolloutStateReason = reason;
        }
        failed.status = "ACTIVE";
        for (Deployment d : s.deployments) {
            d.status = "ACTIVE";
        }
        Deployment back = new Deployment();
        back.id = ecs.ids.deploymentId();
        back.revisionArn = good.revisionArn;
        back.service = s;
        back.taskDef = good.taskDef;
        back.desiredCount = s.desiredCount;
        back.createdAt = now;
        back.updatedAt = now;
        back.launchType = good.launchType;
        back.networkConfiguration = good.networkConfiguration;
        back.serviceConnectConfiguration = good.serviceConnectConfiguration;
        back.rollback = true;
        back.serviceDeployment = sd;
        back.rolloutStateReason = "ECS deployment circuit breaker: rolling back to deploymentId " + good.id + ".";
        // the healthy tasks of the good revision still running become part of the rollback deployment
        s.deployments.remove(good);
        for (Task t : good.tasks) {
            t.deployment = back;
            back.tasks.add(t);
        }
        good.tasks.clear();
        s.deployments.add(0, back);
        s.taskDef = good.taskDef;
        sd.status = "ROLLBACK_IN_PROGRESS";
        sd.rollbackReason = reason;
        sd.rollbackStartedAt = now;
        sd.rollbackTo = back;
        sd.updatedAt = now;
        event(s, now, "(service " + s.name + ") (deployment " + failed.id + ") rolling back to (deployment " + back.id
                + ").");
    }

    private void complete(Service s, Deployment primary, Instant now) {
        swapTargetGroups(s, primary);
        primary.rolloutState = "COMPLETED";
        primary.rolloutStateReason = "ECS deployment " + primary.id + " completed.";
        primary.updatedAt = now;
        primary.weight = Double.NaN;
        s.lastCompleted = primary;
        event(s, now, "(service " + s.name + ") (deployment " + primary.id + ") deployment completed.");
        ServiceDeployment sd = primary.serviceDeployment;
        if (sd != null && sd.inProgress()) {
            sd.status = sd.status.startsWith("ROLLBACK") ? "ROLLBACK_SUCCESSFUL" : "SUCCESSFUL";
            sd.lifecycleStage = "CLEAN_UP";
            sd.finishedAt = now;
            sd.updatedAt = now;
            if (sd.circuitBreakerStatus.equals("MONITORING")) {
                sd.circuitBreakerStatus = "MONITORING_COMPLETE";
            }
        }
    }

    private void scheduleNative(Region region, Service s, ServiceDeployment sd, Instant now) {
        Deployment green = sd.target;
        int desired = s.desiredCount;
        green.desiredCount = desired;
        if (sd.circuitBreakerStatus.equals("MONITORING") && green.failedTasks >= sd.threshold) {
            sd.circuitBreakerStatus = "TRIGGERED";
            event(s, now, "(service " + s.name + ") (deployment " + green.id + ") deployment failed: tasks failed to start.");
            rollbackNative(s, sd, "ECS deployment circuit breaker: tasks failed to start.",
                    s.circuitBreakerRollback() ? "ROLLBACK_SUCCESSFUL" : "STOPPED", now);
            return;
        }
        launchFor(region, s, green, desired - live(green), now);
        ObjectNode config = sd.deploymentConfiguration;
        Duration bake = Duration.ofMinutes(config.path("bakeTimeInMinutes").asInt(0));
        switch (sd.lifecycleStage) {
            case "SCALE_UP" -> {
                if (healthy(green) >= desired) {
                    routeTestTraffic(s, true);
                    stage(sd, "PRODUCTION_TRAFFIC_SHIFT", now);
                    sd.shifted = firstStep(sd);
                    shift(s, green, sd.shifted);
                    if (sd.shifted >= 100) {
                        stage(sd, "BAKE_TIME", now);
                    }
                }
            }
            case "PRODUCTION_TRAFFIC_SHIFT" -> {
                Duration wait = stepBake(sd);
                if (!now.isBefore(sd.stageSince.plus(wait))) {
                    double next = sd.strategy.equals("LINEAR")
                            ? Math.min(100, sd.shifted + config.path("linearConfiguration").path("stepPercent").asDouble(10))
                            : 100;
                    sd.shifted = next;
                    sd.stageSince = now;
                    shift(s, green, next);
                    if (next >= 100) {
                        stage(sd, "BAKE_TIME", now);
                    }
                }
            }
            case "BAKE_TIME" -> {
                if (!now.isBefore(sd.stageSince.plus(bake))) {
                    stage(sd, "CLEAN_UP", now);
                    for (Deployment blue : s.deployments.subList(1, s.deployments.size())) {
                        blue.weight = 0;
                        for (Task t : new ArrayList<>(blue.tasks)) {
                            schedulerStop(s, blue, t, now);
                        }
                        blue.desiredCount = 0;
                    }
                    complete(s, green, now);
                }
            }
            default -> {
            }
        }
        sd.updatedAt = now;
    }

    private static double firstStep(ServiceDeployment sd) {
        return switch (sd.strategy) {
            case "CANARY" -> sd.deploymentConfiguration.path("canaryConfiguration").path("canaryPercent").asDouble(5.0);
            case "LINEAR" -> sd.deploymentConfiguration.path("linearConfiguration").path("stepPercent").asDouble(10.0);
            default -> 100;
        };
    }

    private static Duration stepBake(ServiceDeployment sd) {
        JsonNode c = sd.deploymentConfiguration;
        return switch (sd.strategy) {
            case "CANARY" -> Duration.ofMinutes(c.path("canaryConfiguration").path("canaryBakeTimeInMinutes").asInt(10));
            case "LINEAR" -> Duration.ofMinutes(c.path("linearConfiguration").path("stepBakeTimeInMinutes").asInt(6));
            default -> Duration.ZERO;
        };
    }

    private static void stage(ServiceDeployment sd, String stage, Instant now) {
        sd.lifecycleStage = stage;
        sd.stageSince = now;
        sd.updatedAt = now;
    }

    private static boolean hasAdvancedLoadBalancers(Service s) {
        if (s.loadBalancers == null) {
            return false;
        }
        for (JsonNode lb : s.loadBalancers) {
            if (lb.has("advancedConfiguration")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Moves the production listener rule of each load balancer entry with {@code advancedConfiguration}:
     * {@code percent} to the alternate target group (the green's), the rest to the primary one, as ECS does
     * for BLUE_GREEN, LINEAR and CANARY with an Application Load Balancer (ELB weights are whole numbers: a
     * shift above 0 gets at least 1).
     */
    private void shiftRules(Service s, double percent) {
        if (!hasAdvancedLoadBalancers(s) || ecs.targetGroups == null) {
            return;
        }
        int green = percent <= 0 ? 0 : (int) Math.max(1, Math.min(100, Math.round(percent)));
        for (JsonNode lb : s.loadBalancers) {
            JsonNode ac = lb.path("advancedConfiguration");
            if (ac.has("productionListenerRule")) {
                java.util.Map<String, Integer> w = new java.util.LinkedHashMap<>();
                w.put(lb.path("targetGroupArn").asText(), 100 - green);
                w.put(ac.path("alternateTargetGroupArn").asText(), green);
                ecs.targetGroups.setRuleForward(ac.path("productionListenerRule").asText(), w);
            }
        }
    }

    /** The test listener rule (when set) forwards to the green's alternate target group while a deployment runs, else to the primary. */
    private void routeTestTraffic(Service s, boolean toGreen) {
        if (!hasAdvancedLoadBalancers(s) || ecs.targetGroups == null) {
            return;
        }
        for (JsonNode lb : s.loadBalancers) {
            JsonNode ac = lb.path("advancedConfiguration");
            if (ac.has("testListenerRule")) {
                java.util.Map<String, Integer> w = new java.util.LinkedHashMap<>();
                w.put(lb.path("targetGroupArn").asText(), toGreen ? 0 : 100);
                w.put(ac.path("alternateTargetGroupArn").asText(), toGreen ? 100 : 0);
                ecs.targetGroups.setRuleForward(ac.path("testListenerRule").asText(), w);
            }
        }
    }

    /**
     * After a native deployment with load balancers completes, the green's target groups are the primary ones
     * and the blue's the alternates (ECS swaps them in the service's {@code loadBalancers}); the rules forward
     * everything to the new primary.
     */
    private void swapTargetGroups(Service s, Deployment green) {
        if (!green.alternate) {
            return;
        }
        green.alternate = false;
        com.fasterxml.jackson.databind.node.ArrayNode swapped = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        for (JsonNode lb : s.loadBalancers) {
            ObjectNode n = (ObjectNode) lb.deepCopy();
            if (lb.has("advancedConfiguration")) {
                n.put("targetGroupArn", lb.path("advancedConfiguration").path("alternateTargetGroupArn").asText());
                ((ObjectNode) n.path("advancedConfiguration")).put("alternateTargetGroupArn", lb.path("targetGroupArn").asText());
            }
            swapped.add(n);
        }
        s.loadBalancers = swapped;
        shiftRules(s, 0);
        routeTestTraffic(s, false);
    }

    private void shift(Service s, Deployment green, double percent) {
        shiftRules(s, percent);
        green.weight = percent;
        List<Deployment> blues = s.deployments.stream().filter(d -> d != green && live(d) > 0).toList();
        for (Deployment d : s.deployments) {
            if (d != green) {
                d.weight = blues.contains(d) ? (100 - percent) / blues.size() : 0;
            }
        }
    }

    private void rollbackNative(Service s, ServiceDeployment sd, String reason, String finalStatus, Instant now) {
        Deployment green = sd.target;
        shiftRules(s, 0); // production traffic back on the primary (blue) target groups
        routeTestTraffic(s, false);
        green.alternate = false;
        green.rolloutState = "FAILED";
        green.rolloutStateReason = reason;
        green.status = "ACTIVE";
        green.weight = 0;
        green.updatedAt = now;
        Deployment blue = s.deployments.stream().filter(d -> d != green && live(d) > 0)
                .max(Comparator.comparingInt(EcsScheduler::live)).orElse(s.lastCompleted);
        for (Task t : new ArrayList<>(green.tasks)) {
            schedulerStop(s, green, t, now);
        }
        if (blue != null) {
            s.deployments.remove(blue);
            s.deployments.add(0, blue);
            blue.status = "PRIMARY";
            blue.weight = Double.NaN;
            blue.updatedAt = now;
            s.taskDef = blue.taskDef;
            for (Deployment d : s.deployments) {
                if (d != blue) {
                    d.status = "ACTIVE";
                    d.weight = 0;
                }
            }
            sd.rollbackTo = blue;
        }
        sd.status = finalStatus;
        sd.statusReason = reason;
        sd.rollbackReason = finalStatus.startsWith("ROLLBACK") ? reason : null;
        sd.rollbackStartedAt = now;
        sd.finishedAt = now;
        sd.stoppedAt = now;
        sd.updatedAt = now;
        s.steadyAnnounced = false;
        event(s, now, "(service " + s.name + ") (deployment " + green.id + ") traffic shifted back: " + reason);
    }

    private void launchFor(Region region, Service s, Deployment d, int n, Instant now) {
        if (n <= 0) {
            return;
        }
        for (int i = 0; i < n; i++) {
            launch(region, s.cluster, d.taskDef, d, now);
        }
        d.updatedAt = now;
    }

    private void scaleIn(Service s, Deployment d, int n, Instant now) {
        List<Task> victims = new ArrayList<>(d.tasks.stream().filter(Task::live).toList());
        victims.sort(Comparator.comparing(Task::healthy));
        for (int i = 0; i < n && i < victims.size(); i++) {
            schedulerStop(s, d, victims.get(i), now);
        }
    }

    private void schedulerStop(Service s, Deployment d, Task t, Instant now) {
        if (!t.live()) {
            return;
        }
        stop(t, "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment " + d.id + ")", now, false);
        event(s, now, "(service " + s.name + ") has stopped 1 running tasks: (task " + t.id + ").");
    }

    void event(Service s, Instant now, String message) {
        ObjectNode e = EcsEmulator.JSON.createObjectNode();
        e.put("id", ecs.ids.uuid());
        EcsEmulator.putTime(e, "createdAt", now);
        e.put("message", message);
        s.events.add(0, e);
        if (s.events.size() > MAX_EVENTS) {
            s.events.remove(s.events.size() - 1);
        }
    }
}

package dev.cutover.localcloud.internal.ecs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.localcloud.ImageBehavior;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The mutable state of the ECS emulator; guarded by the emulator's lock. */
final class EcsModel {

    private EcsModel() {
    }

    /** Everything in one Region. */
    static final class Region {
        final String name;
        final Map<String, Cluster> clusters = new LinkedHashMap<>();
        final Map<String, List<TaskDef>> families = new LinkedHashMap<>();
        final Map<String, Task> tasks = new LinkedHashMap<>();
        final Map<String, ServiceDeployment> serviceDeployments = new LinkedHashMap<>();
        final Map<String, Deployment> revisions = new LinkedHashMap<>();
        final Map<String, ArrayNode> tags = new LinkedHashMap<>();

        final String account;

        Region(String name, String account) {
            this.name = name;
            this.account = account;
        }
    }

    static final class Cluster {
        String name;
        String arn;
        String status = "ACTIVE";
        ArrayNode settings;
        final Map<String, Service> services = new LinkedHashMap<>();
        /** Client tokens used in this cluster (ECS idempotency is per cluster), by token. */
        final Map<String, TokenUse> clientTokens = new LinkedHashMap<>();
    }

    /**
     * One use of a client token: the operation, the request without its token (to tell a retry from a
     * different request), when it was used, and what it produced (a service name, task ARNs).
     */
    record TokenUse(String operation, ObjectNode request, Instant at, List<String> results) {
    }

    static final class TaskDef {
        String family;
        int revision;
        String arn;
        String status = "ACTIVE";
        ObjectNode json;
        Instant registeredAt;
        Instant deregisteredAt;
        boolean fargate;
        String networkMode;
        List<ContainerDef> containers = new ArrayList<>();
        /** The virtual node ARNs its Envoy proxy serves (APPMESH proxy configuration), else empty. */
        java.util.Set<String> appMeshNodes = java.util.Set.of();

        String familyRevision() {
            return family + ":" + revision;
        }

        String firstEssentialImage() {
            for (ContainerDef c : containers) {
                if (c.essential) {
                    return c.image;
                }
            }
            return containers.isEmpty() ? "" : containers.get(0).image;
        }
    }

    static final class ContainerDef {
        String name;
        String image;
        boolean essential = true;
        boolean hasHealthCheck;
        int interval = 30;
        int timeout = 5;
        int retries = 3;
        int startPeriod;
    }

    static final class Service {
        String name;
        String arn;
        Cluster cluster;
        String status = "ACTIVE";
        int desiredCount;
        TaskDef taskDef;
        String launchType;
        String schedulingStrategy = "REPLICA";
        ObjectNode deploymentConfiguration;
        ObjectNode networkConfiguration;
        ArrayNode serviceRegistries;
        ObjectNode serviceConnectConfiguration;
        ObjectNode deploymentController;
        ArrayNode loadBalancers;
        Integer healthCheckGracePeriodSeconds;
        String platformVersion;
        Instant createdAt;
        Instant inactiveAt;
        /** Newest first. */
        final List<Deployment> deployments = new ArrayList<>();
        /** Newest first. */
        final List<ObjectNode> events = new ArrayList<>();
        /** Newest first. */
        final List<ServiceDeployment> serviceDeployments = new ArrayList<>();
        Deployment lastCompleted;
        boolean steadyAnnounced;

        String strategy() {
            String s = deploymentConfiguration.path("strategy").asText("ROLLING");
            return s.isEmpty() ? "ROLLING" : s;
        }

        int maximumPercent() {
            return deploymentConfiguration.path("maximumPercent").asInt(200);
        }

        int minimumHealthyPercent() {
            return deploymentConfiguration.path("minimumHealthyPercent").asInt(100);
        }

        boolean circuitBreakerEnabled() {
            return deploymentConfiguration.path("deploymentCircuitBreaker").path("enable").asBoolean(false);
        }

        boolean circuitBreakerRollback() {
            return deploymentConfiguration.path("deploymentCircuitBreaker").path("rollback").asBoolean(false);
        }

        Deployment primary() {
            return deployments.isEmpty() ? null : deployments.get(0);
        }
    }

    /** One entry of a service's {@code deployments} list, which is also a service revision. */
    static final class Deployment {
        String id;
        String revisionArn;
        String status = "PRIMARY";
        TaskDef taskDef;
        int desiredCount;
        Instant createdAt;
        Instant updatedAt;
        String rolloutState = "IN_PROGRESS";
        String rolloutStateReason;
        int failedTasks;
        /** Production traffic percentage under a native strategy, NaN under rolling. */
        double weight = Double.NaN;
        String launchType;
        ObjectNode networkConfiguration;
        ObjectNode serviceConnectConfiguration;
        ServiceDeployment serviceDeployment;
        Service service;
        boolean rollback;
        /** Whether its tasks register in the alternate target groups ({@code advancedConfiguration}): the green of a native deployment. */
        boolean alternate;
        final List<Task> tasks = new ArrayList<>();
    }

    /** A {@code ServiceDeployment}: one change of a service from source revisions to a target revision. */
    static final class ServiceDeployment {
        String arn;
        Service service;
        Instant createdAt;
        Instant startedAt;
        Instant finishedAt;
        Instant stoppedAt;
        Instant updatedAt;
        final List<Deployment> sources = new ArrayList<>();
        Deployment target;
        String status = "IN_PROGRESS";
        String statusReason;
        String lifecycleStage = "RECONCILE_SERVICE";
        ObjectNode deploymentConfiguration;
        String strategy = "ROLLING";
        String rollbackReason;
        Instant rollbackStartedAt;
        Deployment rollbackTo;
        String circuitBreakerStatus = "DISABLED";
        int threshold;
        Instant stageSince;
        double shifted;
        boolean initial;

        boolean inProgress() {
            return status.equals("PENDING") || status.equals("IN_PROGRESS") || status.equals("ROLLBACK_REQUESTED")
                    || status.equals("ROLLBACK_IN_PROGRESS") || status.equals("STOP_REQUESTED");
        }
    }

    static final class Task {
        String arn;
        String id;
        Cluster cluster;
        TaskDef taskDef;
        Deployment deployment;
        String group;
        String startedBy;
        String launchType;
        String lastStatus = "PROVISIONING";
        String desiredStatus = "RUNNING";
        String healthStatus = "UNKNOWN";
        String stopCode;
        String stoppedReason;
        Instant createdAt;
        Instant pendingAt;
        Instant runningAt;
        Instant startedAt;
        Instant stoppingAt;
        Instant stoppedAt;
        Instant stopAt;
        Integer exitCode;
        String privateIp;
        ImageBehavior behavior;
        boolean oneOff;
        boolean schedulerStop;
        long version = 1;
        List<ContainerState> containers = new ArrayList<>();
        ObjectNode overrides;
        String cpu;
        String memory;
        /** The Cloud Map service this task is registered in (ECS serviceRegistries), or null. */
        String registeredIn;
        /** The target groups (ARN|port) this task is registered in (the service's loadBalancers). */
        final java.util.Set<String> targetGroups = new java.util.LinkedHashSet<>();
        /** The health last reported to Cloud Map for the registration. */
        Boolean registeredHealthy;
        boolean registryWarned;

        boolean live() {
            return desiredStatus.equals("RUNNING");
        }

        boolean healthy() {
            return lastStatus.equals("RUNNING") && live() && !healthStatus.equals("UNHEALTHY")
                    && (healthStatus.equals("HEALTHY") || containers.stream().noneMatch(c -> c.def.hasHealthCheck));
        }
    }

    static final class ContainerState {
        ContainerDef def;
        String arn;
        String lastStatus = "PENDING";
        String healthStatus = "UNKNOWN";
        Integer exitCode;
        String reason;
        String runtimeId;
        /** What the image's tag resolved to when the task was launched (ECS's {@code imageDigest}). */
        String digest;
        ImageBehavior behavior;
    }
}

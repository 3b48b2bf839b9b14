package dev.cutover.localcloud.internal.elbv2;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The mutable state of one account and Region's ELBv2; guarded by the emulator's lock. */
final class Elbv2Model {

    private Elbv2Model() {
    }

    static final class LoadBalancer {
        String name;
        String arn;
        String id;
        String type = "application";
        String scheme = "internet-facing";
        String ipAddressType = "ipv4";
        String vpcId;
        String dnsName;
        Instant createdAt;
        List<String> subnets = new ArrayList<>();
        List<String> securityGroups = new ArrayList<>();
        final Map<String, Listener> listeners = new LinkedHashMap<>();
    }

    static final class Listener {
        String arn;
        String id;
        LoadBalancer lb;
        String protocol;
        int port;
        ArrayNode certificates;
        String sslPolicy;
        Rule defaultRule;
        final Map<String, Rule> rules = new LinkedHashMap<>();
    }

    static final class Rule {
        String arn;
        Listener listener;
        /** 1..50000; {@code Integer.MAX_VALUE} for the default rule. */
        int priority;
        boolean isDefault;
        ArrayNode conditions;
        ArrayNode actions;
    }

    static final class TargetGroup {
        String name;
        String arn;
        String protocol;
        String protocolVersion;
        Integer port;
        String vpcId;
        String targetType;
        String ipAddressType = "ipv4";
        boolean healthCheckEnabled = true;
        String healthCheckProtocol;
        String healthCheckPort = "traffic-port";
        String healthCheckPath;
        int healthCheckIntervalSeconds = 30;
        int healthCheckTimeoutSeconds = 5;
        int healthyThresholdCount = 5;
        int unhealthyThresholdCount = 2;
        String matcher = "200";
        final Map<String, String> attributes = new LinkedHashMap<>();
        /** By {@code id:port}. */
        final Map<String, Target> targets = new LinkedHashMap<>();

        int deregistrationDelaySeconds() {
            return Integer.parseInt(attributes.getOrDefault("deregistration_delay.timeout_seconds", "300"));
        }
    }

    static final class Target {
        String id;
        int port;
        String availabilityZone;
        /** The ECS service whose task this is (set when ECS registered it), for routing; null otherwise. */
        String owner;
        String state = "initial";
        String reason = "Elb.RegistrationInProgress";
        String description = "Target registration is in progress";
        Instant registeredAt;
        Instant nextCheckAt;
        int okStreak;
        int failStreak;
        /** Set while draining: when the target leaves the group. */
        Instant drainUntil;

        String key() {
            return id + ":" + port;
        }
    }
}

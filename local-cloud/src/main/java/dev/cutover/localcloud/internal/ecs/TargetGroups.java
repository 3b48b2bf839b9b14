package dev.cutover.localcloud.internal.ecs;

import java.util.Optional;

/**
 * The ELBv2 target groups ECS registers the tasks of services with {@code loadBalancers} in (as ECS
 * does: "Amazon ECS registers and deregisters the tasks' IP addresses or instances with the target
 * group", ECS developer guide, "Use load balancing to distribute Amazon ECS service traffic").
 * A target group ARN names its Region and account; the implementation finds the emulator of that scope.
 */
public interface TargetGroups {

    /** What ECS checks of a target group at CreateService/UpdateService. */
    record Info(String targetType, boolean attachedToLoadBalancer) {
    }

    /** The target group, if it exists. */
    Optional<Info> describe(String targetGroupArn);

    /** Registers a task (its IP, or instance id) on {@code port} for {@code serviceArn}; false when the group is gone. */
    boolean register(String targetGroupArn, String id, int port, String serviceArn);

    /** Deregisters a task (it drains for the group's deregistration delay). */
    void deregister(String targetGroupArn, String id, int port);

    /** The target groups and weights a listener rule forwards to, when the rule exists (empty map: no forward). */
    default Optional<java.util.Map<String, Integer>> ruleForward(String ruleArn) {
        return Optional.empty();
    }

    /** Sets a listener rule's forward action to these target groups and weights (ECS shifting traffic for a deployment). */
    default void setRuleForward(String ruleArn, java.util.Map<String, Integer> weights) {
    }
}

/**
 * The ELBv2 (Application Load Balancer) emulator on the AWS query protocol: load balancers, target
 * groups, listeners, rules with conditions and weighted forwards, target registration and health
 * from the simulated ECS tasks, and the listener routing the traffic simulator follows. Internal:
 * reach it through {@code LocalCloud} and the real {@code ElasticLoadBalancingV2Client}.
 */
package dev.cutover.localcloud.internal.elbv2;

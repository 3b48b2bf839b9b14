/**
 * The local cloud's Application Auto Scaling emulator for ECS services: scalable targets and
 * target-tracking (or step) scaling policies over the JSON 1.1 protocol, with AWS's validation.
 */
package dev.cutover.localcloud.internal.autoscaling;

/**
 * Internal ECS emulator of the local cloud: the JSON 1.1 operations, the seeded task lifecycle and
 * service scheduler (rolling, circuit breaker, native canary/linear/blue-green). Not API: talk to it
 * through the AWS SDK's {@code EcsClient} pointed at {@code LocalCloud.endpoint()}.
 */
package dev.cutover.localcloud.internal.ecs;

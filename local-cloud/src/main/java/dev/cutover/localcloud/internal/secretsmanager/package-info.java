/**
 * The local cloud's Secrets Manager emulator: secrets with versions and staging labels, ARNs with
 * AWS's six-character suffix, scheduled deletion on the simulated clock, over the JSON 1.1
 * protocol. ECS resolves a task's {@code secrets} through its Java API.
 */
package dev.cutover.localcloud.internal.secretsmanager;

/**
 * Machinery of the AWS provider: SDK client construction, the guarded call wrapper, error
 * translation, naming, task definition rendering and the capability implementations.
 * Not an API: it may change in any release, use {@link dev.cutover.aws.AwsProvider} instead.
 */
package dev.cutover.aws.internal;

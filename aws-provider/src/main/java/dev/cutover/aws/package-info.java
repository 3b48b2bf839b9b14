/**
 * Cutover's AWS provider: ECS compute, App Mesh and ECS Service Connect traffic, Cloud Map
 * discovery, Secrets Manager references and Application Auto Scaling, through the AWS SDK for Java v2.
 * Start with {@link dev.cutover.aws.AwsProvider#builder()}, or let {@code ServiceLoader} find
 * {@link dev.cutover.aws.AwsProviderFactory} and configure it with {@code aws.*} keys.
 */
package dev.cutover.aws;

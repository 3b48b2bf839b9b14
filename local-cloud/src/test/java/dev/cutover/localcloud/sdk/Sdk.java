package dev.cutover.localcloud.sdk;

import dev.cutover.localcloud.LocalCloud;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.appmesh.AppMeshClient;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.servicediscovery.ServiceDiscoveryClient;

/** Real AWS SDK v2 clients pointed at a local cloud, as the tests of App Mesh, Cloud Map, Secrets Manager and Auto Scaling use them. */
public final class Sdk {

    private Sdk() {
    }

    private static <B extends AwsClientBuilder<B, ?>> B configure(B builder, LocalCloud cloud) {
        return builder.endpointOverride(cloud.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
    }

    public static AppMeshClient appMesh(LocalCloud cloud) {
        return configure(AppMeshClient.builder(), cloud).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
    }

    /** A Cloud Map client with host-prefix injection disabled, so DiscoverInstances reaches 127.0.0.1. */
    public static ServiceDiscoveryClient serviceDiscovery(LocalCloud cloud) {
        return configure(ServiceDiscoveryClient.builder(), cloud).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))
                        .putAdvancedOption(SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true))
                .build();
    }

    public static EcsClient ecs(LocalCloud cloud) {
        return configure(EcsClient.builder(), cloud).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
    }

    public static SecretsManagerClient secretsManager(LocalCloud cloud) {
        return configure(SecretsManagerClient.builder(), cloud).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
    }

    /** An ECR client acting in account {@code account} (the local cloud reads a 12-digit access key id as the account). */
    public static software.amazon.awssdk.services.ecr.EcrClient ecr(LocalCloud cloud, String account) {
        return software.amazon.awssdk.services.ecr.EcrClient.builder().endpointOverride(cloud.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(account, "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
    }

    /** A CloudWatch client (the SDK speaks the AWS query protocol to it). */
    public static software.amazon.awssdk.services.cloudwatch.CloudWatchClient cloudWatch(LocalCloud cloud) {
        return configure(software.amazon.awssdk.services.cloudwatch.CloudWatchClient.builder(), cloud)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
    }

    public static ApplicationAutoScalingClient autoScaling(LocalCloud cloud) {
        return configure(ApplicationAutoScalingClient.builder(), cloud).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
    }

    public static ElasticLoadBalancingV2Client elbv2(LocalCloud cloud) {
        return configure(ElasticLoadBalancingV2Client.builder(), cloud).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
    }
}

package dev.cutover.aws.internal;

import dev.cutover.aws.HttpClientType;
import java.lang.reflect.Method;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.appmesh.AppMeshClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.servicediscovery.ServiceDiscoveryClient;

/**
 * The SDK clients of the provider, sharing one HTTP client, with the SDK's own retries turned off
 * (the guarded executor is the only retry layer) and, with an endpoint override, Cloud Map's
 * {@code data-} host prefix disabled.
 */
public final class AwsClients implements AutoCloseable {

    private final SdkHttpClient http;
    private final EcsClient ecs;
    private final AppMeshClient appMesh;
    private final ServiceDiscoveryClient cloudMap;
    private final SecretsManagerClient secrets;
    private final ApplicationAutoScalingClient autoScaling;

    public AwsClients(String region, AwsCredentialsProvider credentials, URI endpoint, HttpClientType httpClient) {
        this.http = httpClient(httpClient);
        Region r = Region.of(region);
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.doNotRetry());
        if (endpoint != null) {
            override.putAdvancedOption(SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true);
        }
        ClientOverrideConfiguration o = override.build();
        this.ecs = configure(EcsClient.builder(), r, credentials, endpoint, o).httpClient(http).build();
        this.appMesh = configure(AppMeshClient.builder(), r, credentials, endpoint, o).httpClient(http).build();
        this.cloudMap = configure(ServiceDiscoveryClient.builder(), r, credentials, endpoint, o).httpClient(http).build();
        this.secrets = configure(SecretsManagerClient.builder(), r, credentials, endpoint, o).httpClient(http).build();
        this.autoScaling = configure(ApplicationAutoScalingClient.builder(), r, credentials, endpoint, o).httpClient(http)
                .build();
    }

    private static <B extends AwsClientBuilder<B, ?>> B configure(B b, Region region, AwsCredentialsProvider credentials,
            URI endpoint, ClientOverrideConfiguration o) {
        b.region(region).credentialsProvider(credentials).overrideConfiguration(o);
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        return b;
    }

    private static SdkHttpClient httpClient(HttpClientType type) {
        if (type == HttpClientType.URL_CONNECTION) {
            return UrlConnectionHttpClient.builder().build();
        }
        try {
            Class<?> c = Class.forName(type.className());
            Method builder = c.getMethod("builder");
            Object b = builder.invoke(null);
            return (SdkHttpClient) b.getClass().getMethod("build").invoke(b);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("HTTP client " + type + " is not on the class path; add the dependency "
                    + "software.amazon.awssdk:" + type.artifact() + " (its version comes from the AWS SDK BOM)", e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not create the " + type + " HTTP client: " + e, e);
        }
    }

    public EcsClient ecs() {
        return ecs;
    }

    public AppMeshClient appMesh() {
        return appMesh;
    }

    public ServiceDiscoveryClient cloudMap() {
        return cloudMap;
    }

    public SecretsManagerClient secrets() {
        return secrets;
    }

    public ApplicationAutoScalingClient autoScaling() {
        return autoScaling;
    }

    @Override
    public void close() {
        ecs.close();
        appMesh.close();
        cloudMap.close();
        secrets.close();
        autoScaling.close();
        http.close();
    }
}

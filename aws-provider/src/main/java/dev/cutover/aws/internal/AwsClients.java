package dev.cutover.aws.internal;

import dev.cutover.aws.HttpClientType;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.ProxyConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.appmesh.AppMeshClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.servicediscovery.ServiceDiscoveryClient;

/**
 * The SDK clients of the provider, one set per AWS Region (one provider serves environments in many
 * Regions), each client created on its first use and closed with the provider, all sharing one HTTP client and one
 * override configuration (the caller's, then Cutover's: the SDK's own retries turned off — the
 * guarded executor is the only retry layer —, with an endpoint override Cloud Map's {@code data-}
 * host prefix disabled, and the caller's interceptors). An HTTP client the caller passed in stays
 * open when the provider closes; one the provider built is closed with it.
 */
public final class AwsClients implements AutoCloseable {

    /** The clients of one Region, each built on its first use (building an SDK client loads and initializes hundreds of classes). */
    public static final class Regional {
        private final AwsClients clients;
        private final Region region;
        private final Map<String, SdkClient> built = new ConcurrentHashMap<>();

        private Regional(AwsClients clients, Region region) {
            this.clients = clients;
            this.region = region;
        }

        @SuppressWarnings("unchecked")
        private <C extends SdkClient, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> C client(
                String name, Supplier<B> builder) {
            if (clients.closed) {
                throw new IllegalStateException("the AWS provider is closed");
            }
            return (C) built.computeIfAbsent(name, n -> clients.configure(builder.get(), region).build());
        }

        public EcsClient ecs() {
            return client("ecs", EcsClient::builder);
        }

        public AppMeshClient appMesh() {
            return client("appMesh", AppMeshClient::builder);
        }

        public ServiceDiscoveryClient cloudMap() {
            return client("cloudMap", ServiceDiscoveryClient::builder);
        }

        public SecretsManagerClient secrets() {
            return client("secrets", SecretsManagerClient::builder);
        }

        /** ELBv2 (Application Load Balancers), for LOAD_BALANCER mode. */
        public ElasticLoadBalancingV2Client elb() {
            return client("elb", ElasticLoadBalancingV2Client::builder);
        }

        public ApplicationAutoScalingClient autoScaling() {
            return client("autoScaling", ApplicationAutoScalingClient::builder);
        }

        /** Amazon ECR (image tags resolved to digests at plan time). */
        public EcrClient ecr() {
            return client("ecr", EcrClient::builder);
        }

        /** CloudWatch (the metric source's GetMetricData and DescribeAlarms). */
        public CloudWatchClient cloudWatch() {
            return client("cloudWatch", CloudWatchClient::builder);
        }

        /** Route 53 (a global service: signed for {@code aws-global} whatever this Region), for the services' stable DNS names. */
        public software.amazon.awssdk.services.route53.Route53Client route53() {
            if (clients.closed) {
                throw new IllegalStateException("the AWS provider is closed");
            }
            return (software.amazon.awssdk.services.route53.Route53Client) built.computeIfAbsent("route53",
                    n -> clients.configure(software.amazon.awssdk.services.route53.Route53Client.builder(), Region.AWS_GLOBAL).build());
        }

        /** The names of the clients built so far ({@code ecs}, {@code cloudMap}, ...). */
        Set<String> built() {
            return Set.copyOf(built.keySet());
        }

        private void close() {
            built.values().forEach(SdkClient::close);
            built.clear();
        }
    }

    private final SdkHttpClient http;
    private final boolean ownsHttp;
    private final String defaultRegion;
    private final AwsCredentialsProvider credentials;
    private final URI endpoint;
    private final ClientOverrideConfiguration override;
    private final Map<String, Regional> byRegion = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param http      the HTTP client every SDK client shares
     * @param ownsHttp  whether {@link #close()} closes it (false for a client the caller passed in)
     * @param overrides the caller's override configuration, applied before Cutover's own settings
     */
    public AwsClients(String region, AwsCredentialsProvider credentials, URI endpoint, SdkHttpClient http, boolean ownsHttp,
            Consumer<ClientOverrideConfiguration.Builder> overrides, List<ExecutionInterceptor> interceptors) {
        this.http = http;
        this.ownsHttp = ownsHttp;
        this.defaultRegion = region;
        this.credentials = credentials;
        this.endpoint = endpoint;
        ClientOverrideConfiguration.Builder o = ClientOverrideConfiguration.builder();
        overrides.accept(o);
        o.retryStrategy(AwsRetryStrategy.doNotRetry());
        if (endpoint != null) {
            o.putAdvancedOption(SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true);
        }
        interceptors.forEach(o::addExecutionInterceptor);
        this.override = o.build();
    }

    /**
     * What is wrong with the caller's override configuration: it may not configure retries, since the
     * guarded executor is the only retry layer (SDK retries under it would multiply the attempts and
     * bypass its rate limiter and circuit breaker).
     */
    public static List<String> overrideProblems(Consumer<ClientOverrideConfiguration.Builder> overrides) {
        ClientOverrideConfiguration.Builder probe = ClientOverrideConfiguration.builder();
        overrides.accept(probe);
        ClientOverrideConfiguration c = probe.build();
        if (c.retryStrategy().isPresent() || c.retryPolicy().isPresent() || c.retryMode().isPresent()
                || c.retryStrategyConfigurator().isPresent()) {
            return List.of("overrideConfiguration: sets an SDK retry strategy, policy or mode; Cutover turns SDK retries off "
                    + "because its guarded executor retries every call (configure that on Cutover.builder()) - remove it");
        }
        return List.of();
    }

    /** The clients of {@code region}, created on first use. */
    public Regional in(String region) {
        if (closed) {
            throw new IllegalStateException("the AWS provider is closed");
        }
        return byRegion.computeIfAbsent(region, r -> new Regional(this, Region.of(r)));
    }

    /** The Regions whose clients exist so far. */
    public Set<String> regions() {
        return Set.copyOf(byRegion.keySet());
    }

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B b, Region region) {
        b.region(region).credentialsProvider(credentials).overrideConfiguration(override);
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        b.httpClient(http);
        return b;
    }

    /**
     * Builds the HTTP client of {@code type}; {@code proxy} configures the URLConnection client's proxy
     * (null: the SDK's default, which reads the JVM's proxy system properties).
     */
    public static SdkHttpClient httpClient(HttpClientType type, Consumer<ProxyConfiguration.Builder> proxy) {
        if (type == HttpClientType.URL_CONNECTION) {
            UrlConnectionHttpClient.Builder b = UrlConnectionHttpClient.builder();
            if (proxy != null) {
                b.proxyConfiguration(proxy);
            }
            return b.build();
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

    /** ECS in the provider's default Region. */
    public EcsClient ecs() {
        return in(defaultRegion).ecs();
    }

    /** App Mesh in the provider's default Region. */
    public AppMeshClient appMesh() {
        return in(defaultRegion).appMesh();
    }

    /** Cloud Map in the provider's default Region. */
    public ServiceDiscoveryClient cloudMap() {
        return in(defaultRegion).cloudMap();
    }

    /** Secrets Manager in the provider's default Region. */
    public SecretsManagerClient secrets() {
        return in(defaultRegion).secrets();
    }

    /** Application Auto Scaling in the provider's default Region. */
    public ApplicationAutoScalingClient autoScaling() {
        return in(defaultRegion).autoScaling();
    }

    @Override
    public void close() {
        closed = true;
        byRegion.values().forEach(Regional::close);
        byRegion.clear();
        if (ownsHttp) {
            http.close();
        }
    }
}

package dev.cutover.aws;

import static dev.cutover.aws.AwsWorld.deploy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.aws.AwsWorld.Deployer;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * SDK-style configuration of the provider's clients (issue 15, item 3): an override configuration
 * and interceptors reach every SDK client in every Region, a caller's HTTP client is used and left
 * open, a built one is closed, a proxy carries the calls — all against the local cloud, with the
 * real SDK clients.
 */
class AwsClientConfigurationTest {

    private final AwsWorld world = new AwsWorld();

    @AfterEach
    void close() {
        world.close();
    }

    /** Records, before each request leaves, its service and Region and whether it carries the header. */
    static final class Recorder implements ExecutionInterceptor {
        final Set<String> seen = ConcurrentHashMap.newKeySet();
        final List<String> withoutHeader = new CopyOnWriteArrayList<>();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            String where = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + " "
                    + attributes.getAttribute(AwsExecutionAttribute.AWS_REGION).id();
            seen.add(where);
            if (!context.httpRequest().firstMatchingHeader("x-cutover-team").equals(Optional.of("shop"))) {
                withoutHeader.add(where + " " + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            }
        }
    }

    /** An HTTP client that counts its requests and whether it was closed. */
    static final class CountingHttpClient implements SdkHttpClient {
        final SdkHttpClient delegate = UrlConnectionHttpClient.create();
        final AtomicInteger requests = new AtomicInteger();
        volatile boolean closed;

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            requests.incrementAndGet();
            return delegate.prepareRequest(request);
        }

        @Override
        public String clientName() {
            return "Counting";
        }

        @Override
        public void close() {
            closed = true;
            delegate.close();
        }
    }

    /** Builds one {@link CountingHttpClient}. */
    record CountingBuilder(CountingHttpClient client) implements SdkHttpClient.Builder<CountingBuilder> {
        @Override
        public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            return client;
        }
    }

    private static Environment env(String name, String region) {
        return Environment.named(name).region(region).cluster("main").mesh("internal").namespace(name + ".local").build();
    }

    /** A service that makes a deployment call all five services: ECS, App Mesh, Cloud Map, Secrets Manager, Auto Scaling. */
    private static Service orders() {
        return AwsFixture.orders("1.0.0").toBuilder().secret("DB_PASSWORD", "orders/db")
                .scaling(s -> s.min(2).max(4).targetCpuPercent(60)).build();
    }

    @Test
    void overrideConfigurationAndInterceptorsReachEveryServiceClientInEveryRegion() {
        Recorder recorder = new Recorder();
        for (String region : List.of("us-east-1", "eu-west-1")) {
            world.cloud.secrets(region).createSecret("orders/db", "local-only");
        }
        try (Deployer d = world.deployer(p -> p.overrideConfiguration(o -> o
                .putHeader("x-cutover-team", "shop")
                .addExecutionInterceptor(recorder)), c -> { })) {
            assertThat(deploy(d, Release.of(orders()).to(env("us", "us-east-1")).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(deploy(d, Release.of(orders()).to(env("eu", "eu-west-1")).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        }
        assertThat(recorder.seen).containsExactlyInAnyOrder(
                "Ecs us-east-1", "AppMesh us-east-1", "ServiceDiscovery us-east-1", "SecretsManager us-east-1",
                "ApplicationAutoScaling us-east-1",
                "Ecs eu-west-1", "AppMesh eu-west-1", "ServiceDiscovery eu-west-1", "SecretsManager eu-west-1",
                "ApplicationAutoScaling eu-west-1");
        assertThat(recorder.withoutHeader).as("requests without the override's header").isEmpty();
    }

    @Test
    void aCallersHttpClientCarriesEveryCallAndStaysOpenAfterTheProviderCloses() {
        CountingHttpClient http = new CountingHttpClient();
        try (Deployer d = world.deployer(p -> p.httpClient(http), c -> { })) {
            assertThat(deploy(d, Release.of(AwsFixture.orders("1.0.0")).to(env("us", "us-east-1")).build()))
                    .isEqualTo(DeploymentStatus.SUCCEEDED);
        }
        assertThat(http.requests).as("calls through the caller's client").hasPositiveValue();
        assertThat(http.closed).as("closed by provider.close()").isFalse();
        try (EcsClient ecs = EcsClient.builder().httpClient(http).endpointOverride(world.cloud.endpoint())
                .region(Region.US_EAST_1).credentialsProvider(AwsFixture.CREDENTIALS).build()) {
            assertThat(ecs.listClusters().clusterArns()).as("the client still works").hasSize(1);
        }
        http.close();
    }

    @Test
    void anHttpClientBuiltFromTheCallersBuilderIsClosedWithTheProvider() {
        CountingHttpClient http = new CountingHttpClient();
        CountingBuilder builder = new CountingBuilder(http);
        try (Deployer d = world.deployer(p -> p.httpClientBuilder(builder), c -> { })) {
            assertThat(deploy(d, Release.of(AwsFixture.orders("1.0.0")).to(env("us", "us-east-1")).build()))
                    .isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(http.closed).isFalse();
        }
        assertThat(http.requests).hasPositiveValue();
        assertThat(http.closed).as("closed by provider.close()").isTrue();
    }

    @Test
    void theProxyCarriesEveryCallToAnEndpointOnlyItCanReach() {
        // the endpoint's host does not resolve (.invalid, RFC 2606): only the proxy, here the local cloud
        // itself answering the proxy's absolute-form requests, can carry a call there
        URI unreachable = URI.create("http://aws.cutover-proxy.invalid:4566");
        try (Deployer d = world.deployer(p -> p.endpointOverride(unreachable).proxy(x -> x.endpoint(world.cloud.endpoint())
                .useSystemPropertyValues(false).useEnvironmentVariablesValues(false)), c -> { })) {
            assertThat(deploy(d, Release.of(AwsFixture.orders("1.0.0")).to(env("us", "us-east-1")).build()))
                    .isEqualTo(DeploymentStatus.SUCCEEDED);
        }
    }

    @Test
    void conflictingClientSettingsAreRefusedTogetherAtBuild() {
        CountingHttpClient http = new CountingHttpClient();
        assertThatThrownBy(() -> AwsProvider.builder().region("us-east-1")
                .httpClient(HttpClientType.APACHE).httpClient(http)
                .proxy(p -> p.endpoint(URI.create("http://proxy.internal:3128")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy()))
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 problems")
                .hasMessageContaining("httpClient: httpClient(HttpClientType.APACHE) and httpClient(SdkHttpClient) both choose")
                .hasMessageContaining("proxy: configures the URLConnection HTTP client")
                .hasMessageContaining("overrideConfiguration: sets an SDK retry strategy");
        assertThat(http.requests).hasValue(0);
        http.close();
    }
}

package dev.cutover.aws;

import dev.cutover.Environment;
import dev.cutover.Plan;
import dev.cutover.aws.internal.AppMeshTraffic;
import dev.cutover.aws.internal.AutoScalingCapability;
import dev.cutover.aws.internal.AwsCalls;
import dev.cutover.aws.internal.AwsClients;
import dev.cutover.aws.internal.AwsErrors;
import dev.cutover.aws.internal.AwsRuntime;
import dev.cutover.aws.internal.AwsSettings;
import dev.cutover.aws.internal.Capabilities;
import dev.cutover.aws.internal.CloudMapDiscovery;
import dev.cutover.aws.internal.EcsCompute;
import dev.cutover.aws.internal.Permissions;
import dev.cutover.aws.internal.SecretsManagerSecrets;
import dev.cutover.spi.Compute;
import dev.cutover.spi.Discovery;
import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderContext;
import dev.cutover.spi.Scaling;
import dev.cutover.spi.Secrets;
import dev.cutover.spi.Traffic;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.ProxyConfiguration;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * Cutover's AWS provider: ECS compute, App Mesh or ECS Service Connect traffic, Cloud Map
 * discovery, Secrets Manager references and Application Auto Scaling.
 *
 * <pre>{@code
 * AwsProvider aws = AwsProvider.builder()
 *     .region("us-east-1")
 *     .accountId("123456789012")
 *     .subnets("subnet-0a1b", "subnet-0c2d").securityGroups("sg-0e3f").vpcId("vpc-0a12")
 *     .executionRole("arn:aws:iam::123456789012:role/ecsTaskExecutionRole")
 *     .build();
 * Cutover cutover = Cutover.builder().provider(aws).build();
 * }</pre>
 *
 * <p>Regions and networks belong to the environment: one provider serves environments in many
 * Regions ({@code Environment.region}), with SDK clients per Region created on first use and
 * closed with the provider; ARNs and IAM policies name the environment's Region. Subnets, security
 * groups, public IP and the namespaces' VPC come from {@code Environment.network(...)} (overridable
 * per service); the builder's {@link Builder#subnets}, {@link Builder#securityGroups},
 * {@link Builder#assignPublicIp} and {@link Builder#vpcId} are the defaults for what an environment
 * does not set, and {@link Builder#region} the Region of environments the provider has not seen.
 *
 * <p>Against the local cloud, take the whole wiring from {@code cutover-junit}: {@code @CutoverTest}
 * in a JUnit 5 test, or {@code LocalCutover.builder().start()} elsewhere, gives a local cloud and a
 * {@code Cutover} over this provider on one virtual timeline. Wiring it by hand needs all three of:
 * {@code .endpointOverride(cloud.endpoint())} with static credentials; the provider's
 * {@code .clock(time.clock()).sleeper(time::sleep)} from the same {@code VirtualScheduler time} that
 * {@code Cutover.builder().scheduler(time)} gets; and {@code time.onAdvance(...)} advancing the
 * cloud's {@code SimClock} — a provider on the cloud's clock under Cutover's default (system)
 * scheduler never sees time move, and its deployments stall.
 *
 * <p>SDK-style client configuration applies to every SDK client (ECS, App Mesh, Cloud Map, Secrets
 * Manager, Application Auto Scaling, ECR, CloudWatch) in every Region the provider uses:
 *
 * <pre>{@code
 * AwsProvider aws = AwsProvider.builder()
 *     .region("eu-west-1")
 *     .overrideConfiguration(o -> o
 *         .apiCallTimeout(Duration.ofSeconds(30))                // any ClientOverrideConfiguration setting but retries
 *         .putHeader("x-team", "shop")
 *         .addExecutionInterceptor(new AuditInterceptor()))
 *     .proxy(p -> p.endpoint(URI.create("http://proxy.internal:3128")).addNonProxyHost("169.254.169.254"))
 *     .build();
 * }</pre>
 *
 * Or hand it your own HTTP client: {@link Builder#httpClient(SdkHttpClient)} (you close it, after the
 * provider) or {@link Builder#httpClientBuilder(SdkHttpClient.Builder)} (the provider builds one client
 * from it and closes it). Only the URLConnection client is on the class path by default.
 *
 * <p>The SDK's own retries are off: every call goes through Cutover's guarded executor (see
 * {@link ProviderContext#call}), under the API family whose AWS rate limit {@link #rateLimits()}
 * declares. Failures surface as {@link AwsProviderException} with the AWS error code and message.
 */
public final class AwsProvider implements Provider, AutoCloseable {

    private final AwsSettings settings;
    private final AwsClients clients;
    private final AwsCalls calls;
    private final AwsRuntime runtime;
    private final EcsCompute compute;
    private final AppMeshTraffic traffic;
    private final CloudMapDiscovery discovery;
    private final SecretsManagerSecrets secrets;
    private final AutoScalingCapability scaling;
    private final dev.cutover.aws.internal.Route53Names names;
    private final dev.cutover.aws.internal.CloudWatchSource cloudWatch;

    private AwsProvider(Builder b) {
        String region = b.region != null ? b.region : new DefaultAwsRegionProviderChain().getRegion().id();
        this.settings = new AwsSettings(region, b.accountId, b.logGroupPrefix, b.createLogGroup, b.taskRole, b.executionRole,
                b.revisionRetention, b.keepWarm, b.subnets, b.securityGroups, b.assignPublicIp, b.vpcId, b.pollInterval,
                b.operationTimeout, b.envoyImage);
        SdkHttpClient http = b.sdkHttpClient != null ? b.sdkHttpClient
                : b.sdkHttpClientBuilder != null ? b.sdkHttpClientBuilder.build()
                : AwsClients.httpClient(b.httpClient != null ? b.httpClient : HttpClientType.URL_CONNECTION, b.proxy);
        this.clients = new AwsClients(region, b.credentials != null ? b.credentials : DefaultCredentialsProvider.builder().build(),
                b.endpointOverride, http, b.sdkHttpClient == null, b.overrides, b.interceptors);
        this.calls = new AwsCalls(ProviderContext.direct(b.clock));
        this.runtime = new AwsRuntime(settings, clients, calls, b.sleeper);
        b.environments.forEach(runtime.layouts()::learn);
        runtime.observeConcurrency(b.observeConcurrency);
        Capabilities caps = Capabilities.wire(runtime);
        this.compute = caps.compute();
        this.traffic = caps.traffic();
        this.discovery = caps.discovery();
        this.secrets = caps.secrets();
        this.scaling = caps.scaling();
        this.names = caps.names();
        this.cloudWatch = b.cloudWatch == null ? null : new dev.cutover.aws.internal.CloudWatchSource(runtime, b.cloudWatch);
    }

    /** Starts a provider description; every setting has a default except what AWS itself needs (region, network). */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "aws";
    }

    @Override
    public void start(ProviderContext context) {
        calls.context(Objects.requireNonNull(context, "context"));
        runtime.servesDiscovery(context.serves(dev.cutover.spi.Capability.DISCOVERY));
    }

    /**
     * Learns each release's environment layout (cluster, namespace, mesh, traffic mode) and starts
     * a fresh observation; calls no AWS API.
     *
     * @throws dev.cutover.ValidationException when ECS would refuse a release's task definition for
     *         a reason known now, e.g. a Fargate service with no task execution role configured
     */
    @Override
    public void prepare(java.util.Collection<dev.cutover.Release> releases) {
        for (dev.cutover.Release r : releases) {
            List<dev.cutover.Problem> problems = new ArrayList<>(dev.cutover.aws.internal.TaskDefs.problems(r, settings));
            if (!runtime.servesDiscovery() && r.environment().trafficMode() == dev.cutover.TrafficMode.APP_MESH) {
                // App Mesh virtual nodes find their targets through Cloud Map or DNS (VirtualNodeSpec.serviceDiscovery):
                // neither reads Consul's registrations
                problems.add(new dev.cutover.Problem("environment.trafficMode", "APP_MESH",
                        "App Mesh virtual nodes discover their tasks through AWS Cloud Map or DNS, not Consul, so Consul "
                                + "discovery cannot carry App Mesh traffic; use trafficMode(TrafficMode.SERVICE_CONNECT) with "
                                + "Consul discovery, or keep App Mesh and leave discovery to the AWS provider (Cloud Map)"));
            }
            if (!problems.isEmpty()) {
                throw new dev.cutover.ValidationException("release of '" + r.service().name() + "' to '"
                        + r.environment().name() + "' on AWS", problems);
            }
        }
        runtime.beginObservation();
        for (dev.cutover.Release r : releases) {
            runtime.layouts().learn(r);
        }
    }

    @Override
    public Optional<Compute> compute() {
        return Optional.of(compute);
    }

    @Override
    public Optional<Traffic> traffic() {
        return Optional.of(traffic);
    }

    @Override
    public Optional<Discovery> discovery() {
        return Optional.of(discovery);
    }

    @Override
    public Optional<Secrets> secrets() {
        return Optional.of(secrets);
    }

    @Override
    public Optional<Scaling> scaling() {
        return Optional.of(scaling);
    }

    /**
     * The CloudWatch metric source when {@link Builder#cloudWatchMetrics} configured one (then the
     * provider offers METRICS and Cutover measures metric gates with it), else empty.
     */
    @Override
    public Optional<dev.cutover.analysis.MetricSource> metrics() {
        return Optional.ofNullable(cloudWatch);
    }

    @Override
    public boolean isRetryable(Throwable failure) {
        return AwsErrors.isRetryable(failure);
    }

    @Override
    public boolean isThrottling(Throwable failure) {
        return AwsErrors.isThrottling(failure);
    }

    /**
     * ECS's documented token buckets per API group (e.g. {@code ecs.RegisterTaskDefinition}: 20
     * burst, 1 per second), Cloud Map's DiscoverInstances bucket, and conservative buckets for the
     * App Mesh, Cloud Map and Auto Scaling operations AWS publishes no bucket for.
     */
    @Override
    public Map<String, RateLimit> rateLimits() {
        return dev.cutover.aws.internal.ApiFamilies.limits();
    }

    @Override
    public List<PolicyStatement> requiredPermissions(Plan plan) {
        runtime.layouts().learn(plan.release());
        String env = plan.release().environment().name();
        var layout = runtime.layouts().of(env);
        List<PolicyStatement> out = new ArrayList<>(Permissions.of(settings, layout, plan.release(), plan.changes(),
                runtime.layouts().migratingFrom(env, plan.release().service().name()).orElse(null), policyContext(layout)));
        out.addAll(cloudWatchPermissions(plan.release())); // the rollout's metric gates, also when it is resumed
        out.addAll(names.permissions(plan.release(), plan.changes(), true));
        return out;
    }

    /**
     * The statements {@code Cutover.rollback} to {@code release} needs (it applies no plan; its
     * preview, {@code Cutover.previewRollback}, shows them): the planning reads, restarting the retained
     * revision, moving traffic, retiring the other revisions and applying {@code changes}; no task
     * definition is registered and no role passed.
     */
    @Override
    public List<PolicyStatement> rollbackPermissions(dev.cutover.Release release, List<dev.cutover.Change> changes) {
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(changes, "changes");
        runtime.layouts().learn(release);
        String env = release.environment().name();
        var layout = runtime.layouts().of(env);
        List<PolicyStatement> out = new ArrayList<>(Permissions.rollback(settings, layout, release, changes,
                runtime.layouts().migratingFrom(env, release.service().name()).orElse(null), policyContext(layout)));
        out.addAll(names.permissions(release, List.of(), false)); // planning reads the DNS name; a rollback never changes it
        return out;
    }

    /**
     * What planning saw that a policy depends on: the namespace (with Consul discovery in Service Connect
     * mode nothing else looks it up, so it is listed here, a planning read), who serves discovery, and
     * whether the load balancer and its listener were found.
     */
    private Permissions.Context policyContext(dev.cutover.aws.internal.Layouts.Layout layout) {
        Optional<String> namespace = discovery.knownNamespaceArn(layout);
        if (namespace.isEmpty() && !runtime.servesDiscovery() && !layout.perRevision() && !layout.lbNative()) {
            namespace = discovery.lookUpNamespaceArn(layout);
        }
        return new Permissions.Context(namespace.orElse(null), runtime.servesDiscovery(),
                layout.lbMode() && traffic.loadBalancerFound(layout.environment()));
    }

    /**
     * The statements of {@code Cutover.rollback} to {@code release} when it changes nothing besides
     * the revision and its traffic: {@link #rollbackPermissions rollbackPermissions(release, List.of())}.
     * Resume and abort of a deployment are covered by its plan's policy. Render with {@link #policyJson(List)}.
     */
    public List<PolicyStatement> operationsPermissions(dev.cutover.Release release) {
        return rollbackPermissions(release, List.of());
    }

    /** What the CloudWatch metric source calls for the release's gates, in its environment's Region. */
    private List<PolicyStatement> cloudWatchPermissions(dev.cutover.Release release) {
        if (cloudWatch == null) {
            return List.of();
        }
        String region = runtime.layouts().of(release.environment().name()).region();
        return cloudWatch.permissions(release, settings.inRegion(region).partition(), region, settings.accountId());
    }

    /**
     * What the task role of the plan's service must allow (not the deployer's permissions): in App
     * Mesh mode {@code appmesh:StreamAggregatedResources} on the service's virtual nodes, which
     * Envoy needs to read its configuration. Render with {@link #policyJson(List)}.
     */
    public List<PolicyStatement> taskRolePermissions(Plan plan) {
        return dev.cutover.aws.internal.RolePolicies.taskRole(settings, plan.release());
    }

    /**
     * What the task execution role of the plan's service must allow: writing its CloudWatch log
     * group, pulling its private ECR images, reading the secrets the task definition injects.
     */
    public List<PolicyStatement> executionRolePermissions(Plan plan) {
        return dev.cutover.aws.internal.RolePolicies.executionRole(settings, plan.release());
    }

    /** The statements of {@link #requiredPermissions(Plan)} as an IAM policy document (JSON). */
    public static String policyJson(List<PolicyStatement> statements) {
        return Permissions.json(statements);
    }

    /** AWS API calls this provider made so far, by IAM action ({@code ecs:DescribeServices}). */
    public Map<String, Long> apiCalls() {
        return calls.callCounts();
    }

    /** The default Region (of environments the provider has not seen); each environment's own Region wins. */
    public String region() {
        return settings.region();
    }

    /** How long a replaced revision stays warm after promotion before it is retired. */
    public Duration keepWarm() {
        return settings.keepWarm();
    }

    /** How many task definition revisions per service stay registered. */
    public int revisionRetention() {
        return settings.revisionRetention();
    }

    /**
     * Closes the SDK clients and the HTTP client the provider built; an HTTP client passed to
     * {@link Builder#httpClient(SdkHttpClient)} stays open (its owner closes it).
     */
    @Override
    public void close() {
        clients.close();
    }

    @Override
    public String toString() {
        return "AwsProvider[region=" + settings.region() + "]";
    }

    /** Builds an {@link AwsProvider}. */
    public static final class Builder {
        private String region;
        private AwsCredentialsProvider credentials;
        private URI endpointOverride;
        private HttpClientType httpClient;   // null: URL_CONNECTION unless another client is given
        private SdkHttpClient sdkHttpClient;
        private SdkHttpClient.Builder<?> sdkHttpClientBuilder;
        private Consumer<ProxyConfiguration.Builder> proxy;
        private Consumer<ClientOverrideConfiguration.Builder> overrides = o -> { };
        private String accountId = "*";
        private String logGroupPrefix = "/cutover";
        private boolean createLogGroup = true;
        private String taskRole;
        private String executionRole;
        private int revisionRetention = 5;
        private Duration keepWarm = Duration.ofMinutes(15);
        private final List<String> subnets = new ArrayList<>();
        private final List<String> securityGroups = new ArrayList<>();
        private boolean assignPublicIp;
        private String vpcId = "";
        private Duration pollInterval = Duration.ofSeconds(5);
        private Duration operationTimeout = Duration.ofMinutes(5);
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.wallClock();
        private final List<Environment> environments = new ArrayList<>();
        private int observeConcurrency = 4;
        private String envoyImage = dev.cutover.aws.internal.TaskDefs.DEFAULT_ENVOY_IMAGE;
        private final List<ExecutionInterceptor> interceptors = new ArrayList<>();
        private CloudWatchMetrics cloudWatch;

        private Builder() {
        }

        /**
         * Measures metric gates from CloudWatch ({@code GetMetricData}, {@code DescribeAlarms} for
         * {@link CloudWatchMetrics#alarmNotFiring alarm gates}) in each environment's Region: the
         * provider then offers METRICS. Off by default.
         */
        public Builder cloudWatchMetrics(CloudWatchMetrics metrics) {
            this.cloudWatch = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /** {@link #cloudWatchMetrics(CloudWatchMetrics)} from the defaults changed by {@code metrics}. */
        public Builder cloudWatchMetrics(java.util.function.Consumer<CloudWatchMetrics.Builder> metrics) {
            CloudWatchMetrics.Builder b = CloudWatchMetrics.builder();
            Objects.requireNonNull(metrics, "metrics").accept(b);
            return cloudWatchMetrics(b.build());
        }

        /**
         * Adds an SDK execution interceptor to every client of every Region (e.g. to audit the calls
         * made, as the tests do to check the plans' IAM policies against the calls).
         */
        public Builder addInterceptor(ExecutionInterceptor interceptor) {
            this.interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /**
         * Customizes the SDK's {@link ClientOverrideConfiguration} of every client in every Region, as the
         * SDK's own client builders do: API call and attempt timeouts, headers, execution interceptors,
         * execution attributes, metric publishers, advanced options. Replaces an earlier customizer.
         * Cutover's settings are applied after it: SDK retries stay off, so setting a retry strategy,
         * policy or mode here is an error at {@link #build()} (the guarded executor retries every call);
         * with an {@link #endpointOverride} Cloud Map's host prefix stays disabled; interceptors added
         * with {@link #addInterceptor} run after the ones added here.
         */
        public Builder overrideConfiguration(Consumer<ClientOverrideConfiguration.Builder> overrides) {
            this.overrides = Objects.requireNonNull(overrides, "overrideConfiguration");
            return this;
        }

        /**
         * An HTTP client that every SDK client of the provider shares, instead of one the provider
         * builds. The caller owns it: {@link AwsProvider#close()} leaves it open, so close it yourself
         * after the provider. Its proxy, TLS and pool settings are its own ({@link #proxy} does not
         * apply). Exclusive with {@link #httpClient(HttpClientType)} and {@link #httpClientBuilder}.
         */
        public Builder httpClient(SdkHttpClient httpClient) {
            this.sdkHttpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /**
         * A builder of the HTTP client (e.g. {@code ApacheHttpClient.builder().maxConnections(20)}): the
         * provider builds one client from it, shares it between its SDK clients and closes it with
         * itself. Exclusive with {@link #httpClient(HttpClientType)} and {@link #httpClient(SdkHttpClient)}.
         */
        public Builder httpClientBuilder(SdkHttpClient.Builder<?> builder) {
            this.sdkHttpClientBuilder = Objects.requireNonNull(builder, "httpClientBuilder");
            return this;
        }

        /**
         * The HTTPS/HTTP proxy of the default URLConnection HTTP client (default: the SDK's, which reads
         * the JVM's {@code http(s).proxyHost} system properties). For another client, configure the proxy
         * on it and pass it with {@link #httpClientBuilder} or {@link #httpClient(SdkHttpClient)}. The
         * proxy password is never logged.
         *
         * <pre>{@code
         * .proxy(p -> p.endpoint(URI.create("http://proxy.internal:3128")).username("deploy").password(secret))
         * }</pre>
         */
        public Builder proxy(Consumer<ProxyConfiguration.Builder> proxy) {
            this.proxy = Objects.requireNonNull(proxy, "proxy");
            return this;
        }

        /**
         * How many task definitions planning describes at once when many services are observed
         * (default 4; 1 describes them one after the other). Every call still passes the rate limiter.
         */
        public Builder observeConcurrency(int threads) {
            if (threads < 1 || threads > 32) {
                throw new IllegalArgumentException("observeConcurrency must be 1-32, was " + threads);
            }
            this.observeConcurrency = threads;
            return this;
        }

        /**
         * The default AWS Region, for environments the provider has not seen (default: the SDK's region
         * chain: {@code AWS_REGION}, profile, instance metadata); an environment's {@code region} wins.
         */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /** Where credentials come from (default: the SDK's default credentials chain). */
        public Builder credentials(AwsCredentialsProvider credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** Sends every call to this endpoint (the local cloud); also disables Cloud Map's {@code data-} host prefix. */
        public Builder endpointOverride(URI endpoint) {
            this.endpointOverride = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * The SDK HTTP client the provider builds and closes (default {@link HttpClientType#URL_CONNECTION}).
         * Exclusive with {@link #httpClient(SdkHttpClient)} and {@link #httpClientBuilder}.
         */
        public Builder httpClient(HttpClientType httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /** The 12-digit account id used in the ARNs of {@link AwsProvider#requiredPermissions} (default {@code *}). */
        public Builder accountId(String accountId) {
            Objects.requireNonNull(accountId, "accountId");
            if (!accountId.equals("*") && !accountId.matches("\\d{12}")) {
                throw new IllegalArgumentException("accountId must be 12 digits, was '" + accountId + "'");
            }
            this.accountId = accountId;
            return this;
        }

        /** Log groups are {@code <prefix>/<environment>/<service>} (default {@code /cutover}). */
        public Builder logGroupPrefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (!prefix.matches("[A-Za-z0-9_./#-]{1,400}")) {
                throw new IllegalArgumentException("logGroupPrefix must be 1-400 of letters, digits and _ . / # -, was '"
                        + prefix + "'");
            }
            this.logGroupPrefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
            return this;
        }

        /** Whether the awslogs driver creates missing log groups (default true). */
        public Builder createLogGroup(boolean create) {
            this.createLogGroup = create;
            return this;
        }

        /** The task role of services that declare none. */
        public Builder taskRole(String roleArn) {
            this.taskRole = Objects.requireNonNull(roleArn, "roleArn");
            return this;
        }

        /** The execution role (image pull, logs, secrets) of services that declare none. */
        public Builder executionRole(String roleArn) {
            this.executionRole = Objects.requireNonNull(roleArn, "roleArn");
            return this;
        }

        /**
         * The Envoy image of the proxy container every task runs in App Mesh mode (default: AWS's
         * published {@code public.ecr.aws/appmesh/aws-appmesh-envoy} image). An image from a
         * private ECR repository needs the execution role on Fargate.
         */
        public Builder envoyImage(String image) {
            Objects.requireNonNull(image, "envoyImage");
            if (image.isBlank() || image.length() > 255 || image.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("envoyImage must be an image reference (registry/repository:tag), was '"
                        + image + "'");
            }
            this.envoyImage = image;
            return this;
        }

        /** How many task definition revisions per service stay registered (default 5, at least 1). */
        public Builder revisionRetention(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("revisionRetention must be at least 1, was " + count);
            }
            this.revisionRetention = count;
            return this;
        }

        /** How long a replaced revision stays warm after promotion (default 15 minutes). */
        public Builder keepWarm(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.isNegative()) {
                throw new IllegalArgumentException("keepWarm must not be negative, was " + window);
            }
            this.keepWarm = window;
            return this;
        }

        /** The awsvpc subnets of tasks whose environment's network sets none (replaces). */
        public Builder subnets(String... subnets) {
            this.subnets.clear();
            this.subnets.addAll(List.of(subnets));
            return this;
        }

        /** The awsvpc security groups of tasks whose environment's network sets none (replaces). */
        public Builder securityGroups(String... groups) {
            this.securityGroups.clear();
            this.securityGroups.addAll(List.of(groups));
            return this;
        }

        /** Whether Fargate tasks get a public IP when their environment's network does not say (default false). */
        public Builder assignPublicIp(boolean assign) {
            this.assignPublicIp = assign;
            return this;
        }

        /** The VPC of Cloud Map private DNS namespaces whose environment's network names none. */
        public Builder vpcId(String vpcId) {
            this.vpcId = Objects.requireNonNull(vpcId, "vpcId");
            return this;
        }

        /** How often asynchronous operations (namespaces, one-off tasks) are polled (default 5 s). */
        public Builder pollInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("pollInterval must be positive, was " + interval);
            }
            this.pollInterval = interval;
            return this;
        }

        /** How long a Cloud Map operation may take (default 5 minutes). */
        public Builder operationTimeout(Duration timeout) {
            this.operationTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** The clock used before the core hands the provider its own (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How the provider waits between polls (default: the wall clock). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Declares an environment's layout (cluster, namespace, mesh, traffic mode). Optional: the
         * provider also learns it from the releases and plans it sees.
         */
        public Builder environment(Environment environment) {
            this.environments.add(Objects.requireNonNull(environment, "environment"));
            return this;
        }

        /**
         * Builds the provider; its SDK clients are created per Region on first use.
         *
         * @throws IllegalArgumentException naming every conflicting HTTP client and override setting at once
         */
        public AwsProvider build() {
            List<String> problems = new ArrayList<>();
            List<String> clients = new ArrayList<>();
            if (httpClient != null) {
                clients.add("httpClient(HttpClientType." + httpClient + ")");
            }
            if (sdkHttpClient != null) {
                clients.add("httpClient(SdkHttpClient)");
            }
            if (sdkHttpClientBuilder != null) {
                clients.add("httpClientBuilder(...)");
            }
            if (clients.size() > 1) {
                problems.add("httpClient: " + String.join(" and ", clients) + " both choose the HTTP client; keep one");
            }
            if (proxy != null && (sdkHttpClient != null || sdkHttpClientBuilder != null
                    || (httpClient != null && httpClient != HttpClientType.URL_CONNECTION))) {
                problems.add("proxy: configures the URLConnection HTTP client, but " + clients.get(0)
                        + " chooses another; set the proxy on that client instead");
            }
            problems.addAll(AwsClients.overrideProblems(overrides));
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("AwsProvider: " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                        + "\n  - " + String.join("\n  - ", problems));
            }
            return new AwsProvider(this);
        }
    }
}

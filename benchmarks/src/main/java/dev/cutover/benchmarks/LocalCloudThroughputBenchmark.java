package dev.cutover.benchmarks;

import dev.cutover.localcloud.LocalCloud;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.NetworkMode;

/**
 * Requests per second the local cloud answers through the real AWS SDK v2 ECS client on loopback:
 * {@code DescribeServices} of 10 services with 2 running tasks each, and {@code ListTasks}, with
 * throttling off, from 8 client threads (one SDK client each, as separate deployers would be), with
 * the SDK's URLConnection HTTP client (the one the AWS provider uses).
 * Every call is a full HTTP round trip with SigV4 signing and JSON (un)marshalling.
 *
 * <pre>{@code
 * ./mvnw -B -q -pl benchmarks exec:exec -Djmh.args="LocalCloudThroughput -f 1"
 * }</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(8)
public class LocalCloudThroughputBenchmark {

    private static final List<String> SERVICES = List.of("s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9");

    /** One local cloud for the whole run, with a cluster of 10 steady services. */
    @State(Scope.Benchmark)
    public static class Cloud {
        LocalCloud cloud;

        @Setup(Level.Trial)
        public void start() {
            cloud = LocalCloud.start();
            cloud.faults().throttling(false);
            cloud.traffic().defaultRate(0);
            try (EcsClient ecs = client(cloud)) {
                ecs.createCluster(r -> r.clusterName("bench"));
                String td = ecs.registerTaskDefinition(r -> r.family("bench")
                        .requiresCompatibilities(Compatibility.FARGATE).networkMode(NetworkMode.AWSVPC).cpu("256").memory("512")
                        .containerDefinitions(ContainerDefinition.builder().name("app").image("registry.local/bench:1").build()))
                        .taskDefinition().taskDefinitionArn();
                for (String s : SERVICES) {
                    ecs.createService(r -> r.cluster("bench").serviceName(s).taskDefinition(td).desiredCount(2)
                            .launchType("FARGATE")
                            .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1"))));
                }
            }
            cloud.clock().advance(java.time.Duration.ofMinutes(2));
        }

        @TearDown(Level.Trial)
        public void stop() {
            cloud.close();
        }
    }

    /** One SDK client per benchmark thread, with the HTTP client under comparison. */
    @State(Scope.Thread)
    public static class Client {
        /** The SDK's URLConnection client (Cutover's default) or its Apache client (TCP_NODELAY, pooled). */
        @org.openjdk.jmh.annotations.Param({"url-connection", "apache"})
        public String http;

        EcsClient ecs;

        @Setup(Level.Trial)
        public void open(Cloud cloud) {
            ecs = client(cloud.cloud, http);
        }

        @TearDown(Level.Trial)
        public void close() {
            ecs.close();
        }
    }

    static EcsClient client(LocalCloud cloud) {
        return client(cloud, "url-connection");
    }

    static EcsClient client(LocalCloud cloud, String http) {
        return EcsClient.builder()
                .endpointOverride(cloud.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClientBuilder("apache".equals(http)
                        ? software.amazon.awssdk.http.apache.ApacheHttpClient.builder().maxConnections(16)
                        : UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @Benchmark
    public DescribeServicesResponse describeServices(Client client) {
        return client.ecs.describeServices(r -> r.cluster("bench").services(SERVICES));
    }

    @Benchmark
    public ListTasksResponse listTasks(Client client) {
        return client.ecs.listTasks(r -> r.cluster("bench").serviceName("s0"));
    }
}

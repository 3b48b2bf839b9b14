package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Cutover;
import dev.cutover.Environment;
import dev.cutover.Logs;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Sidecar;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.SimClock;
import dev.cutover.spi.Capability;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * What the Java blocks of docs/providers-aws.md lead to, asserted: each {@code snippet:start}/{@code snippet:end}
 * region is code of the page, run here (against the local cloud where it talks to AWS) with assertions on its
 * outcome. The examples module's {@code DocBlocksTest} runs the blocks themselves, exactly as written.
 */
class AwsDocsExamplesTest {

    @Test
    void configurationFromCode() {
        // snippet:start
        AwsProvider aws = AwsProvider.builder()
            .region("eu-west-1")                       // default: the SDK's region chain (AWS_REGION, profile, IMDS)
            .credentials(ProfileCredentialsProvider.create("deploy")) // default: the SDK's default credentials chain
            .httpClient(HttpClientType.URL_CONNECTION) // default; APACHE needs software.amazon.awssdk:apache-client
            .accountId("123456789012")                 // used in the ARNs of the IAM policy (default "*")
            .subnets("subnet-0a1b", "subnet-0c2d").securityGroups("sg-0e3f").vpcId("vpc-0a12")
            .executionRole("arn:aws:iam::123456789012:role/ecsTaskExecutionRole")
            .revisionRetention(5)                      // task definition revisions kept per service
            .build();
        Cutover cutover = Cutover.builder().provider(aws).build();
        // snippet:end
        assertThat(aws.name()).isEqualTo("aws");
        cutover.close();
        aws.close();
    }

    @Test
    void consulNextToEcs() {
        try (LocalCloud cloud = LocalCloud.start()) {
            AwsProvider aws = AwsProvider.builder().region("us-east-1").endpointOverride(cloud.endpoint())
                    .credentials(AwsFixture.CREDENTIALS).build();
            // snippet:start
            dev.cutover.consul.ConsulProvider consul = dev.cutover.consul.ConsulProvider.builder().url(cloud.consul().endpoint()).build();
            Cutover cutover = Cutover.builder()
                .provider(aws).provider(consul)
                .use(Capability.DISCOVERY, "consul")   // Consul registers the ECS tasks
                .use(Capability.TRAFFIC, "aws")        // Service Connect moves the traffic
                .build();
            // snippet:end
            assertThat(consul.discovery()).isPresent();
            assertThat(cutover).isNotNull();
            cutover.close();
            aws.close();
        }
    }

    @Test
    void endpointOverrideOnTheLocalCloud() {
        SimClock cloudClock = SimClock.virtual(Instant.parse("2026-01-01T00:00:00Z"));
        try (LocalCloud cloud = LocalCloud.builder().clock(cloudClock).start()) {
            VirtualScheduler scheduler = Scheduler.virtual(cloudClock.instant());
            scheduler.onAdvance((from, to) -> {
                if (to.isAfter(cloudClock.instant())) {
                    cloudClock.advance(Duration.between(cloudClock.instant(), to));
                }
            });
            // snippet:start
            AwsProvider aws = AwsProvider.builder().region("us-east-1").endpointOverride(cloud.endpoint())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .executionRole("arn:aws:iam::123456789012:role/ecsTaskExecutionRole") // ECS needs one on Fargate
                .clock(scheduler.clock()).sleeper(scheduler::sleep)   // virtual time: waits move the scheduler
                .observeConcurrency(1)                                 // one virtual timeline: describe one at a time
                .build();
            // snippet:end
            Cutover cutover = Cutover.builder().provider(aws).discoverProviders(false).scheduler(scheduler).build();
            Plan plan = cutover.plan(AwsFixture.release(AwsFixture.orders("1.0.0"), AwsFixture.meshEnv()));
            assertThat(plan.toString()).as("a first plan against the empty local cloud").contains("+ cluster stage/main");
            cutover.close();
            aws.close();
        }
    }

    @Test
    void sidecarsAndLogs() {
        // snippet:start
        Service orders = Service.named("orders").image("repo/orders:1.4.2")
            .sidecar("datadog-agent", s -> s.image("public.ecr.aws/datadog/agent:7").memoryMiB(256)
                .env("ECS_FARGATE", "true").essential(false))
            .build();
        // snippet:end
        // snippet:start
        Environment prod = Environment.named("prod").region("us-east-1").cluster("main")
            .logs(Logs.datadog("prod/datadog/api-key").site("datadoghq.eu").source("java").tag("team", "shop"))
            .build();
        // snippet:end
        assertThat(orders.sidecars()).extracting(Sidecar::name).containsExactly("datadog-agent");
        assertThat(Release.of(orders).to(prod).build().service().logs()).containsInstanceOf(Logs.Datadog.class);
    }

    @Test
    void appMeshAndServiceConnectEnvironments() {
        // snippet:start
        Environment stage = Environment.named("stage").region("us-east-1").cluster("main").mesh("internal")
            .namespace("stage.local").build();                  // App Mesh
        Environment switched = stage.toBuilder().serviceConnect().build();   // ECS Service Connect
        // snippet:end
        assertThat(stage.mesh()).contains("internal");
        assertThat(switched.cluster()).isEqualTo("main");
        assertThat(switched.trafficMode()).isNotEqualTo(stage.trafficMode());
    }

    @Test
    void regionsAndNetworksPerEnvironment() {
        // snippet:start
        Environment dublin = Environment.named("prod-eu").region("eu-west-1").cluster("main")
            .network(n -> n.vpc("vpc-0e0e0e0e").subnets("subnet-0e1e2e3e", "subnet-0e4e5e6e").securityGroups("sg-0e1e2e3e"))
            .override("edge", o -> o.network(n -> n.assignPublicIp(true).securityGroups("sg-0e9e9e9e")))
            .build();
        Environment virginia = Environment.named("prod-us").region("us-east-1").cluster("main")
            .network(n -> n.vpc("vpc-0a0a0a0a").subnets("subnet-0a1a2a3a").securityGroups("sg-0a1a2a3a"))
            .build();
        // one AwsProvider deploys both, each into its own Region, subnets and security groups
        // snippet:end
        assertThat(dublin.network("edge").securityGroups()).containsExactly("sg-0e9e9e9e");
        assertThat(dublin.network("edge").subnets()).containsExactly("subnet-0e1e2e3e", "subnet-0e4e5e6e");
        assertThat(virginia.network("orders").assignPublicIp()).isEmpty();
    }
}

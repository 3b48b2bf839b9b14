package dev.cutover.examples.docs;

import static dev.cutover.Strategies.allAtOnce;
import static dev.cutover.Strategies.blueGreen;
import static dev.cutover.Strategies.canary;
import static dev.cutover.Strategies.linear;
import static dev.cutover.Strategies.rolling;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Strategy;
import dev.cutover.analysis.Analysis;
import dev.cutover.aws.AwsProviderFactory;
import dev.cutover.consul.ConsulProviderFactory;
import dev.cutover.spi.Capability;
import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderConfig;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the Java blocks of docs/getting-started.md, strategies-and-analysis.md, providers.md and
 * security.md lead to, asserted: each {@code snippet:start}/{@code snippet:end} region is code of those
 * pages, run here with assertions on its outcome. {@link DocBlocksTest} runs the blocks themselves,
 * exactly as written.
 */
class DocsExamplesTest {

    private final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void gettingStartedFirstDeployment() {
        // snippet:start
        VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));   // dev.cutover.time
        Service orders = Service.named("orders")
            .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.2")
            .port(8080).cpu(256).memoryMiB(512).instances(2)
            .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10)))
            .build();
        Environment stage = Environment.named("stage")
            .region("us-east-1").cluster("main").mesh("internal").namespace("stage.local")
            .build();

        Cutover cutover = Cutover.builder()
            .provider(new InMemoryProvider())
            .scheduler(time)                      // virtual time: a 10-minute bake takes no time
            .build();

        Plan plan = cutover.plan(Release.of(orders).to(stage).build());
        System.out.println(plan);                 // + cluster stage/main, + revision stage/orders, ...
        Deployment first = cutover.apply(plan);
        first.await();                            // SUCCEEDED: 1.4.2 serves 100%

        Service next = orders.toBuilder().image("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.3").build();
        Deployment canary = cutover.apply(cutover.plan(Release.of(next).to(stage)
            .strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(10)))
            .build()));
        canary.await();                           // 10% -> 50% -> 100%, health analysed at each step
        cutover.history("orders", "stage").forEach(System.out::println);
        // snippet:end
        assertThat(first.status()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(canary.status()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(cutover.history("orders", "stage")).hasSize(2);
        cutover.close();
    }

    @Test
    void everyStrategy() {
        // snippet:start
        Strategy once = allAtOnce().bake(Duration.ofMinutes(5));
        Strategy batches = rolling().minHealthyPercent(50).maxPercent(150);
        Strategy steps = canary().steps(5, 25, 50, 100).bake(Duration.ofMinutes(10));
        Strategy ramp = linear().stepPercent(20).interval(Duration.ofMinutes(2));
        Strategy switchover = blueGreen().previewBake(Duration.ofMinutes(5)).bake(Duration.ofMinutes(15));
        // snippet:end
        assertThat(List.of(once, batches, steps, ramp, switchover)).extracting(Strategy::name)
                .containsExactly("all-at-once", "rolling", "canary", "linear", "blue-green");
        assertThat(ramp.trafficSteps()).hasSize(5);
    }

    @Test
    void analysisRules() {
        // snippet:start
        Strategy guarded = canary().steps(10, 50, 100).bake(Duration.ofMinutes(10))
            .analysis(a -> a
                .errorRateBelow(0.01)                          // gate: error rate under 1%
                .p99LatencyBelow(Duration.ofMillis(300))       // gate: p99 under 300 ms
                .initialDelay(Duration.ofMinutes(2))           // first measurement 2 min after the shift
                .interval(Duration.ofMinutes(1))               // then one per minute of bake
                .failureLimit(1)                               // a second failed measurement rolls back
                .consecutiveErrorLimit(4)                      // a source failing 5 times in a row pauses (metric outage)
                .metricOutageTimeout(Duration.ofMinutes(30))   // ... and rolls back if still down 30 min after its first error
                .inconclusiveLimit(2)                          // a third "no data" pauses for a person
                .inconclusiveTimeout(Duration.ofMinutes(30))   // ... and rolls back if nobody decides within 30 min
                .maxFailedTasks(0)                             // any failed task of the new revision fails the step
                .progressDeadline(Duration.ofMinutes(10)));    // healthy within 10 min, or roll back
        // snippet:end
        Analysis a = guarded.analysis();
        assertThat(a.gates()).hasSize(2);
        assertThat(a.failureLimit()).isEqualTo(1);
        assertThat(a.inconclusiveLimit()).isEqualTo(2);
    }

    @Test
    void approvalGate() {
        InMemoryProvider cloud = new InMemoryProvider();
        Cutover cutover = Cutover.builder().provider(cloud).scheduler(time).build();
        Service orders = Service.named("orders").image("registry.example.com/orders:1.0.0").build();
        Environment prod = Environment.named("prod").region("us-east-1").cluster("main").mesh("internal")
                .namespace("prod.local").requireApproval().build();
        Deployment first = cutover.apply(cutover.plan(Release.of(orders).to(prod).build()));
        first.approve();
        assertThat(first.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        Release release = Release.of(orders.toBuilder().image("registry.example.com/orders:1.1.0").build()).to(prod)
                .strategy(canary()).build();
        // snippet:start
        Deployment d = cutover.apply(cutover.plan(release));
        d.await(Duration.ofHours(1));             // stops before 100%: AWAITING_APPROVAL
        d.approve();                              // or promote(); abort() rolls back
        d.await();
        // snippet:end
        assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCEEDED);
        cutover.close();
    }

    @Test
    void providersFromConfiguration() {
        // snippet:start
        ProviderConfig config = ProviderConfig.of(Map.of(
            "aws.region", "eu-west-1",
            "aws.subnets", "subnet-0a1b2c3d,subnet-4e5f6a7b",
            "aws.security-groups", "sg-0a1b2c3d",
            "consul.url", "https://consul.internal:8501"));
        Provider aws = new AwsProviderFactory().create(config);
        Provider consul = new ConsulProviderFactory().create(config);
        Cutover cutover = Cutover.builder()
            .provider(aws).provider(consul)
            .use(Capability.TRAFFIC, "aws")           // App Mesh / Service Connect, not Consul's splitter
            .use(Capability.DISCOVERY, "aws")         // Cloud Map
            .use(Capability.LOCK, "consul")           // sessions: one deployer per service and environment
            .build();
        // snippet:end
        assertThat(aws.capabilities()).contains(Capability.COMPUTE, Capability.TRAFFIC);
        assertThat(consul.capabilities()).contains(Capability.LOCK);
        cutover.close();
    }

    @Test
    void providersFromTheEnvironment() {
        boolean noRegion = System.getProperty("aws.region") == null && System.getenv("AWS_REGION") == null;
        if (noRegion) {
            System.setProperty("aws.region", "us-east-1"); // what the shell's environment gives in real use
        }
        // snippet:start
        // aws.region or AWS_REGION, consul.token or CONSUL_TOKEN, ...: read when the factories run
        Cutover cutover = Cutover.builder()
            .providerConfig(ProviderConfig.system())
            .discoverProviders(true)                  // aws and consul found with ServiceLoader
            .use(Capability.TRAFFIC, "aws").use(Capability.DISCOVERY, "aws").use(Capability.LOCK, "consul")
            .build();
        // snippet:end
        cutover.close();
        if (noRegion) {
            System.clearProperty("aws.region");
        }
    }

    @Test
    void secretsAreReferences() {
        InMemoryProvider cloud = new InMemoryProvider().addSecret("prod/orders/db");
        Cutover cutover = Cutover.builder().provider(cloud).scheduler(time).build();
        // snippet:start
        Service orders = Service.named("orders")
            .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.2")
            .secret("DB_PASSWORD", "prod/orders/db")  // a reference: name or ARN in Secrets Manager
            .build();
        Plan plan = cutover.plan(Release.of(orders).to(Environment.named("prod")
            .region("us-east-1").cluster("main").mesh("internal").namespace("prod.local").build()).build());
        System.out.println(plan);                     // + secret.DB_PASSWORD = (secret)
        System.out.println(plan.requiredPermissions()); // the least-privilege IAM policy this plan needs
        // snippet:end
        assertThat(plan.toString()).contains("secret.DB_PASSWORD = (secret)");
        assertThat(plan.requiredPermissions()).contains("2012-10-17");
        cutover.close();
    }
}

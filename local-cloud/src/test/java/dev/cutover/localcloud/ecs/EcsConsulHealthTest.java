package dev.cutover.localcloud.ecs;

import static org.assertj.core.api.Assertions.assertThat;

import com.orbitz.consul.Consul;
import com.orbitz.consul.HealthClient;
import com.orbitz.consul.model.agent.ImmutableRegCheck;
import com.orbitz.consul.model.agent.ImmutableRegistration;
import com.orbitz.consul.model.health.ServiceHealth;
import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.consul.HealthOracle;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;

/**
 * The local cloud's default Consul health oracle answers checks from ECS tasks: instances registered
 * the way Cutover's Consul discovery does (revision {@code family:rev} in {@code cutover_revision}
 * meta and a {@code revision=} tag, synthetic addresses) or at a task's own IP.
 */
class EcsConsulHealthTest extends EcsTestBase {

    private static final DeploymentConfiguration ROLLING = DeploymentConfiguration.builder()
            .minimumHealthyPercent(100).maximumPercent(200).build();

    /** What ConsulDiscovery.revisionStarted registers for instance {@code n} of a revision. */
    private static void registerLikeCutover(Consul client, String revision, String version, int n) {
        String id = "prod-orders-" + revision.replace(':', '-') + "-" + n;
        String address = id + ".shop.local";
        client.agentClient().register(ImmutableRegistration.builder()
                .id(id).name("orders").address(address).port(8080)
                .addTags("version=" + version, "environment=prod", "deployment=d-1", "revision=" + revision)
                .putMeta("cutover_revision", revision).putMeta("cutover_environment", "prod")
                .putMeta("cutover_service", "orders").putMeta("cutover_version", version).putMeta("cutover_deployment", "d-1")
                .check(ImmutableRegCheck.builder().http("http://" + address + ":8080/health").interval("10s").build())
                .build());
    }

    private static List<String> passing(HealthClient health) {
        return health.getHealthyServiceInstances("orders").getResponse().stream()
                .map(ServiceHealth::getService).map(s -> s.getId()).sorted().toList();
    }

    @Test
    void aBadArtifactRunOnEcsIsCriticalInConsulWhileTheGoodOnePasses() {
        cloud.faults().throttling(false);
        cloud.images().behave("registry.local/orders:2.0", ImageBehavior.builder().failsHealthChecks(true).build());
        Ecs.create(ecs, "prod", "orders-1", Ecs.register(ecs, "orders", "registry.local/orders:1.0"), 2, ROLLING);
        Ecs.create(ecs, "prod", "orders-2", Ecs.register(ecs, "orders", "registry.local/orders:2.0"), 2, ROLLING);
        Consul client = Consul.builder().withUrl(cloud.consul().endpoint().toString()).build();
        try {
            for (int n = 0; n < 2; n++) {
                registerLikeCutover(client, "orders:1", "1.0", n);
                registerLikeCutover(client, "orders:2", "2.0", n);
            }
            registerLikeCutover(client, "orders:9", "9.0", 0); // a revision ECS never heard of: not ECS's to judge
            HealthClient health = client.healthClient();

            assertThat(Ecs.advanceUntil(cloud, Duration.ofMinutes(3), Duration.ofSeconds(5),
                    () -> passing(health).size() == 3)).isTrue();
            assertThat(passing(health)).containsExactly("prod-orders-orders-1-0", "prod-orders-orders-1-1", "prod-orders-orders-9-0");
            // the bad revision stays critical however long it runs (its tasks fail checks, get replaced, fail again)
            for (int i = 0; i < 12; i++) {
                cloud.clock().advance(Duration.ofSeconds(10));
                assertThat(passing(health)).doesNotContain("prod-orders-orders-2-0", "prod-orders-orders-2-1");
            }
            assertThat(cloud.consul().checkStatus("service:prod-orders-orders-2-0")).contains("critical");

            // the good revision scaled to zero: nothing answers its checks any more
            ecs.updateService(r -> r.cluster("prod").service("orders-1").desiredCount(0));
            assertThat(Ecs.advanceUntil(cloud, Duration.ofMinutes(2), Duration.ofSeconds(5),
                    () -> !passing(health).contains("prod-orders-orders-1-0"))).isTrue();
        } finally {
            client.destroy();
        }
    }

    @Test
    void anInstanceAtATaskIpFollowsThatTask() {
        cloud.faults().throttling(false);
        Ecs.create(ecs, "prod", "orders", Ecs.register(ecs, "orders", "registry.local/orders:1.0"), 1, ROLLING);
        assertThat(Ecs.advanceUntil(cloud, Duration.ofMinutes(2), Duration.ofSeconds(5),
                () -> !ecs.listTasks(r -> r.cluster("prod").serviceName("orders").desiredStatus(DesiredStatus.RUNNING))
                        .taskArns().isEmpty())).isTrue();
        String taskArn = ecs.listTasks(r -> r.cluster("prod").serviceName("orders")).taskArns().get(0);
        String ip = ecs.describeTasks(r -> r.cluster("prod").tasks(taskArn)).tasks().get(0).attachments().get(0).details()
                .stream().filter(d -> d.name().equals("privateIPv4Address")).findFirst().orElseThrow().value();
        HealthOracle.Probe probe = new HealthOracle.Probe("service:x", "x", HealthOracle.Kind.TCP, ip + ":8080", "x", "orders",
                ip, 8080, List.of(), java.util.Map.of());
        assertThat(Ecs.advanceUntil(cloud, Duration.ofMinutes(2), Duration.ofSeconds(5),
                () -> cloud.ecsHealthOracle().evaluate(probe) == HealthOracle.Verdict.PASSING)).isTrue();

        ecs.stopTask(r -> r.cluster("prod").task(taskArn));
        assertThat(cloud.ecsHealthOracle().evaluate(probe)).as("a stopping task answers no checks")
                .isEqualTo(HealthOracle.Verdict.CRITICAL);
        HealthOracle.Probe elsewhere = new HealthOracle.Probe("service:y", "y", HealthOracle.Kind.TCP, "192.0.2.1:8080", "y",
                "other", "192.0.2.1", 8080, List.of(), java.util.Map.of());
        assertThat(cloud.ecsHealthOracle().evaluate(elsewhere)).as("an address ECS never gave out is not ECS's to judge")
                .isEqualTo(HealthOracle.Verdict.PASSING);
    }
}

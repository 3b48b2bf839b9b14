package dev.cutover.localcloud.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.RevisionStats;
import dev.cutover.localcloud.sdk.Sdk;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.appmesh.AppMeshClient;
import software.amazon.awssdk.services.appmesh.model.WeightedTarget;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.servicediscovery.ServiceDiscoveryClient;
import software.amazon.awssdk.services.servicediscovery.model.HealthStatusFilter;
import software.amazon.awssdk.services.servicediscovery.model.HttpInstanceSummary;

/**
 * ECS services with {@code serviceRegistries} register their tasks in Cloud Map (IP, port, health)
 * and deregister them when they stop; App Mesh route weights then steer the simulated traffic
 * between ECS revisions end to end: route -> virtual node -> Cloud Map service -> ECS service.
 */
class EcsServiceDiscoveryTest extends EcsTestBase {

    private ServiceDiscoveryClient sd;
    private String namespaceId;

    @BeforeEach
    void namespace() {
        cloud.faults().throttling(false);
        sd = Sdk.serviceDiscovery(cloud);
        String op = sd.createPrivateDnsNamespace(r -> r.name("shop.local").vpc("vpc-1")).operationId();
        cloud.clock().advance(Duration.ofSeconds(5));
        namespaceId = sd.getOperation(r -> r.operationId(op)).operation().targetsAsStrings().get("NAMESPACE");
    }

    @AfterEach
    void closeSd() {
        sd.close();
    }

    private String cloudMapService(String name) {
        return sd.createService(r -> r.name(name).namespaceId(namespaceId)
                .dnsConfig(d -> d.dnsRecords(rec -> rec.type("A").ttl(10L)))
                .healthCheckCustomConfig(h -> h.failureThreshold(1))).service().arn();
    }

    private void createService(String name, String taskDef, int desired, String registryArn) {
        ecs.createService(r -> r.cluster("prod").serviceName(name).taskDefinition(taskDef).desiredCount(desired)
                .launchType("FARGATE")
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1").securityGroups("sg-1")))
                .serviceRegistries(reg -> reg.registryArn(registryArn).port(8080))
                .deploymentConfiguration(DeploymentConfiguration.builder().minimumHealthyPercent(100).maximumPercent(200).build()));
    }

    private List<Task> runningTasks(String service) {
        List<String> arns = ecs.listTasks(r -> r.cluster("prod").serviceName(service).desiredStatus(DesiredStatus.RUNNING)).taskArns();
        return arns.isEmpty() ? List.of() : ecs.describeTasks(r -> r.cluster("prod").tasks(arns)).tasks();
    }

    private static String ipOf(Task t) {
        return t.attachments().get(0).details().stream().filter(d -> d.name().equals("privateIPv4Address"))
                .findFirst().orElseThrow().value();
    }

    @Test
    void tasksAreRegisteredWithIpPortAndHealthAndDeregisteredWhenTheyStop() {
        String registry = cloudMapService("orders");
        String td = Ecs.register(ecs, "orders", "registry.local/orders:1.0");
        createService("orders", td, 2, registry);

        assertThat(Ecs.advanceUntil(cloud, Duration.ofMinutes(5), Duration.ofSeconds(5),
                () -> sd.discoverInstances(r -> r.namespaceName("shop.local").serviceName("orders")
                        .healthStatus(HealthStatusFilter.HEALTHY)).instances().size() == 2)).isTrue();

        List<HttpInstanceSummary> found = sd.discoverInstances(r -> r.namespaceName("shop.local").serviceName("orders")).instances();
        Map<String, String> ipByTask = runningTasks("orders").stream()
                .collect(Collectors.toMap(t -> t.taskArn().substring(t.taskArn().lastIndexOf('/') + 1), EcsServiceDiscoveryTest::ipOf));
        assertThat(found).extracting(HttpInstanceSummary::instanceId).containsExactlyInAnyOrderElementsOf(ipByTask.keySet());
        for (HttpInstanceSummary i : found) {
            assertThat(i.attributes()).containsEntry("AWS_INSTANCE_IPV4", ipByTask.get(i.instanceId()))
                    .containsEntry("AWS_INSTANCE_PORT", "8080")
                    .containsEntry("ECS_SERVICE_NAME", "orders")
                    .containsEntry("ECS_CLUSTER_NAME", "prod");
            assertThat(i.healthStatusAsString()).isEqualTo("HEALTHY");
        }

        ecs.updateService(r -> r.cluster("prod").service("orders").desiredCount(0));
        assertThat(Ecs.advanceUntil(cloud, Duration.ofMinutes(2), Duration.ofSeconds(5),
                () -> sd.listInstances(r -> r.serviceId(registry.substring(registry.lastIndexOf('/') + 1))).instances().isEmpty()))
                .as("stopped tasks leave Cloud Map").isTrue();
    }

    @Test
    void aTaskFailingItsHealthChecksIsNeverDiscoveredAsHealthy() {
        cloud.images().behave("registry.local/orders:bad", ImageBehavior.builder().failsHealthChecks(true).build());
        String registry = cloudMapService("orders");
        String serviceId = registry.substring(registry.lastIndexOf('/') + 1);
        createService("orders", Ecs.register(ecs, "orders", "registry.local/orders:bad"), 2, registry);

        boolean sawRegistered = false;
        for (int i = 0; i < 24; i++) {
            cloud.clock().advance(Duration.ofSeconds(5));
            sawRegistered |= !sd.listInstances(r -> r.serviceId(serviceId)).instances().isEmpty();
            assertThat(sd.discoverInstances(r -> r.namespaceName("shop.local").serviceName("orders")
                    .healthStatus(HealthStatusFilter.HEALTHY)).instances()).isEmpty();
        }
        assertThat(sawRegistered).as("running tasks are registered, as UNHEALTHY").isTrue();
    }

    @Test
    void appMeshRouteWeightsSteerTrafficBetweenEcsRevisionsThroughCloudMap() {
        cloud.images().behave("registry.local/orders:2.0", ImageBehavior.builder().errorRate(0.2).build());
        try (AppMeshClient mesh = Sdk.appMesh(cloud)) {
            mesh.createMesh(r -> r.meshName("shop"));
            java.util.Map<String, String> nodeArns = new java.util.HashMap<>();
            for (String node : List.of("orders-1", "orders-2")) {
                nodeArns.put(node, mesh.createVirtualNode(r -> r.meshName("shop").virtualNodeName(node).spec(s -> s
                        .listeners(l -> l.portMapping(p -> p.port(8080).protocol("http")))
                        .serviceDiscovery(d -> d.awsCloudMap(c -> c.namespaceName("shop.local").serviceName(node)))))
                        .virtualNode().metadata().arn());
            }
            // mesh traffic reaches only tasks that run the node's Envoy (APPMESH proxy configuration)
            String td1 = Ecs.registerWithEnvoy(ecs, "orders", "registry.local/orders:1.0", nodeArns.get("orders-1"));
            String td2 = Ecs.registerWithEnvoy(ecs, "orders", "registry.local/orders:2.0", nodeArns.get("orders-2"));
            createService("orders-1", td1, 2, cloudMapService("orders-1"));
            createService("orders-2", td2, 2, cloudMapService("orders-2"));
            mesh.createVirtualRouter(r -> r.meshName("shop").virtualRouterName("orders")
                    .spec(s -> s.listeners(l -> l.portMapping(p -> p.port(8080).protocol("http")))));
            mesh.createRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("main")
                    .spec(s -> s.httpRoute(h -> h.match(m -> m.prefix("/"))
                            .action(a -> a.weightedTargets(target("orders-1", 100), target("orders-2", 0))))));
            cloud.traffic().rate("shop/orders", 100);
            assertThat(Ecs.advanceUntil(cloud, Duration.ofMinutes(5), Duration.ofSeconds(5),
                    () -> runningTasks("orders-1").size() == 2 && runningTasks("orders-2").size() == 2)).isTrue();
            cloud.clock().advance(Duration.ofMinutes(1));

            setWeights(mesh, 90, 10);
            cloud.clock().advance(Duration.ofMinutes(2));
            assertThat(share(Duration.ofMinutes(2))).isCloseTo(0.10, within(0.03));

            setWeights(mesh, 50, 50);
            cloud.clock().advance(Duration.ofMinutes(2));
            assertThat(share(Duration.ofMinutes(2))).isCloseTo(0.50, within(0.04));
            RevisionStats green = cloud.traffic().stats("prod", "orders-2", Duration.ofMinutes(2)).get(0);
            assertThat(green.taskDefinition()).isEqualTo("orders:2");
            assertThat(green.errorRate()).isCloseTo(0.2, within(0.05));

            setWeights(mesh, 0, 100);
            cloud.clock().advance(Duration.ofMinutes(1));
            assertThat(share(Duration.ofMinutes(1))).isCloseTo(1.0, within(0.02)); // the window includes the second of the switch
        }
        // the ECS services' registrations are what the mesh's Cloud Map discovery sees
        assertThat(Set.copyOf(cloud.cloudMap().instances(cloud.cloudMap().findService("shop.local", "orders-2").orElseThrow())
                .stream().map(i -> i.healthStatus()).toList())).containsExactly("HEALTHY");
    }

    private void setWeights(AppMeshClient mesh, int one, int two) {
        mesh.updateRoute(r -> r.meshName("shop").virtualRouterName("orders").routeName("main")
                .spec(s -> s.httpRoute(h -> h.match(m -> m.prefix("/"))
                        .action(a -> a.weightedTargets(target("orders-1", one), target("orders-2", two))))));
    }

    private double share(Duration window) {
        long one = cloud.traffic().stats("prod", "orders-1", window).stream().mapToLong(RevisionStats::requests).sum();
        long two = cloud.traffic().stats("prod", "orders-2", window).stream().mapToLong(RevisionStats::requests).sum();
        assertThat(one + two).as("requests in the window").isGreaterThan(5000);
        return (double) two / (one + two);
    }

    private static WeightedTarget target(String node, int weight) {
        return WeightedTarget.builder().virtualNode(node).weight(weight).build();
    }
}

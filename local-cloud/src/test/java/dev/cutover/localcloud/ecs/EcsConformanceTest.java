package dev.cutover.localcloud.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.localcloud.ImageBehavior;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentNotFoundException;
import software.amazon.awssdk.services.ecs.model.ServiceNotActiveException;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.Task;

class EcsConformanceTest extends EcsTestBase {


    @Test
    void clusters() {
        assertThat(ecs.createCluster(r -> r.clusterName("prod")).cluster().clusterArn())
                .isEqualTo("arn:aws:ecs:us-east-1:000000000000:cluster/prod");
        var described = ecs.describeClusters(r -> r.clusters("prod", "nope"));
        assertThat(described.clusters()).extracting(c -> c.clusterName()).containsExactly("prod");
        assertThat(described.failures()).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo("MISSING");
            assertThat(f.arn()).isEqualTo("arn:aws:ecs:us-east-1:000000000000:cluster/nope");
        });
        assertThatThrownBy(() -> ecs.createCluster(r -> r.clusterName("bad name!")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.createCluster(r -> r.clusterName("x".repeat(256))))
                .isInstanceOf(InvalidParameterException.class);
        ecs.createCluster(r -> r.clusterName("b"));
        ecs.createCluster(r -> r.clusterName("c"));
        var page1 = ecs.listClusters(r -> r.maxResults(2));
        assertThat(page1.clusterArns()).hasSize(2);
        var page2 = ecs.listClusters(r -> r.maxResults(2).nextToken(page1.nextToken()));
        assertThat(page2.clusterArns()).hasSize(1);
        assertThat(page2.nextToken()).isNull();
    }

    @Test
    void regionComesFromTheSignature() {
        try (EcsClient west = Ecs.client(cloud, Region.US_WEST_2)) {
            assertThat(west.createCluster(r -> r.clusterName("w")).cluster().clusterArn())
                    .startsWith("arn:aws:ecs:us-west-2:000000000000:cluster/w");
            assertThat(west.describeClusters(r -> r.clusters("prod")).failures()).hasSize(1);
        }
    }

    @Test
    void taskDefinitions() {
        String v1 = Ecs.register(ecs, "orders", "repo/orders:1");
        String v2 = Ecs.register(ecs, "orders", "repo/orders:2");
        assertThat(v1).isEqualTo("arn:aws:ecs:us-east-1:000000000000:task-definition/orders:1");
        assertThat(v2).endsWith("task-definition/orders:2");
        var latest = ecs.describeTaskDefinition(r -> r.taskDefinition("orders")).taskDefinition();
        assertThat(latest.revision()).isEqualTo(2);
        assertThat(latest.cpu()).isEqualTo("256");
        assertThat(latest.containerDefinitions().get(0).healthCheck().retries()).isEqualTo(3);
        assertThat(latest.containerDefinitions().get(0).healthCheck().timeout()).isEqualTo(5);
        assertThatThrownBy(() -> ecs.describeTaskDefinition(r -> r.taskDefinition("nope:1")))
                .isInstanceOf(ClientException.class);
        Ecs.register(ecs, "payments", "repo/payments:1");
        var page1 = ecs.listTaskDefinitions(r -> r.maxResults(2));
        assertThat(page1.taskDefinitionArns()).hasSize(2);
        assertThat(ecs.listTaskDefinitions(r -> r.nextToken(page1.nextToken())).taskDefinitionArns()).hasSize(1);
        assertThat(ecs.listTaskDefinitions(r -> r.familyPrefix("pay")).taskDefinitionArns()).hasSize(1);
        assertThat(ecs.listTaskDefinitionFamilies(r -> r.familyPrefix("ord")).families()).containsExactly("orders");
        var dereg = ecs.deregisterTaskDefinition(r -> r.taskDefinition(v1)).taskDefinition();
        assertThat(dereg.statusAsString()).isEqualTo("INACTIVE");
        assertThat(ecs.listTaskDefinitions(r -> r.status("INACTIVE")).taskDefinitionArns()).containsExactly(v1);
        assertThatThrownBy(() -> ecs.deregisterTaskDefinition(r -> r.taskDefinition("orders:9")))
                .isInstanceOf(ClientException.class);
    }

    @Test
    void fargateSizesAndNetworkModeAreValidated() {
        assertThatThrownBy(() -> fargate("256", "4096", NetworkMode.AWSVPC))
                .isInstanceOf(ClientException.class).hasMessageContaining("No Fargate configuration exists");
        assertThatThrownBy(() -> fargate("512", "1024", NetworkMode.BRIDGE))
                .isInstanceOf(ClientException.class).hasMessageContaining("awsvpc");
        assertThat(fargate("8192", "20480", NetworkMode.AWSVPC)).contains("fg:");
        assertThatThrownBy(() -> fargate("8192", "18432", NetworkMode.AWSVPC)).isInstanceOf(ClientException.class);
        assertThat(fargate("1 vCPU", "2 GB", NetworkMode.AWSVPC)).contains("fg:");
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("x").containerDefinitions(
                ContainerDefinition.builder().name("app").image("i").healthCheck(h -> h.command("CMD").interval(1)).build())))
                .isInstanceOf(ClientException.class);
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("x").containerDefinitions(List.of())))
                .isInstanceOf(ClientException.class).hasMessageContaining("Container list cannot be empty");
        // a missing required member is a shape violation (ShapeValidator, from the ECS model)
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("x")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("'containerDefinitions'");
    }

    private String fargate(String cpu, String memory, NetworkMode mode) {
        return ecs.registerTaskDefinition(r -> r.family("fg").requiresCompatibilities(Compatibility.FARGATE)
                .networkMode(mode).cpu(cpu).memory(memory)
                .containerDefinitions(ContainerDefinition.builder().name("app").image("repo/a:1").build()))
                .taskDefinition().taskDefinitionArn();
    }

    @Test
    void services() {
        String td = Ecs.register(ecs, "orders", "repo/orders:1");
        var created = Ecs.create(ecs, "prod", "orders", td, 2, DeploymentConfiguration.builder()
                .deploymentCircuitBreaker(c -> c.enable(true).rollback(true)).build());
        assertThat(created.serviceArn()).isEqualTo("arn:aws:ecs:us-east-1:000000000000:service/prod/orders");
        assertThat(created.deployments()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo("PRIMARY");
            assertThat(d.rolloutStateAsString()).isEqualTo("IN_PROGRESS");
            assertThat(d.id()).startsWith("ecs-svc/");
        });
        assertThat(created.deploymentConfiguration().maximumPercent()).isEqualTo(200);
        assertThat(created.deploymentConfiguration().minimumHealthyPercent()).isEqualTo(100);
        assertThatThrownBy(() -> Ecs.create(ecs, "prod", "orders", td, 1, null))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("idempotent");
        assertThatThrownBy(() -> Ecs.create(ecs, "nope", "orders", td, 1, null))
                .isInstanceOf(ClusterNotFoundException.class);
        assertThatThrownBy(() -> Ecs.create(ecs, "prod", "x", "missing:3", 1, null))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.createService(r -> r.cluster("prod").serviceName("noNet").taskDefinition(td)
                .desiredCount(1).launchType("FARGATE"))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Network Configuration");
        assertThatThrownBy(() -> Ecs.create(ecs, "prod", "bad", td, 1, DeploymentConfiguration.builder()
                .strategy("CANARY").canaryConfiguration(c -> c.canaryPercent(0.05)).build()))
                .isInstanceOf(InvalidParameterException.class);
        for (int i = 0; i < 12; i++) {
            int n = i;
            Ecs.create(ecs, "prod", "svc-" + n, td, 0, null);
        }
        var page1 = ecs.listServices(r -> r.cluster("prod"));
        assertThat(page1.serviceArns()).hasSize(10);
        var page2 = ecs.listServices(r -> r.cluster("prod").nextToken(page1.nextToken()));
        assertThat(page2.serviceArns()).hasSize(3);
        List<String> eleven = new ArrayList<>();
        IntStream.range(0, 11).forEach(i -> eleven.add("svc-" + i));
        assertThatThrownBy(() -> ecs.describeServices(r -> r.cluster("prod").services(eleven)))
                .isInstanceOf(InvalidParameterException.class);
        var described = ecs.describeServices(r -> r.cluster("prod").services("orders", "ghost"));
        assertThat(described.services()).hasSize(1);
        assertThat(described.failures()).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo("MISSING");
            // for a name, ECS builds the failure ARN without the cluster (see EcsEmulator.describeServices)
            assertThat(f.arn()).isEqualTo("arn:aws:ecs:us-east-1:000000000000:service/ghost");
        });
        String arn = "arn:aws:ecs:us-east-1:000000000000:service/prod/ghost";
        assertThat(ecs.describeServices(r -> r.cluster("prod").services(arn)).failures())
                .singleElement().satisfies(f -> assertThat(f.arn()).isEqualTo(arn));
        assertThatThrownBy(() -> ecs.updateService(r -> r.cluster("prod").service("ghost").desiredCount(1)))
                .isInstanceOf(ServiceNotFoundException.class);
        assertThatThrownBy(() -> ecs.deleteService(r -> r.cluster("prod").service("orders")))
                .isInstanceOf(InvalidParameterException.class);
        assertThat(ecs.deleteService(r -> r.cluster("prod").service("orders").force(true)).service().status())
                .isEqualTo("DRAINING");
        assertThatThrownBy(() -> ecs.updateService(r -> r.cluster("prod").service("orders").desiredCount(3)))
                .isInstanceOf(ServiceNotActiveException.class);
        cloud.clock().advance(Duration.ofSeconds(10));
        assertThat(Ecs.describe(ecs, "prod", "orders").status()).isEqualTo("INACTIVE");
    }

    @Test
    void serviceRegistriesAndServiceConnectAreKept() {
        String td = Ecs.register(ecs, "orders", "repo/orders:1");
        var s = ecs.createService(r -> r.cluster("prod").serviceName("orders").taskDefinition(td).desiredCount(1)
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1")))
                .serviceRegistries(reg -> reg.registryArn("arn:aws:servicediscovery:us-east-1:000000000000:service/srv-1"))
                .serviceConnectConfiguration(sc -> sc.enabled(true).namespace("local"))).service();
        assertThat(s.serviceRegistries()).singleElement().satisfies(r -> assertThat(r.registryArn()).endsWith("srv-1"));
        assertThat(s.deployments().get(0).serviceConnectConfiguration().enabled()).isTrue();
    }

    @Test
    void oneOffTasksExitPerImageBehaviour() {
        cloud.images().behave("repo/migrate:bad", ImageBehavior.exitsWith(3));
        String ok = Ecs.register(ecs, "migrate-ok", "repo/migrate:good");
        String bad = Ecs.register(ecs, "migrate-bad", "repo/migrate:bad");
        Task okTask = ecs.runTask(r -> r.cluster("prod").taskDefinition(ok).launchType("FARGATE")
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1")))).tasks().get(0);
        Task badTask = ecs.runTask(r -> r.cluster("prod").taskDefinition(bad).launchType("FARGATE")
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1")))).tasks().get(0);
        assertThat(okTask.lastStatus()).isEqualTo("PROVISIONING");
        assertThat(ecs.listTasks(r -> r.cluster("prod").family("migrate-ok")).taskArns()).containsExactly(okTask.taskArn());
        cloud.clock().advance(Duration.ofSeconds(10));
        assertThat(ecs.describeTasks(r -> r.cluster("prod").tasks(okTask.taskArn())).tasks().get(0).lastStatus())
                .isEqualTo("RUNNING");
        cloud.clock().advance(Duration.ofSeconds(30));
        List<Task> done = ecs.describeTasks(r -> r.cluster("prod").tasks(okTask.taskArn(), badTask.taskArn(), "nope"))
                .tasks();
        assertThat(done).allSatisfy(t -> {
            assertThat(t.lastStatus()).isEqualTo("STOPPED");
            assertThat(t.stopCodeAsString()).isEqualTo("EssentialContainerExited");
        });
        assertThat(done.get(0).containers().get(0).exitCode()).isZero();
        assertThat(done.get(1).containers().get(0).exitCode()).isEqualTo(3);
        assertThat(ecs.describeTasks(r -> r.cluster("prod").tasks("nope")).failures().get(0).reason()).isEqualTo("MISSING");
        assertThat(ecs.listTasks(r -> r.cluster("prod").desiredStatus("STOPPED")).taskArns()).hasSize(2);
        assertThatThrownBy(() -> ecs.runTask(r -> r.cluster("prod").taskDefinition(ok)))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void stopTaskAndServiceReplacesIt() {
        String td = Ecs.register(ecs, "orders", "repo/orders:1");
        Ecs.create(ecs, "prod", "orders", td, 1, null);
        cloud.clock().advance(Duration.ofSeconds(30));
        String arn = ecs.listTasks(r -> r.cluster("prod").serviceName("orders")).taskArns().get(0);
        Task stopped = ecs.stopTask(r -> r.cluster("prod").task(arn).reason("testing")).task();
        assertThat(stopped.desiredStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stoppedReason()).isEqualTo("testing");
        assertThat(stopped.stopCodeAsString()).isEqualTo("UserInitiated");
        cloud.clock().advance(Duration.ofSeconds(30));
        assertThat(ecs.listTasks(r -> r.cluster("prod").serviceName("orders")).taskArns()).hasSize(1).doesNotContain(arn);
        assertThatThrownBy(() -> ecs.stopTask(r -> r.cluster("prod").task("nope")))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void serviceDeploymentsListDescribeStop() {
        String td = Ecs.register(ecs, "orders", "repo/orders:1");
        Ecs.create(ecs, "prod", "orders", td, 1, null);
        var list = ecs.listServiceDeployments(r -> r.cluster("prod").service("orders"));
        assertThat(list.serviceDeployments()).hasSize(1);
        String arn = list.serviceDeployments().get(0).serviceDeploymentArn();
        assertThat(arn).startsWith("arn:aws:ecs:us-east-1:000000000000:service-deployment/prod/orders/");
        var described = ecs.describeServiceDeployments(r -> r.serviceDeploymentArns(arn, arn + "x"));
        assertThat(described.serviceDeployments()).hasSize(1);
        assertThat(described.failures()).hasSize(1);
        assertThatThrownBy(() -> ecs.stopServiceDeployment(r -> r.serviceDeploymentArn(arn + "x")))
                .isInstanceOf(ServiceDeploymentNotFoundException.class);
        assertThat(ecs.stopServiceDeployment(r -> r.serviceDeploymentArn(arn)).serviceDeploymentArn()).isEqualTo(arn);
    }

    @Test
    void tags() {
        String td = Ecs.register(ecs, "orders", "repo/orders:1");
        ecs.tagResource(r -> r.resourceArn(td).tags(t -> t.key("team").value("core")));
        assertThat(ecs.listTagsForResource(r -> r.resourceArn(td)).tags()).singleElement()
                .satisfies(t -> assertThat(t.value()).isEqualTo("core"));
        assertThatThrownBy(() -> ecs.listTagsForResource(r -> r.resourceArn(
                "arn:aws:ecs:us-east-1:000000000000:service/prod/none"))).hasMessageContaining("could not be found");
    }

    @Test
    void badInputIsAnsweredLikeAws() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> malformed = http.send(post("DescribeServices", "{not json"), HttpResponse.BodyHandlers.ofString());
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("SerializationException");
        HttpResponse<String> unknown = http.send(post("FlyToTheMoon", "{}"), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("UnknownOperationException");
        HttpResponse<String> wrongType = http.send(post("CreateService", "{\"serviceName\":5}"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrongType.statusCode()).isEqualTo(400);
        HttpResponse<String> badEnum = http.send(post("ListTaskDefinitions", "{\"status\":\"SLEEPING\"}"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(badEnum.statusCode()).isEqualTo(400);
        assertThat(badEnum.body()).contains("InvalidParameterException");
        HttpResponse<String> array = http.send(post("ListClusters", "[1,2]"), HttpResponse.BodyHandlers.ofString());
        assertThat(array.statusCode()).isEqualTo(400);
    }

    private HttpRequest post(String op, String body) {
        return HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/"))
                .header("X-Amz-Target", "AmazonEC2ContainerServiceV20141113." + op)
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}

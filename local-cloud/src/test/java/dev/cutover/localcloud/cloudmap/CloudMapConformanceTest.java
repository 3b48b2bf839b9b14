package dev.cutover.localcloud.cloudmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.localcloud.CloudMap;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.sdk.Sdk;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.servicediscovery.ServiceDiscoveryClient;
import software.amazon.awssdk.services.servicediscovery.model.CustomHealthNotFoundException;
import software.amazon.awssdk.services.servicediscovery.model.DiscoverInstancesResponse;
import software.amazon.awssdk.services.servicediscovery.model.HttpInstanceSummary;
import software.amazon.awssdk.services.servicediscovery.model.InstanceNotFoundException;
import software.amazon.awssdk.services.servicediscovery.model.InvalidInputException;
import software.amazon.awssdk.services.servicediscovery.model.NamespaceAlreadyExistsException;
import software.amazon.awssdk.services.servicediscovery.model.NamespaceNotFoundException;
import software.amazon.awssdk.services.servicediscovery.model.OperationNotFoundException;
import software.amazon.awssdk.services.servicediscovery.model.OperationStatus;
import software.amazon.awssdk.services.servicediscovery.model.ResourceInUseException;
import software.amazon.awssdk.services.servicediscovery.model.ServiceAlreadyExistsException;
import software.amazon.awssdk.services.servicediscovery.model.ServiceNotFoundException;
import software.amazon.awssdk.services.servicediscovery.model.ServiceSummary;

class CloudMapConformanceTest {

    LocalCloud cloud;
    ServiceDiscoveryClient sd;

    @BeforeEach
    void start() {
        cloud = LocalCloud.start();
        cloud.faults().throttling(false);
        sd = Sdk.serviceDiscovery(cloud);
    }

    @AfterEach
    void stop() {
        sd.close();
        cloud.close();
    }

    private String namespace(String name) {
        String op = sd.createPrivateDnsNamespace(r -> r.name(name).vpc("vpc-1")).operationId();
        cloud.clock().advance(Duration.ofSeconds(3));
        return sd.getOperation(r -> r.operationId(op)).operation().targetsAsStrings().get("NAMESPACE");
    }

    private String dnsService(String ns, String name) {
        return sd.createService(r -> r.name(name).namespaceId(ns)
                .dnsConfig(d -> d.dnsRecords(x -> x.type("A").ttl(10L)))
                .healthCheckCustomConfig(h -> h.failureThreshold(1))).service().id();
    }

    @Test
    void namespaceCreationIsAsynchronousOverSimulatedTime() {
        String op = sd.createPrivateDnsNamespace(r -> r.name("shop.local").vpc("vpc-1").creatorRequestId("req-1")).operationId();
        var first = sd.getOperation(r -> r.operationId(op)).operation();
        assertThat(first.status()).isEqualTo(OperationStatus.SUBMITTED);
        assertThat(first.typeAsString()).isEqualTo("CREATE_NAMESPACE");
        String nsId = first.targetsAsStrings().get("NAMESPACE");
        assertThatThrownBy(() -> sd.getNamespace(r -> r.id(nsId))).isInstanceOf(NamespaceNotFoundException.class);

        cloud.clock().advance(Duration.ofSeconds(1));
        assertThat(sd.getOperation(r -> r.operationId(op)).operation().status()).isEqualTo(OperationStatus.PENDING);
        cloud.clock().advance(Duration.ofSeconds(1));
        assertThat(sd.getOperation(r -> r.operationId(op)).operation().status()).isEqualTo(OperationStatus.SUCCESS);

        var ns = sd.getNamespace(r -> r.id(nsId)).namespace();
        assertThat(ns.name()).isEqualTo("shop.local");
        assertThat(ns.typeAsString()).isEqualTo("DNS_PRIVATE");
        assertThat(ns.arn()).isEqualTo("arn:aws:servicediscovery:us-east-1:000000000000:namespace/" + nsId);
        assertThat(ns.properties().dnsProperties().hostedZoneId()).startsWith("Z");
        assertThat(ns.creatorRequestId()).isEqualTo("req-1");

        // the same creator request id is idempotent; another one conflicts
        assertThat(sd.createPrivateDnsNamespace(r -> r.name("shop.local").vpc("vpc-1").creatorRequestId("req-1")).operationId())
                .isEqualTo(op);
        assertThatThrownBy(() -> sd.createPrivateDnsNamespace(r -> r.name("shop.local").vpc("vpc-1")))
                .isInstanceOf(NamespaceAlreadyExistsException.class);
        assertThat(sd.listOperations(r -> r.filters(f -> f.name("TYPE").values("CREATE_NAMESPACE"))).operations())
                .singleElement().satisfies(o -> assertThat(o.status()).isEqualTo(OperationStatus.SUCCESS));
        assertThatThrownBy(() -> sd.getOperation(r -> r.operationId("nope"))).isInstanceOf(OperationNotFoundException.class);
    }

    @Test
    void pollingAloneCompletesAnOperationWhenNobodyAdvancesTheClock() {
        String op = sd.createPrivateDnsNamespace(r -> r.name("polled.local").vpc("vpc-1")).operationId();
        assertThat(sd.getOperation(r -> r.operationId(op)).operation().status()).isEqualTo(OperationStatus.SUBMITTED);
        assertThat(sd.getOperation(r -> r.operationId(op)).operation().status()).isEqualTo(OperationStatus.PENDING);
        assertThat(sd.getOperation(r -> r.operationId(op)).operation().status()).isEqualTo(OperationStatus.SUCCESS);
        assertThat(sd.listNamespaces(r -> r.filters(f -> f.name("NAME").values("polled.local"))).namespaces()).hasSize(1);
    }

    @Test
    void servicesInstancesAndHealth() {
        String ns = namespace("shop.local");
        String orders = dnsService(ns, "orders");
        assertThatThrownBy(() -> dnsService(ns, "orders")).isInstanceOf(ServiceAlreadyExistsException.class);
        assertThatThrownBy(() -> sd.createService(r -> r.name("x").namespaceId("ns-missing")))
                .isInstanceOf(NamespaceNotFoundException.class);
        assertThatThrownBy(() -> sd.createService(r -> r.name("x"))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> sd.createService(r -> r.name("x".repeat(128)).namespaceId(ns)))
                .isInstanceOf(InvalidInputException.class);
        assertThat(sd.getService(r -> r.id(orders)).service().dnsConfig().dnsRecords()).hasSize(1);
        assertThatThrownBy(() -> sd.getService(r -> r.id("srv-missing"))).isInstanceOf(ServiceNotFoundException.class);

        String op = sd.registerInstance(r -> r.serviceId(orders).instanceId("task-1")
                .attributes(Map.of("AWS_INSTANCE_IPV4", "10.0.0.1", "AWS_INSTANCE_PORT", "8080"))).operationId();
        assertThat(sd.getOperation(r -> r.operationId(op)).operation().typeAsString()).isEqualTo("REGISTER_INSTANCE");
        assertThatThrownBy(() -> sd.registerInstance(r -> r.serviceId(orders).instanceId("task-x").attributes(Map.of("k", "v"))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("AWS_INSTANCE_IPV4");
        cloud.cloudMap().registerInstance(sd.getService(r -> r.id(orders)).service().arn(), "task-2",
                Map.of("AWS_INSTANCE_IPV4", "10.0.0.2", "AWS_INSTANCE_PORT", "8080"));

        assertThat(sd.listInstances(r -> r.serviceId(orders)).instances()).hasSize(2);
        assertThat(sd.listInstances(r -> r.serviceId(orders).maxResults(1)).nextToken()).isNotNull();
        assertThat(sd.getInstancesHealthStatus(r -> r.serviceId(orders)).statusAsStrings())
                .containsEntry("task-1", "HEALTHY").containsEntry("task-2", "HEALTHY");
        sd.updateInstanceCustomHealthStatus(r -> r.serviceId(orders).instanceId("task-1").status("UNHEALTHY"));
        assertThat(cloud.cloudMap().instances(orders)).extracting(CloudMap.Instance::healthStatus)
                .containsExactly("UNHEALTHY", "HEALTHY");
        assertThatThrownBy(() -> sd.updateInstanceCustomHealthStatus(r -> r.serviceId(orders).instanceId("nope").status("HEALTHY")))
                .isInstanceOf(InstanceNotFoundException.class);

        DiscoverInstancesResponse healthy = sd.discoverInstances(r -> r.namespaceName("shop.local").serviceName("orders"));
        assertThat(healthy.instances()).extracting(HttpInstanceSummary::instanceId).containsExactly("task-2");
        assertThat(healthy.instances().get(0).attributes()).containsEntry("AWS_INSTANCE_IPV4", "10.0.0.2");
        assertThat(sd.discoverInstances(r -> r.namespaceName("shop.local").serviceName("orders").healthStatus("ALL")).instances())
                .hasSize(2);
        assertThatThrownBy(() -> sd.discoverInstances(r -> r.namespaceName("shop.local").serviceName("nope")))
                .isInstanceOf(ServiceNotFoundException.class);

        String plain = sd.createService(r -> r.name("plain").namespaceId(ns)).service().id();
        sd.registerInstance(r -> r.serviceId(plain).instanceId("i").attributes(Map.of("k", "v")));
        assertThatThrownBy(() -> sd.updateInstanceCustomHealthStatus(r -> r.serviceId(plain).instanceId("i").status("HEALTHY")))
                .isInstanceOf(CustomHealthNotFoundException.class);
        assertThat(sd.getInstancesHealthStatus(r -> r.serviceId(plain)).statusAsStrings()).containsEntry("i", "UNKNOWN");

        assertThatThrownBy(() -> sd.deleteService(r -> r.id(orders))).isInstanceOf(ResourceInUseException.class);
        sd.deregisterInstance(r -> r.serviceId(orders).instanceId("task-1"));
        assertThat(cloud.cloudMap().deregisterInstance(orders, "task-2")).isTrue();
        assertThatThrownBy(() -> sd.deregisterInstance(r -> r.serviceId(orders).instanceId("task-1")))
                .isInstanceOf(InstanceNotFoundException.class);
        sd.deleteService(r -> r.id(orders));
        assertThat(sd.listServices().services()).extracting(ServiceSummary::name).containsExactly("plain");
    }

    @Test
    void listsPageAndFilter() {
        String a = namespace("a.local");
        namespace("b.local");
        for (int i = 0; i < 5; i++) {
            String name = "svc" + i;
            sd.createService(r -> r.name(name).namespaceId(a));
        }
        var first = sd.listServices(r -> r.maxResults(2).filters(f -> f.name("NAMESPACE_ID").values(a)));
        assertThat(first.services()).hasSize(2);
        assertThat(first.nextToken()).isNotNull();
        assertThat(sd.listServicesPaginator(r -> r.maxResults(2)).stream().mapToInt(x -> x.services().size()).sum()).isEqualTo(5);
        assertThat(sd.listNamespaces(r -> r.maxResults(1)).namespaces()).hasSize(1);
        assertThat(sd.listNamespacesPaginator(r -> r.maxResults(1)).stream().mapToInt(x -> x.namespaces().size()).sum()).isEqualTo(2);
        assertThatThrownBy(() -> sd.listServices(r -> r.maxResults(101))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> sd.listServices(r -> r.nextToken("bogus"))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> sd.listOperations(r -> r.filters(f -> f.name("COLOR").values("x"))))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void discoverInstancesNeedsHostPrefixInjectionDisabled() {
        String ns = namespace("shop.local");
        String orders = dnsService(ns, "orders");
        cloud.cloudMap().registerInstance(orders, "t1", Map.of("AWS_INSTANCE_IPV4", "10.0.0.9"));
        assertThat(sd.discoverInstances(r -> r.namespaceName("shop.local").serviceName("orders")).instances()).hasSize(1);

        try (ServiceDiscoveryClient prefixed = ServiceDiscoveryClient.builder()
                .endpointOverride(cloud.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                .build()) {
            // without the option the SDK builds http://data-127.0.0.1:<port>, an invalid host, and fails before sending
            assertThatThrownBy(() -> prefixed.discoverInstances(r -> r.namespaceName("shop.local").serviceName("orders")))
                    .isInstanceOf(RuntimeException.class)
                    .hasStackTraceContaining("data-127.0.0.1");
            // control-plane calls are not prefixed and work either way
            assertThat(prefixed.listNamespaces().namespaces()).hasSize(1);
        }
    }

    @Test
    void malformedRequestsAreAnsweredLikeAws() {
        assertThatThrownBy(() -> sd.createPrivateDnsNamespace(r -> r.name("x.local"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Value null at 'vpc' failed to satisfy constraint: Member must not be null");
        assertThatThrownBy(() -> sd.createService(r -> r.name("s").namespaceId(namespace("y.local"))
                .dnsConfig(d -> d.dnsRecords(x -> x.type("MX").ttl(1L)))))
                .isInstanceOf(InvalidInputException.class);
    }
}

package dev.cutover.localcloud.consul;

import static org.assertj.core.api.Assertions.assertThat;

import com.orbitz.consul.AgentClient;
import com.orbitz.consul.Consul;
import com.orbitz.consul.HealthClient;
import com.orbitz.consul.model.ConsulResponse;
import com.orbitz.consul.model.State;
import com.orbitz.consul.model.agent.ImmutableRegCheck;
import com.orbitz.consul.model.agent.ImmutableRegistration;
import com.orbitz.consul.model.agent.Registration;
import com.orbitz.consul.model.catalog.CatalogService;
import com.orbitz.consul.model.health.HealthCheck;
import com.orbitz.consul.model.health.ServiceHealth;
import com.orbitz.consul.option.QueryOptions;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsulAgentHealthTest {

    /** Simulated task health, keyed by "ip:port", as an ECS simulation would answer. */
    private final Map<String, HealthOracle.Verdict> tasks = new ConcurrentHashMap<>();
    private final List<HealthOracle.Probe> probes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private ConsulEmulator consul;
    private Consul client;

    @BeforeEach
    void start() {
        consul = ConsulEmulator.builder().healthOracle(probe -> {
            probes.add(probe);
            return tasks.getOrDefault(probe.host() + ":" + probe.port(), HealthOracle.Verdict.UNKNOWN);
        }).start();
        client = Consul.builder().withUrl(consul.endpoint().toString()).build();
    }

    @AfterEach
    void stop() {
        consul.close();
    }

    private void registerInstance(String id, String version, String ip) {
        client.agentClient().register(ImmutableRegistration.builder()
                .id(id).name("orders").address(ip).port(8080)
                .addTags("version=" + version, "env=prod")
                .putMeta("deployment", "d-1")
                .check(ImmutableRegCheck.builder().http("http://" + ip + ":8080/health").interval("10s")
                        .deregisterCriticalServiceAfter("5m").build())
                .build());
    }

    @Test
    void oracleDecidesHttpChecksWithoutAnyConnection() {
        tasks.put("10.0.1.5:8080", HealthOracle.Verdict.PASSING);
        tasks.put("10.0.1.6:8080", HealthOracle.Verdict.CRITICAL);
        registerInstance("orders-v1-1", "v1", "10.0.1.5");
        registerInstance("orders-v2-1", "v2", "10.0.1.6");
        HealthClient health = client.healthClient();

        assertThat(consul.checkStatus("service:orders-v1-1")).as("Consul starts checks critical").contains("critical");
        assertThat(health.getHealthyServiceInstances("orders").getResponse()).isEmpty();

        consul.clock().advance(Duration.ofSeconds(1));
        assertThat(health.getHealthyServiceInstances("orders").getResponse())
                .extracting(h -> h.getService().getId()).containsExactly("orders-v1-1");
        List<ServiceHealth> all = health.getAllServiceInstances("orders").getResponse();
        assertThat(all).hasSize(2);
        ServiceHealth v2 = all.stream().filter(h -> h.getService().getId().equals("orders-v2-1")).findFirst().orElseThrow();
        assertThat(v2.getService().getAddress()).isEqualTo("10.0.1.6");
        assertThat(v2.getService().getTags()).contains("version=v2");
        assertThat(v2.getService().getMeta()).containsEntry("deployment", "d-1");
        assertThat(v2.getNode().getNode()).isEqualTo("local-cloud");
        assertThat(v2.getChecks()).extracting(HealthCheck::getCheckId).containsExactly("serfHealth", "service:orders-v2-1");
        assertThat(v2.getChecks().get(1).getStatus()).isEqualTo("critical");

        HealthOracle.Probe probe = probes.stream().filter(p -> p.serviceId().equals("orders-v2-1")).findFirst().orElseThrow();
        assertThat(probe.kind()).isEqualTo(HealthOracle.Kind.HTTP);
        assertThat(probe.target()).isEqualTo("http://10.0.1.6:8080/health");
        assertThat(probe.serviceTags()).contains("version=v2");

        // the task recovers: seen at the next interval (10s), not before
        tasks.put("10.0.1.6:8080", HealthOracle.Verdict.PASSING);
        consul.clock().advance(Duration.ofSeconds(5));
        assertThat(consul.checkStatus("service:orders-v2-1")).contains("critical");
        consul.clock().advance(Duration.ofSeconds(5));
        assertThat(consul.checkStatus("service:orders-v2-1")).contains("passing");
        assertThat(health.getHealthyServiceInstances("orders").getResponse()).hasSize(2);

        // tag filter through the raw API
        HttpResponse<String> tagged = ConsulRawHttp.get(consul, "/v1/health/service/orders?passing&tag=version%3Dv2");
        assertThat(tagged.body()).contains("orders-v2-1").doesNotContain("orders-v1-1");
    }

    @Test
    void unknownVerdictLeavesTheStatusAndRunHealthChecksEvaluatesNow() {
        registerInstance("orders-v1-1", "v1", "10.0.9.9");
        consul.runHealthChecks();
        assertThat(consul.checkStatus("service:orders-v1-1")).contains("critical");
        tasks.put("10.0.9.9:8080", HealthOracle.Verdict.WARNING);
        consul.runHealthChecks();
        assertThat(consul.checkStatus("service:orders-v1-1")).contains("warning");
        assertThat(client.healthClient().getChecksByState(State.WARN).getResponse())
                .extracting(HealthCheck::getCheckId).containsExactly("service:orders-v1-1");
    }

    @Test
    void criticalServicesAreDeregisteredAfterTheConfiguredTime() {
        tasks.put("10.0.1.7:8080", HealthOracle.Verdict.CRITICAL);
        registerInstance("orders-v3-1", "v3", "10.0.1.7");
        consul.clock().advance(Duration.ofMinutes(4));
        assertThat(client.agentClient().getServices()).containsKey("orders-v3-1");
        consul.clock().advance(Duration.ofMinutes(1));
        assertThat(client.agentClient().getServices()).doesNotContainKey("orders-v3-1");
        assertThat(consul.checkStatus("service:orders-v3-1")).isEmpty();
    }

    @Test
    void ttlChecksFollowPassWarnFailAndExpire() throws Exception {
        AgentClient agent = client.agentClient();
        agent.register(ImmutableRegistration.builder().id("worker-1").name("worker").port(0)
                .check(Registration.RegCheck.ttl(30)).build());
        assertThat(consul.checkStatus("service:worker-1")).contains("critical");
        agent.pass("worker-1", "all good");
        assertThat(agent.getChecks().get("service:worker-1").getStatus()).isEqualTo("passing");
        assertThat(agent.getChecks().get("service:worker-1").getOutput()).contains("all good");
        agent.warn("worker-1");
        assertThat(consul.checkStatus("service:worker-1")).contains("warning");
        agent.pass("worker-1");
        consul.clock().advance(Duration.ofSeconds(31));
        assertThat(consul.checkStatus("service:worker-1")).as("TTL expired").contains("critical");
        assertThat(agent.getChecks().get("service:worker-1").getOutput()).contains("TTL expired");

        HttpResponse<String> update = ConsulRawHttp.put(consul, "/v1/agent/check/update/service:worker-1",
                "{\"Status\":\"passing\",\"Output\":\"back\"}");
        assertThat(update.statusCode()).isEqualTo(200);
        assertThat(consul.checkStatus("service:worker-1")).contains("passing");
        assertThat(ConsulRawHttp.put(consul, "/v1/agent/check/pass/nope", null).statusCode()).isEqualTo(404);
        assertThat(ConsulRawHttp.put(consul, "/v1/agent/check/update/service:worker-1", "{\"Status\":\"meh\"}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void healthBlockingQueryWakesOnACheckChange() throws Exception {
        agentTtlService();
        HealthClient health = client.healthClient();
        ConsulResponse<List<ServiceHealth>> first = health.getHealthyServiceInstances("worker");
        assertThat(first.getResponse()).isEmpty();
        BigInteger index = first.getIndex();
        CompletableFuture<ConsulResponse<List<ServiceHealth>>> blocked = CompletableFuture.supplyAsync(
                () -> health.getHealthyServiceInstances("worker", QueryOptions.blockMinutes(1, index).build()));
        assertThat(consul.awaitBlockingQueries(1, Duration.ofSeconds(60))).isTrue();
        client.agentClient().pass("worker-1"); // the client prefixes "service:"
        assertThat(blocked.get(60, TimeUnit.SECONDS).getResponse()).hasSize(1);
    }

    private void agentTtlService() {
        client.agentClient().register(ImmutableRegistration.builder().id("worker-1").name("worker").port(0)
                .check(Registration.RegCheck.ttl(30)).build());
    }

    @Test
    void agentCatalogAndStatusEndpoints() {
        tasks.put("10.0.1.5:8080", HealthOracle.Verdict.PASSING);
        registerInstance("orders-v1-1", "v1", "10.0.1.5");
        agentTtlService();

        assertThat(client.agentClient().getServices()).containsOnlyKeys("orders-v1-1", "worker-1");
        assertThat(client.agentClient().getAgent().getConfig().getNodeName()).isEqualTo("local-cloud");
        assertThat(client.agentClient().getAgent().getConfig().getDatacenter()).isEqualTo("dc1");
        assertThat(client.catalogClient().getServices().getResponse()).containsOnlyKeys("orders", "worker");
        assertThat(client.catalogClient().getServices().getResponse().get("orders")).containsExactly("env=prod", "version=v1");
        List<CatalogService> orders = client.catalogClient().getService("orders").getResponse();
        assertThat(orders).singleElement().satisfies(s -> {
            assertThat(s.getServiceId()).isEqualTo("orders-v1-1");
            assertThat(s.getServiceAddress()).isEqualTo("10.0.1.5");
            assertThat(s.getServicePort()).isEqualTo(8080);
        });
        assertThat(client.catalogClient().getNodes().getResponse()).singleElement()
                .satisfies(n -> assertThat(n.getNode()).isEqualTo("local-cloud"));
        assertThat(client.catalogClient().getDatacenters()).containsExactly("dc1");
        assertThat(client.healthClient().getServiceChecks("worker").getResponse())
                .extracting(HealthCheck::getCheckId).containsExactly("service:worker-1");
        assertThat(client.statusClient().getLeader()).isEqualTo("127.0.0.1:8300");
        assertThat(client.statusClient().getPeers()).containsExactly("127.0.0.1:8300");

        client.agentClient().deregister("worker-1");
        assertThat(client.catalogClient().getServices().getResponse()).containsOnlyKeys("orders");
        assertThat(ConsulRawHttp.put(consul, "/v1/agent/service/deregister/worker-1", null).statusCode()).isEqualTo(404);
    }

    @Test
    void invalidRegistrationsAreAnsweredWith400() {
        assertThat(ConsulRawHttp.put(consul, "/v1/agent/service/register", "{\"Port\":80}").body()).isEqualTo("Missing service name");
        HttpResponse<String> noInterval = ConsulRawHttp.put(consul, "/v1/agent/service/register",
                "{\"Name\":\"x\",\"Check\":{\"HTTP\":\"http://10.0.0.1/\"}}");
        assertThat(noInterval.statusCode()).isEqualTo(400);
        assertThat(noInterval.body()).startsWith("Invalid check: Interval must be > 0");
        assertThat(ConsulRawHttp.put(consul, "/v1/agent/service/register", "{\"Name\":\"x\",\"Check\":{\"Notes\":\"n\"}}").body())
                .isEqualTo("Invalid check: TTL must be > 0 for TTL checks");
        assertThat(ConsulRawHttp.put(consul, "/v1/agent/service/register", "{\"Name\":\"x\",\"Port\":\"eighty\"}").statusCode())
                .isEqualTo(400);
        assertThat(ConsulRawHttp.put(consul, "/v1/agent/service/register", "{\"Name\":").statusCode()).isEqualTo(400);
        assertThat(ConsulRawHttp.get(consul, "/v1/health/state/sideways").body()).isEqualTo("Invalid state");
        // lower-case field names are accepted, as Consul's decoder does
        assertThat(ConsulRawHttp.put(consul, "/v1/agent/service/register",
                "{\"name\":\"lower\",\"port\":81,\"check\":{\"ttl\":\"10s\"}}").statusCode()).isEqualTo(200);
        assertThat(client.agentClient().getServices()).containsKey("lower");
    }
}

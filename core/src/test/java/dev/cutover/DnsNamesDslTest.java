package dev.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.internal.ReleaseCodec;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceType;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Route 53 names in the DSL: every problem at once, what the plan asks for, the journal's form. */
class DnsNamesDslTest {

    private static final Service ORDERS = Service.named("orders").image("registry.example.com/orders:1.0").port(8080).build();

    @Test
    void everyProblemIsReportedAtOnceWithItsPathBeforeAnyCall() {
        assertThatThrownBy(() -> Environment.named("prod").region("us-east-1").loadBalancer("orders-alb")
                .dnsName("orders", "orders.example.internal").dnsName("billing", "Billing_.example.internal").build())
                .isInstanceOfSatisfying(ValidationException.class, ex -> assertThat(ex.problems()).extracting(Problem::path)
                        .containsExactlyInAnyOrder("environment.hostedZone", "environment.dnsNames[\"billing\"]"));
        assertThatThrownBy(() -> Environment.named("prod").region("us-east-1").serviceConnect().hostedZone("example.internal")
                .dnsName("orders", "orders.elsewhere.internal").dnsName("billing", "example.internal")
                .dnsName("payments", "pay.example.internal").dnsName("pay", "pay.example.internal").build())
                .isInstanceOfSatisfying(ValidationException.class, ex -> {
                    assertThat(ex.problems()).extracting(Problem::path).containsExactlyInAnyOrder(
                            "environment.dnsNames[\"orders\"]", "environment.dnsNames[\"billing\"]", "environment.dnsNames[\"payments\"]");
                    assertThat(ex.getMessage()).contains("must lie in hosted zone example.internal", "zone apex",
                            "is also the DNS name of service 'pay'");
                });
        assertThatThrownBy(() -> Environment.named("prod").region("us-east-1").trafficMode(TrafficMode.CONSUL).hostedZone("Not A Zone")
                .dnsName("orders", "orders.example.internal").build())
                .isInstanceOfSatisfying(ValidationException.class, ex -> assertThat(ex.problems()).extracting(Problem::path)
                        .containsExactlyInAnyOrder("environment.hostedZone", "environment.dnsNames"));
    }

    @Test
    void aNameIsAnAliasToTheLoadBalancerOrACnameToTheCloudMapNameAndAZoneMayBeGivenById() {
        Environment lb = Environment.named("prod").region("us-east-1").loadBalancer("orders-alb").hostedZone("example.internal")
                .dnsName("orders", "example.internal").build(); // an alias may sit at the apex
        Resource dns = DesiredState.of(Release.of(ORDERS).to(lb).build()).stream()
                .filter(r -> r.id().type() == ResourceType.DNS).findFirst().orElseThrow();
        assertThat(dns.value("target")).isEqualTo("alias load balancer orders-alb");
        assertThat(dns.value("zone")).isEqualTo("example.internal");
        Environment sc = Environment.named("stage").region("us-east-1").serviceConnect().namespace("stage.local")
                .hostedZone("Z0123456789ABCDEFGHIJ").dnsName("orders", "orders.anything.internal").build();
        assertThat(DesiredState.dnsTarget(sc, ORDERS)).isEqualTo("cname orders.stage.local");
        assertThat(DesiredState.candidateIds(Release.of(ORDERS).to(sc).build())).anyMatch(id -> id.type() == ResourceType.DNS);
        Environment none = Environment.named("dev").region("us-east-1").build();
        assertThat(DesiredState.candidateIds(Release.of(ORDERS).to(none).build())).noneMatch(id -> id.type() == ResourceType.DNS);
    }

    @Test
    void theJournalKeepsTheNamesAndThePlanShowsTheRecordAsBootstrap() {
        Environment e = Environment.named("prod").region("us-east-1").loadBalancer("orders-alb").hostedZone("example.internal")
                .dnsName("orders", "orders.example.internal").build();
        Release release = Release.of(ORDERS).to(e).build();
        assertThat(ReleaseCodec.decode(ReleaseCodec.encode(release)).environment()).isEqualTo(e);
        assertThat(e.toBuilder().build()).isEqualTo(e);

        VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));
        Cutover cutover = Cutover.builder().provider(new InMemoryProvider()).discoverProviders(false).scheduler(time).build();
        Plan first = cutover.plan(release);
        assertThat(first.toString()).contains("+ dns prod/orders", "orders.example.internal", "alias load balancer orders-alb",
                "stable DNS name of the service");
        cutover.apply(first).await();
        Plan next = cutover.plan(Release.of(ORDERS.toBuilder().image("registry.example.com/orders:1.1").build()).to(e).build());
        assertThat(next.changes()).filteredOn(c -> c.id().type() == ResourceType.DNS).singleElement()
                .satisfies(c -> assertThat(c.isNoOp()).as("a rollout never changes the name").isTrue());
    }
}

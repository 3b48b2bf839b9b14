package dev.cutover.localcloud.route53;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.SimClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.HostedZoneNotEmptyException;
import software.amazon.awssdk.services.route53.model.InvalidChangeBatchException;
import software.amazon.awssdk.services.route53.model.InvalidInputException;
import software.amazon.awssdk.services.route53.model.NoSuchHostedZoneException;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/** The local cloud's Route 53 through the real SDK client (REST-XML). */
class Route53ConformanceTest {

    SimClock clock;
    LocalCloud cloud;
    Route53Client r53;

    @BeforeEach
    void start() {
        clock = SimClock.virtual(Instant.parse("2026-01-01T00:00:00Z"));
        cloud = LocalCloud.builder().clock(clock).start();
        r53 = Route53Client.builder().endpointOverride(cloud.endpoint()).region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    @AfterEach
    void stop() {
        r53.close();
        cloud.close();
        clock.close();
    }

    /** The zone's id without the /hostedzone/ prefix (the SDK's Route53IdInterceptor strips it from responses). */
    private String zone() {
        String id = r53.createHostedZone(r -> r.name("shop.internal").callerReference("ref-1")
                .hostedZoneConfig(c -> c.privateZone(true).comment("test"))).hostedZone().id();
        assertThat(id).matches("(/hostedzone/)?Z[A-Z0-9]{19}");
        return id.replace("/hostedzone/", "");
    }

    private static ResourceRecordSet a(String name, String ip) {
        return ResourceRecordSet.builder().name(name).type(RRType.A).ttl(60L).resourceRecords(r -> r.value(ip)).build();
    }

    private static Change change(ChangeAction action, ResourceRecordSet rs) {
        return Change.builder().action(action).resourceRecordSet(rs).build();
    }

    @Test
    void aZoneStartsWithSoaAndNsAndAChangeIsPendingThenInSync() {
        String zoneId = zone();
        assertThat(r53.getHostedZone(r -> r.id(zoneId)).hostedZone().name()).isEqualTo("shop.internal.");
        assertThat(r53.listResourceRecordSets(r -> r.hostedZoneId(zoneId)).resourceRecordSets()).extracting(ResourceRecordSet::type)
                .containsExactly(RRType.NS, RRType.SOA);
        var info = r53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(
                change(ChangeAction.CREATE, a("orders.shop.internal", "10.0.0.1"))))).changeInfo();
        assertThat(info.status()).isEqualTo(ChangeStatus.PENDING);
        String changeId = info.id().replace("/change/", "");
        clock.advance(Duration.ofSeconds(10));
        assertThat(r53.getChange(r -> r.id(changeId)).changeInfo().status()).isEqualTo(ChangeStatus.INSYNC);
        assertThatThrownBy(() -> r53.getHostedZone(r -> r.id("ZNOTHERE"))).isInstanceOf(NoSuchHostedZoneException.class);
    }

    @Test
    void aBatchIsAtomicAndInvalidChangeBatchListsEveryProblem() {
        String zoneId = zone();
        r53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(
                change(ChangeAction.CREATE, a("orders.shop.internal", "10.0.0.1")))));
        assertThatThrownBy(() -> r53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(
                change(ChangeAction.CREATE, a("payments.shop.internal", "10.0.0.2")),
                change(ChangeAction.CREATE, a("orders.shop.internal", "10.0.0.9")),
                change(ChangeAction.DELETE, a("gone.shop.internal", "10.0.0.3")),
                change(ChangeAction.CREATE, a("orders.elsewhere.internal", "10.0.0.4"))))))
                .isInstanceOf(InvalidChangeBatchException.class)
                .hasMessageContaining("Tried to create resource record set [name='orders.shop.internal.', type='A'] but it already exists")
                .hasMessageContaining("Tried to delete resource record set [name='gone.shop.internal.', type='A'] but it was not found")
                .hasMessageContaining("not permitted in zone shop.internal.");
        assertThat(r53.listResourceRecordSets(r -> r.hostedZoneId(zoneId)).resourceRecordSets())
                .as("nothing of the failed batch applied").extracting(ResourceRecordSet::name).doesNotContain("payments.shop.internal.");
        r53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(
                change(ChangeAction.UPSERT, a("orders.shop.internal", "10.0.0.9")))));
        assertThat(r53.listResourceRecordSets(r -> r.hostedZoneId(zoneId).startRecordName("orders.shop.internal")
                .startRecordType(RRType.A).maxItems("1")).resourceRecordSets().get(0).resourceRecords().get(0).value()).isEqualTo("10.0.0.9");
        assertThatThrownBy(() -> r53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(
                change(ChangeAction.CREATE, ResourceRecordSet.builder().name("shop.internal").type(RRType.CNAME).ttl(60L)
                        .resourceRecords(v -> v.value("x.example.com")).build())))))
                .isInstanceOf(InvalidChangeBatchException.class).hasMessageContaining("not permitted at apex");
        assertThatThrownBy(() -> r53.deleteHostedZone(r -> r.id(zoneId))).isInstanceOf(HostedZoneNotEmptyException.class);
    }

    @Test
    void listResourceRecordSetsPagesInRoute53Order() {
        String zoneId = zone();
        List<Change> creates = new ArrayList<>();
        for (String n : List.of("b", "a", "c.a", "d")) {
            creates.add(change(ChangeAction.CREATE, a(n + ".shop.internal", "10.0.0.1")));
        }
        r53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(creates)));
        List<String> names = new ArrayList<>();
        String nextName = null;
        RRType nextType = null;
        do {
            String n = nextName;
            RRType t = nextType;
            var page = r53.listResourceRecordSets(r -> r.hostedZoneId(zoneId).maxItems("2").startRecordName(n).startRecordType(t));
            page.resourceRecordSets().forEach(rs -> names.add(rs.name() + rs.type()));
            nextName = page.isTruncated() ? page.nextRecordName() : null;
            nextType = page.isTruncated() ? page.nextRecordType() : null;
        } while (nextName != null);
        assertThat(names).containsExactly("shop.internal.NS", "shop.internal.SOA", "a.shop.internal.A", "c.a.shop.internal.A",
                "b.shop.internal.A", "d.shop.internal.A");
        assertThatThrownBy(() -> r53.listResourceRecordSets(r -> r.hostedZoneId(zoneId).startRecordType(RRType.A)))
                .isInstanceOf(InvalidInputException.class);
    }

    private static ResourceRecordSet alias(String name, RRType type, String zoneId, String dnsName) {
        return ResourceRecordSet.builder().name(name).type(type)
                .aliasTarget(t -> t.hostedZoneId(zoneId).dnsName(dnsName).evaluateTargetHealth(true)).build();
    }

    @Test
    void anAliasToALoadBalancerNeedsItsCanonicalZoneAndDnsNameAndEveryWrongAliasIsListed() {
        String zoneId = zone();
        try (var elb = dev.cutover.localcloud.sdk.Sdk.elbv2(cloud)) {
            var lb = elb.createLoadBalancer(r -> r.name("shop-alb").subnets("subnet-1", "subnet-2")).loadBalancers().get(0);
            assertThat(lb.canonicalHostedZoneId()).as("us-east-1's ALB zone").isEqualTo("Z35SXDOTRQ7X7K");
            r53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(
                    change(ChangeAction.CREATE, alias("orders.shop.internal", RRType.A, lb.canonicalHostedZoneId(), lb.dnsName())),
                    change(ChangeAction.CREATE, alias("www.shop.internal", RRType.A, lb.canonicalHostedZoneId(),
                            "dualstack." + lb.dnsName())))));
            ResourceRecordSet created = r53.listResourceRecordSets(r -> r.hostedZoneId(zoneId).startRecordName("orders.shop.internal")
                    .startRecordType(RRType.A).maxItems("1")).resourceRecordSets().get(0);
            assertThat(created.aliasTarget().dnsName()).isEqualTo(lb.dnsName() + ".");
            assertThat(created.ttl()).isNull();
            assertThatThrownBy(() -> r53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(
                    change(ChangeAction.CREATE, alias("a.shop.internal", RRType.A, "Z32O12XQLNTSW2", lb.dnsName())),
                    change(ChangeAction.CREATE, alias("b.shop.internal", RRType.A, lb.canonicalHostedZoneId(),
                            "gone-123.us-east-1.elb.amazonaws.com")),
                    change(ChangeAction.CREATE, alias("c.shop.internal", RRType.CNAME, lb.canonicalHostedZoneId(), lb.dnsName())),
                    change(ChangeAction.CREATE, alias("d.shop.internal", RRType.A, zoneId, "nothing.shop.internal")),
                    change(ChangeAction.CREATE, alias("e.shop.internal", RRType.A, lb.canonicalHostedZoneId(), lb.dnsName())
                            .toBuilder().ttl(60L).build())))))
                    .isInstanceOf(InvalidChangeBatchException.class)
                    .hasMessageContaining("targets " + lb.dnsName() + "., type A in zone Z32O12XQLNTSW2, but the alias target name"
                            + " does not lie within the target zone")
                    .hasMessageContaining("targets gone-123.us-east-1.elb.amazonaws.com., type A in zone Z35SXDOTRQ7X7K, but the alias"
                            + " target name does not lie within the target zone")
                    .hasMessageContaining("must be of type A or AAAA")
                    .hasMessageContaining("targets nothing.shop.internal., type A in zone " + zoneId + ", but that target was not found")
                    .hasMessageContaining("an alias record takes no TTL");
            assertThatThrownBy(() -> r53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(
                    change(ChangeAction.CREATE, ResourceRecordSet.builder().name("f.shop.internal").type(RRType.A)
                            .aliasTarget(t -> t.hostedZoneId(lb.canonicalHostedZoneId()).dnsName(lb.dnsName())).build())))))
                    .as("AliasTarget.EvaluateTargetHealth is required (botocore route53 model)").isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void anAliasMayTargetARecordOfTheSameZoneInTheSameBatch() {
        String zoneId = zone();
        r53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(
                change(ChangeAction.CREATE, a("origin.shop.internal", "10.0.0.1")),
                change(ChangeAction.CREATE, alias("orders.shop.internal", RRType.A, zoneId, "origin.shop.internal")))));
        assertThat(r53.listResourceRecordSets(r -> r.hostedZoneId(zoneId)).resourceRecordSets()).hasSize(4);
    }

    @Test
    void listHostedZonesByNameFindsAZoneByItsName() {
        String zoneId = zone();
        r53.createHostedZone(r -> r.name("a.internal").callerReference("ref-2"));
        var page = r53.listHostedZonesByName(r -> r.dnsName("shop.internal").maxItems("1"));
        assertThat(page.hostedZones()).extracting(z -> z.id().replace("/hostedzone/", "")).containsExactly(zoneId);
        assertThat(page.hostedZones().get(0).name()).isEqualTo("shop.internal.");
        assertThat(r53.listHostedZonesByName(r -> r.maxItems("10")).hostedZones()).extracting(z -> z.name())
                .containsExactly("a.internal.", "shop.internal.");
    }

    @Test
    void route53SitsBehindTheFaultGate() {
        String zoneId = zone();
        cloud.faults().outage("route53", true);
        assertThatThrownBy(() -> r53.getHostedZone(r -> r.id(zoneId)))
                .isInstanceOf(software.amazon.awssdk.services.route53.model.Route53Exception.class)
                .satisfies(e -> assertThat(((software.amazon.awssdk.services.route53.model.Route53Exception) e).statusCode()).isEqualTo(503));
        cloud.faults().outage("route53", false);
        // the account's bucket holds 50 requests and refills at 10 per second; the clock stands still
        int throttled = 0;
        for (int i = 0; i < 60; i++) {
            try {
                r53.getHostedZone(r -> r.id(zoneId));
            } catch (software.amazon.awssdk.services.route53.model.Route53Exception e) {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling");
                assertThat(e.statusCode()).isEqualTo(400);
                throttled++;
            }
        }
        assertThat(throttled).isEqualTo(60 - 49); // the zone's creation took one token
        clock.advance(Duration.ofSeconds(1));
        r53.getHostedZone(r -> r.id(zoneId));
        cloud.faults().loseResponses("route53", "ChangeResourceRecordSets", 1);
        assertThatThrownBy(() -> r53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(
                change(ChangeAction.CREATE, a("lost.shop.internal", "10.0.0.1")))))).isInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class);
        assertThat(r53.listResourceRecordSets(r -> r.hostedZoneId(zoneId)).resourceRecordSets()).as("applied, answer lost")
                .extracting(ResourceRecordSet::name).contains("lost.shop.internal.");
        assertThat(cloud.faults().lostResponses("route53")).isEqualTo(1);
    }
}

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
}

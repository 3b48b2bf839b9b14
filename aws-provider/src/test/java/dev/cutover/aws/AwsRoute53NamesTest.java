package dev.cutover.aws;

import static dev.cutover.Strategies.allAtOnce;
import static dev.cutover.aws.AwsFixture.orders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Change;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Plan;
import dev.cutover.Problem;
import dev.cutover.Release;
import dev.cutover.ValidationException;
import dev.cutover.aws.AwsWorld.Deployer;
import dev.cutover.spi.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * A service's stable DNS name (issue 13 item 4) on the local cloud through the real Route 53 and ELBv2 SDK clients:
 * an alias A record to the load balancer in LOAD_BALANCER mode (the ALB's DNS name and canonical hosted zone, as the
 * local Route 53 insists), a CNAME to the Cloud Map name in Service Connect mode; written in bootstrap, shown in the
 * plan with its policy on exactly the zone, left alone by a rollout, restored after drift, and a missing zone refused
 * at plan time before any write. {@link AwsWorld#close()} checks every Route 53 call against the plans' policies.
 */
class AwsRoute53NamesTest {

    private final AwsWorld world = new AwsWorld();
    private final Route53Client r53 = Route53Client.builder().endpointOverride(world.cloud.endpoint()).region(Region.AWS_GLOBAL)
            .credentialsProvider(AwsFixture.CREDENTIALS)
            .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build();
    private final String zoneId = r53.createHostedZone(r -> r.name("example.internal").callerReference("zone-1"))
            .hostedZone().id().replace("/hostedzone/", "");
    private final Environment prod = Environment.named("prod").region("us-east-1").cluster("main")
            .network(n -> n.vpc("vpc-0a1b2c3d").subnets("subnet-0a1b2c3d", "subnet-4e5f6a7b").securityGroups("sg-0a1b2c3d"))
            .loadBalancer(lb -> lb.name("orders-alb").create(true))
            .hostedZone("example.internal").dnsName("orders", "orders.example.internal")
            .build();

    @AfterEach
    void close() {
        r53.close();
        world.close();
    }

    private ResourceRecordSet record(String name) {
        return r53.listResourceRecordSets(r -> r.hostedZoneId(zoneId)).resourceRecordSets().stream()
                .filter(r -> r.name().equals(name + ".")).findFirst().orElse(null);
    }

    private static Change dnsChange(Plan plan) {
        return plan.changes().stream().filter(c -> c.id().type() == ResourceType.DNS).findFirst().orElseThrow();
    }

    @Test
    void loadBalancerModeAliasesTheNameToTheAlbInBootstrapAndARolloutNeverChangesIt() {
        try (Deployer d = world.deployer()) {
            Plan first = d.plan(Release.of(orders("1.0.0")).to(prod).build());
            assertThat(first.toString()).contains("+ dns prod/orders", "orders.example.internal", "alias load balancer orders-alb",
                    "DNS name orders.example.internal (alias A record to the load balancer in hosted zone example.internal");
            assertThat(first.requiredPermissions().toString()).contains("route53:ChangeResourceRecordSets",
                    "arn:aws:route53:::hostedzone/" + zoneId, "route53:GetChange", "route53:ListHostedZonesByName");
            assertThat(d.cutover().apply(first).await()).isEqualTo(DeploymentStatus.SUCCEEDED);

            ResourceRecordSet alias = record("orders.example.internal");
            assertThat(alias.type()).isEqualTo(RRType.A);
            try (ElasticLoadBalancingV2Client elb = ElasticLoadBalancingV2Client.builder().endpointOverride(world.cloud.endpoint())
                    .region(Region.US_EAST_1).credentialsProvider(AwsFixture.CREDENTIALS)
                    .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build()) {
                var lb = elb.describeLoadBalancers(b -> b.names("orders-alb")).loadBalancers().get(0);
                assertThat(alias.aliasTarget().hostedZoneId()).isEqualTo(lb.canonicalHostedZoneId());
                assertThat(alias.aliasTarget().dnsName()).isEqualTo(lb.dnsName() + ".");
            }

            Plan next = d.plan(Release.of(orders("2.0.0")).to(prod).strategy(allAtOnce()).build());
            assertThat(dnsChange(next).isNoOp()).as("a rollout leaves the name alone").isTrue();
            Deployment rollout = d.cutover().apply(next);
            assertThat(rollout.await()).as(rollout.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(record("orders.example.internal")).isEqualTo(alias);

            // drift: someone points the name elsewhere; the next plan shows it and applying restores the alias
            r53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(c -> c.action(ChangeAction.DELETE)
                    .resourceRecordSet(alias), c -> c.action(ChangeAction.CREATE).resourceRecordSet(s -> s.name("orders.example.internal")
                    .type(RRType.CNAME).ttl(60L).resourceRecords(v -> v.value("elsewhere.example.com"))))));
            Plan drift = d.plan(Release.of(orders("2.0.0")).to(prod).build());
            assertThat(dnsChange(drift).action()).isEqualTo(Change.Action.UPDATE);
            assertThat(drift.toString()).contains("cname elsewhere.example.com");
            assertThat(d.cutover().apply(drift).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(record("orders.example.internal")).isEqualTo(alias);
        }
    }

    /** {@link #prod} without the service's name: the hosted zone stays declared (other services may have names in it). */
    private final Environment prodWithoutName = Environment.named("prod").region("us-east-1").cluster("main")
            .network(n -> n.vpc("vpc-0a1b2c3d").subnets("subnet-0a1b2c3d", "subnet-4e5f6a7b").securityGroups("sg-0a1b2c3d"))
            .loadBalancer(lb -> lb.name("orders-alb").create(true))
            .hostedZone("example.internal")
            .build();

    private static java.util.Optional<Change> dnsChangeIfAny(Plan plan) {
        return plan.changes().stream().filter(c -> c.id().type() == ResourceType.DNS && !c.isNoOp()).findFirst();
    }

    /** A record nobody asked Cutover for, in the same zone: it must survive everything below. */
    private ResourceRecordSet foreignRecord() {
        ResourceRecordSet other = ResourceRecordSet.builder().name("billing.example.internal").type(RRType.CNAME).ttl(60L)
                .resourceRecords(v -> v.value("billing.elsewhere.example.com")).build();
        r53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(c -> c.action(ChangeAction.CREATE)
                .resourceRecordSet(other))));
        return record("billing.example.internal");
    }

    @Test
    void aNameRemovedFromTheEnvironmentIsPlannedAsADeletionOfExactlyThatRecordAndDeleted() {
        dev.cutover.journal.InMemoryJournalStore journal = new dev.cutover.journal.InMemoryJournalStore();
        ResourceRecordSet other = foreignRecord();
        Environment renamed = prodWithoutName.toBuilder().dnsName("orders", "api.example.internal").build();
        try (Deployer d = world.deployer(p -> { }, c -> c.journal(journal))) {
            assertThat(d.cutover().apply(d.plan(Release.of(orders("1.0.0")).to(prod).build())).await())
                    .isEqualTo(DeploymentStatus.SUCCEEDED);
            ResourceRecordSet alias = record("orders.example.internal");
            assertThat(alias).isNotNull();

            // renamed: one atomic batch writes the new name and deletes the old one Cutover wrote
            Plan rename = d.plan(Release.of(orders("1.0.0")).to(renamed).build());
            assertThat(dnsChangeIfAny(rename)).hasValueSatisfying(c -> assertThat(c.action()).isEqualTo(Change.Action.UPDATE));
            assertThat(d.cutover().apply(rename).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(record("orders.example.internal")).as("the former name").isNull();
            assertThat(record("api.example.internal").aliasTarget()).isEqualTo(alias.aliasTarget());
        }
        // a fresh process on the same journal store knows what Cutover wrote (the provider memory)
        try (Deployer fresh = world.deployer(p -> { }, c -> c.journal(journal))) {
            Release without = Release.of(orders("1.0.0")).to(prodWithoutName).build();
            Plan plan = fresh.plan(without);
            assertThat(plan.toString()).contains("- dns prod/orders", "api.example.internal", "alias load balancer orders-alb");
            assertThat(dnsChangeIfAny(plan)).hasValueSatisfying(c -> assertThat(c.action()).isEqualTo(Change.Action.DELETE));
            assertThat(plan.isRollout()).isFalse();
            String policy = plan.requiredPermissions();
            assertThat(policy).contains("route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/" + zoneId,
                    "ForAllValues:StringEquals", "route53:ChangeResourceRecordSetsActions", "\"DELETE\"",
                    "route53:ChangeResourceRecordSetsNormalizedRecordNames", "\"api.example.internal\"",
                    "route53:ChangeResourceRecordSetsRecordTypes", "\"A\"");
            assertThat(policy).doesNotContain("UPSERT");

            java.util.List<dev.cutover.spi.Provider.PolicyStatement> own = fresh.aws().requiredPermissions(plan);
            int mark = world.iam.mark();
            Deployment dep = fresh.cutover().apply(plan);
            assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(record("api.example.internal")).as("deleted").isNull();
            // that plan's own policy (not the union IamAudit checks at close) allows every call of its apply ...
            assertThat(IamAudit.denied(own, world.iam.since(mark))).as("calls of the deletion its policy denies").isEmpty();
            // ... and no other record change in the zone
            String zoneArn = "arn:aws:route53:::hostedzone/" + zoneId;
            for (String[] change : new String[][] {{"DELETE", "billing.example.internal", "CNAME"}, {"DELETE", "orders.example.internal", "A"},
                    {"UPSERT", "api.example.internal", "A"}, {"CREATE", "api.example.internal", "A"}, {"DELETE", "api.example.internal", "CNAME"}}) {
                assertThat(IamEvaluator.allows(own, new IamEvaluator.Request("route53:ChangeResourceRecordSets", zoneArn, java.util.Map.of(
                        "route53:ChangeResourceRecordSetsActions", change[0], "route53:ChangeResourceRecordSetsNormalizedRecordNames", change[1],
                        "route53:ChangeResourceRecordSetsRecordTypes", change[2])))).as(String.join(" ", change)).isFalse();
            }
            assertThat(record("billing.example.internal")).as("a record Cutover did not create").isEqualTo(other);
            assertThat(dnsChangeIfAny(fresh.plan(without))).as("re-planning").isEmpty();
            assertThat(fresh.plan(without).isEmpty()).isTrue();
        }
        // world.close() checks the delete against that plan's policy: DELETE of that name and type only
    }

    @Test
    void aRecordChangedOutsideCutoverSinceIsReportedNotDeleted() {
        dev.cutover.journal.InMemoryJournalStore journal = new dev.cutover.journal.InMemoryJournalStore();
        Release without = Release.of(orders("1.0.0")).to(prodWithoutName).build();
        try (Deployer d = world.deployer(p -> { }, c -> c.journal(journal))) {
            assertThat(d.cutover().apply(d.plan(Release.of(orders("1.0.0")).to(prod).build())).await())
                    .isEqualTo(DeploymentStatus.SUCCEEDED);
            ResourceRecordSet alias = record("orders.example.internal");

            // changed between the plan and its apply: apply observes again and refuses the stale plan (and the provider
            // deletes only the record it wrote: Route 53's DELETE names the values Cutover wrote)
            Plan plan = d.plan(without);
            assertThat(dnsChangeIfAny(plan)).hasValueSatisfying(c -> assertThat(c.action()).isEqualTo(Change.Action.DELETE));
            ResourceRecordSet hand = ResourceRecordSet.builder().name("orders.example.internal").type(RRType.CNAME).ttl(60L)
                    .resourceRecords(v -> v.value("elsewhere.example.com")).build();
            r53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(
                    c -> c.action(ChangeAction.DELETE).resourceRecordSet(alias), c -> c.action(ChangeAction.CREATE).resourceRecordSet(hand))));
            assertThatThrownBy(() -> d.cutover().apply(plan)).isInstanceOf(dev.cutover.StalePlanException.class);
            assertThat(record("orders.example.internal").resourceRecords()).as("the hand-made record stays")
                    .extracting(r -> r.value()).containsExactly("elsewhere.example.com");

            // planned again: the record is not Cutover's any more, so no deletion is planned
            assertThat(dnsChangeIfAny(d.plan(without))).isEmpty();
        }
    }

    @Test
    void aRecordCutoverNeverCreatedIsNeverPlannedForDeletion() {
        ResourceRecordSet hand = ResourceRecordSet.builder().name("orders.example.internal").type(RRType.CNAME).ttl(60L)
                .resourceRecords(v -> v.value("elsewhere.example.com")).build();
        r53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(c -> c.action(ChangeAction.CREATE)
                .resourceRecordSet(hand))));
        try (Deployer d = world.deployer()) {
            Plan plan = d.plan(Release.of(orders("1.0.0")).to(prodWithoutName).build());
            assertThat(dnsChangeIfAny(plan)).isEmpty();
            assertThat(plan.requiredPermissions()).doesNotContain("route53:ChangeResourceRecordSets");
        }
    }

    @Test
    void serviceConnectModeWritesACnameToTheCloudMapNameAndAZoneMayBeNamedById() {
        Environment stage = Environment.named("stage").region("us-east-1").cluster("main").serviceConnect().namespace("stage.local")
                .hostedZone(zoneId).dnsName("orders", "orders-stage.example.internal").build();
        try (Deployer d = world.deployer()) {
            Plan plan = d.plan(Release.of(orders("1.0.0")).to(stage).build());
            assertThat(plan.toString()).contains("+ dns stage/orders", "cname orders.stage.local");
            assertThat(d.cutover().apply(plan).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
            ResourceRecordSet cname = record("orders-stage.example.internal");
            assertThat(cname.type()).isEqualTo(RRType.CNAME);
            assertThat(cname.resourceRecords().get(0).value()).isEqualTo("orders.stage.local");
            assertThat(dnsChange(d.plan(Release.of(orders("1.0.1")).to(stage).build())).isNoOp()).isTrue();
        }
    }

    @Test
    void aMissingHostedZoneOrANameOutsideItIsRefusedAtPlanTimeBeforeAnyWrite() {
        try (Deployer d = world.deployer()) {
            Environment noZone = prod.toBuilder().hostedZone("missing.internal").dnsName("orders", "orders.missing.internal").build();
            assertThatThrownBy(() -> d.plan(Release.of(orders("1.0.0")).to(noZone).build()))
                    .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems()).extracting(Problem::path)
                            .containsExactly("environment.hostedZone"));
            Environment outside = prod.toBuilder().hostedZone(zoneId).dnsName("orders", "orders.elsewhere.internal").build();
            assertThatThrownBy(() -> d.plan(Release.of(orders("1.0.0")).to(outside).build()))
                    .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems()).extracting(Problem::path)
                            .containsExactly("environment.dnsNames[\"orders\"]"));
            assertThat(d.aws().apiCalls().keySet()).as("nothing was written")
                    .allMatch(a -> a.contains(":Describe") || a.contains(":List") || a.contains(":Get"));
        }
    }
}

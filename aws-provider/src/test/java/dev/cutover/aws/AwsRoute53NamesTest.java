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

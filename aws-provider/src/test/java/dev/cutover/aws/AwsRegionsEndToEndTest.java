package dev.cutover.aws;

import static dev.cutover.aws.AwsFixture.orders;
import static dev.cutover.aws.AwsWorld.deploy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Release;
import dev.cutover.aws.AwsWorld.Deployer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.servicediscovery.ServiceDiscoveryClient;

/**
 * Regions and networks belong to the environment: one provider deploys two environments into two
 * Regions (same cluster and namespace names), each with its own subnets and security groups; the
 * local cloud keeps each Region's resources apart, as AWS does.
 */
class AwsRegionsEndToEndTest {

    private final AwsWorld world = new AwsWorld();

    private final Environment dublin = Environment.named("eu").region("eu-west-1").cluster("main").namespace("apps.local")
            .network(n -> n.vpc("vpc-0e0e0e0e").subnets("subnet-0e1e2e3e", "subnet-0e4e5e6e").securityGroups("sg-0e1e2e3e"))
            .override("orders", o -> o.network(n -> n.assignPublicIp(true).securityGroups("sg-0e9e9e9e")))
            .build();
    private final Environment virginia = Environment.named("us").region("us-east-1").cluster("main").namespace("apps.local")
            .network(n -> n.vpc("vpc-0a0a0a0a").subnets("subnet-0a1a2a3a").securityGroups("sg-0a1a2a3a"))
            .build();

    @AfterEach
    void close() {
        world.close();
    }

    private EcsClient ecs(Region region) {
        return EcsClient.builder().endpointOverride(world.cloud.endpoint()).region(region).credentialsProvider(AwsFixture.CREDENTIALS)
                .build();
    }

    @Test
    void oneProviderDeploysTwoEnvironmentsIntoTheirOwnRegionsAndNetworksAndReplansEmpty() {
        try (Deployer d = world.deployer(p -> p.region("us-east-1"), c -> { })) {
            Release eu = Release.of(orders("1.0.0")).to(dublin).build();
            Release us = Release.of(orders("1.0.0")).to(virginia).build();
            var euPlan = d.plan(eu);
            assertThat(euPlan.requiredPermissions()).contains("arn:aws:ecs:eu-west-1:123456789012:cluster/main")
                    .doesNotContain(":us-east-1:");
            assertThat(d.cutover().apply(euPlan).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(deploy(d, us)).isEqualTo(DeploymentStatus.SUCCEEDED);

            try (EcsClient euEcs = ecs(Region.EU_WEST_1); EcsClient usEcs = ecs(Region.US_EAST_1)) {
                assertThat(euEcs.listServices(b -> b.cluster("main")).serviceArns())
                        .containsExactly("arn:aws:ecs:eu-west-1:000000000000:service/main/eu-orders");
                assertThat(usEcs.listServices(b -> b.cluster("main")).serviceArns())
                        .containsExactly("arn:aws:ecs:us-east-1:000000000000:service/main/us-orders");
                AwsVpcConfiguration euNet = euEcs.describeServices(b -> b.cluster("main").services("eu-orders")).services().get(0)
                        .networkConfiguration().awsvpcConfiguration();
                assertThat(euNet.subnets()).containsExactly("subnet-0e1e2e3e", "subnet-0e4e5e6e");
                assertThat(euNet.securityGroups()).as("the service override's groups").containsExactly("sg-0e9e9e9e");
                assertThat(euNet.assignPublicIp()).isEqualTo(AssignPublicIp.ENABLED);
                AwsVpcConfiguration usNet = usEcs.describeServices(b -> b.cluster("main").services("us-orders")).services().get(0)
                        .networkConfiguration().awsvpcConfiguration();
                assertThat(usNet.subnets()).containsExactly("subnet-0a1a2a3a");
                assertThat(usNet.securityGroups()).containsExactly("sg-0a1a2a3a");
                assertThat(usNet.assignPublicIp()).isEqualTo(AssignPublicIp.DISABLED);
                assertThat(euEcs.listTaskDefinitions(b -> b.familyPrefix("us-orders")).taskDefinitionArns()).isEmpty();
                assertThat(euEcs.describeTaskDefinition(b -> b.taskDefinition("eu-orders:1")).taskDefinition()
                        .containerDefinitions().get(0).logConfiguration().options()).containsEntry("awslogs-region", "eu-west-1");
            }
            for (Region region : List.of(Region.EU_WEST_1, Region.US_EAST_1)) {
                try (ServiceDiscoveryClient cloudMap = ServiceDiscoveryClient.builder().endpointOverride(world.cloud.endpoint())
                        .region(region).credentialsProvider(AwsFixture.CREDENTIALS).build()) {
                    var namespaces = cloudMap.listNamespaces().namespaces();
                    assertThat(namespaces).as("namespaces in " + region).hasSize(1);
                    assertThat(namespaces.get(0).arn()).contains(":" + region.id() + ":");
                }
            }
            assertThat(d.plan(eu).isEmpty()).as(d.plan(eu).toString()).isTrue();
            assertThat(d.plan(us).isEmpty()).as(d.plan(us).toString()).isTrue();
        }
    }

    @Test
    void everyMalformedNetworkIdIsReportedAtOnceWithItsPath() {
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(() -> Environment.named("eu").region("eu-west-1")
                .network(n -> n.vpc("vpc-1").subnets("subnet-0e1e2e3e", "subnet-x").securityGroups("sg-0e1e2e3e", "sg-0e1e2e3e"))
                .override("orders", o -> o.network(n -> n.vpc("vpc-0e0e0e0e")))
                .build(), dev.cutover.ValidationException.class);
        assertThat(e.problems()).extracting(dev.cutover.Problem::path).containsExactlyInAnyOrder("environment.network.vpc",
                "environment.network.subnets[1]", "environment.network.securityGroups",
                "environment.overrides[\"orders\"].network.vpc");
    }
}

package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.LaunchType;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.ValidationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * What goes into a task definition so that real ECS accepts it: plan, apply and roll out through
 * the real SDK against the local cloud, whose RegisterTaskDefinition refuses what ECS refuses.
 */
class AwsTaskDefinitionEndToEndTest {

    private final AwsWorld world = new AwsWorld();

    @AfterEach
    void close() {
        world.close();
    }

    private TaskDefinition taskDefinition(String family) {
        try (EcsClient ecs = EcsClient.builder().endpointOverride(world.cloud.endpoint())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).credentialsProvider(AwsFixture.CREDENTIALS).build()) {
            return ecs.describeTaskDefinition(r -> r.taskDefinition(family)).taskDefinition();
        }
    }

    // ------------------------------------------------------------------ item 1: execution role

    @Test
    void withoutAnExecutionRoleTheFargatePlanIsRefusedBeforeAnyCallNamingTheRoleAndHowToSetIt() {
        world.cloud.secrets().createSecret("stage/orders/db", "{\"password\":\"x\"}");
        dev.cutover.time.VirtualScheduler time = dev.cutover.time.Scheduler.virtual(AwsWorld.T0);
        {
            AwsProvider bare = AwsProvider.builder().region("us-east-1").endpointOverride(world.cloud.endpoint())
                    .credentials(AwsFixture.CREDENTIALS).subnets("subnet-0a1b2c3d").securityGroups("sg-0a1b2c3d")
                    .clock(time.clock()).sleeper(time::sleep).build();
            try (bare; dev.cutover.Cutover cutover = dev.cutover.Cutover.builder().provider(bare).discoverProviders(false)
                    .scheduler(time).build()) {
                Service orders = AwsFixture.orders("1.0.0").toBuilder().secret("DB_PASSWORD", "stage/orders/db").build();
                assertThatThrownBy(() -> cutover.plan(AwsFixture.release(orders, AwsFixture.meshEnv())))
                        .isInstanceOf(ValidationException.class)
                        .satisfies(e -> assertThat(((ValidationException) e).problems()).singleElement().satisfies(p -> {
                            assertThat(p.path()).isEqualTo("service.executionRole");
                            assertThat(p.message()).contains("awslogs", "Secrets Manager secrets (DB_PASSWORD)",
                                    "AwsProvider.builder().executionRole(", "aws.execution-role",
                                    "Amazon ECS task execution IAM role");
                        }));
                assertThat(bare.apiCalls()).as("refused before any AWS call").isEmpty();

                // EC2 without secrets needs no role: the container instance role sends the logs
                Service ec2 = AwsFixture.orders("1.0.0").toBuilder().launchType(LaunchType.EC2).build();
                assertThat(cutover.plan(AwsFixture.release(ec2, AwsFixture.meshEnv())).changes()).isNotEmpty();
            }
        }
    }

    @Test
    void theConfiguredExecutionRoleGoesIntoEveryTaskDefinitionAndTheServiceDeploys() {
        world.cloud.secrets().createSecret("stage/orders/db", "{\"password\":\"x\"}");
        try (AwsWorld.Deployer d = world.deployer()) {
            Service orders = AwsFixture.orders("1.0.0").toBuilder().secret("DB_PASSWORD", "stage/orders/db").build();
            Deployment dep = d.cutover().apply(d.cutover().plan(Release.of(orders).to(AwsFixture.meshEnv()).build()));
            assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            TaskDefinition td = taskDefinition("stage-orders");
            assertThat(td.executionRoleArn()).isEqualTo(AwsFixture.EXECUTION_ROLE);
            assertThat(td.containerDefinitions()).anySatisfy(c -> assertThat(c.logConfiguration().logDriverAsString())
                    .isEqualTo("awslogs"));
        }
    }

    @Test
    void aServiceWithoutSecretsRegistersNoSecretsListAndAServiceRoleWinsOverTheProvidersOne() {
        try (AwsWorld.Deployer d = world.deployer()) {
            Environment stage = AwsFixture.meshEnv();
            String own = "arn:aws:iam::123456789012:role/orders-execution";
            Service orders = AwsFixture.orders("1.0.0").toBuilder().executionRole(own).build();
            Deployment dep = d.cutover().apply(d.cutover().plan(Release.of(orders).to(stage).build()));
            assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            TaskDefinition td = taskDefinition("stage-orders");
            assertThat(td.executionRoleArn()).isEqualTo(own);
            assertThat(td.containerDefinitions()).allSatisfy(c -> assertThat(c.hasSecrets()).isFalse());
            assertThat(d.cutover().plan(Release.of(orders).to(stage).build()).isEmpty()).isTrue();
        }
    }
}

package dev.cutover.localcloud.fidelity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.sdk.Sdk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.appmesh.AppMeshClient;
import software.amazon.awssdk.services.appmesh.model.BadRequestException;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.ValidationException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.servicediscovery.ServiceDiscoveryClient;
import software.amazon.awssdk.services.servicediscovery.model.InvalidInputException;

/**
 * Requests AWS rejects for their shape (generated from AWS's models, see ShapeValidator) are
 * rejected by the local cloud with the service's own error and AWS's validation wording, through
 * the real SDK v2 clients (which do not validate shapes themselves).
 */
class ShapeConformanceTest {

    LocalCloud cloud;

    @BeforeEach
    void start() {
        cloud = LocalCloud.start();
        cloud.faults().throttling(false);
    }

    @AfterEach
    void stop() {
        cloud.close();
    }

    @Test
    void ecsAnswersInvalidParameterExceptionForMissingMembersAndBadEnums() {
        try (EcsClient ecs = Sdk.ecs(cloud)) {
            // CreateServiceRequest.required = [serviceName]; LaunchType enum = EC2 | FARGATE | EXTERNAL | MANAGED_INSTANCES
            assertThatThrownBy(() -> ecs.createService(r -> r.taskDefinition("x:1").launchType("FARGATE_SPOT")))
                    .isInstanceOf(InvalidParameterException.class)
                    .hasMessageStartingWith("2 validation errors detected: ")
                    .hasMessageContaining("Value null at 'serviceName' failed to satisfy constraint: Member must not be null")
                    .hasMessageContaining("Value 'FARGATE_SPOT' at 'launchType' failed to satisfy constraint: "
                            + "Member must satisfy enum value set: [EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES]");
            // nested: PortMapping.containerPort has no range, but Tag.key is 1-128 characters and tags at most 50
            assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("f")
                    .containerDefinitions(ContainerDefinition.builder().name("app").image("i").build())
                    .tags(t -> t.key("k".repeat(129)).value("v"))))
                    .isInstanceOf(InvalidParameterException.class)
                    .hasMessageContaining("at 'tags.1.member.key' failed to satisfy constraint: "
                            + "Member must have length less than or equal to 128");
            // nothing was created by the rejected calls
            assertThat(ecs.listTaskDefinitions().taskDefinitionArns()).isEmpty();
        }
    }

    @Test
    void cloudMapAnswersInvalidInput() {
        try (ServiceDiscoveryClient sd = Sdk.serviceDiscovery(cloud)) {
            // GetServiceRequest.required = [Id]; ResourceId max 64
            assertThatThrownBy(() -> sd.getService(r -> r.id(null)))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("1 validation error detected: Value null at 'id' failed to satisfy constraint: Member must not be null");
            // DnsRecord.TTL is 0..2147483647; RecordType enum
            assertThatThrownBy(() -> sd.createService(r -> r.name("s").namespaceId("ns-1")
                    .dnsConfig(d -> d.dnsRecords(x -> x.type("MX").ttl(-1L)))))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("Value '-1' at 'dnsConfig.dnsRecords.1.member.tTL' failed to satisfy constraint: "
                            + "Member must have value greater than or equal to 0")
                    .hasMessageContaining("Value 'MX' at 'dnsConfig.dnsRecords.1.member.type'");
        }
    }

    @Test
    void secretsManagerAnswersValidationExceptionWithoutEchoingSecretValues() {
        try (SecretsManagerClient sm = Sdk.secretsManager(cloud)) {
            assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId(null)))
                    .isInstanceOfSatisfying(SecretsManagerException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                        assertThat(e.statusCode()).isEqualTo(400);
                    })
                    .hasMessageContaining("Value null at 'secretId' failed to satisfy constraint: Member must not be null");
            // SecretStringType is sensitive and at most 65536 characters: AWS names the member, never the value
            String tooLong = "s3cr3t-" + "x".repeat(65536);
            assertThatThrownBy(() -> sm.createSecret(r -> r.name("db").secretString(tooLong)))
                    .isInstanceOf(SecretsManagerException.class)
                    .hasMessageContaining("Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536")
                    .hasMessageNotContaining("s3cr3t");
            assertThat(sm.listSecrets().secretList()).isEmpty();
        }
    }

    @Test
    void autoScalingAnswersValidationException() {
        try (ApplicationAutoScalingClient aas = Sdk.autoScaling(cloud)) {
            // ResourceIdMaxLen1600 is 1..1600; ScalableDimension enum
            assertThatThrownBy(() -> aas.registerScalableTarget(r -> r.serviceNamespace("ecs").resourceId("")
                    .scalableDimension("ecs:service:Desired").minCapacity(1).maxCapacity(2)))
                    .isInstanceOf(ValidationException.class)
                    .hasMessageStartingWith("2 validation errors detected")
                    .hasMessageContaining("Value '' at 'resourceId' failed to satisfy constraint: Member must have length greater than or equal to 1")
                    .hasMessageContaining("Value 'ecs:service:Desired' at 'scalableDimension' failed to satisfy constraint: Member must satisfy enum value set");
            // DescribeScalableTargets MaxResults is an unbounded integer in the model, but ResourceIdsMaxLen1600 entries are not
            assertThatThrownBy(() -> aas.describeScalableTargets(r -> r.serviceNamespace("ecs").resourceIds("r".repeat(1601))))
                    .isInstanceOf(ValidationException.class)
                    .hasMessageContaining("at 'resourceIds.1.member' failed to satisfy constraint: Member must have length less than or equal to 1600");
        }
    }

    @Test
    void appMeshAnswersBadRequestForShapeViolationsInBodyAndPath() {
        try (AppMeshClient mesh = Sdk.appMesh(cloud)) {
            mesh.createMesh(r -> r.meshName("shop"));
            // ResourceName is 1..255 characters, in the URI here
            assertThatThrownBy(() -> mesh.describeMesh(r -> r.meshName("m".repeat(256))))
                    .isInstanceOf(BadRequestException.class)
                    .hasMessageContaining("at 'meshName' failed to satisfy constraint: Member must have length less than or equal to 255");
            // ListMeshes limit is 1..100 (query string)
            assertThatThrownBy(() -> mesh.listMeshes(r -> r.limit(101)))
                    .isInstanceOf(BadRequestException.class)
                    .hasMessageContaining("Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100");
        }
    }

    @Test
    void appMeshHealthCheckMinimumsComeFromTheModel() {
        try (AppMeshClient mesh = Sdk.appMesh(cloud)) {
            mesh.createMesh(r -> r.meshName("shop"));
            // HealthCheckPolicy (App Mesh API Reference): intervalMillis 5000-300000, timeoutMillis 2000-60000,
            // healthyThreshold 2-10, unhealthyThreshold 2-10, port 1-65535, protocol http|tcp|http2|grpc
            assertThatThrownBy(() -> mesh.createVirtualNode(r -> r.meshName("shop").virtualNodeName("orders-v1").spec(s -> s
                    .listeners(l -> l.portMapping(p -> p.port(8080).protocol("http"))
                            .healthCheck(h -> h.protocol("http").path("/health").intervalMillis(4999L).timeoutMillis(1999L)
                                    .healthyThreshold(1).unhealthyThreshold(11)))
                    .serviceDiscovery(d -> d.dns(x -> x.hostname("orders.shop.local"))))))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(400))
                    .isInstanceOf(BadRequestException.class)
                    .hasMessageStartingWith("4 validation errors detected")
                    .hasMessageContaining("Value '4999' at 'spec.listeners.1.member.healthCheck.intervalMillis' failed to satisfy constraint: "
                            + "Member must have value greater than or equal to 5000")
                    .hasMessageContaining("at 'spec.listeners.1.member.healthCheck.timeoutMillis' failed to satisfy constraint: "
                            + "Member must have value greater than or equal to 2000")
                    .hasMessageContaining("at 'spec.listeners.1.member.healthCheck.healthyThreshold' failed to satisfy constraint: "
                            + "Member must have value greater than or equal to 2")
                    .hasMessageContaining("Value '11' at 'spec.listeners.1.member.healthCheck.unhealthyThreshold' failed to satisfy constraint: "
                            + "Member must have value less than or equal to 10");
            // the minimums themselves are accepted
            mesh.createVirtualNode(r -> r.meshName("shop").virtualNodeName("orders-v1").spec(s -> s
                    .listeners(l -> l.portMapping(p -> p.port(8080).protocol("http"))
                            .healthCheck(h -> h.protocol("http").path("/health").intervalMillis(5000L).timeoutMillis(2000L)
                                    .healthyThreshold(2).unhealthyThreshold(2)))
                    .serviceDiscovery(d -> d.dns(x -> x.hostname("orders.shop.local")))));
        }
    }
}

package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.aws.internal.AwsErrors;
import dev.cutover.spi.Capability;
import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderConfig;
import dev.cutover.spi.ProviderFactory;
import java.io.IOException;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Configuration, rate limits and error classification, without a cloud. */
class AwsProviderTest {

    private static AwsServiceException aws(String code, int status) {
        return AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("because").build()).build();
    }

    @Test
    void theFactoryIsFoundByServiceLoaderAndReadsAwsKeys() {
        ProviderFactory factory = ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("aws")).findFirst().orElseThrow();
        try (AwsProvider aws = (AwsProvider) factory.create(ProviderConfig.of(Map.of("aws.region", "eu-west-1",
                "aws.endpoint", "http://127.0.0.1:1", "aws.access-key-id", "a", "aws.secret-access-key", "b",
                "aws.revision-retention", "3", "aws.keep-warm", "PT30M", "aws.http-client", "apache")))) {
            assertThat(aws.name()).isEqualTo("aws");
            assertThat(aws.region()).isEqualTo("eu-west-1");
            assertThat(aws.revisionRetention()).isEqualTo(3);
            assertThat(aws.keepWarm()).hasMinutes(30);
            assertThat(aws.capabilities()).containsExactlyInAnyOrder(Capability.COMPUTE, Capability.TRAFFIC,
                    Capability.DISCOVERY, Capability.SECRETS, Capability.SCALING);
        }
        assertThatThrownBy(() -> factory.create(ProviderConfig.of(Map.of("aws.region", "eu-west-1", "aws.keep-warm", "soon"))))
                .hasMessageContaining("aws.keep-warm");
        assertThatThrownBy(() -> factory.create(ProviderConfig.of(Map.of("aws.region", "eu-west-1", "aws.http-client", "netty"))))
                .hasMessageContaining("aws.http-client");
    }

    @Test
    void rateLimitsFollowEcsDocumentedBuckets() {
        try (AwsProvider aws = AwsProvider.builder().region("us-east-1").build()) {
            Map<String, Provider.RateLimit> limits = aws.rateLimits();
            assertThat(limits.get("ecs.RegisterTaskDefinition")).isEqualTo(new Provider.RateLimit(20, 1));
            assertThat(limits.get("ecs.CreateService")).isEqualTo(new Provider.RateLimit(50, 5));
            assertThat(limits.get("ecs.DescribeServices")).isEqualTo(new Provider.RateLimit(100, 20));
            assertThat(limits.get("ecs.RunTask")).isEqualTo(new Provider.RateLimit(100, 40));
            assertThat(limits.get("servicediscovery.DiscoverInstances")).isEqualTo(new Provider.RateLimit(2000, 1000));
            assertThat(limits).containsKeys("appmesh.read", "appmesh.write");
        }
        assertThat(dev.cutover.aws.internal.ApiFamilies.family("ecs", "DeregisterTaskDefinition")).isEqualTo("ecs.RegisterTaskDefinition");
        assertThat(dev.cutover.aws.internal.ApiFamilies.family("ecs", "UpdateService")).isEqualTo("ecs.CreateService");
    }

    @Test
    void sdkFailuresAreClassifiedAndTranslated() {
        assertThat(AwsErrors.isRetryable(aws("ThrottlingException", 400))).isTrue();
        assertThat(AwsErrors.isThrottling(aws("ThrottlingException", 400))).isTrue();
        assertThat(AwsErrors.isThrottling(aws("TooManyRequestsException", 429))).isTrue();
        assertThat(AwsErrors.isRetryable(aws("ServerException", 500))).isTrue();
        assertThat(AwsErrors.isRetryable(aws("ServiceUnavailableException", 503))).isTrue();
        assertThat(AwsErrors.isRetryable(aws("ClientException", 400))).isFalse();
        assertThat(AwsErrors.isRetryable(aws("NotFoundException", 404))).isFalse();
        assertThat(AwsErrors.isRetryable(SdkClientException.create("Unable to execute HTTP request", new IOException("reset"))))
                .isTrue();
        assertThat(AwsErrors.isRetryable(SdkClientException.create("bad region"))).isFalse();

        AwsProviderException e = AwsErrors.translate("ecs", "RegisterTaskDefinition", aws("ClientException", 400));
        assertThat(e.provider()).isEqualTo("aws");
        assertThat(e.operation()).isEqualTo("RegisterTaskDefinition");
        assertThat(e.errorCode()).contains("ClientException");
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("aws RegisterTaskDefinition failed: ecs ClientException (HTTP 400): because");
        try (AwsProvider p = AwsProvider.builder().region("us-east-1").build()) {
            assertThat(p.isRetryable(AwsErrors.translate("ecs", "UpdateService", aws("ThrottlingException", 400)))).isTrue();
            assertThat(p.isThrottling(AwsErrors.translate("ecs", "UpdateService", aws("ThrottlingException", 400)))).isTrue();
            assertThat(p.isRetryable(e)).isFalse();
        }
    }

    @Test
    void builderRejectsBadSettingsWithTheirName() {
        assertThatThrownBy(() -> AwsProvider.builder().accountId("12")).hasMessageContaining("accountId");
        assertThatThrownBy(() -> AwsProvider.builder().revisionRetention(0)).hasMessageContaining("revisionRetention");
        assertThatThrownBy(() -> AwsProvider.builder().logGroupPrefix("bad prefix")).hasMessageContaining("logGroupPrefix");
    }
}

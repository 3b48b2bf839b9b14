package dev.cutover.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.aws.HttpClientType;
import dev.cutover.localcloud.LocalCloud;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The provider's SDK clients are built one by one on first use, not all eight when a Region is first
 * used: a plan that only reads ECS, Cloud Map and Auto Scaling does not pay for building the ELBv2,
 * CloudWatch, ECR, Secrets Manager and App Mesh clients (hundreds of classes each to load and
 * initialize; what the shell's first plan waited for). Real SDK clients against the local cloud.
 */
class AwsClientsTest {

    private static AwsClients clients(LocalCloud cloud) {
        return new AwsClients("us-east-1", StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
                cloud.endpoint(), AwsClients.httpClient(HttpClientType.URL_CONNECTION, null), true, o -> { }, List.of());
    }

    @Test
    void aRegionBuildsEachClientOnItsFirstUseOnly() {
        try (LocalCloud cloud = LocalCloud.builder().start(); AwsClients clients = clients(cloud)) {
            AwsClients.Regional east = clients.in("us-east-1");
            assertThat(east.built()).isEmpty();

            assertThat(clients.ecs().listClusters().clusterArns()).isEmpty();
            assertThat(east.built()).containsExactly("ecs");

            east.cloudMap().listNamespaces();
            assertThat(east.built()).containsExactlyInAnyOrder("ecs", "cloudMap");
            assertThat(east.ecs()).isSameAs(clients.ecs());
            assertThat(clients.in("eu-west-1").built()).isEmpty();
        }
    }

    @Test
    void aClosedProviderBuildsNoMoreClients() {
        try (LocalCloud cloud = LocalCloud.builder().start()) {
            AwsClients clients = clients(cloud);
            AwsClients.Regional east = clients.in("us-east-1");
            east.ecs();
            clients.close();
            assertThat(east.built()).isEmpty();
            assertThatThrownBy(east::elb).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }
}

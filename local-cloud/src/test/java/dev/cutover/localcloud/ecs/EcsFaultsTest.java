package dev.cutover.localcloud.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.model.EcsException;

class EcsFaultsTest extends EcsTestBase {


    @Test
    void burstOfRegisterTaskDefinitionIsThrottledAtAwsRates() {
        int ok = 0;
        int throttled = 0;
        for (int i = 0; i < 30; i++) {
            try {
                Ecs.register(ecs, "orders", "repo/orders:" + i);
                ok++;
            } catch (EcsException e) {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.isThrottlingException()).isTrue();
                throttled++;
            }
        }
        assertThat(ok).isEqualTo(20);
        assertThat(throttled).isEqualTo(10);
        assertThat(cloud.faults().throttledCalls("ecs")).isEqualTo(10);
        cloud.clock().advance(Duration.ofSeconds(3)); // refills 1 per second
        int after = 0;
        for (int i = 0; i < 5; i++) {
            try {
                Ecs.register(ecs, "orders", "repo/orders:x" + i);
                after++;
            } catch (EcsException e) {
                // throttled
            }
        }
        assertThat(after).isEqualTo(3);
        cloud.faults().throttling(false);
        for (int i = 0; i < 30; i++) {
            Ecs.register(ecs, "orders", "repo/orders:y" + i);
        }
    }

    @Test
    void outageServerErrorsDropsAndLatency() {
        cloud.faults().outage("ecs", true);
        assertThatThrownBy(() -> ecs.listClusters()).isInstanceOf(EcsException.class)
                .satisfies(e -> assertThat(((EcsException) e).statusCode()).isEqualTo(503));
        cloud.faults().outage("ecs", false).dropConnections("ecs", 1);
        assertThatThrownBy(() -> ecs.listClusters()).isInstanceOf(SdkClientException.class);
        assertThat(ecs.listClusters().clusterArns()).hasSize(1);
        cloud.faults().serverErrors("ecs", 1.0);
        assertThatThrownBy(() -> ecs.listClusters()).isInstanceOf(EcsException.class)
                .satisfies(e -> assertThat(((EcsException) e).statusCode()).isGreaterThanOrEqualTo(500));
        cloud.faults().reset().latency("ecs", Duration.ofMillis(250));
        ecs.listClusters();
        ecs.listClusters();
        assertThat(cloud.faults().addedLatency("ecs")).isEqualTo(Duration.ofMillis(500));
    }
}

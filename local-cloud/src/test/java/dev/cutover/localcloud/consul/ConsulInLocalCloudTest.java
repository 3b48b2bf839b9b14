package dev.cutover.localcloud.consul;

import static org.assertj.core.api.Assertions.assertThat;

import com.orbitz.consul.Consul;
import com.orbitz.consul.model.session.ImmutableSession;
import dev.cutover.localcloud.LocalCloud;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConsulInLocalCloudTest {

    @Test
    void theLocalCloudStartsConsulOnItsOwnPortAndClock() {
        try (LocalCloud cloud = LocalCloud.start()) {
            ConsulEmulator consul = cloud.consul();
            assertThat(consul.clock()).isSameAs(cloud.clock());
            assertThat(consul.endpoint().getHost()).isEqualTo("127.0.0.1");
            assertThat(consul.endpoint().getPort()).isNotEqualTo(cloud.endpoint().getPort());

            Consul client = Consul.builder().withUrl(consul.endpoint().toString()).build();
            String session = client.sessionClient().createSession(ImmutableSession.builder().name("d").ttl("10s").build()).getId();
            assertThat(client.keyValueClient().acquireLock("locks/x", session)).isTrue();
            cloud.clock().advance(Duration.ofSeconds(20));
            assertThat(consul.lockHolder("locks/x")).as("the cloud's clock expires Consul sessions").isEmpty();
        }
    }
}

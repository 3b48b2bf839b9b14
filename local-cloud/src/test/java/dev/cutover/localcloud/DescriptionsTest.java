package dev.cutover.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What JShell prints for the local cloud's objects: what they are, not {@code Type@28c0b664}. */
class DescriptionsTest {

    @Test
    void theCloudItsClockAndItsImagesSayWhatTheyAre() {
        try (SimClock clock = SimClock.virtual(Instant.parse("2026-01-01T00:00:00.123456Z"));
             LocalCloud cloud = LocalCloud.builder().clock(clock).seed(7).start()) {
            assertThat(cloud.toString()).startsWith("LocalCloud[aws=http://127.0.0.1:").contains("consul=http://127.0.0.1:",
                    "SimClock[virtual, now=2026-01-01T00:00:00Z]", "seed=7");
            assertThat(cloud.images().toString()).isEqualTo("Images[every image healthy]");
            cloud.images().behave("repo/orders:1.4.3", b -> b.errorRate(0.3));
            assertThat(cloud.images().toString()).contains("repo/orders:1.4.3=", "errorRate=0.3", "(others healthy)");
        }
        try (SimClock fast = SimClock.realTime(60)) {
            assertThat(fast.toString()).startsWith("SimClock[real time x60, now=").doesNotContain(".");
        }
    }
}

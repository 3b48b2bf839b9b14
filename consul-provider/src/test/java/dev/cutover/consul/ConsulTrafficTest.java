package dev.cutover.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Change;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.ProviderException;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.Traffic;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsulTrafficTest extends ConsulTestSupport {

    private static final ResourceId ROUTE = ResourceId.of("prod", ResourceType.ROUTE, "orders");

    private Traffic traffic() {
        return provider.traffic().orElseThrow();
    }

    @Test
    void weightsGoThroughAServiceSplitterAndReadBack() {
        assertThat(traffic().weights("prod", "orders")).isEmpty();

        traffic().setWeights("prod", "orders", Map.of("orders:1", 90, "orders:2", 10));
        assertThat(traffic().weights("prod", "orders")).containsOnly(Map.entry("orders:1", 90), Map.entry("orders:2", 10));

        traffic().setWeights("prod", "orders", Map.of("orders:1", 0, "orders:2", 100));
        assertThat(traffic().weights("prod", "orders")).containsOnly(Map.entry("orders:2", 100));
        assertThat(traffic().observe(List.of(ROUTE)))
                .containsExactly(Resource.of(ROUTE, Map.of("weights", Attribute.of("orders:2=100"))));
    }

    @Test
    void routeChangesApplyAndDelete() {
        Resource after = Resource.of(ROUTE, Map.of("weights", Attribute.of("orders:1=50,orders:2=50")));
        traffic().apply(new Change(ROUTE, Change.Action.CREATE, null, after, "test"));
        assertThat(traffic().observe(List.of(ROUTE))).containsExactly(after);

        traffic().apply(new Change(ROUTE, Change.Action.DELETE, after, null, "test"));
        assertThat(traffic().weights("prod", "orders")).isEmpty();
    }

    @Test
    void badWeightsAreRejectedBeforeAnyCall() {
        long index = consul.index();
        assertThatThrownBy(() -> traffic().setWeights("prod", "orders", Map.of("orders:1", 60, "orders:2", 30)))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("sum to 100");
        assertThatThrownBy(() -> traffic().setWeights("prod", "orders", Map.of("orders:1", 101)))
                .isInstanceOf(ProviderException.class).hasMessageContaining("0-100");
        Map<String, Integer> eleven = new LinkedHashMap<>();
        for (int i = 0; i < 11; i++) {
            eleven.put("orders:" + i, i == 0 ? 90 : 1);
        }
        assertThatThrownBy(() -> traffic().setWeights("prod", "orders", eleven))
                .isInstanceOf(ProviderException.class).hasMessageContaining("at most 10");
        assertThat(consul.index()).isEqualTo(index);
    }

    @Test
    void aTcpServiceCannotBeSplitAndTheErrorSaysHowToFixIt() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        http.send(java.net.http.HttpRequest.newBuilder(consul.endpoint().resolve("/v1/config"))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"Kind\":\"service-defaults\",\"Name\":\"orders\",\"Protocol\":\"tcp\"}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThatThrownBy(() -> traffic().setWeights("prod", "orders", Map.of("orders:1", 100)))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("protocol 'tcp'").hasMessageContaining("http, http2 or grpc");
    }
}

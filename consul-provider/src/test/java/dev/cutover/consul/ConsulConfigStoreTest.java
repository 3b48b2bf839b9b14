package dev.cutover.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Change;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.ConfigConflictException;
import dev.cutover.spi.ConfigStore;
import dev.cutover.spi.ProviderException;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConsulConfigStoreTest extends ConsulTestSupport {

    private static final ResourceId ID = ResourceId.of("prod", ResourceType.CONFIG, "orders");

    private ConfigStore store() {
        return provider.config().orElseThrow();
    }

    static Resource config(Map<String, String> entries) {
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        entries.forEach((k, v) -> attrs.put(k, Attribute.of(v)));
        return Resource.of(ID, attrs);
    }

    static Change change(Map<String, String> before, Map<String, String> after) {
        Change.Action action = before == null ? Change.Action.CREATE : after == null ? Change.Action.DELETE : Change.Action.UPDATE;
        return new Change(ID, action, before == null ? null : config(before), after == null ? null : config(after), "test");
    }

    @Test
    void createsObservesUpdatesAndDeletesEntriesUnderTheServicePrefix() {
        store().apply(change(null, Map.of("replicas", "3", "feature/checkout", "on")));

        assertThat(consul.kvValue("cutover/prod/orders/config/replicas")).contains("3");
        assertThat(consul.kvValue("cutover/prod/orders/config/feature/checkout")).contains("on");
        assertThat(store().observe(List.of(ID, ResourceId.of("prod", ResourceType.CONFIG, "billing"))))
                .containsExactly(config(Map.of("replicas", "3", "feature/checkout", "on")));

        store().apply(change(Map.of("replicas", "3", "feature/checkout", "on"), Map.of("replicas", "5")));
        assertThat(provider.configOf("prod", "orders")).containsExactly(Map.entry("replicas", "5"));

        store().apply(change(Map.of("replicas", "5"), null));
        assertThat(store().observe(List.of(ID))).isEmpty();
    }

    @Test
    void applyingTheSameChangeTwiceIsIdempotent() {
        Change c = change(null, Map.of("replicas", "3"));
        store().apply(c);
        store().apply(c);
        assertThat(provider.configOf("prod", "orders")).containsExactly(Map.entry("replicas", "3"));
    }

    @Test
    void aWriterWhoseBaseChangedGetsAConflictAndTheOtherUpdateSurvives() {
        store().apply(change(null, Map.of("replicas", "3")));
        // both planned from replicas=3
        Change first = change(Map.of("replicas", "3"), Map.of("replicas", "4"));
        Change second = change(Map.of("replicas", "3"), Map.of("replicas", "9"));

        store().apply(first);
        assertThatThrownBy(() -> store().apply(second))
                .isInstanceOf(ConfigConflictException.class)
                .hasMessageContaining("replicas")
                .hasMessageContaining("plan again");
        assertThat(consul.kvValue("cutover/prod/orders/config/replicas")).contains("4");
    }

    @Test
    void aCreateRacingAnotherCreateConflicts() {
        store().apply(change(null, Map.of("mode", "a")));
        assertThatThrownBy(() -> store().apply(change(null, Map.of("mode", "b"))))
                .isInstanceOf(ConfigConflictException.class)
                .hasMessageContaining("'mode'")
                .hasMessageContaining("was created");
        assertThat(consul.kvValue("cutover/prod/orders/config/mode")).contains("a");
    }

    @Test
    void concurrentWritersFromTheSameBaseNeverLoseAnUpdate() throws Exception {
        store().apply(change(null, Map.of("replicas", "0")));
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        try {
            for (int i = 1; i <= writers; i++) {
                String value = String.valueOf(i);
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        store().apply(change(Map.of("replicas", "0"), Map.of("replicas", value)));
                        return value;
                    } catch (ConfigConflictException e) {
                        return "conflict";
                    }
                }));
            }
            go.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : results) {
                outcomes.add(f.get(30, TimeUnit.SECONDS));
            }
            List<String> winners = outcomes.stream().filter(o -> !o.equals("conflict")).toList();
            assertThat(winners).hasSize(1);
            assertThat(consul.kvValue("cutover/prod/orders/config/replicas")).contains(winners.get(0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void invalidKeysAreRejectedBeforeAnythingIsWritten() {
        for (String bad : List.of("../escape", "a b", "/abs", "x//y", "", "ünïcode")) {
            assertThatThrownBy(() -> store().apply(change(null, Map.of("ok", "1", bad, "v"))))
                    .as(bad)
                    .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("config key")
                    .hasMessageContaining("is invalid");
        }
        assertThat(provider.configOf("prod", "orders")).isEmpty();
    }

    @Test
    void oversizedValuesAreRejectedWithConsulsLimit() {
        String big = "x".repeat(512 * 1024 + 1);
        assertThatThrownBy(() -> store().apply(change(null, Map.of("blob", big))))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("524289 bytes")
                .hasMessageContaining("512 KiB");
        assertThat(provider.configOf("prod", "orders")).isEmpty();

        String exactlyMax = "x".repeat(512 * 1024);
        store().apply(change(null, Map.of("blob", exactlyMax)));
        assertThat(provider.configOf("prod", "orders").get("blob")).hasSize(512 * 1024);
    }

    @Test
    void invalidServiceOrEnvironmentNamesAreClearErrors() {
        ResourceId bad = ResourceId.of("Prod!", ResourceType.CONFIG, "orders");
        assertThatThrownBy(() -> store().observe(List.of(bad)))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("environment name 'Prod!' is invalid");
    }
}

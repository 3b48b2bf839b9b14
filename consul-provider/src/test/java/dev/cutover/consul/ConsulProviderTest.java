package dev.cutover.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.localcloud.consul.ConsulEmulator;
import dev.cutover.spi.Capability;
import dev.cutover.spi.ProviderConfig;
import dev.cutover.spi.ProviderContext;
import dev.cutover.spi.ProviderException;
import dev.cutover.spi.ProviderFactory;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ConsulProviderTest {

    private static final String TOKEN = "s3cr3t-acl-token-value";
    private static final ResourceId CONFIG = ResourceId.of("prod", ResourceType.CONFIG, "orders");

    @Test
    void offersDiscoveryConfigLockAndTraffic() {
        ConsulProvider p = ConsulProvider.builder().build();
        assertThat(p.name()).isEqualTo("consul");
        assertThat(p.capabilities()).containsExactlyInAnyOrder(Capability.DISCOVERY, Capability.CONFIG, Capability.LOCK, Capability.TRAFFIC);
    }

    @Test
    void theAclTokenIsEnforcedAndNeverAppearsInErrorsOrToString() {
        try (ConsulEmulator consul = ConsulEmulator.builder().aclToken(TOKEN).start()) {
            ConsulProvider noToken = started(ConsulProvider.builder().url(consul.endpoint()), consul);
            assertThatThrownBy(() -> noToken.config().orElseThrow().observe(List.of(CONFIG)))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.provider()).isEqualTo("consul");
                        assertThat(e.operation()).isEqualTo("ReadConfig");
                    })
                    .hasMessageContaining("403").hasMessageContaining("ACL");

            String wrong = "wrong-token-" + TOKEN;
            ConsulProvider wrongToken = started(ConsulProvider.builder().url(consul.endpoint()).aclToken(wrong), consul);
            assertThatThrownBy(() -> wrongToken.locks().orElseThrow().acquire("prod/orders", "me", Duration.ofMinutes(1)))
                    .isInstanceOf(ProviderException.class)
                    .satisfies(e -> assertThat(fullText(e)).doesNotContain(wrong).doesNotContain(TOKEN));
            assertThat(wrongToken.toString()).doesNotContain(wrong);

            ConsulProvider ok = started(ConsulProvider.builder().url(consul.endpoint()).aclToken(TOKEN), consul);
            assertThat(ok.config().orElseThrow().observe(List.of(CONFIG))).isEmpty();
            ok.traffic().orElseThrow().setWeights("prod", "orders", Map.of("orders:1", 100));
            assertThat(ok.traffic().orElseThrow().weights("prod", "orders")).containsOnly(Map.entry("orders:1", 100));
            assertThat(ok.toString()).doesNotContain(TOKEN);
            assertThat(ConsulProvider.builder().aclToken(TOKEN).toString()).doesNotContain(TOKEN);
        }
    }

    @Test
    void connectionErrorsAreRetryableAndEveryCallGoesThroughTheGuardedExecutor() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        AtomicInteger guarded = new AtomicInteger();
        ConsulProvider p = ConsulProvider.builder().url("http://127.0.0.1:" + closedPort).timeout(Duration.ofSeconds(2)).build();
        p.start(new ProviderContext() {
            @Override
            public <T> T call(String family, String operation, Supplier<T> call) {
                assertThat(family).startsWith("consul.");
                guarded.incrementAndGet();
                return call.get();
            }

            @Override
            public java.time.Clock clock() {
                return java.time.Clock.systemUTC();
            }
        });
        assertThatThrownBy(() -> p.config().orElseThrow().observe(List.of(CONFIG)))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("could not reach Consul")
                .satisfies(e -> assertThat(p.isRetryable(e)).isTrue());
        assertThatThrownBy(() -> p.traffic().orElseThrow().weights("prod", "orders"))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue());
        assertThat(guarded).hasValue(2);
    }

    @Test
    void statusCodesAreClassified() {
        ConsulProvider p = ConsulProvider.builder().build();
        assertThat(p.isRetryable(new ProviderException("consul", "x", true, "HTTP 503"))).isTrue();
        assertThat(p.isRetryable(new ProviderException("consul", "x", false, "HTTP 400"))).isFalse();
        assertThat(p.isThrottling(new ProviderException("consul", "x", true, "Consul is rate limiting requests (HTTP 429)"))).isTrue();
        for (int status : new int[] {429, 500, 502, 503}) {
            assertThat(dev.cutover.consul.internal.ConsulCalls.isRetryableStatus(status)).as("%d", status).isTrue();
        }
        for (int status : new int[] {400, 403, 404, 409, 413}) {
            assertThat(dev.cutover.consul.internal.ConsulCalls.isRetryableStatus(status)).as("%d", status).isFalse();
        }
    }

    @Test
    void theFactoryIsFoundByServiceLoaderAndReadsConsulKeys() {
        try (ConsulEmulator consul = ConsulEmulator.builder().aclToken(TOKEN).start()) {
            ProviderFactory factory = ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                    .filter(f -> f.name().equals("consul")).findFirst().orElseThrow();
            ConsulProvider p = (ConsulProvider) factory.create(ProviderConfig.of(Map.of(
                    "consul.url", consul.endpoint().toString(), "consul.token", TOKEN, "consul.kv-prefix", "team-a/deploys",
                    "consul.lock-delay", "0s", "consul.session-renewal", "0s", "consul.timeout", "PT5S")));
            p.start(ProviderContext.direct(consul.clock()));
            p.locks().orElseThrow().acquire("prod/orders", "factory", Duration.ofSeconds(10)).close();
            assertThat(consul.kvValue("team-a/deploys/prod/orders/lock")).isPresent();
            assertThat(p.toString()).contains("team-a/deploys/").doesNotContain(TOKEN);

            assertThat(factory.create(k -> null)).isInstanceOf(ConsulProvider.class);
            assertThatThrownBy(() -> factory.create(ProviderConfig.of(Map.of("consul.timeout", "soon"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("consul.timeout 'soon'");
            assertThatThrownBy(() -> factory.create(ProviderConfig.of(Map.of("consul.url", "ftp://x"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http(s)");
        }
    }

    private static ConsulProvider started(ConsulProvider.Builder b, ConsulEmulator consul) {
        ConsulProvider p = b.sessionRenewal(Duration.ZERO).build();
        p.start(ProviderContext.direct(consul.clock()));
        return p;
    }

    private static String fullText(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t).append('\n');
        }
        return sb.toString();
    }
}

package dev.cutover.consul;

import dev.cutover.Environment;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.localcloud.consul.ConsulEmulator;
import dev.cutover.spi.ProviderContext;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Starts a Consul emulator on a virtual clock per test and a provider on its clock. */
abstract class ConsulTestSupport {

    protected ConsulEmulator consul;
    protected ConsulProvider provider;

    @BeforeEach
    void startConsul() {
        consul = ConsulEmulator.start();
        provider = provider(b -> { });
    }

    @AfterEach
    void stopConsul() {
        consul.close();
    }

    /** A provider against the emulator, started on the emulator's clock, without background renewal. */
    protected ConsulProvider provider(Consumer<ConsulProvider.Builder> customizer) {
        ConsulProvider.Builder b = ConsulProvider.builder().url(consul.endpoint()).sessionRenewal(Duration.ZERO)
                .timeout(Duration.ofSeconds(5));
        customizer.accept(b);
        ConsulProvider p = b.build();
        p.start(ProviderContext.direct(consul.clock()));
        return p;
    }

    protected static Release release(String version, int instances) {
        Service service = Service.named("orders").image("registry.example.com/orders:" + version).port(8080)
                .instances(instances).healthCheck(h -> h.path("/health")).build();
        Environment env = Environment.named("prod").region("us-east-1").cluster("main").namespace("prod.internal").build();
        return Release.of(service).to(env).build();
    }
}

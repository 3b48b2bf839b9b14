package dev.cutover.testkit;

import dev.cutover.Environment;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderContext;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every compatibility kit needs from the provider under test: a fresh, started provider, a
 * way to let time pass in the provider's world, and the names it deploys under.
 */
public abstract class KitFixture {

    /** The provider under test, started before each test. */
    protected Provider provider;

    /** A fresh provider for each test (a new instance, or one against a fresh emulator). */
    protected abstract Provider createProvider();

    /** The clock the provider's world runs on. */
    protected abstract Clock clock();

    /** Lets {@code duration} pass in the provider's world (advance a virtual clock). */
    protected abstract void advance(Duration duration);

    /** The context the provider is started with (default: calls run directly on {@link #clock()}). */
    protected ProviderContext context() {
        return ProviderContext.direct(clock());
    }

    /** Releases resources after each test (close emulators). */
    protected void tearDown() {
    }

    /** The environment the kit deploys to; override to match your provider's needs. */
    protected Environment environment() {
        return Environment.named("kit").region("us-east-1").cluster("kit").mesh("kit").namespace("kit.local").build();
    }

    /** A release of the kit's sample service at {@code version}. */
    protected Release release(String version) {
        Service s = Service.named("kit-svc").image("registry.example.com/kit-svc:" + version).cpu(256).memoryMiB(512)
                .instances(2).build();
        return Release.of(s).to(environment()).build();
    }

    @BeforeEach
    void startProvider() {
        provider = createProvider();
        provider.start(context());
    }

    @AfterEach
    void stopProvider() {
        tearDown();
    }
}

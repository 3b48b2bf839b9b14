package dev.cutover.testkit;

import dev.cutover.Environment;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderContext;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every compatibility kit needs from the provider under test: a fresh, started provider, a
 * way to let time pass in the provider's world, and the names it deploys under.
 *
 * <p>A kit test needs only {@link #createProvider()}; when the provider's world keeps its own time
 * (an emulator), return it from {@link #world()} and the fixture uses its clock and closes it:
 *
 * <pre>{@code
 * class MyProviderLockKitTest extends LockCompatibilityKit {
 *     private final MyEmulator world = MyEmulator.start();   // implements KitFixture.World
 *     protected World world() { return world; }
 *     protected Provider createProvider() { return new MyProvider(world.url()); }
 * }
 * }</pre>
 */
public abstract class KitFixture {

    /** The provider under test, started before each test. */
    protected Provider provider;

    /** A fresh provider for each test (a new instance, or one against a fresh emulator). */
    protected abstract Provider createProvider();

    /**
     * The world a provider under test lives in when it has its own clock: an emulator or a local
     * cloud. Return one from {@link #world()} and the fixture takes its clock, advances it and
     * closes it after each test, so a kit test only says how to make the world and the provider.
     */
    public interface World extends AutoCloseable {

        /** The world's clock. */
        Clock clock();

        /** Lets {@code duration} pass in the world. */
        void advance(Duration duration);

        /** Stops the world; called after each test. */
        @Override
        void close();
    }

    /** The provider's world, if it has its own clock (default: none; the fixture's virtual clock is used). */
    protected World world() {
        return null;
    }

    /** The virtual time of the default {@link #clock()} and {@link #advance(Duration)}. */
    private final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));

    /**
     * The clock the provider's world runs on. The default is a virtual clock at
     * 2026-01-01T00:00:00Z that only {@link #advance(Duration)} moves; when the provider's world
     * has its own clock (an emulator's), return it from {@link #world()} instead.
     */
    protected Clock clock() {
        World w = world();
        return w != null ? w.clock() : time.clock();
    }

    /** Lets {@code duration} pass in the provider's world (default: advances the virtual {@link #clock()}). */
    protected void advance(Duration duration) {
        World w = world();
        if (w != null) {
            w.advance(duration);
        } else {
            time.advance(duration);
        }
    }

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
        try {
            tearDown();
        } finally {
            World w = world();
            if (w != null) {
                w.close();
            }
        }
    }
}

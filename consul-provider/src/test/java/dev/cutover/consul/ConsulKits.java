package dev.cutover.consul;

import dev.cutover.localcloud.consul.ConsulEmulator;
import dev.cutover.testkit.KitFixture;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The world every Consul kit test runs in: a fresh Consul emulator on its virtual clock, and
 * Consul providers pointed at it (session renewal off: the kits drive time themselves).
 */
final class ConsulKits implements KitFixture.World {

    final ConsulEmulator consul = ConsulEmulator.start();

    /** A provider with the default settings. */
    ConsulProvider provider() {
        return provider(b -> b);
    }

    /** A provider with settings changed by {@code settings}. */
    ConsulProvider provider(UnaryOperator<ConsulProvider.Builder> settings) {
        return settings.apply(ConsulProvider.builder().url(consul.endpoint()).sessionRenewal(Duration.ZERO)).build();
    }

    @Override
    public Clock clock() {
        return consul.clock();
    }

    @Override
    public void advance(Duration duration) {
        consul.clock().advance(duration);
    }

    @Override
    public void close() {
        consul.close();
    }
}

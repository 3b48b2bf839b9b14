package dev.cutover.consul;

import dev.cutover.localcloud.consul.ConsulEmulator;
import dev.cutover.spi.Provider;
import dev.cutover.spi.RevisionRef;
import dev.cutover.testkit.TrafficCompatibilityKit;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * The Consul provider passes the core's traffic contract against the emulator. Consul has no
 * compute, so a revision is one registered in Consul's discovery, as a compute provider would start it.
 */
class ConsulTrafficKitTest extends TrafficCompatibilityKit {

    private ConsulEmulator consul;

    @Override
    protected Provider createProvider() {
        consul = ConsulEmulator.start();
        return ConsulProvider.builder().url(consul.endpoint()).sessionRenewal(Duration.ZERO).build();
    }

    @Override
    protected RevisionRef startRevision(String version) {
        RevisionRef ref = new RevisionRef("kit", "kit-svc", "kit-svc:" + version, version);
        provider.discovery().orElseThrow().revisionStarted(ref, release(version), UUID.randomUUID().toString());
        return ref;
    }

    @Override
    protected Clock clock() {
        return consul.clock();
    }

    @Override
    protected void advance(Duration duration) {
        consul.clock().advance(duration);
    }

    @Override
    protected void tearDown() {
        consul.close();
    }
}

package dev.cutover.consul;

import dev.cutover.spi.Provider;
import dev.cutover.spi.RevisionRef;
import dev.cutover.testkit.TrafficCompatibilityKit;
import java.util.UUID;

/**
 * The Consul provider passes the core's traffic contract against the emulator. Consul has no
 * compute, so a revision is one registered in Consul's discovery, as a compute provider would start it.
 */
class ConsulTrafficKitTest extends TrafficCompatibilityKit {

    private final ConsulKits world = new ConsulKits();

    @Override
    protected World world() {
        return world;
    }

    @Override
    protected Provider createProvider() {
        return world.provider();
    }

    @Override
    protected RevisionRef startRevision(String version) {
        RevisionRef ref = new RevisionRef("kit", "kit-svc", "kit-svc:" + version, version);
        provider.discovery().orElseThrow().revisionStarted(ref, release(version), UUID.randomUUID().toString());
        return ref;
    }
}

package dev.cutover.junit;

import dev.cutover.Cutover;
import dev.cutover.consul.ConsulProvider;
import dev.cutover.datadog.DatadogMetricSource;
import dev.cutover.localcloud.Datadog;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.spi.Capability;
import dev.cutover.time.Scheduler;
import java.time.Duration;

/**
 * The wiring that needs the optional modules; loaded only when a world asks for Consul or Datadog,
 * so a test without them needs neither on its class path.
 */
final class Optionals {

    private Optionals() {
    }

    /** Consul holds the locks and the config; AWS keeps traffic and discovery (its mesh and Service Connect modes need Cloud Map). */
    static void withConsul(LocalCloud cloud, Cutover.Builder cutover) {
        requireOnClassPath("dev.cutover.consul.ConsulProvider", "cutover-consul", "consul(true)");
        ConsulProvider consul = ConsulProvider.builder().url(cloud.consul().endpoint())
                .sessionRenewal(Duration.ZERO) // Cutover renews the lock on its own (virtual) schedule
                .build();
        cutover.provider(consul).use(Capability.LOCK, ConsulProvider.NAME).use(Capability.CONFIG, ConsulProvider.NAME)
                .use(Capability.TRAFFIC, "aws").use(Capability.DISCOVERY, "aws");
    }

    /** Metric gates read the local Datadog's query endpoint, waiting on the world's virtual time. */
    static void withDatadog(LocalCloud cloud, Scheduler time, Cutover.Builder cutover) {
        requireOnClassPath("dev.cutover.datadog.DatadogMetricSource", "cutover-datadog", "datadog(true)");
        cutover.metrics(DatadogMetricSource.builder().uri(cloud.endpoint()).scheduler(time)
                .apiKey(Datadog.DEFAULT_API_KEY).applicationKey(Datadog.DEFAULT_APPLICATION_KEY).build());
    }

    private static void requireOnClassPath(String className, String artifact, String option) {
        try {
            Class.forName(className, false, Optionals.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(option + " needs dev.cutover:" + artifact
                    + " on the test class path; add it as a test dependency (its version comes from cutover-bom)", e);
        }
    }
}

package dev.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.event.DeploymentEvent;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.journal.InMemoryJournalStore;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.JournalStore;
import dev.cutover.spi.RevisionRef;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A simulated world for rollout tests: one virtual timeline, one in-memory provider, one journal
 * store, and Cutover instances over them. Nothing sleeps; every bake runs in virtual time.
 */
class RolloutHarness {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final String ENV = "stage";
    static final String SVC = "orders";
    static final Environment STAGE = Environment.named(ENV)
            .region("us-east-1").cluster("main").mesh("internal").namespace("internal.local").build();

    final VirtualScheduler time = Scheduler.virtual(T0);
    final InMemoryProvider cloud = new InMemoryProvider().addSecret("prod/orders/db");
    final InMemoryJournalStore journal = new InMemoryJournalStore();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final List<DeploymentEvent> events = new CopyOnWriteArrayList<>();

    /** A Cutover over this world; tests add what they need. */
    Cutover.Builder builder() {
        return Cutover.builder().provider(cloud).discoverProviders(false).scheduler(time).journal(journal)
                .meterRegistry(meters).listener(events::add).deployer("cutover@host-a");
    }

    static Service.Builder orders(String version) {
        return Service.named(SVC)
                .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:" + version)
                .port(8080).cpu(512).memoryMiB(1024)
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10)))
                .env("LOG_LEVEL", "info")
                .secret("DB_PASSWORD", "prod/orders/db")
                .scaling(s -> s.min(2).max(10).targetCpuPercent(60));
    }

    static Release release(String version, Strategy strategy) {
        return release(orders(version).build(), STAGE, strategy);
    }

    static Release release(Service service, Environment env, Strategy strategy) {
        return Release.of(service).to(env).strategy(strategy).build();
    }

    static Deployment apply(Cutover cutover, Release release) {
        return cutover.apply(cutover.plan(release));
    }

    /** Deploys version 1.0.0 all at once, so a later rollout has a revision to return to. */
    RevisionRef baseline(Cutover cutover) {
        assertThat(apply(cutover, release("1.0.0", Strategies.allAtOnce())).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        return single();
    }

    /** The one running revision (fails when there are more or none). */
    RevisionRef single() {
        List<RevisionRef> running = cloud.running(ENV, SVC);
        assertThat(running).hasSize(1);
        return running.get(0);
    }

    Map<String, Integer> routeWeights() {
        return cloud.weights(ENV, SVC);
    }

    Instant now() {
        return time.clock().instant();
    }

    <T extends DeploymentEvent> List<T> events(Deployment d, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (DeploymentEvent e : d.events()) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    /** The new revision's share at each traffic shift of a deployment. */
    List<Integer> newWeights(Deployment d) {
        String neu = events(d, DeploymentEvent.RevisionStarted.class).get(0).revision();
        return events(d, DeploymentEvent.TrafficShifted.class).stream()
                .map(t -> t.weights().getOrDefault(neu, 0)).toList();
    }

    /**
     * The invariant after any deployment, crash or resume: 100% of traffic on exactly one running,
     * healthy revision, no other revision running, the journal ends with 'finished', the lock is free.
     */
    static RevisionRef assertSettled(InMemoryProvider cloud, JournalStore journal, String deploymentId, Clock clock) {
        List<RevisionRef> running = cloud.running(ENV, SVC);
        assertThat(running).as("running revisions (nothing orphaned)").hasSize(1);
        RevisionRef serving = running.get(0);
        assertThat(cloud.weights(ENV, SVC)).as("route").isEqualTo(Map.of(serving.id(), 100));
        assertThat(cloud.compute().orElseThrow().health(serving).isConverged()).as("health of " + serving).isTrue();
        List<JournalEntry> entries = journal.read(deploymentId);
        assertThat(entries.get(entries.size() - 1).type()).as("journal of " + deploymentId + " is complete").isEqualTo("finished");
        cloud.locks().orElseThrow().acquire(ENV + "/" + SVC, "probe", Duration.ofSeconds(10)).close();
        return serving;
    }
}

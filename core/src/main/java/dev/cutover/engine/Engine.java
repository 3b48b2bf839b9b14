package dev.cutover.engine;

import dev.cutover.Deployment;
import dev.cutover.MissingCapabilityException;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Resilience;
import dev.cutover.analysis.Measurement;
import dev.cutover.analysis.MetricSource;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.event.DeploymentListener;
import dev.cutover.internal.GuardedExecutor;
import dev.cutover.journal.InMemoryJournalStore;
import dev.cutover.journal.JournalStore;
import dev.cutover.locks.InMemoryLocks;
import dev.cutover.spi.Capability;
import dev.cutover.spi.Compute;
import dev.cutover.spi.Discovery;
import dev.cutover.spi.LockManager;
import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderConfig;
import dev.cutover.spi.ProviderFactory;
import dev.cutover.spi.ResourceCapability;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.RevisionRef;
import dev.cutover.spi.Traffic;
import dev.cutover.time.Scheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind a {@code Cutover}: the providers it composes by capability, time, the journal,
 * locks, listeners and meters, and the deployments it runs. The facade builds one from its
 * {@link Settings} and hands it plans to run; users never touch it.
 */
public final class Engine {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private final Map<String, Provider> providers;
    private final Map<Capability, String> routes;
    private final Scheduler scheduler;
    private final MeterRegistry meters;
    private final List<DeploymentListener> listeners;
    private final JournalStore journal;
    private final Resilience resilience;
    private final GuardedExecutor executor;
    private final MetricSource metricSource;
    private final Duration rollbackWindow;
    private final Duration lockLease;
    private final String deployer;
    private final LockManager fallbackLocks;
    private final LockManager explicitLocks;
    private final DeploymentMetrics metrics;
    final java.util.Set<Rollout> live = ConcurrentHashMap.newKeySet();

    /** Wires the engine: resolves and starts the providers, chooses the metric source, checks the capability routes. */
    public Engine(Settings b) {
        this.scheduler = b.scheduler() != null ? b.scheduler() : Scheduler.system();
        this.meters = b.meters() != null ? b.meters() : new SimpleMeterRegistry();
        this.listeners = List.copyOf(b.listeners());
        this.journal = b.journal() != null ? b.journal() : new InMemoryJournalStore();
        this.resilience = b.resilience();
        this.rollbackWindow = b.rollbackWindow();
        this.lockLease = b.lockLease();
        this.deployer = b.deployer();
        this.routes = Map.copyOf(b.routes());
        this.executor = new GuardedExecutor(resilience, scheduler, meters);
        this.providers = resolveProviders(b);
        this.fallbackLocks = new InMemoryLocks(scheduler.clock());
        this.explicitLocks = b.locks();
        for (Provider p : providers.values()) {
            p.start(executor.contextFor(p, c -> serves(p, c), new dev.cutover.internal.JournalMemory(journal, p.name())));
        }
        for (DeploymentListener l : listeners) {
            if (l instanceof Provider p && !providers.containsValue(p)) {
                // a listener that calls out (a webhook notifier) makes its calls through the guarded executor
                p.start(executor.contextFor(p));
            }
        }
        MetricSource ms = b.metricSource();
        if (ms instanceof Provider p && !providers.containsValue(p)) {
            // a source that is also a provider (Datadog's) runs its queries through the guarded executor too
            p.start(executor.contextFor(p));
        }
        if (ms == null && offers(Capability.METRICS)) {
            ms = provider(Capability.METRICS).metrics().orElseThrow();
        }
        this.metricSource = ms;
        this.metrics = new DeploymentMetrics(meters);
        if (b.shutdownHook()) {
            ShutdownHook.register(this);
        }
        for (Capability c : routes.keySet()) {
            Provider p = providers.get(routes.get(c));
            if (p == null || !p.capabilities().contains(c)) {
                throw new IllegalArgumentException("use(" + c + ", \"" + routes.get(c) + "\"): "
                        + (p == null ? "no provider is named '" + routes.get(c) + "'; providers: " + providers.keySet()
                                : "provider '" + routes.get(c) + "' does not offer " + c));
            }
        }
        for (Capability c : Capability.values()) {
            if (!routes.containsKey(c)) {
                List<String> offering = providers.values().stream().filter(p -> p.capabilities().contains(c))
                        .map(Provider::name).toList();
                if (offering.size() > 1) {
                    throw new IllegalArgumentException("providers " + offering + " all offer " + c
                            + "; choose one with Cutover.builder().use(Capability." + c + ", \"<name>\")");
                }
            }
        }
    }

    private static Map<String, Provider> resolveProviders(Settings b) {
        Map<String, Provider> out = new LinkedHashMap<>();
        for (Provider p : b.providers()) {
            if (out.containsKey(p.name())) {
                throw new IllegalArgumentException("two providers are named '" + p.name()
                        + "'; provider names must be unique (" + out.get(p.name()).getClass().getName() + " and "
                        + p.getClass().getName() + ")");
            }
            out.put(p.name(), p);
        }
        if (b.discover() != null ? b.discover() : b.providers().isEmpty()) {
            Map<String, ProviderFactory> found = new LinkedHashMap<>();
            for (ProviderFactory f : ServiceLoader.load(ProviderFactory.class, b.classLoader())) {
                if (found.containsKey(f.name())) {
                    throw new IllegalArgumentException("two provider factories on the class path are named '"
                            + f.name() + "': " + found.get(f.name()).getClass().getName() + " and "
                            + f.getClass().getName() + "; remove one jar or register the provider explicitly");
                }
                found.put(f.name(), f);
            }
            found.forEach((name, f) -> {
                if (!out.containsKey(name)) {
                    out.put(name, f.create(b.config()));
                }
            });
        }
        return out;
    }

    /** Asks every live rollout to stop at its next safe point and waits for them, at most {@code timeout} in all. */
    public List<Deployment> stopAll(String why, Duration timeout) {
        List<Rollout> stopping = List.copyOf(live);
        for (Rollout r : stopping) {
            r.requestStop(why);
        }
        long end = System.nanoTime() + timeout.toNanos();
        for (Rollout r : stopping) {
            r.awaitStopped(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
        }
        return List.copyOf(stopping);
    }

    /** Whether {@code p} is the provider asked for {@code c}: the one chosen with use(...), else the first offering it. */
    private boolean serves(Provider p, Capability c) {
        if (!p.capabilities().contains(c)) {
            return false;
        }
        String routed = routes.get(c);
        if (routed != null) {
            return routed.equals(p.name());
        }
        return providers.values().stream().filter(o -> o.capabilities().contains(c)).findFirst().orElse(null) == p;
    }

    /** Whether a provider offers {@code c}. */
    public boolean offers(Capability c) {
        return routes.containsKey(c) || providers.values().stream().anyMatch(p -> p.capabilities().contains(c));
    }

    /** The provider that serves {@code c}: the one chosen with {@code use(...)}, else the one that offers it. */
    public Provider provider(Capability c) {
        String routed = routes.get(c);
        if (routed != null) {
            return providers.get(routed);
        }
        return providers.values().stream().filter(p -> p.capabilities().contains(c)).findFirst()
                .orElseThrow(() -> new MissingCapabilityException(c, "needed by the deployment"));
    }

    ResourceCapability resourceCapability(ResourceType type) {
        return resourceCapability(type.capability());
    }

    /** The resource capability of the provider that serves {@code c}. */
    public ResourceCapability resourceCapability(Capability c) {
        Provider p = provider(c);
        Optional<? extends ResourceCapability> rc = switch (c) {
            case COMPUTE -> p.compute();
            case TRAFFIC -> p.traffic();
            case DISCOVERY -> p.discovery();
            case CONFIG -> p.config();
            case SCALING -> p.scaling();
            default -> Optional.empty();
        };
        return rc.orElseThrow(() -> new MissingCapabilityException(c, "resources of this kind"));
    }

    Compute compute() {
        return provider(Capability.COMPUTE).compute().orElseThrow();
    }

    /** The traffic capability, if a provider offers it. */
    public Optional<Traffic> traffic() {
        return offers(Capability.TRAFFIC) ? provider(Capability.TRAFFIC).traffic() : Optional.empty();
    }

    Traffic trafficRequired() {
        return traffic().orElseThrow(() -> new MissingCapabilityException(Capability.TRAFFIC, "shifting traffic"));
    }

    Optional<Discovery> discovery() {
        return offers(Capability.DISCOVERY) ? provider(Capability.DISCOVERY).discovery() : Optional.empty();
    }

    /** The locks: explicit ones, else a provider's LOCK, else in-process locks. */
    public LockManager locks() {
        if (explicitLocks != null) {
            return explicitLocks;
        }
        return offers(Capability.LOCK) ? provider(Capability.LOCK).locks().orElseThrow() : fallbackLocks;
    }

    MetricSource metricSource() {
        return metricSource != null ? metricSource : (q, c) -> Measurement.error("no metric source configured");
    }

    /** Time and deferred work. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** Where journals go. */
    public JournalStore journal() {
        return journal;
    }

    Resilience resilience() {
        return resilience;
    }

    Duration rollbackWindow() {
        return rollbackWindow;
    }

    /** The lock lease, renewed every third of it while a deployment runs. */
    public Duration lockLease() {
        return lockLease;
    }

    DeploymentMetrics metrics() {
        return metrics;
    }

    void emit(DeploymentEvent e) {
        for (DeploymentListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                LOG.warn("deployment listener {} threw on {}; skipped", l.getClass().getName(),
                        e.getClass().getSimpleName(), ex);
            }
        }
    }

    // ------------------------------------------------------------------ what the facade asks of the engine

    /** The providers by name, in registration order. */
    public Map<String, Provider> providers() {
        return providers;
    }

    /** The meter registry metrics go to. */
    public MeterRegistry meters() {
        return meters;
    }

    /** Who deploys, as lock holders and the journal show it. */
    public String deployer() {
        return deployer;
    }

    /** Whether a metric source was configured or a provider offers METRICS. */
    public boolean hasMetricSource() {
        return metricSource != null;
    }

    /** Starts the rollout of a plan whose "started" entry is journaled and whose lock is held. */
    public Deployment start(Plan plan, String id, LockManager.LockHandle lock) {
        Rollout rollout = new Rollout(this, plan, id, lock, 1);
        metrics().started(plan.release());
        rollout.start();
        return rollout;
    }

    /**
     * Continues a deployment from its journal after its process died; see
     * {@code Rollout.resumeFrom}. {@code lastSequence} is the sequence of its last journal entry.
     */
    public Deployment resume(Plan plan, String id, LockManager.LockHandle lock, long lastSequence, RevisionRef old,
            RevisionRef neu, boolean promoted, boolean rollingBack) {
        Rollout rollout = new Rollout(this, plan, id, lock, lastSequence);
        rollout.resumption.resumeFrom(old, neu, promoted, rollingBack);
        return rollout;
    }

    /** Returns traffic to {@code previous} and retires {@code current}, as a new journaled deployment. */
    public Deployment restore(Plan plan, String id, LockManager.LockHandle lock, RevisionRef current, RevisionRef previous) {
        Rollout rollout = new Rollout(this, plan, id, lock, 1);
        metrics().started(plan.release());
        rollout.resumption.restore(current, previous);
        return rollout;
    }

    /**
     * Ends the rollback window of this engine's deployment of {@code key} ({@code <environment>/<service>}),
     * if one succeeded and still keeps its old revision warm: the old revision is retired now and
     * the lock released.
     */
    public void endRollbackWindow(String key) {
        for (Rollout r : List.copyOf(live)) {
            if (r.release().key().equals(key) && r.isRetiring()) {
                r.retireNow();
            }
        }
    }

    /** A new deployment id: {@code <environment>-<service>-<yyyyMMddHHmmss>-<8 hex>}. */
    public String newDeploymentId(Release release) {
        String stamp = scheduler.clock().instant().toString().replaceAll("[^0-9]", "").substring(0, 14);
        return release.environment().name() + "-" + release.service().name() + "-" + stamp + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The deployments this engine is still acting on. */
    public List<Deployment> running() {
        return List.copyOf(live);
    }

    /** Forgets the shutdown hook and closes the guarded executor. */
    public void close() {
        ShutdownHook.forget(this);
        executor.close();
    }

    /**
     * A revision as the journal writes it ({@code environment|service|id|version}); null for an empty text.
     *
     * @throws dev.cutover.journal.JournalException when the text is not a revision reference
     */
    public static RevisionRef parseRef(String text) {
        return Rollout.parseRef(text);
    }

    /**
     * What the facade's builder collected; {@code null} for a default the engine chooses
     * (scheduler: system time, meters: a simple registry, journal: in memory, locks: a provider's or
     * in-process ones, metric source: a provider's), {@code discover} null for "only when no provider
     * is registered".
     */
    public record Settings(List<Provider> providers, Map<Capability, String> routes, List<DeploymentListener> listeners,
            Boolean discover, ClassLoader classLoader, ProviderConfig config, Scheduler scheduler, MeterRegistry meters,
            JournalStore journal, LockManager locks, Resilience resilience, MetricSource metricSource,
            Duration rollbackWindow, Duration lockLease, String deployer, boolean shutdownHook) {
    }
}

// Over 400 lines: the facade's public Cutover.Builder (about 170 lines of documented setters) is
// API and stays nested here; planning, the engine and history/recovery live in their own packages.
package dev.cutover;

import dev.cutover.analysis.MetricSource;
import dev.cutover.engine.Engine;
import dev.cutover.event.DeploymentListener;
import dev.cutover.history.History;
import dev.cutover.history.Recovery;
import dev.cutover.internal.Diff;
import dev.cutover.internal.Json;
import dev.cutover.internal.ReleaseCodec;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.JournalException;
import dev.cutover.journal.JournalStore;
import dev.cutover.locks.FileLocks;
import dev.cutover.locks.InMemoryLocks;
import dev.cutover.planner.Planner;
import dev.cutover.spi.Capability;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.LockManager;
import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderConfig;
import dev.cutover.spi.ProviderFactory;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.time.Scheduler;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The entry point: plans releases, applies plans as guarded, journaled rollouts, and answers for
 * history, resume and rollback.
 *
 * <pre>{@code
 * Cutover cutover = Cutover.builder().provider(new InMemoryProvider()).build();
 * Plan plan = cutover.plan(release);
 * String diff = plan.toString();   // the readable diff; in JShell just type: plan
 * Deployment deployment = cutover.apply(plan);
 * deployment.await();
 * cutover.plan(release).isEmpty();   // true: nothing left to change
 * }</pre>
 *
 * <p>Providers are registered explicitly or found with {@link ServiceLoader} ({@link ProviderFactory});
 * an explicit provider wins over a discovered one of the same name, two explicit providers with one
 * name are an error, and when several providers offer a capability, {@link Builder#use} chooses.
 */
public final class Cutover implements AutoCloseable {

    private final String instanceId = UUID.randomUUID().toString();
    private final Engine rt;
    private final Planner planner;
    private final History history;
    private final Recovery recovery;

    private Cutover(Builder b) {
        this.rt = new Engine(new Engine.Settings(b.providers, b.routes, b.listeners, b.discover, b.classLoader, b.config,
                b.scheduler, b.meters, b.journal, b.locks, b.resilience, b.metricSource, b.rollbackWindow, b.lockLease,
                b.deployer, b.shutdownHook));
        this.planner = new Planner(rt);
        this.history = new History(rt);
        this.recovery = new Recovery(rt, planner, history, instanceId,
                (id, release, changes) -> new Plan(id, instanceId, release, changes, "", rt.scheduler().clock().instant(), ""),
                started -> LegacyRelease.of(started.data()));
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ plan

    /**
     * Observes what exists for the release (in batches), and returns what applying it would change.
     *
     * @throws ValidationException     when a policy rejects the release (e.g. not promoted from the required environment)
     * @throws MissingCapabilityException when no provider offers a capability the release needs
     */
    public Plan plan(Release release) {
        Objects.requireNonNull(release, "release");
        return plan(List.of(release)).get(0);
    }

    /**
     * Plans many releases at once, observing what exists for all of them together in batches (so
     * planning 1,000 services costs a few batched reads, not 1,000 rounds). One plan per release,
     * in order; each is applied on its own.
     *
     * @throws IllegalArgumentException when two releases target the same service and environment
     */
    public List<Plan> plan(java.util.Collection<Release> releases) {
        Objects.requireNonNull(releases, "releases");
        // the journals are read at most once, however many releases check a promotion source
        java.util.function.Supplier<Map<String, List<HistoryEntry>>> histories = memo(history::byTarget);
        return planner.plan(releases, histories, (r, changes, fingerprint) -> {
            Plan draft = new Plan(UUID.randomUUID().toString(), instanceId, r, changes, fingerprint,
                    rt.scheduler().clock().instant(), "");
            return new Plan(draft.id(), instanceId, r, changes, draft.observedFingerprint(), draft.createdAt(),
                    planner.permissions(draft));
        });
    }

    /** How many observe calls planning has made so far (planning reads in batches). */
    public long observeCalls() {
        return planner.observeCalls();
    }

    private static <T> java.util.function.Supplier<T> memo(java.util.function.Supplier<T> supplier) {
        Object[] cell = new Object[1];
        return () -> {
            if (cell[0] == null) {
                cell[0] = supplier.get();
            }
            @SuppressWarnings("unchecked")
            T value = (T) cell[0];
            return value;
        };
    }

    // ------------------------------------------------------------------ apply

    /**
     * Applies exactly the plan's changes: takes the lock for the service and environment, checks the
     * world has not changed since planning, then runs the rollout in the background.
     *
     * @throws IllegalArgumentException when the plan was made by another Cutover instance
     * @throws dev.cutover.spi.LockHeldException when another deployer holds the lock
     * @throws StalePlanException      when what the plan observed changed since
     */
    public Deployment apply(Plan plan) {
        Objects.requireNonNull(plan, "plan");
        return apply(List.of(plan)).get(0);
    }

    /**
     * Applies many plans at once, all or none: takes every plan's lock, checks every plan against
     * one observation of the world made in batches (as {@link #plan(java.util.Collection)} observes,
     * so a fleet's apply check costs a few batched reads, not a round of reads per service), then
     * starts every rollout in the background. When a lock is held or any plan is stale, no plan is
     * applied, the locks taken are released, and the exception names every stale plan. One
     * deployment per plan, in order.
     *
     * <pre>{@code
     * List<Plan> plans = cutover.plan(releases);      // reviewed
     * List<Deployment> running = cutover.apply(plans); // 100 services: ~15 reads, then 100 rollouts
     * }</pre>
     *
     * @throws IllegalArgumentException when a plan was made by another Cutover instance, or two
     *                                  plans target the same service and environment
     * @throws dev.cutover.spi.LockHeldException when another deployer holds a plan's lock
     * @throws StalePlanException      when what a plan observed changed since
     */
    public List<Deployment> apply(java.util.Collection<Plan> plans) {
        Objects.requireNonNull(plans, "plans");
        List<Plan> list = new ArrayList<>(plans.size());
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (Plan plan : plans) {
            Objects.requireNonNull(plan, "plans contains null");
            if (!instanceId.equals(plan.owner()) && !plan.isReviewed()) {
                throw new IllegalArgumentException("plan " + plan.id() + " was made by another Cutover instance; "
                        + "plan again with this one, or write it with plan.write(path) and apply Plan.read(path), "
                        + "which checks that the world and the changes are still those written");
            }
            if (!keys.add(plan.release().key())) {
                throw new IllegalArgumentException("two plans target " + plan.release().key()
                        + "; apply them one after the other");
            }
            list.add(plan);
        }
        List<String> ids = new ArrayList<>();
        List<LockManager.LockHandle> locks = new ArrayList<>();
        int started = 0;
        try {
            for (Plan plan : list) {
                Release release = plan.release();
                String id = rt.newDeploymentId(release);
                retireSuperseded(release.key());
                locks.add(rt.locks().acquire(release.key(), rt.deployer() + "/" + id, rt.lockLease()));
                ids.add(id);
            }
            List<Plan> checked = check(list);
            List<Deployment> out = new ArrayList<>(checked.size());
            for (int i = 0; i < checked.size(); i++) {
                Plan plan = checked.get(i);
                rt.journal().append(new JournalEntry(ids.get(i), 1, rt.scheduler().clock().instant(), "started",
                        startedEntry(plan)));
                out.add(rt.start(plan, ids.get(i), locks.get(i)));
                started++;
            }
            return out;
        } catch (RuntimeException e) {
            for (LockManager.LockHandle lock : locks.subList(started, locks.size())) {
                lock.close(); // the rollouts started own theirs
            }
            throw e;
        }
    }

    /**
     * Observes what every plan observed, once and in batches, and returns the plans to run: each as
     * it is when the world is the one it saw; a reviewed plan from a file re-planned on it, which must
     * give exactly the reviewed changes. Throws when any plan is stale, naming every one.
     */
    private List<Plan> check(List<Plan> plans) {
        List<Release> releases = plans.stream().map(Plan::release).toList();
        planner.prepareProviders(releases);
        Map<ResourceId, Resource> observed = planner.observeAll(releases);
        List<Plan> out = new ArrayList<>(plans.size());
        List<StalePlanException> stale = new ArrayList<>();
        for (Plan plan : plans) {
            Release release = plan.release();
            List<ResourceId> candidates = DesiredState.candidateIds(release);
            Map<ResourceId, Resource> now = Planner.subset(observed, candidates);
            try {
                out.add(checkOne(plan, candidates, now));
            } catch (StalePlanException e) {
                stale.add(e);
            }
        }
        if (stale.size() == 1) {
            throw stale.get(0);
        }
        if (!stale.isEmpty()) {
            List<String> changed = new ArrayList<>();
            for (StalePlanException e : stale) {
                e.changed().forEach(c -> changed.add(e.planId() + ": " + c));
            }
            throw new StalePlanException(stale.size() + " of " + plans.size() + " plans ("
                    + String.join(", ", stale.stream().map(StalePlanException::planId).toList()) + ")", changed);
        }
        return out;
    }

    private Plan checkOne(Plan plan, List<ResourceId> candidates, Map<ResourceId, Resource> now) {
        Release release = plan.release();
        if (!Planner.fingerprint(now).equals(plan.observedFingerprint())) {
            List<Change> fresh = planner.describeTraffic(release, Diff.diff(DesiredState.of(release), now, candidates));
            List<String> changed = new ArrayList<>();
            for (int i = 0; i < fresh.size(); i++) {
                Change f = fresh.get(i);
                Change old = plan.changes().stream().filter(c -> c.id().equals(f.id())).findFirst().orElse(null);
                if (old == null || old.action() != f.action() || !Objects.equals(old.before(), f.before())) {
                    changed.add(f.id().toString());
                }
            }
            if (changed.isEmpty()) {
                changed.add("observed state");
            }
            throw new StalePlanException(plan.id(), changed);
        }
        if (!plan.isReviewed()) {
            return plan;
        }
        // a plan from a file: the same world must give exactly the reviewed changes, or nothing is applied
        List<Change> fresh = planner.describeTraffic(release, Diff.diff(DesiredState.of(release), now, candidates));
        Plan replanned = new Plan(plan.id(), instanceId, release, fresh, plan.observedFingerprint(), plan.createdAt(),
                plan.requiredPermissions());
        if (!Json.write(Json.parseObject(replanned.toJson()).get("changes")).equals(plan.reviewedChanges())) {
            throw new StalePlanException(plan.id(), List.of("the changes planned now differ from the reviewed ones "
                    + "although the observed state is the same (other providers or provider settings?)"));
        }
        return replanned;
    }

    private Map<String, String> startedEntry(Plan plan) {
        Release release = plan.release();
        Map<String, String> started = new LinkedHashMap<>();
        started.put("target", release.key());
        started.put("plan", plan.id());
        started.put("service", release.service().name());
        started.put("environment", release.environment().name());
        started.put("region", release.environment().region());
        started.putAll(History.layoutOf(release));
        started.put("image", release.service().image().toString());
        started.put("strategy", release.strategy().name());
        started.put("deployer", rt.deployer());
        started.put("changes", String.valueOf(plan.changes().stream().filter(c -> !c.isNoOp()).count()));
        started.put("release", ReleaseCodec.encode(release));
        return started;
    }

    /**
     * A deployment of this instance that succeeded and still keeps its old revision warm (the
     * rollback window) is superseded by a newer deployment of the same service: its old revision is
     * retired now and its lock released, so that {@code apply(..).await(); apply(..)} works.
     */
    private void retireSuperseded(String key) {
        rt.endRollbackWindow(key);
    }

    // ------------------------------------------------------------------ history, resume, rollback

    /** Every deployment of {@code service} to {@code environment} in the journal, oldest first. */
    public List<HistoryEntry> history(String service, String environment) {
        return history.of(service, environment);
    }

    /**
     * Continues a deployment whose process died, from its journal: a promoted rollout is finished,
     * anything earlier returns traffic to the previous revision. It always ends with 100% of
     * traffic on exactly one revision.
     *
     * @throws JournalException when the deployment is unknown or its journal is corrupt
     * @throws IllegalStateException when the deployment already finished
     */
    public Deployment resume(String deploymentId) {
        return recovery.resume(deploymentId, false);
    }

    /**
     * Like {@link #resume(String)}, but takes the deployment's lock without waiting for its holder's
     * lease to run out: for when you know the process that held it is gone although its lease is
     * long (the host died, or it was shut down and its lease still runs). The lock is taken over in
     * its holder's name, so use it only when that holder is certainly gone: one still alive would go
     * on acting beside this one. A session-based lock (Consul) cannot be handed over and is still
     * waited for.
     */
    public Deployment forceResume(String deploymentId) {
        return recovery.resume(deploymentId, true);
    }

    /**
     * Returns {@code service} in {@code environment} to the revision that served before the last
     * successful deployment that started a revision, as a new, journaled deployment (all at once).
     * The release that revision came from is re-applied exactly as the journal recorded it (task
     * count, auto scaling, environment variables, secret references, configuration, layout), so
     * that afterwards {@code plan(thatRelease)} is empty. With auto scaling, the restored revision
     * starts at the serving revision's running count, clamped to its own minimum and maximum.
     *
     * <p>A new process can roll back when the journal is durable ({@link dev.cutover.journal.FileJournalStore}
     * or a store in Consul); an in-memory journal forgets history with the process.
     *
     * @throws IllegalStateException when the history has no previous revision, or the journal
     *                               does not record the previous release
     */
    public Deployment rollback(String service, String environment) {
        return recovery.rollback(service, environment);
    }

    /**
     * What {@link #rollback(String, String)} would do now, without doing it: the release it restores,
     * the revision it moves traffic from and to, the other changes it applies (task count, scaling,
     * discovery, as a plan would show them), and the least-privilege IAM policy the rollback needs
     * ({@link RollbackPreview#requiredPermissions()}; a rollback applies no plan, so a plan's policy
     * does not cover it).
     *
     * <pre>{@code
     * RollbackPreview preview = cutover.previewRollback("orders", "prod");
     * log.info("rollback: {}", preview);                     // from/to revision and the changes
     * log.info("policy: {}", preview.requiredPermissions()); // attach to the role that rolls back
     * }</pre>
     *
     * @throws IllegalStateException as {@link #rollback(String, String)} does, when there is nothing to roll back to
     */
    public RollbackPreview previewRollback(String service, String environment) {
        Recovery.RollbackPlan target = recovery.previewRollback(service, environment);
        return new RollbackPreview(target.release(), target.fromRevision(), target.toRevision(), target.changes(),
                planner.rollbackPermissions(target.release(), target.changes()));
    }

    /** The meter registry metrics go to. */
    public MeterRegistry meterRegistry() {
        return rt.meters();
    }

    /**
     * The scheduler this instance runs deployments on: engines that coordinate several deployments
     * (release groups) schedule their own work on it, so they follow virtual time in tests.
     */
    public Scheduler scheduler() {
        return rt.scheduler();
    }

    /**
     * The journal store deployments are recorded in (also the history); release groups keep their
     * own journal beside the deployments' there.
     */
    public JournalStore journalStore() {
        return rt.journal();
    }

    /**
     * Stops every deployment this instance runs at its next safe point (between two actions; an
     * action under way completes), journals why, and waits up to {@code timeout} for them to stop.
     * Nothing that {@link #resume(String)} needs is released: traffic stays where it was, and the
     * locks are left to run out their lease, so no one else starts a deployment on a split service.
     * The JVM shutdown hook (SIGTERM, Ctrl-C) calls this unless {@link Builder#shutdownHook(boolean)}
     * turned it off; afterwards, run {@code cutover.resume(id)} for each deployment listed by
     * {@link #running()} or the journal.
     *
     * @return the deployments that were stopped
     */
    public List<Deployment> shutdown(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return rt.stopAll("the process is shutting down", timeout);
    }

    /** {@link #shutdown(Duration)} waiting at most 30 seconds. */
    public List<Deployment> shutdown() {
        return shutdown(Duration.ofSeconds(30));
    }

    /** The deployments this instance is still acting on (including retiring an old revision after success). */
    public List<Deployment> running() {
        return rt.running();
    }

    @Override
    public void close() {
        rt.close();
    }

    @Override
    public String toString() {
        return "Cutover[providers=" + rt.providers().keySet() + ", scheduler=" + rt.scheduler() + ", journal=" + rt.journal() + "]";
    }

    // ------------------------------------------------------------------ builder

    /** Configures a {@link Cutover}. */
    public static final class Builder {
        private final List<Provider> providers = new ArrayList<>();
        private final Map<Capability, String> routes = new EnumMap<>(Capability.class);
        private final List<DeploymentListener> listeners = new CopyOnWriteArrayList<>();
        private Boolean discover;
        private ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
        private ProviderConfig config = ProviderConfig.system();
        private Scheduler scheduler;
        private MeterRegistry meters;
        private JournalStore journal;
        private LockManager locks;
        private Resilience resilience = Resilience.defaults();
        private MetricSource metricSource;
        private Duration rollbackWindow = Duration.ofMinutes(5);
        private Duration lockLease = Duration.ofMinutes(1);
        private String deployer = "cutover@" + hostName();
        private boolean shutdownHook = true;

        private Builder() {
        }

        private static String hostName() {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                return "localhost";
            }
        }

        /** Registers a provider; it wins over a discovered provider of the same name. */
        public Builder provider(Provider provider) {
            providers.add(Objects.requireNonNull(provider, "provider"));
            return this;
        }

        /** Chooses which provider serves a capability when several offer it. */
        public Builder use(Capability capability, String providerName) {
            routes.put(Objects.requireNonNull(capability, "capability"), Objects.requireNonNull(providerName, "providerName"));
            return this;
        }

        /**
         * Whether to discover providers with {@link ServiceLoader}. By default Cutover discovers
         * providers only when none is registered explicitly, so {@code provider(new InMemoryProvider())}
         * means exactly that provider even with {@code cutover-aws} on the class path. With both, an
         * explicit provider wins over a discovered one of the same name.
         */
        public Builder discoverProviders(boolean discover) {
            this.discover = discover;
            return this;
        }

        /** The configuration handed to discovered provider factories (default: system properties, then environment). */
        public Builder providerConfig(ProviderConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The class loader to discover providers with. */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
            return this;
        }

        /** Time and deferred work (default: real time); a {@link dev.cutover.time.VirtualScheduler} in tests. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Where metrics go (default: a simple in-memory registry). */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meters = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Adds a listener for deployment events. */
        public Builder listener(DeploymentListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Where journals go (default: in memory; use {@link dev.cutover.journal.FileJournalStore} to survive crashes). */
        public Builder journal(JournalStore journal) {
            this.journal = Objects.requireNonNull(journal, "journal");
            return this;
        }

        /**
         * The locks that admit one deployer per service and environment (default: a provider with
         * LOCK, such as Consul, else in-process {@link InMemoryLocks}); {@link FileLocks} coordinates
         * deployers that share a directory.
         */
        public Builder locks(LockManager locks) {
            this.locks = Objects.requireNonNull(locks, "locks");
            return this;
        }

        public Builder resilience(Resilience resilience) {
            this.resilience = Objects.requireNonNull(resilience, "resilience");
            return this;
        }

        public Builder resilience(java.util.function.Consumer<Resilience.Builder> resilience) {
            Resilience.Builder b = this.resilience.toBuilder();
            Objects.requireNonNull(resilience, "resilience").accept(b);
            this.resilience = b.build();
            return this;
        }

        /**
         * The source metric gates are measured from (default: a provider with METRICS). A source that
         * is also a {@link Provider} is started with the guarded executor, so its queries are retried,
         * rate limited and measured like every other provider call.
         */
        public Builder metrics(MetricSource source) {
            this.metricSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /** How long the old revision stays warm after promotion (default 5 min). */
        public Builder rollbackWindow(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.isNegative()) {
                throw new IllegalArgumentException("rollbackWindow must not be negative, was " + window);
            }
            this.rollbackWindow = window;
            return this;
        }

        /** The lock lease; renewed every third of it while a deployment runs (default 1 min). */
        public Builder lockLease(Duration lease) {
            Objects.requireNonNull(lease, "lease");
            if (lease.compareTo(Duration.ofSeconds(3)) < 0) {
                throw new IllegalArgumentException("lockLease must be at least 3 s, was " + lease);
            }
            this.lockLease = lease;
            return this;
        }

        /** Who deploys, as lock holders and the journal show it (default {@code cutover@<host>}). */
        public Builder deployer(String deployer) {
            this.deployer = Objects.requireNonNull(deployer, "deployer");
            return this;
        }

        /**
         * Whether a JVM shutdown hook (SIGTERM, Ctrl-C) stops this instance's deployments at their next
         * safe point, journaled and resumable, as {@link Cutover#shutdown()} does (default true). Turn it
         * off when the embedding application calls {@code shutdown()} itself.
         */
        public Builder shutdownHook(boolean install) {
            this.shutdownHook = install;
            return this;
        }

        public Cutover build() {
            return new Cutover(this);
        }
    }
}

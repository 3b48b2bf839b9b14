// Over 400 lines: one provider whose capabilities (compute, traffic, discovery, config, scaling,
// secrets, locks, metrics) are inner classes over one shared, synchronized world, so that a test
// sees every capability change the same state; splitting them would expose that state.
package dev.cutover.inmemory;

import dev.cutover.Change;
import dev.cutover.Hook;
import dev.cutover.ImageRef;
import dev.cutover.locks.InMemoryLocks;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.ValidationException;
import dev.cutover.analysis.Measurement;
import dev.cutover.analysis.MetricContext;
import dev.cutover.analysis.MetricQuery;
import dev.cutover.analysis.MetricSource;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.Compute;
import dev.cutover.spi.ConfigConflictException;
import dev.cutover.spi.ConfigStore;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.Discovery;
import dev.cutover.spi.LockManager;
import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderContext;
import dev.cutover.spi.ProviderException;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceCapability;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.RevisionHealth;
import dev.cutover.spi.RevisionRef;
import dev.cutover.spi.Scaling;
import dev.cutover.spi.SecretNotFoundException;
import dev.cutover.spi.Secrets;
import dev.cutover.spi.TaskResult;
import dev.cutover.spi.Traffic;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A provider that keeps everything in memory and offers every capability: the reference for
 * custom providers (it passes the compatibility kit), the engine of JShell experiments and of the
 * core's tests. Images can be scripted to misbehave, and calls can fail at a seeded rate.
 *
 * <pre>{@code
 * InMemoryProvider cloud = new InMemoryProvider();
 * cloud.behave("orders:1.4.3", InMemoryProvider.Behavior.healthy().errorRate(0.2));
 * cloud.addSecret("prod/orders/db");
 * Cutover cutover = Cutover.builder().provider(cloud).build();
 * }</pre>
 */
public final class InMemoryProvider implements Provider {

    private final String name;
    private final Object lock = new Object();
    private volatile ProviderContext context;
    private final Map<ResourceId, Resource> resources = new TreeMap<>();
    private final Map<String, Rev> revisions = new LinkedHashMap<>();
    private final Map<String, Integer> revisionCounters = new HashMap<>();
    private final Map<String, Map<String, Integer>> weights = new HashMap<>();
    private final Map<String, Behavior> behaviors = new HashMap<>();
    private final Set<String> secrets = new HashSet<>();
    private final Map<String, Integer> calls = new TreeMap<>();
    private final Map<String, Registration> registrations = new LinkedHashMap<>();
    private InMemoryLocks locks;
    private Random faultRandom;
    private double faultRate;

    /** A provider named {@code in-memory}. */
    public InMemoryProvider() {
        this("in-memory");
    }

    /** A provider with another name, to run several side by side. */
    public InMemoryProvider(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    private static final class Rev {
        final RevisionRef ref;
        final Map<String, Attribute> spec;
        final String image;
        final Instant startedAt;
        int desired;
        boolean retired;

        Rev(RevisionRef ref, Map<String, Attribute> spec, String image, Instant startedAt, int desired) {
            this.ref = ref;
            this.spec = spec;
            this.image = image;
            this.startedAt = startedAt;
            this.desired = desired;
        }
    }

    /**
     * How an image behaves once started.
     *
     * @param startDelay          how long tasks take to become healthy
     * @param crashes             whether tasks die right after start
     * @param neverHealthy        whether health checks never pass (neither the container's nor the registry's)
     * @param errorRate           the fraction of requests that fail (0.0–1.0)
     * @param p99Millis           the 99th percentile latency in ms
     * @param hookExitCode        the exit code of one-off tasks run with this image
     * @param registryChecksFail  whether only the discovery registry's checks fail while the container's
     *                            own health check passes (see {@link #failingRegistryChecks()})
     */
    public record Behavior(Duration startDelay, boolean crashes, boolean neverHealthy, double errorRate,
            double p99Millis, int hookExitCode, boolean registryChecksFail) {

        public Behavior {
            Objects.requireNonNull(startDelay, "startDelay");
        }

        /** A behavior whose registry checks agree with its container health check. */
        public Behavior(Duration startDelay, boolean crashes, boolean neverHealthy, double errorRate,
                double p99Millis, int hookExitCode) {
            this(startDelay, crashes, neverHealthy, errorRate, p99Millis, hookExitCode, false);
        }

        /** Healthy after 10 s, 0.1% errors, 80 ms p99, hooks exit 0. */
        public static Behavior healthy() {
            return new Behavior(Duration.ofSeconds(10), false, false, 0.001, 80, 0, false);
        }

        public Behavior startDelay(Duration delay) {
            return new Behavior(delay, crashes, neverHealthy, errorRate, p99Millis, hookExitCode, registryChecksFail);
        }

        /** Tasks die right after they start. */
        public Behavior crashing() {
            return new Behavior(startDelay, true, neverHealthy, errorRate, p99Millis, hookExitCode, registryChecksFail);
        }

        /** Health checks never pass. */
        public Behavior failingHealthChecks() {
            return new Behavior(startDelay, crashes, true, errorRate, p99Millis, hookExitCode, registryChecksFail);
        }

        /**
         * The container's own health check passes (compute reports the tasks healthy), but the
         * discovery registry's check of each instance fails once the tasks have started, as when the
         * application listens on localhost only: {@link Discovery#health(RevisionRef)} reports the
         * instances critical.
         */
        public Behavior failingRegistryChecks() {
            return new Behavior(startDelay, crashes, neverHealthy, errorRate, p99Millis, hookExitCode, true);
        }

        public Behavior errorRate(double rate) {
            return new Behavior(startDelay, crashes, neverHealthy, rate, p99Millis, hookExitCode, registryChecksFail);
        }

        public Behavior p99Millis(double millis) {
            return new Behavior(startDelay, crashes, neverHealthy, errorRate, millis, hookExitCode, registryChecksFail);
        }

        public Behavior hookExitCode(int code) {
            return new Behavior(startDelay, crashes, neverHealthy, errorRate, p99Millis, code, registryChecksFail);
        }
    }

    /**
     * The state of a registered instance's registry check.
     */
    public enum CheckStatus {
        /** The tasks have not started yet (within the image's start delay): not yet checked. */
        STARTING,
        /** The check passes. */
        PASSING,
        /** The check fails: the tasks crash, or fail their health or registry checks. */
        CRITICAL
    }

    /**
     * An instance in the in-memory discovery registry, as {@link #instances(String, String)} returns it.
     *
     * @param id       the instance id, {@code <environment>-<service>-<revision>-<n>}
     * @param revision the revision the instance belongs to
     * @param tags     {@code version}, {@code environment}, {@code deployment} and {@code revision}
     * @param status   the instance's check now, on the provider's clock
     */
    public record RegisteredInstance(String id, RevisionRef revision, Map<String, String> tags, CheckStatus status) {

        public RegisteredInstance {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(revision, "revision");
            tags = Map.copyOf(tags);
            Objects.requireNonNull(status, "status");
        }
    }

    /** A revision's registration in the in-memory discovery registry. */
    private record Registration(RevisionRef ref, String image, Instant registeredAt, int count, Map<String, String> tags) {
    }

    /** Scripts how an image (the full reference, or its {@code repository:tag} / version) behaves. */
    public InMemoryProvider behave(String image, Behavior behavior) {
        synchronized (lock) {
            behaviors.put(Objects.requireNonNull(image, "image"), Objects.requireNonNull(behavior, "behavior"));
        }
        return this;
    }

    /** Declares that a secret reference exists (values are never stored). */
    public InMemoryProvider addSecret(String reference) {
        synchronized (lock) {
            secrets.add(Objects.requireNonNull(reference, "reference"));
        }
        return this;
    }

    /** Makes each call fail with a retryable error (throttling, 503, timeout) with probability {@code rate}, seeded. */
    public InMemoryProvider faults(long seed, double rate) {
        synchronized (lock) {
            this.faultRandom = new Random(seed);
            this.faultRate = rate;
        }
        return this;
    }

    /** How many calls each operation received (for batching checks). */
    public Map<String, Integer> calls() {
        synchronized (lock) {
            return Map.copyOf(calls);
        }
    }

    /** The revisions that run now, for tests. */
    public List<RevisionRef> running(String environment, String service) {
        synchronized (lock) {
            return runningLocked(environment, service);
        }
    }

    /**
     * The instances registered in discovery for a service now, in registration order, each with its
     * check status on the provider's clock; read without going through the guarded executor or the
     * fault injector (for tests). Revisions register when a rollout starts them and deregister when
     * it retires them:
     *
     * <pre>{@code
     * assertThat(cloud.instances("stage", "orders"))
     *     .allMatch(i -> i.tags().get("version").equals("1.4.3") && i.status() == CheckStatus.PASSING);
     * }</pre>
     */
    public List<RegisteredInstance> instances(String environment, String service) {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(service, "service");
        synchronized (lock) {
            List<RegisteredInstance> out = new ArrayList<>();
            for (Registration g : registrations.values()) {
                if (g.ref().environment().equals(environment) && g.ref().service().equals(service)) {
                    CheckStatus status = checkStatus(g);
                    for (int i = 0; i < g.count(); i++) {
                        out.add(new RegisteredInstance(instanceId(g.ref(), i), g.ref(), g.tags(), status));
                    }
                }
            }
            return List.copyOf(out);
        }
    }

    /** The route's weights now, read without going through the guarded executor or the fault injector (for tests). */
    public Map<String, Integer> weights(String environment, String service) {
        synchronized (lock) {
            return Map.copyOf(weights.getOrDefault(environment + "/" + service, Map.of()));
        }
    }

    /** Sets weights out of band, as a person editing the route by hand would (for drift tests). */
    public void editWeights(String environment, String service, Map<String, Integer> w) {
        synchronized (lock) {
            weights.put(environment + "/" + service, new LinkedHashMap<>(w));
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start(ProviderContext context) {
        this.context = Objects.requireNonNull(context, "context");
        synchronized (lock) {
            if (locks == null) {
                locks = new InMemoryLocks(context.clock());
            }
        }
    }

    private ProviderContext ctx() {
        ProviderContext c = context;
        if (c == null) {
            c = ProviderContext.direct(Clock.systemUTC());
            start(c);
        }
        return c;
    }

    private <T> T call(String operation, Supplier<T> body) {
        return ctx().call("memory." + operation, operation, () -> {
            synchronized (lock) {
                calls.merge(operation, 1, Integer::sum);
                if (faultRandom != null && faultRandom.nextDouble() < faultRate) {
                    int kind = faultRandom.nextInt(3);
                    throw new ProviderException(name, operation, true, switch (kind) {
                        case 0 -> "ThrottlingException: rate exceeded";
                        case 1 -> "503 Service Unavailable";
                        default -> "timed out";
                    });
                }
                return body.get();
            }
        });
    }

    private void run(String operation, Runnable body) {
        call(operation, () -> {
            body.run();
            return null;
        });
    }

    private Instant now() {
        return ctx().clock().instant();
    }

    /**
     * The digest a registry hands out for an image reference, as the local cloud's registry does: a
     * reference pinned by digest runs that digest; a tag resolves to {@code sha256:} and the SHA-256
     * of the reference text (UTF-8). Both providers resolve the same reference to the same digest.
     */
    static String resolveDigest(String image) {
        int at = image.indexOf('@');
        if (at >= 0) {
            return image.substring(at + 1);
        }
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(image.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "sha256:" + java.util.HexFormat.of().formatHex(h);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Behavior behaviorOf(String image) {
        Behavior b = behaviors.get(image);
        if (b == null) {
            try {
                ImageRef ref = ImageRef.parse(image);
                b = behaviors.get(ref.repository() + ":" + ref.version());
                if (b == null) {
                    b = behaviors.get(ref.version());
                }
            } catch (ValidationException e) {
                b = null;
            }
        }
        return b == null ? Behavior.healthy() : b;
    }

    private List<RevisionRef> runningLocked(String environment, String service) {
        List<RevisionRef> out = new ArrayList<>();
        for (Rev r : revisions.values()) {
            if (!r.retired && r.ref.environment().equals(environment) && r.ref.service().equals(service)) {
                out.add(r.ref);
            }
        }
        return out;
    }

    private Rev rev(RevisionRef ref) {
        Rev r = revisions.get(ref.id());
        if (r == null) {
            throw new ProviderException(name, "revision", false, "no revision " + ref.id());
        }
        return r;
    }

    // ------------------------------------------------------------------ resources

    /** Observe and apply over the resource map: what every capability of this provider shares. */
    private class Resources implements ResourceCapability {
        @Override
        public List<Resource> observe(List<ResourceId> ids) {
            return call("Observe", () -> {
                List<Resource> out = new ArrayList<>();
                for (ResourceId id : ids) {
                    observeOne(id).ifPresent(out::add);
                }
                return out;
            });
        }

        @Override
        public void apply(Change change) {
            run("Apply", () -> applyOne(change));
        }
    }

    private final Resources resourcesCapability = new Resources();

    private Optional<Resource> observeOne(ResourceId id) {
        String key = id.environment() + "/" + id.name();
        switch (id.type()) {
            case REVISION: {
                Rev serving = serving(id.environment(), id.name());
                return serving == null ? Optional.empty() : Optional.of(new Resource(id, serving.spec, serving.ref.id()));
            }
            case SERVICE: {
                Rev serving = serving(id.environment(), id.name());
                return serving == null ? Optional.empty() : Optional.of(new Resource(id,
                        Map.of("desiredCount", Attribute.of(String.valueOf(serving.desired))), serving.ref.id()));
            }
            case ROUTE: {
                Map<String, Integer> w = weights.get(key);
                return w == null || w.isEmpty() ? Optional.empty()
                        : Optional.of(Resource.of(id, Map.of("weights", Attribute.of(DesiredState.weights(w)))));
            }
            default:
                return Optional.ofNullable(resources.get(id));
        }
    }

    private Rev serving(String environment, String service) {
        Map<String, Integer> w = weights.getOrDefault(environment + "/" + service, Map.of());
        Rev best = null;
        int bestWeight = -1;
        for (Rev r : revisions.values()) {
            if (r.retired || !r.ref.environment().equals(environment) || !r.ref.service().equals(service)) {
                continue;
            }
            int weight = w.getOrDefault(r.ref.id(), 0);
            if (weight > bestWeight || weight == bestWeight) {
                best = r;
                bestWeight = weight;
            }
        }
        return best;
    }

    private void applyOne(Change change) {
        ResourceId id = change.id();
        if (id.type() == ResourceType.CONFIG && change.action() != Change.Action.NO_OP) {
            applyConfig(change);
            return;
        }
        switch (change.action()) {
            case CREATE, UPDATE -> {
                Resource after = change.after();
                if (id.type() == ResourceType.SERVICE) {
                    Rev serving = serving(id.environment(), id.name());
                    if (serving != null) {
                        serving.desired = Integer.parseInt(after.value("desiredCount"));
                    }
                } else if (id.type() == ResourceType.ROUTE) {
                    Map<String, Integer> w = new LinkedHashMap<>();
                    for (String part : after.value("weights").split(",")) {
                        String[] kv = part.split("=");
                        if (kv.length == 2 && !kv[0].equals(DesiredState.NEW_REVISION)) {
                            w.put(kv[0], Integer.parseInt(kv[1]));
                        }
                    }
                    if (!w.isEmpty()) {
                        weights.put(id.environment() + "/" + id.name(), w);
                    }
                } else if (id.type() != ResourceType.REVISION) {
                    resources.put(id, after.withRef(id.type().label() + "/" + id.environment() + "/" + id.name()));
                }
            }
            case DELETE -> resources.remove(id);
            default -> {
            }
        }
    }

    /**
     * Config writes are check-and-set per entry, like Consul KV's: each entry the change moves must
     * still hold its {@code before} value (or already hold the {@code after} one); otherwise nothing
     * is written and the writer gets a {@link ConfigConflictException}.
     */
    private void applyConfig(Change change) {
        ResourceId id = change.id();
        Map<String, String> now = configValues(resources.get(id));
        Map<String, String> before = configValues(change.before());
        Map<String, String> after = change.action() == Change.Action.DELETE ? Map.of() : configValues(change.after());
        Map<String, Attribute> result = new TreeMap<>();
        now.forEach((k, v) -> result.put(k, Attribute.of(v)));
        Set<String> keys = new java.util.TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String k : keys) {
            String b = before.get(k);
            String a = after.get(k);
            if (Objects.equals(a, b) || Objects.equals(now.get(k), a)) {
                continue;
            }
            if (!Objects.equals(now.get(k), b)) {
                throw new ConfigConflictException(k, "it was changed by another writer since the plan was made; "
                        + "plan again to see its current value");
            }
            if (a == null) {
                result.remove(k);
            } else {
                result.put(k, Attribute.of(a));
            }
        }
        if (result.isEmpty()) {
            resources.remove(id);
        } else {
            resources.put(id, new Resource(id, result, id.type().label() + "/" + id.environment() + "/" + id.name()));
        }
    }

    private static Map<String, String> configValues(Resource r) {
        Map<String, String> out = new TreeMap<>();
        if (r != null) {
            r.attributes().forEach((k, v) -> out.put(k, v.value()));
        }
        return out;
    }

    // ------------------------------------------------------------------ compute

    private final class ComputeCapability extends Resources implements Compute {
        @Override
        public RevisionRef startRevision(Release release, int desiredCount) {
            return call("StartRevision", () -> {
                String env = release.environment().name();
                String svc = release.service().name();
                Map<String, Attribute> spec = DesiredState.revision(release.service());
                Rev retired = null;
                for (Rev r : revisions.values()) {
                    if (r.ref.environment().equals(env) && r.ref.service().equals(svc) && r.spec.equals(spec)) {
                        if (!r.retired) {
                            r.desired = desiredCount;
                            return r.ref;
                        }
                        retired = r;
                    }
                }
                if (retired != null) {
                    // identical content ran before: it starts again under its id (ECS reuses the task definition revision)
                    revisions.put(retired.ref.id(), new Rev(retired.ref, retired.spec, retired.image, now(), desiredCount));
                    return retired.ref;
                }
                int n = revisionCounters.merge(env + "/" + svc, 1, Integer::sum);
                RevisionRef ref = new RevisionRef(env, svc, svc + "-" + env + ":" + n, release.service().image().version());
                revisions.put(ref.id(), new Rev(ref, spec, release.service().image().toString(), now(), desiredCount));
                return ref;
            });
        }

        @Override
        public List<RevisionRef> revisions(String environment, String service) {
            return call("ListRevisions", () -> runningLocked(environment, service));
        }

        @Override
        public void scale(RevisionRef revision, int desiredCount) {
            run("Scale", () -> rev(revision).desired = desiredCount);
        }

        @Override
        public RevisionHealth health(RevisionRef revision) {
            return call("Health", () -> {
                Rev r = rev(revision);
                if (r.retired) {
                    return new RevisionHealth(0, 0, 0, 0, "retired");
                }
                Behavior b = behaviorOf(r.image);
                Duration age = Duration.between(r.startedAt, now());
                if (b.crashes()) {
                    int failed = (int) Math.max(1, Math.min(r.desired * 3L, age.toSeconds() / 10 + 1));
                    return new RevisionHealth(r.desired, 0, 0, failed, "Essential container in task exited (exit code 1)");
                }
                boolean started = age.compareTo(b.startDelay()) >= 0;
                int running = started ? r.desired : 0;
                int healthy = started && !b.neverHealthy() ? r.desired : 0;
                return new RevisionHealth(r.desired, running, healthy, 0, b.neverHealthy() && started ? "health check failing" : "");
            });
        }

        @Override
        public void retire(RevisionRef revision) {
            run("Retire", () -> {
                // idempotent: retiring a retired or unknown revision is a no-op (a resumed deployment repeats it)
                Rev r = revisions.get(revision.id());
                if (r != null) {
                    Map<String, Integer> w = weights.get(revision.environment() + "/" + revision.service());
                    if (w != null && w.getOrDefault(revision.id(), 0) > 0) {
                        throw new ProviderException(name, "Retire", false, "revision " + revision.id()
                                + " still receives " + w.get(revision.id()) + "% of traffic; shift it away first");
                    }
                    r.retired = true;
                    r.desired = 0;
                    if (w != null) {
                        w.remove(revision.id());
                    }
                }
            });
        }

        @Override
        public TaskResult runTask(RevisionRef revision, Hook hook) {
            return call("RunTask", () -> {
                Rev r = rev(revision);
                int code = behaviorOf(r.image).hookExitCode();
                return new TaskResult("task-" + revision.id() + "-" + (calls.getOrDefault("RunTask", 0)), code,
                        code == 0 ? "Essential container in task exited" : "Essential container in task exited (exit code " + code + ")");
            });
        }

        @Override
        public TaskResult runTask(Release release, Hook hook, String idempotencyKey) {
            return call("RunTask", () -> {
                int code = behaviorOf(release.service().image().toString()).hookExitCode();
                String task = "task-" + release.environment().name() + "-" + release.service().name() + "-"
                        + calls.getOrDefault("RunTask", 0);
                return new TaskResult(task, code, code == 0 ? "Essential container in task exited"
                        : "Essential container in task exited (exit code " + code + ")", "in-memory:" + task);
            });
        }

        @Override
        public Optional<String> imageDigest(RevisionRef revision) {
            synchronized (lock) { // a read of what already runs: no injected fault, so seeded fault runs stay as they were
                Rev r = revisions.get(revision.id());
                return r == null || r.retired ? Optional.empty() : Optional.of(resolveDigest(r.image));
            }
        }

        @Override
        public RevisionRef restartRevision(RevisionRef revision, int desiredCount) {
            return call("RestartRevision", () -> {
                Rev r = rev(revision);
                Rev again = new Rev(r.ref, r.spec, r.image, now(), desiredCount);
                revisions.put(r.ref.id(), again);
                return r.ref;
            });
        }
    }

    private final Compute compute = new ComputeCapability();

    // ------------------------------------------------------------------ traffic

    private final class TrafficCapability extends Resources implements Traffic {
        @Override
        public Map<String, Integer> weights(String environment, String service) {
            return call("GetWeights", () -> Map.copyOf(weights.getOrDefault(environment + "/" + service, Map.of())));
        }

        @Override
        public void setWeights(String environment, String service, Map<String, Integer> w) {
            run("SetWeights", () -> {
                int sum = w.values().stream().mapToInt(Integer::intValue).sum();
                if (sum != 100 || w.size() > 10 || w.values().stream().anyMatch(v -> v < 0 || v > 100)) {
                    throw new ProviderException(name, "SetWeights", false,
                            "weights must be 0-100, name at most 10 revisions and sum to 100, were " + w);
                }
                for (String id : w.keySet()) {
                    Rev r = revisions.get(id);
                    if (r == null || r.retired) {
                        throw new ProviderException(name, "SetWeights", false, "no running revision " + id);
                    }
                }
                weights.put(environment + "/" + service, new LinkedHashMap<>(w));
            });
        }
    }

    private final Traffic traffic = new TrafficCapability();

    // ------------------------------------------------------------------ the rest

    /**
     * Discovery registers one instance per desired task of a started revision (the compute's desired
     * count when it runs the revision, else the release's instance count), tagged like Consul's, and
     * checks each like a registry would: see {@link #checkStatus(Registration)}.
     */
    private final class DiscoveryCapability extends Resources implements Discovery {
        @Override
        public void revisionStarted(RevisionRef revision, Release release, String deploymentId) {
            Objects.requireNonNull(revision, "revision");
            Objects.requireNonNull(release, "release");
            Objects.requireNonNull(deploymentId, "deploymentId");
            run("RegisterInstances", () -> {
                Rev r = revisions.get(revision.id());
                int count = r != null && !r.retired ? r.desired : release.service().instances();
                Map<String, String> tags = new TreeMap<>();
                tags.put("version", revision.version());
                tags.put("environment", revision.environment());
                tags.put("deployment", deploymentId);
                tags.put("revision", revision.id());
                // registering again (a resumed deployment repeats it) replaces the instances
                registrations.put(revision.id(), new Registration(revision, release.service().image().toString(), now(),
                        count, Map.copyOf(tags)));
            });
        }

        @Override
        public void revisionRetired(RevisionRef revision) {
            Objects.requireNonNull(revision, "revision");
            // idempotent: deregistering a deregistered or unknown revision is a no-op
            run("DeregisterInstances", () -> registrations.remove(revision.id()));
        }

        @Override
        public Optional<InstanceHealth> health(RevisionRef revision) {
            Objects.requireNonNull(revision, "revision");
            return call("InstanceHealth", () -> {
                Registration g = registrations.get(revision.id());
                if (g == null) {
                    return Optional.empty();
                }
                return Optional.of(switch (checkStatus(g)) {
                    case STARTING -> new InstanceHealth(0, 0);
                    case PASSING -> new InstanceHealth(g.count(), 0);
                    case CRITICAL -> new InstanceHealth(0, g.count());
                });
            });
        }
    }

    private final Discovery discovery = new DiscoveryCapability();

    /**
     * A registration's check now, from the scripted {@link Behavior} of its image on the provider's
     * clock: crashing tasks are critical from the start; otherwise instances are starting until the
     * start delay has passed (counted from when compute last started the revision, or from the
     * registration when compute does not run it), then critical when health or registry checks fail
     * and passing when not. A revision compute has retired answers nothing: critical.
     */
    private CheckStatus checkStatus(Registration g) {
        Behavior b = behaviorOf(g.image());
        Rev r = revisions.get(g.ref().id());
        if (b.crashes() || r != null && r.retired) {
            return CheckStatus.CRITICAL;
        }
        Instant startedAt = r != null ? r.startedAt : g.registeredAt();
        if (Duration.between(startedAt, now()).compareTo(b.startDelay()) < 0) {
            return CheckStatus.STARTING;
        }
        return b.neverHealthy() || b.registryChecksFail() ? CheckStatus.CRITICAL : CheckStatus.PASSING;
    }

    private static String instanceId(RevisionRef revision, int index) {
        String slug = revision.id().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return revision.environment() + "-" + revision.service() + "-" + slug + "-" + index;
    }

    /** Config entries and scaling policies are plain resources here: both capabilities share one object. */
    private final class PlainResources extends Resources implements ConfigStore, Scaling {
    }

    private final PlainResources plainResources = new PlainResources();

    private final Secrets secretsCapability = new Secrets() {
        @Override
        public Map<String, String> resolve(String environment, Collection<String> references) {
            return call("ResolveSecrets", () -> {
                List<String> missing = references.stream().filter(r -> !secrets.contains(r)).sorted().toList();
                if (!missing.isEmpty()) {
                    throw new SecretNotFoundException(missing);
                }
                Map<String, String> out = new LinkedHashMap<>();
                references.forEach(r -> out.put(r, "memory:secret:" + r));
                return out;
            });
        }
    };

    private final MetricSource metricSource = new MetricSource() {
        @Override
        public Measurement measure(MetricQuery query, MetricContext c) {
            synchronized (lock) {
                Rev r = revisions.get(c.revision());
                int weight = weights.getOrDefault(c.environment() + "/" + c.service(), Map.of()).getOrDefault(c.revision(), 0);
                if (r == null || weight == 0) {
                    return Measurement.noData("no traffic to " + c.revision());
                }
                Behavior b = behaviorOf(r.image);
                return switch (query.kind()) {
                    case ERROR_RATE -> Measurement.of(b.errorRate());
                    case LATENCY_P99, LATENCY_P95 -> Measurement.of(b.p99Millis());
                    case REQUEST_RATE -> Measurement.of(weight);
                    case CUSTOM -> Measurement.error("the in-memory metric source answers no custom queries");
                };
            }
        }

        @Override
        public String name() {
            return "in-memory";
        }
    };

    @Override
    public Optional<Compute> compute() {
        return Optional.of(compute);
    }

    @Override
    public Optional<Traffic> traffic() {
        return Optional.of(traffic);
    }

    @Override
    public Optional<Discovery> discovery() {
        return Optional.of(discovery);
    }

    @Override
    public Optional<ConfigStore> config() {
        return Optional.of(plainResources);
    }

    @Override
    public Optional<Secrets> secrets() {
        return Optional.of(secretsCapability);
    }

    @Override
    public Optional<LockManager> locks() {
        ctx();
        return Optional.of(locks);
    }

    @Override
    public Optional<MetricSource> metrics() {
        return Optional.of(metricSource);
    }

    @Override
    public Optional<Scaling> scaling() {
        return Optional.of(plainResources);
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "InMemoryProvider[" + name + ", " + resources.size() + " resources, "
                    + revisions.values().stream().filter(r -> !r.retired).count() + " running revisions]";
        }
    }
}

package dev.cutover.aws.internal;

import dev.cutover.aws.Sleeper;
import dev.cutover.spi.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import dev.cutover.aws.internal.Layouts.Layout;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * What every capability of the provider shares: settings, SDK clients, the guarded call wrapper,
 * the learned environment layouts, the way to wait in the provider's time, and the cache of task
 * definitions by ARN (they are immutable, so one describe per ARN is enough).
 *
 * <p>Task definitions the provider registered are also remembered durably through the core's
 * {@link dev.cutover.spi.ProviderMemory} (kept beside the journal), as the facts a plan compares
 * ({@link RevisionFacts}), so another process planning from the same journal store describes none of
 * them; a task definition registered by anyone else (a different ARN) is described once.
 */
public final class AwsRuntime {

    private final AwsSettings settings;
    private final AwsClients clients;
    private final AwsCalls calls;
    private final Layouts layouts;
    private final Sleeper sleeper;
    private final Map<String, TaskDefinition> taskDefinitions = new ConcurrentHashMap<>();
    /** Facts of task definitions recalled from the provider memory, by ARN. */
    private final Map<String, RevisionFacts> recalled = new ConcurrentHashMap<>();
    /** ARNs the provider memory did not know (registered by someone else): not asked again. */
    private final java.util.Set<String> unknownToMemory = ConcurrentHashMap.newKeySet();
    private final Map<String, Observed<?>> observation = new ConcurrentHashMap<>();
    private volatile int observeConcurrency = 4;
    private volatile boolean servesDiscovery = true;

    /** A value read while observing, for the other capability observing the same plan; {@code writes}: the provider's write count then. */
    private record Observed<T>(Optional<T> value, long writes) {
    }

    public AwsRuntime(AwsSettings settings, AwsClients clients, AwsCalls calls, Sleeper sleeper) {
        this.settings = settings;
        this.clients = clients;
        this.calls = calls;
        this.sleeper = sleeper;
        this.layouts = new Layouts(settings);
    }

    /** How many task definitions observing describes at once (1: one after the other). */
    public void observeConcurrency(int threads) {
        this.observeConcurrency = threads;
    }

    /**
     * Whether Cutover asks this provider for discovery (Cloud Map). When another provider serves it
     * (Consul), ECS services get no Cloud Map registry and their running tasks are reported for that
     * provider to register ({@code EcsCompute.runningTasks}).
     */
    public boolean servesDiscovery() {
        return servesDiscovery;
    }

    /** Set from the {@code ProviderContext} when the provider starts. */
    public void servesDiscovery(boolean serves) {
        this.servesDiscovery = serves;
    }

    public AwsSettings settings() {
        return settings;
    }

    public AwsClients clients() {
        return clients;
    }

    /** The SDK clients of the Region an environment lives in. */
    public AwsClients.Regional clients(Layout layout) {
        return clients.in(layout.region());
    }

    /** The SDK clients of a Region. */
    public AwsClients.Regional clients(String region) {
        return clients.in(region);
    }

    public AwsCalls calls() {
        return calls;
    }

    /** The provider memory kept beside the journal (what Cutover created, for any process on the same store). */
    dev.cutover.spi.ProviderMemory memory() {
        return calls.memory();
    }

    public Layouts layouts() {
        return layouts;
    }

    public <T> T ecs(String operation, Supplier<T> call) {
        return calls.call("ecs", operation, call);
    }

    public <T> T appMesh(String operation, Supplier<T> call) {
        return calls.call("appmesh", operation, call);
    }

    public <T> T cloudMap(String operation, Supplier<T> call) {
        return calls.call("servicediscovery", operation, call);
    }

    public <T> T secretsManager(String operation, Supplier<T> call) {
        return calls.call("secretsmanager", operation, call);
    }

    public <T> T cloudWatch(String operation, Supplier<T> call) {
        return calls.call("cloudwatch", operation, call);
    }

    public <T> T ecr(String operation, Supplier<T> call) {
        return calls.call("ecr", operation, call);
    }

    /** An ELBv2 call; its IAM prefix is {@code elasticloadbalancing}. */
    public <T> T elb(String operation, Supplier<T> call) {
        return calls.call("elasticloadbalancing", operation, call);
    }

    /** A Route 53 call (global; one account-level bucket). */
    public <T> T route53(String operation, Supplier<T> call) {
        return calls.call("route53", operation, call);
    }

    public <T> T autoScaling(String operation, Supplier<T> call) {
        return calls.call("application-autoscaling", operation, call);
    }

    /** Runs a call and answers empty when AWS says the thing does not exist (one of {@code notFoundCodes}). */
    public static <T> Optional<T> unlessNotFound(Supplier<T> call, String... notFoundCodes) {
        try {
            return Optional.ofNullable(call.get());
        } catch (ProviderException e) {
            if (AwsErrors.is(e, notFoundCodes)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Starts a new observation (a plan or an apply's check): forgets what earlier observations read.
     */
    public void beginObservation() {
        observation.clear();
    }

    /**
     * Keeps what one capability read while observing (e.g. compute's DescribeServices answer, or
     * its absence) so that the other capability observing the same plan reuses it instead of asking
     * AWS again. Each value is handed out once, only until the next observation begins, and only
     * while the provider has changed nothing since it was read.
     */
    public <T> void observed(String key, Optional<T> value) {
        observation.put(key, new Observed<>(value, calls.writes()));
    }

    /** What {@link #observed} kept under {@code key}, left for others; null when nothing fresh is kept. */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> peekObserved(String key) {
        Observed<?> o = observation.get(key);
        if (o == null || o.writes() != calls.writes()) {
            return null;
        }
        return (Optional<T>) o.value();
    }

    /** What {@link #observed} kept under {@code key}, taken out; null when nothing fresh is kept. */
    public <T> Optional<T> takeObserved(String key) {
        Optional<T> value = peekObserved(key);
        observation.remove(key);
        return value;
    }

    /** A task definition by ARN or {@code family:revision}, described once and cached. */
    public TaskDefinition taskDefinition(String arnOrRevision) {
        TaskDefinition cached = taskDefinitions.get(arnOrRevision);
        if (cached != null) {
            return cached;
        }
        String region = arnOrRevision.startsWith("arn:") ? arnOrRevision.split(":")[3]
                : layouts.regionOfFamily(Names.familyOf(arnOrRevision));
        TaskDefinition td = ecs("DescribeTaskDefinition", () -> clients.in(region).ecs().describeTaskDefinition(
                DescribeTaskDefinitionRequest.builder().taskDefinition(arnOrRevision).build()).taskDefinition());
        taskDefinitions.put(td.taskDefinitionArn(), td);
        taskDefinitions.put(td.family() + ":" + td.revision(), td);
        return td;
    }

    /**
     * What a plan compares of the task definition {@code arn}: from this process's cache, else from
     * the provider memory (a revision Cutover registered, in this process or another one on the same
     * journal store), else described once.
     */
    public RevisionFacts revisionFacts(String arn) {
        TaskDefinition td = taskDefinitions.get(arn);
        if (td != null) {
            return RevisionFacts.of(td);
        }
        RevisionFacts known = recalled.get(arn);
        if (known != null) {
            return known;
        }
        recall(List.of(arn));
        known = recalled.get(arn);
        return known != null ? known : RevisionFacts.of(taskDefinition(arn));
    }

    /** Fills {@link #recalled} from the provider memory for those of {@code arns} this process does not know. */
    private List<String> recall(java.util.Collection<String> arns) {
        List<String> unknown = arns.stream().distinct().filter(a -> !taskDefinitions.containsKey(a) && !recalled.containsKey(a))
                .toList();
        List<String> ask = unknown.stream().filter(a -> a.startsWith("arn:") && !unknownToMemory.contains(a)).toList();
        if (!ask.isEmpty()) {
            calls.memory().recall(ask).forEach((arn, facts) -> RevisionFacts.fromFacts(arn, facts)
                    .ifPresent(f -> recalled.put(arn, f)));
            ask.stream().filter(a -> !recalled.containsKey(a)).forEach(unknownToMemory::add);
        }
        return unknown.stream().filter(a -> !recalled.containsKey(a)).toList();
    }

    /**
     * Makes the task definitions of {@code arns} known: first from the provider memory (revisions
     * Cutover registered), then the rest described a few at a time in parallel (each call still
     * goes through the guarded executor and its rate limiter), so that planning many services is
     * bound by DescribeTaskDefinition's bucket rather than by one call's latency after another.
     */
    public void prefetchTaskDefinitions(java.util.Collection<String> arns) {
        List<String> missing = recall(arns);
        int threads = Math.min(observeConcurrency, missing.size());
        if (threads <= 1) {
            return; // described one by one when needed
        }
        // a failure is described again (and reported) by the caller that needs that task definition
        inParallel(missing, arn -> {
            try {
                return taskDefinition(arn);
            } catch (RuntimeException e) {
                return null;
            }
        });
    }

    /**
     * Applies {@code task} to every item, up to the observe concurrency at once (each call still
     * goes through the guarded executor and its rate limiter), and returns the results in order; the
     * first failure is thrown. One item, or a concurrency of 1, runs on the calling thread.
     */
    public <T, R> List<R> inParallel(List<T> items, java.util.function.Function<T, R> task) {
        int threads = Math.min(observeConcurrency, items.size());
        if (threads <= 1) {
            return items.stream().map(task).toList();
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "cutover-aws-observe");
            t.setDaemon(true);
            return t;
        });
        try {
            List<java.util.concurrent.Future<R>> futures = new java.util.ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> task.apply(item)));
            }
            List<R> out = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<R> f : futures) {
                try {
                    out.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new ProviderException("aws", "observe", false, String.valueOf(e.getCause()), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ProviderException("aws", "observe", false, "interrupted while observing", e);
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Remembers a task definition Cutover registered (or reuses as its own, same content): in this
     * process, and as {@link RevisionFacts} in the provider memory for every later process.
     */
    public void remember(TaskDefinition td) {
        taskDefinitions.put(td.taskDefinitionArn(), td);
        taskDefinitions.put(td.family() + ":" + td.revision(), td);
        calls.memory().remember(td.taskDefinitionArn(), RevisionFacts.of(td).facts());
    }

    /**
     * Polls {@code done} every poll interval, waiting in the provider's time, until it answers a
     * value or {@code timeout} passes (then empty).
     */
    public <T> Optional<T> poll(Duration timeout, Supplier<Optional<T>> done) {
        Instant deadline = calls.clock().instant().plus(timeout);
        while (true) {
            Optional<T> v = done.get();
            if (v.isPresent()) {
                return v;
            }
            if (!calls.clock().instant().isBefore(deadline)) {
                return Optional.empty();
            }
            try {
                sleeper.sleep(settings.pollInterval());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderException("aws", "poll", false, "interrupted while waiting", e);
            }
        }
    }
}

package dev.cutover.aws;

import static dev.cutover.Strategies.canary;

import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Hook;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Strategies;
import dev.cutover.analysis.MetricGate;
import dev.cutover.aws.ChaosProcess.Append;
import dev.cutover.aws.ChaosProcess.Killed;
import dev.cutover.locks.FileLocks;
import dev.cutover.journal.FileJournalStore;
import dev.cutover.journal.InMemoryJournalStore;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.JournalStore;
import dev.cutover.localcloud.Datadog;
import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.SimClock;
import dev.cutover.spi.LockManager;
import dev.cutover.spi.RevisionHealth;
import dev.cutover.spi.RevisionRef;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Consumer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;

/**
 * One local cloud on a virtual clock in one AWS traffic mode, on which the chaos suite runs seed
 * after seed: each seed deploys its own service ({@code c<seed>}), so seeds share the cloud (and the
 * cost of starting it) but never each other's resources.
 *
 * <p>A seed: bootstrap version 1 without faults, then version 2 (sometimes a bad artifact, sometimes
 * with a pre-deploy hook) by a canary with Datadog analysis, while the seed's faults are on; the
 * deployer may be killed before any AWS call or lose its lock, and a new deployer resumes from the
 * journal; a person (the suite) resumes or aborts what pauses. Then every invariant is checked.
 */
final class ChaosWorld implements AutoCloseable {

    /**
     * The AWS traffic modes, and Consul next to ECS: Service Connect traffic and ECS compute from the
     * AWS provider, discovery and locks (sessions with lock-delay) from the Consul provider, with the
     * seed's faults on the Consul emulator too.
     */
    enum Mode {
        APP_MESH, SERVICE_CONNECT, CONSUL
    }

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration LEASE = Duration.ofMinutes(3);
    /** Whether to run the fault combinations left out for known open defects ({@code -Dcutover.chaos.knownDefects=true}). */
    static final boolean KNOWN_DEFECTS = Boolean.getBoolean("cutover.chaos.knownDefects");

    /** The AWS services faults are injected into (and, in {@link Mode#CONSUL}, the Consul emulator). */
    static final List<String> FAULTED = List.of("ecs", "appmesh", "servicediscovery", "autoscaling");
    static final String CONSUL = "consul";
    static final Duration ROLLBACK_WINDOW = Duration.ofMinutes(1);

    final Mode mode;
    final SimClock clock = SimClock.virtual(T0);
    final LocalCloud cloud;
    final Environment env;
    private final JournalStore journal = new InMemoryJournalStore();
    private final List<Append> appends = new ArrayList<>();
    private final ChaosProcess.StealableLocks locks;
    private final ChaosProcess observer;
    private final EcsClient ecs;

    ChaosWorld(Mode mode, long seed) {
        this.mode = mode;
        this.cloud = LocalCloud.builder().clock(clock).seed(seed).start();
        cloud.traffic().defaultRate(5);
        this.env = environment(mode);
        this.locks = new ChaosProcess.StealableLocks(clock);
        this.observer = process("observer", new InMemoryJournalStore(), locks, p -> p.environment(env));
        this.ecs = EcsClient.builder().endpointOverride(cloud.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(AwsFixture.CREDENTIALS).build();
    }

    /** Odd seeds run in App Mesh mode, even ones in Service Connect mode, but those ending in 4 with Consul next to ECS. */
    static Mode modeOf(long seed) {
        return seed % 2 != 0 ? Mode.APP_MESH : seed % 10 == 4 ? Mode.CONSUL : Mode.SERVICE_CONNECT;
    }

    /** The faulted services of a mode. */
    List<String> faulted() {
        if (mode != Mode.CONSUL) {
            return FAULTED;
        }
        List<String> all = new ArrayList<>(FAULTED);
        all.add(CONSUL);
        return all;
    }

    /** About how many AWS calls a seed's rollout makes in the mode: where a kill is drawn from. */
    static long typicalCalls(Mode mode) {
        return mode == Mode.APP_MESH ? 120 : mode == Mode.CONSUL ? 100 : 90;
    }

    static Environment environment(Mode mode) {
        return mode == Mode.APP_MESH
                ? Environment.named("stage").region("us-east-1").cluster("main").mesh("internal").namespace("stage.local").build()
                : Environment.named("test").region("us-east-1").cluster("apps").namespace("test.local").serviceConnect().build();
    }

    // ------------------------------------------------------------------ one seed

    /** What a seed does, drawn from its seed. */
    record Plan(long seed, String service, String badArtifact, boolean hook, double serverErrors, boolean throttling,
            Duration latency, int drops, double lostResponses, boolean metricOutage, long crashBeforeCall, boolean childJvm,
            boolean lockLoss, int lockLossAfterAppends, String excluded) {

        /** One seed in {@code childEvery} whose deployer is killed runs that deployer in a child JVM and kills it with SIGKILL. */
        static Plan draw(long seed, boolean lockLossEnabled, int childEvery) {
            long typicalCalls = typicalCalls(modeOf(seed));
            Random r = new Random(seed * 0x9E3779B97F4A7C15L + 17);
            double bad = r.nextDouble();
            String badArtifact = bad < 0.6 ? "" : bad < 0.75 ? "errors" : bad < 0.85 ? "crashes" : "unhealthy";
            boolean hook = r.nextDouble() < 0.3;
            double serverErrors = r.nextDouble() < 0.4 ? 0.02 + r.nextDouble() * 0.13 : 0;
            boolean throttling = r.nextDouble() < 0.3;
            Duration latency = r.nextDouble() < 0.3 ? Duration.ofMillis(50 + r.nextInt(900)) : Duration.ZERO;
            int drops = r.nextDouble() < 0.3 ? 1 + r.nextInt(3) : 0;
            boolean metricOutage = r.nextDouble() < 0.15;
            double lost = r.nextDouble() < 0.25 ? 0.02 + r.nextDouble() * 0.08 : 0;
            long crash = r.nextDouble() < 0.5 ? 1 + (long) (r.nextDouble() * typicalCalls) : -1;
            boolean consul = modeOf(seed) == Mode.CONSUL;
            // Consul seeds: the deployer is killed in-process (the child JVM deployer is wired for AWS alone), and
            // the lock is Consul's session lock (lock loss is drawn for the stealable in-memory lock only)
            boolean child = !consul && crash > 0 && childEvery > 0 && seed % childEvery == 0;
            boolean lockLoss = lockLossEnabled && crash < 0 && r.nextDouble() < 0.2 && !consul;
            int lossAfter = 2 + r.nextInt(8);
            // Combinations left out while a known defect is open (docs/reliability.md names the seeds;
            // -Dcutover.chaos.knownDefects=true runs them). Applied after every draw, so no other seed changes.
            String excluded = "";
            // none open: the lock loss + pre-deploy hook (seed 59) and the killed deployer + bad artifact in Service
            // Connect mode (seed 62) combinations run again since they were fixed (docs/reliability.md)
            return new Plan(seed, "c" + seed, badArtifact, hook, serverErrors, throttling, latency, drops, lost, metricOutage,
                    crash, child, lockLoss, lossAfter, excluded);
        }

        int faults() {
            return (serverErrors > 0 ? 1 : 0) + (throttling ? 1 : 0) + (latency.isZero() ? 0 : 1) + (drops > 0 ? 1 : 0)
                    + (lostResponses > 0 ? 1 : 0) + (metricOutage ? 1 : 0) + (badArtifact.isEmpty() ? 0 : 1) + (crashBeforeCall > 0 ? 1 : 0)
                    + (lockLoss ? 1 : 0);
        }
    }

    /** What happened in a seed and which invariants broke (empty: all held). */
    record Outcome(Plan plan, DeploymentStatus status, boolean killed, boolean lockLost, boolean paused, long awsCalls,
            long lostResponses, List<String> violations) {
    }

    Outcome run(Plan plan) {
        cloud.faults().reset();
        cloud.datadog().queryRateLimit(0, Duration.ofSeconds(1));
        Path dir = plan.childJvm() ? tempDir(plan) : null;
        JournalStore store = dir == null ? journal : new FileJournalStore(dir.resolve("journal"));
        ProcessFactory make = mode == Mode.CONSUL ? (name, provider) -> consulProcess(name, store, provider)
                : dir == null ? (name, provider) -> process(name, store, locks, provider)
                : (name, provider) -> process(name, store, null, provider, dir.resolve("locks"));
        ChaosProcess a = make.start("deployer-" + plan.seed(), p -> { });
        List<String> violations = new ArrayList<>();
        boolean paused = false;
        boolean killed = false;
        ChaosProcess b = null;
        try {
            Deployment first = a.cutover.apply(a.cutover.plan(Release.of(service(plan, "1.0.0", false)).to(env)
                    .strategy(Strategies.allAtOnce()).build()));
            if (first.await() != DeploymentStatus.SUCCEEDED) {
                return new Outcome(plan, first.status(), false, false, false, a.awsCalls(), 0,
                        List.of("bootstrap without faults ended " + first.status() + ": " + first.statusReason()));
            }
            behave("repo/" + plan.service() + ":2.0.0", plan.badArtifact());
            faults(plan);
            String id;
            Instant lockStolenAt = null;
            if (plan.childJvm()) {
                a.close();
                killed = runChild(plan, dir);
                id = store.deployments().stream().filter(x -> !x.equals(first.id()))
                        .filter(x -> plan.service().equals(store.read(x).get(0).get("service"))).findFirst().orElse(null);
            } else {
                if (plan.crashBeforeCall() > 0) {
                    a.crashBeforeCall(plan.crashBeforeCall());
                }
                Deployment d;
                try {
                    d = a.cutover.apply(a.cutover.plan(Release.of(service(plan, "2.0.0", plan.hook())).to(env)
                            .strategy(strategy()).build()));
                } catch (Killed k) {
                    d = null; // killed while planning or starting: resume finds it in the journal, if it got that far
                }
                if (plan.lockLoss() && d != null && stealLockAfter(a, d, plan.lockLossAfterAppends())) {
                    lockStolenAt = clock.instant();
                }
                if (d != null && !a.isDead()) {
                    paused |= drive(a, d);
                }
                killed = a.isDead();
                id = d != null ? d.id() : store.deployments().stream().filter(x -> !x.equals(first.id()))
                        .filter(x -> plan.service().equals(store.read(x).get(0).get("service"))).findFirst().orElse(null);
            }
            // a new process takes over whatever the first one left unfinished
            if (id != null && !finished(store, id)) {
                b = make.start("resumer-" + plan.seed(), p -> p.environment(env));
                paused |= drive(b, b.cutover.resume(id));
            }
            long lost = faulted().stream().mapToLong(cloud.faults()::lostResponses).sum();
            cloud.faults().reset();
            cloud.datadog().queryRateLimit(0, Duration.ofSeconds(1));
            settle(a, b);
            CloudInventory.Snapshot left = check(plan, store, id, a.name, lockStolenAt, violations);
            quiet(left);
            if (!violations.isEmpty() && id != null) {
                violations.add("journal: " + store.read(id).stream().map(e -> e.sequence() + " " + e.type()
                        + (e.get("action") == null ? "" : " " + e.get("action"))).toList()
                        + (b == null ? "" : ", resumed by " + b.name));
            }
            return new Outcome(plan, id == null ? null : finalStatus(store, id), killed, lockStolenAt != null, paused,
                    a.awsCalls(), lost, violations);
        } catch (RuntimeException | Killed e) {
            violations.add("the suite itself failed: " + e);
            return new Outcome(plan, null, killed, false, paused, a.awsCalls(), 0, violations);
        } finally {
            a.close();
            if (b != null) {
                b.close();
            }
        }
    }

    @FunctionalInterface
    private interface ProcessFactory {
        ChaosProcess start(String name, Consumer<AwsProvider.Builder> provider);
    }

    /**
     * Runs the seed's deployer in a child JVM and kills it ({@code SIGKILL}) when it reports its crash
     * point; returns whether it was killed.
     */
    private boolean runChild(Plan plan, Path dir) {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classpath, ChaosChildDeployer.class.getName(),
                cloud.endpoint().toString(), mode.name(), String.valueOf(plan.seed()), dir.resolve("journal").toString(),
                dir.resolve("locks").toString(), String.valueOf(plan.crashBeforeCall()), clock.instant().toString());
        try {
            Process child = new ProcessBuilder(command).redirectError(dir.resolve("child.err").toFile()).start();
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("CRASH-POINT")) {
                        child.destroyForcibly(); // kill -9: no shutdown hook, no finally, nothing flushed
                        child.waitFor();
                        return true;
                    }
                    if (line.startsWith("DONE")) {
                        break;
                    }
                }
            }
            child.waitFor();
            return false;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path tempDir(Plan plan) {
        try {
            return java.nio.file.Files.createTempDirectory("cutover-chaos-" + plan.seed() + "-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Service service(Plan plan, String version, boolean hook) {
        Service.Builder s = Service.named(plan.service()).image("repo/" + plan.service() + ":" + version).port(8080)
                .cpu(256).memoryMiB(512).instances(2).healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10)));
        if (hook) {
            s.preDeploy(Hook.command("./migrate", "up"));
        }
        return s.build();
    }

    static dev.cutover.Strategy strategy() {
        return canary().steps(25, 100).bake(Duration.ofMinutes(1))
                .analysis(an -> an.gate(MetricGate.errorRateBelow(0.05)).initialDelay(Duration.ofSeconds(30))
                        .interval(Duration.ofSeconds(30)).inconclusiveLimit(2));
    }

    private void behave(String image, String bad) {
        switch (bad) {
            case "errors" -> cloud.images().behave(image, ImageBehavior.errorRate(0.4));
            case "crashes" -> cloud.images().behave(image, ImageBehavior.crashesOnStart());
            case "unhealthy" -> cloud.images().behave(image, ImageBehavior.failsHealthChecks());
            default -> cloud.images().behave(image, ImageBehavior.healthy());
        }
    }

    private void faults(Plan plan) {
        var f = cloud.faults();
        for (String svc : faulted()) {
            if (plan.serverErrors() > 0) {
                f.serverErrors(svc, plan.serverErrors());
            }
            if (!plan.latency().isZero()) {
                f.latency(svc, plan.latency());
            }
            if (plan.lostResponses() > 0) {
                f.lostResponseRate(svc, plan.lostResponses()); // applied, then the answer is lost
            }
        }
        if (plan.throttling()) {
            f.throttle("ecs", "DescribeServices", 3, 0.5).throttle("ecs", "UpdateService", 2, 0.2)
                    .throttle("appmesh", "UpdateRoute", 2, 0.5);
        }
        if (plan.drops() > 0) {
            f.dropConnections(mode == Mode.CONSUL ? CONSUL : plan.seed() % 2 == 0 ? "ecs" : "appmesh", plan.drops());
        }
        if (plan.metricOutage()) {
            // Datadog answers 429 to every query for five simulated minutes
            cloud.datadog().queryRateLimit(1, Duration.ofDays(1));
            Instant end = clock.instant().plus(Duration.ofMinutes(5));
            Consumer<Instant>[] listener = new Consumer[1];
            listener[0] = now -> {
                if (!now.isBefore(end)) {
                    cloud.datadog().queryRateLimit(0, Duration.ofSeconds(1));
                    clock.removeListener(listener[0]);
                }
            };
            clock.addListener(listener[0]);
        }
    }

    /** Runs the deployment until it has journaled {@code appends} lines, then takes its lock away; false if it ended first. */
    private boolean stealLockAfter(ChaosProcess a, Deployment d, int appends) {
        try {
            a.time.runUntil(() -> d.status().isTerminal() || entries(d.id()) >= appends);
        } catch (Killed k) {
            return false;
        }
        return !d.status().isTerminal() && locks.steal(d.release().key());
    }

    /**
     * Drives a deployment to its end as a person on call would: a deployment that pauses is resumed
     * once, and aborted (rolled back) when it pauses again; approval is never asked for.
     */
    static boolean drive(ChaosProcess p, Deployment d) {
        boolean paused = false;
        boolean resumedOnce = false;
        Instant giveUp = p.time.clock().instant().plus(Duration.ofHours(6));
        try {
            while (!d.status().isTerminal() && !p.isDead() && p.time.clock().instant().isBefore(giveUp)) {
                d.await(Duration.ofMinutes(5));
                DeploymentStatus s = d.status();
                if (s == DeploymentStatus.PAUSED || s == DeploymentStatus.AWAITING_APPROVAL) {
                    paused = true;
                    p.time.advance(Duration.ofMinutes(5)); // the person takes a while to look
                    if (!resumedOnce && s == DeploymentStatus.PAUSED) {
                        resumedOnce = true;
                        d.resume();
                    } else {
                        d.abort();
                    }
                } else if (!s.isTerminal() && p.time.pending() == 0) {
                    break; // nothing left to run: the deployment waits for nothing that will ever come
                }
            }
            if (d.status() == DeploymentStatus.SUCCEEDED && !p.isDead()) {
                // a process that lives on keeps its deployment until the old revision is retired (Deployment's
                // lifecycle): only a dead process leaves the rest to a resumer
                d.awaitRetirement(Duration.ofHours(1));
            }
        } catch (Killed k) {
            // the process died; whatever it left is for the next one
        }
        return paused;
    }

    /** Lets the rollback window pass and the cloud settle, on the live processes' timelines. */
    private void settle(ChaosProcess a, ChaosProcess b) {
        Duration settle = ROLLBACK_WINDOW.plus(Duration.ofMinutes(1));
        for (ChaosProcess p : List.of(a, b == null ? a : b)) {
            if (!p.isDead()) {
                try {
                    p.time.advance(settle);
                } catch (Killed k) {
                    // a crash lands here only if the suite armed it; nothing to do
                }
            }
        }
        observer.time.advance(Duration.ofSeconds(30));
    }

    // ------------------------------------------------------------------ invariants

    /** Checks every invariant into {@code violations}; returns what the cloud still holds for the seed's service. */
    private CloudInventory.Snapshot check(Plan plan, JournalStore store, String id, String first, Instant lockStolenAt,
            List<String> violations) {
        String svc = plan.service();
        String family = env.name() + "-" + svc;
        var traffic = observer.aws.traffic().orElseThrow();
        var compute = observer.aws.compute().orElseThrow();
        Map<String, Integer> weights = traffic.weights(env.name(), svc);
        List<RevisionRef> revisions = compute.revisions(env.name(), svc);
        Map<String, RevisionRef> byId = new LinkedHashMap<>();
        revisions.forEach(r -> byId.put(r.id(), r));

        // 1. 100% of traffic on exactly one healthy revision
        if (weights.size() != 1 || !weights.containsValue(100)) {
            violations.add("traffic is not 100% on one revision: " + weights);
        }
        String serving = weights.size() == 1 ? weights.keySet().iterator().next() : null;
        if (serving != null) {
            RevisionRef ref = byId.get(serving);
            if (ref == null) {
                violations.add("the serving revision " + serving + " has no running service: " + byId.keySet());
            } else {
                RevisionHealth h = compute.health(ref);
                if (h.healthy() < 1 || h.healthy() < h.desired()) {
                    violations.add("the serving revision " + serving + " is not healthy: " + h);
                }
                // 2. no bad artifact serving
                if (!plan.badArtifact().isEmpty() && "2.0.0".equals(ref.version())) {
                    violations.add("the bad artifact (" + plan.badArtifact() + ") serves: " + serving);
                }
            }
        }
        // 3. zero orphaned resources: nothing but the serving revision
        TreeSet<String> leftovers = new TreeSet<>(byId.keySet());
        if (serving != null) {
            leftovers.remove(serving);
        }
        if (!leftovers.isEmpty()) {
            violations.add("revisions left running besides " + serving + ": " + leftovers);
        }
        CloudInventory.Snapshot left = inventory(svc);
        violations.addAll(orphans(left, serving));
        if (mode == Mode.CONSUL) {
            violations.addAll(registrations(svc, serving));
        }
        if (id == null) {
            return left;
        }
        // 4. journal: one sequence without gaps or repeats, exactly one 'finished'
        List<JournalEntry> entries = store.read(id);
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).sequence() != i + 1) {
                violations.add("journal sequence broken at line " + (i + 1) + ": " + entries.get(i).sequence());
                break;
            }
        }
        long finished = entries.stream().filter(e -> "finished".equals(e.type())).count();
        if (finished != 1) {
            violations.add("journal has " + finished + " 'finished' entries");
        }
        // 5. every hook at most once
        if (plan.hook()) {
            long hookTasks = hookTasks(family);
            if (hookTasks > 1) {
                violations.add("the pre-deploy hook ran " + hookTasks + " times");
            }
        }
        // 6. never two engines acting on one service: once a second process wrote, the first never did again
        List<String> writers = new ArrayList<>();
        synchronized (appends) {
            for (Append ap : appends) {
                if (ap.entry().deploymentId().equals(id)) {
                    if (writers.isEmpty() || !writers.get(writers.size() - 1).equals(ap.process())) {
                        writers.add(ap.process());
                    }
                }
            }
        }
        if (writers.size() != new TreeSet<>(writers).size()) {
            violations.add("two engines acted on " + svc + " in turn: " + writers);
        }
        // 7. a deployer that lost its lock starts nothing new: an action it began (journaled its intent)
        //    after the loss never completes
        if (lockStolenAt != null) {
            java.util.Set<String> begunAfter = new java.util.HashSet<>();
            synchronized (appends) {
                for (Append ap : appends) {
                    JournalEntry e = ap.entry();
                    if (!e.deploymentId().equals(id) || !ap.process().equals(first) || !e.at().isAfter(lockStolenAt)) {
                        continue;
                    }
                    if ("intent".equals(e.type())) {
                        begunAfter.add(e.get("action"));
                    } else if ("done".equals(e.type()) && begunAfter.contains(e.get("action"))) {
                        violations.add(first + " acted after losing its lock: " + e.get("action") + " " + e.data());
                    }
                }
            }
        }
        return left;
    }

    /**
     * A seed is over once its invariants are checked: its services stop taking simulated requests
     * (rate 0 for its ECS services and, in App Mesh mode, its router's split), so the seeds after it
     * in this world do not pay for simulating the traffic of every seed before them. Deterministic:
     * it happens at the same point of every run of the world's seeds.
     */
    private void quiet(CloudInventory.Snapshot left) {
        left.ecsServices().forEach(name -> cloud.traffic().rate(name, 0));
        left.virtualRouters().forEach(router -> cloud.traffic().rate("internal/" + router, 0));
    }

    /** What the cloud holds for a seed's service (ECS services, virtual nodes and routers, Cloud Map services, scalable targets). */
    private CloudInventory.Snapshot inventory(String service) {
        CloudInventory inventory = CloudInventory.of(cloud, env.name(), service).cluster(env.cluster()).namespace(env.namespace());
        if (mode == Mode.APP_MESH) {
            inventory.mesh("internal");
        }
        return inventory.read();
    }

    /**
     * Resources the cloud still holds for revisions other than the serving one, read by the faults
     * suite's {@link CloudInventory} (ECS services, virtual nodes, Cloud Map services, scalable targets).
     */
    private List<String> orphans(CloudInventory.Snapshot snapshot, String serving) {
        TreeSet<String> others = new TreeSet<>(snapshot.revisionsWithResources());
        if (serving != null) {
            others.remove(serving);
        }
        return others.isEmpty() ? List.of() : List.of("resources left for revisions " + others + " besides " + serving
                + ": " + snapshot);
    }

    /**
     * Consul next to ECS: Consul's instances of the service are exactly the serving revision's running
     * tasks (address and port), after a check interval has passed.
     */
    private List<String> registrations(String service, String serving) {
        CloudInventory.Snapshot s = CloudInventory.of(cloud, env.name(), service).cluster(env.cluster()).read();
        java.util.Set<String> running = serving == null ? java.util.Set.of() : s.runningTasksOf(serving);
        if (running.isEmpty() || !s.consulInstances().keySet().equals(running)) {
            return List.of("Consul registrations " + s.consulInstances() + " are not the serving revision's running tasks "
                    + running + " (all running: " + s.runningTasks() + ")");
        }
        return List.of();
    }

    private long hookTasks(String family) {
        long n = 0;
        for (DesiredStatus status : List.of(DesiredStatus.RUNNING, DesiredStatus.STOPPED)) {
            List<String> arns = ecs.listTasks(b -> b.cluster(env.cluster()).startedBy("cutover").desiredStatus(status)).taskArns();
            if (arns.isEmpty()) {
                continue;
            }
            for (int i = 0; i < arns.size(); i += 100) {
                List<String> chunk = arns.subList(i, Math.min(arns.size(), i + 100));
                n += ecs.describeTasks(b -> b.cluster(env.cluster()).tasks(chunk)).tasks().stream()
                        .filter(t -> t.taskDefinitionArn().contains(":task-definition/" + family + ":")).count();
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ helpers

    private ChaosProcess process(String name, JournalStore store, LockManager shared, Consumer<AwsProvider.Builder> provider) {
        return process(name, store, shared, provider, null);
    }

    /** A deployer process on this cloud; with {@code lockDir}, it locks with {@link FileLocks} there (shared with a child JVM). */
    private ChaosProcess process(String name, JournalStore store, LockManager shared, Consumer<AwsProvider.Builder> provider,
            Path lockDir) {
        return new ChaosProcess(name, cloud, store, appends, shared, provider, (time, c) -> {
            engine(c, time, cloud.endpoint());
            if (lockDir != null) {
                c.locks(new FileLocks(lockDir, time.clock()));
            }
        });
    }

    /**
     * A deployer process of {@link Mode#CONSUL}: its own Consul provider (its own sessions) serves
     * discovery and the lock, the AWS provider compute and Service Connect traffic.
     */
    private ChaosProcess consulProcess(String name, JournalStore store, Consumer<AwsProvider.Builder> provider) {
        dev.cutover.consul.ConsulProvider consul = dev.cutover.consul.ConsulProvider.builder().url(cloud.consul().endpoint())
                .sessionRenewal(Duration.ZERO).timeout(Duration.ofSeconds(5)).build();
        return new ChaosProcess(name, cloud, store, appends, consul.locks().orElseThrow(), provider, (time, c) -> {
            engine(c, time, cloud.endpoint());
            c.provider(consul).use(dev.cutover.spi.Capability.DISCOVERY, CONSUL).use(dev.cutover.spi.Capability.TRAFFIC, "aws")
                    .use(dev.cutover.spi.Capability.LOCK, CONSUL);
        });
    }

    /** How every chaos deployer is configured, in this JVM or a child one. */
    static dev.cutover.Cutover.Builder engine(dev.cutover.Cutover.Builder c, VirtualScheduler time, java.net.URI endpoint) {
        return c.lockLease(LEASE).rollbackWindow(ROLLBACK_WINDOW).shutdownHook(false)
                .resilience(r -> r.maxAttempts(6))
                .metrics(dev.cutover.datadog.DatadogMetricSource.builder().uri(endpoint)
                        .apiKey(Datadog.DEFAULT_API_KEY).applicationKey(Datadog.DEFAULT_APPLICATION_KEY)
                        .scheduler(time).build());
    }

    private int entries(String id) {
        synchronized (appends) {
            return (int) appends.stream().filter(ap -> ap.entry().deploymentId().equals(id)).count();
        }
    }

    private static boolean finished(JournalStore store, String id) {
        List<JournalEntry> e = store.read(id);
        return !e.isEmpty() && "finished".equals(e.get(e.size() - 1).type());
    }

    private static DeploymentStatus finalStatus(JournalStore store, String id) {
        List<JournalEntry> e = store.read(id);
        Optional<JournalEntry> fin = e.stream().filter(x -> "finished".equals(x.type())).findFirst();
        return fin.map(x -> {
            try {
                return DeploymentStatus.valueOf(x.get("outcome"));
            } catch (RuntimeException ex) {
                return null;
            }
        }).orElse(null);
    }

    @Override
    public void close() {
        observer.close();
        ecs.close();
        cloud.close();
        clock.close();
    }
}

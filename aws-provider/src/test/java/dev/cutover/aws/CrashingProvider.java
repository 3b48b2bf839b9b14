package dev.cutover.aws;

import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.analysis.MetricSource;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.JournalStore;
import dev.cutover.spi.Compute;
import dev.cutover.spi.ConfigStore;
import dev.cutover.spi.Discovery;
import dev.cutover.spi.LockManager;
import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderContext;
import dev.cutover.spi.Scaling;
import dev.cutover.spi.Secrets;
import dev.cutover.spi.Traffic;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Test support (public, for the chaos suite): a provider wrapper that kills its deployer at a provider
 * call boundary. Every API call the wrapped provider makes goes through the guarded executor's
 * {@link ProviderContext#call}; once {@linkplain #crashAfter(int) armed}, the N-th call completes
 * (AWS applied it, the answer arrived, retries included) and then the "process dies": that call and
 * every later call of this provider throw {@link AwsWorld.SimulatedCrash}, and so does every append
 * to the journal returned by {@link #journal(JournalStore)}, so the dead deployer changes nothing more
 * in the cloud or the journal, whatever the engine does with the error.
 *
 * <pre>{@code
 * CrashingProvider crash = new CrashingProvider(awsProvider);
 * Cutover deployer = Cutover.builder().provider(crash).journal(crash.journal(backing))...build();
 * crash.crashAfter(7);                       // the 7th provider call from now is the last
 * deployer.apply(plan).await();              // throws SimulatedCrash (or ends: the process is dead)
 * assertThat(crash.crashed()).isTrue();
 * // a new deployer with a fresh provider and the backing journal resumes
 * }</pre>
 *
 * {@link #calls()} lists the operations called since arming, and the appends to that journal (marked
 * {@link #JOURNAL}), for picking crash points from a dry run.
 */
public final class CrashingProvider implements Provider {

    /** How {@link #calls()} marks a journal append: {@code "journal: intent start-revision"}. */
    public static final String JOURNAL = "journal: ";

    private final Provider delegate;
    private final AtomicInteger left = new AtomicInteger(-1);
    private final AtomicBoolean dead = new AtomicBoolean();
    private final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());

    public CrashingProvider(Provider delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** Arms the crash: the {@code calls}-th provider call from now completes, then the deployer dies. 0: never. */
    public CrashingProvider crashAfter(int calls) {
        if (calls < 0) {
            throw new IllegalArgumentException("calls must not be negative, was " + calls);
        }
        this.calls.clear();
        left.set(calls == 0 ? -1 : calls);
        return this;
    }

    /** Counts calls from now without crashing (a dry run). */
    public CrashingProvider record() {
        calls.clear();
        left.set(-1);
        return this;
    }

    /** Whether the deployer died. */
    public boolean crashed() {
        return dead.get();
    }

    /** The operations called (and journal appends) since the last {@link #crashAfter}/{@link #record}, in order. */
    public List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** The last provider operation called since arming ("none" if none): where the deployer died. */
    public String lastCall() {
        List<String> made = calls().stream().filter(c -> !c.startsWith(JOURNAL)).toList();
        return made.isEmpty() ? "none" : made.get(made.size() - 1);
    }

    /** A journal that dies with this deployer: appends after the crash throw and are not written. */
    public JournalStore journal(JournalStore backing) {
        Objects.requireNonNull(backing, "backing");
        return new JournalStore() {
            @Override
            public void append(JournalEntry entry) {
                if (dead.get()) {
                    throw new AwsWorld.SimulatedCrash("the deployer is dead; " + entry.type() + " is not journaled");
                }
                backing.append(entry);
                calls.add(JOURNAL + entry.type() + (entry.get("action") == null ? "" : " " + entry.get("action")));
            }

            @Override
            public List<JournalEntry> read(String deploymentId) {
                return backing.read(deploymentId);
            }

            @Override
            public List<String> deployments() {
                return backing.deployments();
            }
        };
    }

    @Override
    public void start(ProviderContext context) {
        delegate.start(new ProviderContext() {
            @Override
            public <T> T call(String family, String operation, Supplier<T> call) {
                if (dead.get()) {
                    throw new AwsWorld.SimulatedCrash("the deployer is dead; " + operation + " is not called");
                }
                T result = context.call(family, operation, call);
                calls.add(operation);
                if (left.get() > 0 && left.decrementAndGet() == 0) {
                    dead.set(true);
                    throw new AwsWorld.SimulatedCrash("deployer crashed right after " + operation);
                }
                return result;
            }

            @Override
            public Clock clock() {
                return context.clock();
            }
        });
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void prepare(Collection<Release> releases) {
        delegate.prepare(releases);
    }

    @Override
    public Optional<Compute> compute() {
        return delegate.compute();
    }

    @Override
    public Optional<Traffic> traffic() {
        return delegate.traffic();
    }

    @Override
    public Optional<Discovery> discovery() {
        return delegate.discovery();
    }

    @Override
    public Optional<ConfigStore> config() {
        return delegate.config();
    }

    @Override
    public Optional<Secrets> secrets() {
        return delegate.secrets();
    }

    @Override
    public Optional<LockManager> locks() {
        return delegate.locks();
    }

    @Override
    public Optional<MetricSource> metrics() {
        return delegate.metrics();
    }

    @Override
    public Optional<Scaling> scaling() {
        return delegate.scaling();
    }

    @Override
    public boolean isRetryable(Throwable failure) {
        return delegate.isRetryable(failure);
    }

    @Override
    public boolean isThrottling(Throwable failure) {
        return delegate.isThrottling(failure);
    }

    @Override
    public Map<String, RateLimit> rateLimits() {
        return delegate.rateLimits();
    }

    @Override
    public List<PolicyStatement> requiredPermissions(Plan plan) {
        return delegate.requiredPermissions(plan);
    }
}

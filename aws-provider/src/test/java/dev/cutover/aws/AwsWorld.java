package dev.cutover.aws;

import dev.cutover.Cutover;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.JournalStore;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.SimClock;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One local cloud on a virtual {@link SimClock}, and Cutover instances (each with its own
 * {@link VirtualScheduler} and {@link AwsProvider}) whose virtual time drives the cloud's clock,
 * so a deployer can "crash" and a new one take over on the same timeline.
 */
final class AwsWorld implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final SimClock cloudClock = SimClock.virtual(T0);
    final LocalCloud cloud = LocalCloud.builder().clock(cloudClock).start();
    /** Every call of every deployer, checked against the policies of the plans they made when the world closes. */
    final IamAudit iam = new IamAudit();

    /** A deployer: its scheduler, provider and Cutover; plan through it so the IAM audit knows the plan's policy. */
    record Deployer(VirtualScheduler time, AwsProvider aws, Cutover cutover, IamAudit iam) implements AutoCloseable {

        /** Plans with this deployer's Cutover (whose provider records every plan's policy for the IAM audit). */
        dev.cutover.Plan plan(dev.cutover.Release release) {
            return cutover.plan(release);
        }

        /** Plans many releases at once. */
        List<dev.cutover.Plan> plan(java.util.Collection<dev.cutover.Release> releases) {
            return cutover.plan(releases);
        }

        @Override
        public void close() {
            cutover.close();
            aws.close();
        }
    }

    /** Closes a deployer that may have "died" (a dead process closes nothing). */
    static void closeDead(Deployer dead) {
        try {
            dead.close();
        } catch (SimulatedCrash ignored) {
            // a dead process closes nothing
        }
    }

    /** A new deployer starting at the cloud's current time. */
    Deployer deployer(Consumer<AwsProvider.Builder> provider, Consumer<Cutover.Builder> cutover) {
        return deployer(provider, (time, c) -> cutover.accept(c));
    }

    /** A new deployer whose Cutover customizer also gets the deployer's scheduler. */
    Deployer deployer(Consumer<AwsProvider.Builder> provider, java.util.function.BiConsumer<VirtualScheduler, Cutover.Builder> cutover) {
        return deployer(provider, aws -> aws, cutover);
    }

    /**
     * A new deployer whose AWS provider is wrapped before Cutover gets it (e.g. in a
     * {@link CrashingProvider}); the record keeps the unwrapped provider.
     */
    Deployer deployer(Consumer<AwsProvider.Builder> provider,
            java.util.function.Function<AwsProvider, dev.cutover.spi.Provider> wrap,
            java.util.function.BiConsumer<VirtualScheduler, Cutover.Builder> cutover) {
        VirtualScheduler time = Scheduler.virtual(cloudClock.instant());
        time.onAdvance((from, to) -> {
            if (to.isAfter(cloudClock.instant())) {
                cloudClock.advance(Duration.between(cloudClock.instant(), to));
            }
        });
        AwsProvider.Builder pb = AwsProvider.builder()
                .region("us-east-1").endpointOverride(cloud.endpoint()).credentials(AwsFixture.CREDENTIALS)
                .accountId("123456789012").subnets("subnet-0a1b2c3d").securityGroups("sg-0a1b2c3d").vpcId("vpc-0a1b2c3d")
                .executionRole(AwsFixture.EXECUTION_ROLE)
                .clock(time.clock()).sleeper(time::sleep).observeConcurrency(1) // one virtual timeline, one thread
                .addInterceptor(iam);
        provider.accept(pb);
        AwsProvider aws = pb.build();
        Cutover.Builder cb = Cutover.builder().provider(new Audited(wrap.apply(aws), aws, iam)).discoverProviders(false)
                .scheduler(time);
        cutover.accept(time, cb);
        return new Deployer(time, aws, cb.build(), iam);
    }

    Deployer deployer() {
        return deployer(p -> { }, c -> { });
    }

    /** A deployer whose analyses read the local cloud's Datadog, each route of the simulated traffic at 20 requests a second. */
    Deployer analysedDeployer() {
        cloud.traffic().defaultRate(20);
        return deployer(p -> { }, (time, c) -> c.metrics(datadog(time)));
    }

    /** A real ELBv2 client of the local cloud (us-east-1), to look at what a test did; close it. */
    software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client elb() {
        return software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client.builder()
                .endpointOverride(cloud.endpoint()).region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(AwsFixture.CREDENTIALS)
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build();
    }

    /** Plans and applies {@code release} with {@code d} and waits for the outcome. */
    static dev.cutover.DeploymentStatus deploy(Deployer d, dev.cutover.Release release) {
        dev.cutover.Deployment dep = d.cutover().apply(d.plan(release));
        dev.cutover.DeploymentStatus s = dep.await();
        org.assertj.core.api.Assertions.assertThat(s).as(dep.statusReason()).isNotNull();
        return s;
    }

    /**
     * The Datadog metric source (module {@code cutover-datadog}) reading the local cloud's Datadog
     * query endpoint ({@code cutover.sim.error_rate{revision:...}}), waiting on {@code time}.
     */
    dev.cutover.datadog.DatadogMetricSource datadog(VirtualScheduler time) {
        return dev.cutover.datadog.DatadogMetricSource.builder().uri(cloud.endpoint()).scheduler(time)
                .apiKey(dev.cutover.localcloud.Datadog.DEFAULT_API_KEY)
                .applicationKey(dev.cutover.localcloud.Datadog.DEFAULT_APPLICATION_KEY).build();
    }

    @Override
    public void close() {
        try {
            iam.verify();
        } finally {
            cloud.close();
            cloudClock.close();
        }
    }

    /**
     * The AWS provider as the core sees it, recording the policy of every plan the core computes
     * (and the operations policy of its release) for the {@link IamAudit}.
     */
    private record Audited(dev.cutover.spi.Provider delegate, AwsProvider aws, IamAudit iam) implements dev.cutover.spi.Provider {
        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public void start(dev.cutover.spi.ProviderContext context) {
            delegate.start(context);
        }

        @Override
        public void prepare(java.util.Collection<dev.cutover.Release> releases) {
            delegate.prepare(releases);
            releases.forEach(r -> iam.operations(aws, r)); // the planning reads, also of a plan that is refused
        }

        @Override
        public java.util.Optional<dev.cutover.spi.Compute> compute() {
            return delegate.compute();
        }

        @Override
        public java.util.Optional<dev.cutover.spi.Traffic> traffic() {
            return delegate.traffic();
        }

        @Override
        public java.util.Optional<dev.cutover.spi.Discovery> discovery() {
            return delegate.discovery();
        }

        @Override
        public java.util.Optional<dev.cutover.spi.Secrets> secrets() {
            return delegate.secrets();
        }

        @Override
        public java.util.Optional<dev.cutover.spi.Scaling> scaling() {
            return delegate.scaling();
        }

        @Override
        public java.util.Optional<dev.cutover.analysis.MetricSource> metrics() {
            return delegate.metrics();
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
        public java.util.Map<String, RateLimit> rateLimits() {
            return delegate.rateLimits();
        }

        @Override
        public List<PolicyStatement> rollbackPermissions(dev.cutover.Release release, List<dev.cutover.Change> changes) {
            List<PolicyStatement> statements = delegate.rollbackPermissions(release, changes);
            iam.granted(statements);
            return statements;
        }

        @Override
        public List<PolicyStatement> requiredPermissions(dev.cutover.Plan plan) {
            List<PolicyStatement> statements = delegate.requiredPermissions(plan);
            iam.planned(aws, plan);
            return statements;
        }
    }

    /** Thrown by {@link CrashingJournal}: the deployer process "dies". */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(String message) {
            super(message);
        }
    }

    /** A journal that makes its deployer "crash" (throws an Error) after a number of appends once armed. */
    static final class CrashingJournal implements JournalStore {
        private final JournalStore backing;
        private final AtomicInteger left = new AtomicInteger(-1);

        CrashingJournal(JournalStore backing) {
            this.backing = backing;
        }

        /** After {@code appends} more appends, the next one throws {@link SimulatedCrash} (and is not written). */
        void crashAfter(int appends) {
            left.set(appends);
        }

        @Override
        public void append(JournalEntry entry) {
            if (left.get() == 0) {
                left.set(-1);
                throw new SimulatedCrash("deployer crashed before journaling " + entry.type());
            }
            if (left.get() > 0) {
                left.decrementAndGet();
            }
            backing.append(entry);
        }

        @Override
        public List<JournalEntry> read(String deploymentId) {
            return backing.read(deploymentId);
        }

        @Override
        public List<String> deployments() {
            return backing.deployments();
        }
    }
}

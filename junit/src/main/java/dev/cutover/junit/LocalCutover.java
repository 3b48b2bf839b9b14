package dev.cutover.junit;

import dev.cutover.Cutover;
import dev.cutover.aws.AwsProvider;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.SimClock;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A started local cloud and a {@link Cutover} wired to it on one virtual timeline: the AWS provider
 * talks to the cloud's emulators through the real SDK, and the engine's virtual time drives the
 * cloud's clock, so a 30-minute canary runs in well under a second and its outcome depends only on
 * the seed. Optionally Consul holds the locks and config, and the local Datadog answers the
 * analysis' metric queries.
 *
 * <pre>{@code
 * try (LocalCutover local = LocalCutover.builder().seed(7).datadog(true).start()) {
 *     local.cloud().images().behave("repo/orders:2.0.0", ImageBehavior.errorRate(0.3));
 *     Deployment d = local.cutover().apply(local.cutover().plan(release));
 *     d.await();                       // ROLLED_BACK, in virtual time
 * }
 * }</pre>
 *
 * <p>{@link #newCutover()} starts a second deployer on the same timeline (another process, as far
 * as the cloud can tell), for tests of resume and locking. Closing closes every deployer and the
 * cloud. In JUnit, {@link CutoverTest} does all of this per test method.
 */
public final class LocalCutover implements AutoCloseable {

    /** Where virtual time starts unless {@link Builder#start(Instant)} says otherwise. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");
    /** The account the local cloud's ARNs carry. */
    public static final String ACCOUNT_ID = "123456789012";

    private final Builder settings;
    private final SimClock clock;
    private final LocalCloud cloud;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Deployer first;

    private LocalCutover(Builder b) {
        this.settings = b;
        this.clock = SimClock.virtual(b.start);
        this.cloud = LocalCloud.builder().clock(clock).seed(b.seed).start();
        try {
            if (!b.throttling) {
                cloud.faults().throttling(false);
            }
            this.first = newDeployer(c -> { });
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** A world with the defaults: seed 42, AWS-rate throttling on, no Consul, no Datadog. */
    public static LocalCutover start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The local cloud: its images, faults, traffic and emulators. */
    public LocalCloud cloud() {
        return cloud;
    }

    /** The Cutover of the first deployer. */
    public Cutover cutover() {
        return first.cutover;
    }

    /** The first deployer's AWS provider (pointed at the local cloud). */
    public AwsProvider aws() {
        return first.aws;
    }

    /** The first deployer's virtual time; advancing it advances the cloud's clock. */
    public VirtualScheduler time() {
        return first.time;
    }

    /**
     * A second deployer on the same timeline and cloud, with its own scheduler and providers — what a
     * new process would be. Give it the same journal to resume the first one's deployments.
     */
    public Cutover newCutover(Consumer<Cutover.Builder> customizer) {
        Objects.requireNonNull(customizer, "customizer");
        return newDeployer(customizer).cutover;
    }

    /** {@link #newCutover(Consumer)} with the world's own customizations only. */
    public Cutover newCutover() {
        return newCutover(c -> { });
    }

    private Deployer newDeployer(Consumer<Cutover.Builder> extra) {
        VirtualScheduler time = Scheduler.virtual(clock.instant());
        time.onAdvance((from, to) -> {
            if (to.isAfter(clock.instant())) {
                clock.advance(Duration.between(clock.instant(), to));
            }
        });
        AwsProvider.Builder pb = AwsProvider.builder()
                .region(settings.region).endpointOverride(cloud.endpoint())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCALCLOUD", "local-cloud-secret")))
                .accountId(ACCOUNT_ID).subnets("subnet-0a1b2c3d").securityGroups("sg-0a1b2c3d").vpcId("vpc-0a1b2c3d")
                .executionRole("arn:aws:iam::" + ACCOUNT_ID + ":role/ecsTaskExecutionRole")
                // one virtual timeline: the provider waits on the engine's virtual time, on one thread
                .clock(time.clock()).sleeper(time::sleep).observeConcurrency(1);
        settings.provider.accept(pb);
        AwsProvider aws = pb.build();
        closeables.add(aws);
        Cutover.Builder cb = Cutover.builder().provider(aws).discoverProviders(false).scheduler(time);
        if (settings.consul) {
            Optionals.withConsul(cloud, cb);
        }
        if (settings.datadog) {
            Optionals.withDatadog(cloud, time, cb);
        }
        settings.cutover.accept(cb);
        extra.accept(cb);
        Cutover cutover = cb.build();
        closeables.add(cutover);
        return new Deployer(time, aws, cutover);
    }

    /** Closes every deployer, then the cloud and its clock. */
    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(LocalCutover.class).warn("closing {} failed", closeables.get(i), e);
            }
        }
        closeables.clear();
        if (cloud != null) {
            cloud.close();
        }
        clock.close();
    }

    @Override
    public String toString() {
        return "LocalCutover[cloud=" + cloud.endpoint() + ", seed=" + settings.seed + ", time=" + clock.instant()
                + (settings.consul ? ", consul" : "") + (settings.datadog ? ", datadog" : "") + "]";
    }

    private record Deployer(VirtualScheduler time, AwsProvider aws, Cutover cutover) {
    }

    /** How the world is built; every option has a default. */
    public static final class Builder {
        private long seed = 42L;
        private boolean throttling = true;
        private boolean consul;
        private boolean datadog;
        private String region = "us-east-1";
        private Instant start = DEFAULT_START;
        private Consumer<AwsProvider.Builder> provider = p -> { };
        private Consumer<Cutover.Builder> cutover = c -> { };

        private Builder() {
        }

        /** The seed of the cloud's faults and simulated traffic (default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Whether the cloud throttles at AWS's documented rates (default true, as AWS does). */
        public Builder throttling(boolean throttling) {
            this.throttling = throttling;
            return this;
        }

        /**
         * Whether Consul (the local cloud's emulator, through {@code cutover-consul}) holds the
         * deployment locks and the service config (default false). Needs {@code cutover-consul} on the class path.
         */
        public Builder consul(boolean consul) {
            this.consul = consul;
            return this;
        }

        /**
         * Whether metric gates read the local Datadog's query API (through {@code cutover-datadog}),
         * where the simulated traffic reports error rates and latencies (default false). Needs
         * {@code cutover-datadog} on the class path.
         */
        public Builder datadog(boolean datadog) {
            this.datadog = datadog;
            return this;
        }

        /** The AWS provider's default region (default {@code us-east-1}). */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /** Where virtual time starts (default {@link #DEFAULT_START}). */
        public Builder start(Instant start) {
            this.start = Objects.requireNonNull(start, "start");
            return this;
        }

        /** Adjusts every deployer's AWS provider after the local-cloud wiring (e.g. {@code p -> p.keepWarm(...)}). */
        public Builder provider(Consumer<AwsProvider.Builder> provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /** Adjusts every deployer's Cutover after the wiring (e.g. {@code c -> c.journal(store).listener(l)}). */
        public Builder cutover(Consumer<Cutover.Builder> cutover) {
            this.cutover = Objects.requireNonNull(cutover, "cutover");
            return this;
        }

        /** Starts the cloud on 127.0.0.1 (a random port) and wires the first deployer. */
        public LocalCutover start() {
            return new LocalCutover(this);
        }
    }
}

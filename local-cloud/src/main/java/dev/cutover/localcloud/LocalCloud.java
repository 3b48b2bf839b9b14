package dev.cutover.localcloud;

import dev.cutover.localcloud.internal.appmesh.AppMeshEmulator;
import dev.cutover.localcloud.internal.autoscaling.AutoScalingEmulator;
import dev.cutover.localcloud.consul.ConsulEmulator;
import dev.cutover.localcloud.consul.HealthOracle;
import dev.cutover.localcloud.internal.aws.AwsServer;
import dev.cutover.localcloud.internal.aws.Scoped;
import dev.cutover.localcloud.internal.aws.ScopedCloudMap;
import dev.cutover.localcloud.internal.cloudmap.CloudMapEmulator;
import dev.cutover.localcloud.internal.datadog.DatadogEmulator;
import dev.cutover.localcloud.internal.secretsmanager.SecretsManagerEmulator;
import dev.cutover.localcloud.internal.ecs.EcsEmulator;
import dev.cutover.localcloud.internal.faults.FaultGate;
import dev.cutover.localcloud.internal.images.ImageRegistry;
import dev.cutover.localcloud.internal.traffic.TrafficSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * Cutover's embedded cloud: emulators of ECS, App Mesh, Cloud Map, Secrets Manager, Application
 * Auto Scaling, ELBv2 (and Consul, Datadog) on 127.0.0.1, which unmodified AWS SDK v2 clients talk to.
 *
 * <pre>{@code
 * try (LocalCloud cloud = LocalCloud.start()) {
 *     EcsClient ecs = EcsClient.builder()
 *         .endpointOverride(cloud.endpoint())
 *         .region(Region.US_EAST_1)
 *         .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
 *         .build();
 *     ...
 * }
 * }</pre>
 */
public final class LocalCloud implements AutoCloseable {

    private final SimClock clock;
    private final boolean ownsClock;
    private final long seed;
    private final ConsulEmulator consul;
    private final AwsServer aws;
    private final FaultGate faults;
    private final ImageRegistry images = new ImageRegistry();
    private final TrafficSimulator traffic;
    private final EcsEmulator ecs;
    // one instance per account and Region, as AWS keeps their resources (see Scoped)
    private final Scoped<CloudMapEmulator> cloudMaps;
    private final CloudMap cloudMap;
    private final Scoped<AppMeshEmulator> appMeshes;
    private final Scoped<SecretsManagerEmulator> secrets;
    private final Scoped<AutoScalingEmulator> autoScalings;
    private final Scoped<dev.cutover.localcloud.internal.elbv2.Elbv2Emulator> elbs;
    private final DatadogEmulator datadog;
    private final java.util.function.Consumer<Instant> simulation;
    private final HealthOracle ecsHealth;

    private LocalCloud(Builder b) {
        this.clock = b.clock != null ? b.clock : SimClock.virtual(Instant.parse("2026-01-01T00:00:00Z"));
        this.ownsClock = b.clock == null || b.ownsClock;
        this.seed = b.seed;
        try {
            this.aws = new AwsServer(b.port);
        } catch (IOException e) {
            throw new UncheckedIOException("could not bind the local cloud to 127.0.0.1:" + b.port, e);
        }
        this.faults = new FaultGate(clock, seed);
        aws.gate(faults);
        this.ecs = new EcsEmulator(clock, images, seed);
        aws.register(ecs);
        aws.register(new dev.cutover.localcloud.internal.ecr.EcrEmulator(clock, images));
        this.traffic = new TrafficSimulator(clock, ecs, seed);
        this.elbs = new Scoped<>(sc -> {
            var elb = new dev.cutover.localcloud.internal.elbv2.Elbv2Emulator(clock, seedOf(sc)).scope(sc).healthSource(ecs::healthAt);
            traffic.addSplitter(elb);
            return elb;
        });
        ecs.targetGroups(new dev.cutover.localcloud.internal.ecs.TargetGroups() { // the ELBv2 of the ARN's Region and account
            @Override
            public java.util.Optional<Info> describe(String arn) {
                return elbs.get(Scoped.Scope.ofArn(arn)).targetGroupInfo(arn).map(i -> new Info(i.targetType(), i.attached()));
            }

            @Override
            public boolean register(String arn, String id, int port, String serviceArn) {
                return elbs.get(Scoped.Scope.ofArn(arn)).registerTask(arn, id, port, serviceArn);
            }

            @Override
            public void deregister(String arn, String id, int port) {
                elbs.get(Scoped.Scope.ofArn(arn)).deregisterTask(arn, id, port);
            }

            @Override
            public java.util.Optional<java.util.Map<String, Integer>> ruleForward(String ruleArn) {
                return elbs.get(Scoped.Scope.ofArn(ruleArn)).ruleForward(ruleArn);
            }

            @Override
            public void setRuleForward(String ruleArn, java.util.Map<String, Integer> weights) {
                elbs.get(Scoped.Scope.ofArn(ruleArn)).setRuleForward(ruleArn, weights);
            }
        });
        this.simulation = now -> {
            ecs.tick(now);
            elbs.all().values().forEach(elb -> elb.tick(now));
            traffic.tick(now);
        };
        clock.addListener(simulation);
        aws.mount(dev.cutover.localcloud.internal.admin.AdminEndpoint.PREFIX,
                new dev.cutover.localcloud.internal.admin.AdminEndpoint(clock, images, faults, traffic));
        // services: register here (one line per emulator)
        this.ecsHealth = new dev.cutover.localcloud.internal.ecs.EcsHealthOracle(ecs);
        this.consul = ConsulEmulator.builder().clock(clock).seed(seed).healthOracle(ecsHealth).faults(faults).start();
        this.cloudMaps = new Scoped<>(sc -> new CloudMapEmulator(clock, seedOf(sc)).scope(sc));
        aws.register(Scoped.json(cloudMaps));
        this.cloudMap = new ScopedCloudMap(cloudMaps);
        ecs.serviceRegistry(cloudMap); // ECS registers tasks in the Cloud Map of the registry ARN's Region and account
        this.appMeshes = new Scoped<>(sc -> {
            AppMeshEmulator mesh = new AppMeshEmulator(clock, seedOf(sc)).scope(sc);
            traffic.addSplitter(mesh.trafficSplitter(cloudMaps.get(sc)));
            return mesh;
        });
        aws.register(Scoped.rest(appMeshes));
        aws.register(Scoped.query(elbs));
        // Route 53 (global, REST-XML under /2013-04-01/): hosted zones and record sets per account
        // behind the fault gate like every AWS emulator; alias targets are the load balancers of the request's account
        aws.mount(dev.cutover.localcloud.internal.route53.Route53Emulator.PREFIX,
                new dev.cutover.localcloud.internal.route53.Route53Emulator(clock, seed).gate(faults)
                        .aliasTargets(new dev.cutover.localcloud.internal.route53.Route53Emulator.AliasTargets() {
                            @Override
                            public boolean loadBalancer(String account, String zoneId, String dnsName) {
                                return elbs.all().entrySet().stream().anyMatch(e -> e.getKey().account().equals(account)
                                        && e.getValue().canonicalHostedZoneId().equals(zoneId) && e.getValue().hasLoadBalancerDns(dnsName));
                            }

                            @Override
                            public boolean isLoadBalancerZone(String zoneId) {
                                return dev.cutover.localcloud.internal.elbv2.Elbv2Emulator.isCanonicalHostedZoneId(zoneId)
                                        || elbs.all().values().stream().anyMatch(e -> e.canonicalHostedZoneId().equals(zoneId));
                            }
                        }));
        // CloudWatch: custom metrics, the traffic simulator's per-revision metrics, alarms (per account and Region)
        aws.register(Scoped.query(new Scoped<>(sc -> new dev.cutover.localcloud.internal.cloudwatch.CloudWatchEmulator(clock, traffic)
                .scope(sc))));
        aws.register(Scoped.json(this.secrets = new Scoped<>(sc -> new SecretsManagerEmulator(clock, seedOf(sc))
                .scope(sc))));
        aws.register(Scoped.json(this.autoScalings = new Scoped<>(sc -> {
            AutoScalingEmulator autoScaling = new AutoScalingEmulator(clock, seedOf(sc)).scope(sc);
            // the ECS of the same account and Region: which services exist, and what a scaling activity updates
            autoScaling.ecsServices((region, cluster, service) -> ecs.serviceCreatedAt(sc.account(), region, cluster, service));
            autoScaling.scaler((resourceId, count) -> { // service/<cluster>/<service>
                String[] parts = resourceId.split("/");
                com.fasterxml.jackson.databind.node.ObjectNode update = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                        .objectNode().put("cluster", parts[1]).put("service", parts[2]).put("desiredCount", count);
                ecs.handle("UpdateService", update, sc.context());
            });
            return autoScaling;
        })));
        (this.datadog = new DatadogEmulator(clock, traffic)).mountOn(aws);
        aws.start();
    }

    /** Where it listens, its clock and its seed: {@code LocalCloud[aws=http://127.0.0.1:4566, consul=..., SimClock[...], seed=42]}. */
    @Override
    public String toString() {
        return "LocalCloud[aws=" + aws.endpoint() + ", consul=" + consul.endpoint() + ", " + clock + ", seed=" + seed + "]";
    }

    /** The seed of one account and Region's emulators: the cloud's own for the default scope. */
    private long seedOf(Scoped.Scope scope) {
        return scope.equals(Scoped.Scope.DEFAULT) ? seed : seed ^ scope.hashCode();
    }

    /** Starts a local cloud with a virtual clock on a random free port of 127.0.0.1. */
    public static LocalCloud start() {
        return builder().start();
    }

    /** A builder for a local cloud with a chosen clock, port or seed. */
    public static Builder builder() {
        return new Builder();
    }

    /** The endpoint every AWS SDK client's {@code endpointOverride} points at. */
    public URI endpoint() {
        return aws.endpoint();
    }

    /** The clock that drives the whole cloud. */
    public SimClock clock() {
        return clock;
    }

    /**
     * Faults in front of the AWS emulators: throttling at AWS's rates (on by default), seeded
     * 5xx, added latency, dropped connections, outages. See {@link Faults}.
     */
    public Faults faults() {
        return faults;
    }

    /** How container images behave when ECS runs them. See {@link Images} and {@link ImageBehavior}. */
    public Images images() {
        return images;
    }

    /** Simulated requests to the ECS services and their per-revision statistics. See {@link Traffic}. */
    public Traffic traffic() {
        return traffic;
    }

    /** App Mesh's routes and weights in us-east-1 (account 000000000000), read from Java. See {@link AppMesh}. */
    public AppMesh appMesh() {
        return appMeshes.defaults();
    }

    /** App Mesh of account 000000000000 in {@code region}. */
    public AppMesh appMesh(String region) {
        return appMeshes.get(new Scoped.Scope(Scoped.Scope.DEFAULT.account(), region));
    }

    /**
     * Cloud Map: register task instances from Java (what ECS does for serviceRegistries); a service ARN
     * reaches the Cloud Map of its Region and account, a name or id the one of us-east-1. See {@link CloudMap}.
     */
    public CloudMap cloudMap() {
        return cloudMap;
    }

    /** Cloud Map of account 000000000000 in {@code region}. */
    public CloudMap cloudMap(String region) {
        return cloudMaps.get(new Scoped.Scope(Scoped.Scope.DEFAULT.account(), region));
    }

    /** Secrets Manager in us-east-1 (account 000000000000): seed and resolve secrets from Java. See {@link Secrets}. */
    public Secrets secrets() {
        return secrets.defaults();
    }

    /** Secrets Manager of account 000000000000 in {@code region}. */
    public Secrets secrets(String region) {
        return secrets.get(new Scoped.Scope(Scoped.Scope.DEFAULT.account(), region));
    }

    /** Application Auto Scaling: registered capacity ranges. See {@link AutoScaling}. */
    public AutoScaling autoScaling() {
        return autoScalings.defaults();
    }

    /** The Datadog intake and query API on this cloud's endpoint. See {@link Datadog}. */
    public Datadog datadog() {
        return datadog;
    }

    /** The Consul emulator (own port, same clock); see {@link ConsulEmulator}. */
    public ConsulEmulator consul() {
        return consul;
    }

    /**
     * The health oracle the Consul emulator starts with: it answers Consul's HTTP/TCP/gRPC checks
     * from the ECS tasks behind an instance, matched by task IP or by the {@code family:revision} in
     * the instance's {@code cutover_revision} metadata or {@code revision=} tag; instances ECS does not
     * run pass. Keep it when plugging in another oracle:
     *
     * <pre>{@code
     * HealthOracle ecs = cloud.ecsHealthOracle();
     * cloud.consul().healthOracle(probe -> probe.serviceName().equals("legacy") ? Verdict.PASSING : ecs.evaluate(probe));
     * }</pre>
     */
    public HealthOracle ecsHealthOracle() {
        return ecsHealth;
    }

    /** The seed every random choice (faults, simulated traffic) derives from. */
    public long seed() {
        return seed;
    }

    @Override
    public void close() {
        clock.removeListener(simulation);
        consul.close();
        aws.close();
        if (ownsClock) {
            clock.close();
        }
    }

    /** Options for a local cloud. */
    public static final class Builder {
        private SimClock clock;
        private boolean ownsClock;
        private int port;
        private long seed = 42L;

        private Builder() {
        }

        /** The clock (default: a virtual clock at 2026-01-01T00:00:00Z). */
        public Builder clock(SimClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** A clock that {@link LocalCloud#close()} closes too (the standalone process's real-time clock). */
        Builder ownedClock(SimClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            this.ownsClock = true;
            return this;
        }

        /** The port on 127.0.0.1 (default 0: a free one). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** The seed for faults and simulated traffic (default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public LocalCloud start() {
            return new LocalCloud(this);
        }
    }
}

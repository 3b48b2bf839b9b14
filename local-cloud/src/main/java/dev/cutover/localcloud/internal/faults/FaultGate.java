package dev.cutover.localcloud.internal.faults;

import dev.cutover.localcloud.Faults;
import dev.cutover.localcloud.SimClock;
import dev.cutover.localcloud.internal.aws.AwsError;
import dev.cutover.localcloud.internal.aws.AwsServer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cloud's {@link AwsServer.RequestGate}: outage switch, dropped connections, seeded random
 * 5xx, token-bucket throttling per API family and Region, added latency, in that order; after the
 * service acted, lost responses (counted per service or per operation, or at a seeded rate).
 */
public final class FaultGate implements AwsServer.RequestGate, Faults {

    private static final Logger LOG = LoggerFactory.getLogger(FaultGate.class);
    private static final String ALL = "*";
    /** The Consul emulator's requests pass this gate under this service name (no AWS throttling applies). */
    private static final String CONSUL = "consul";

    private final SimClock clock;
    private final long seed;
    private final Object rngLock = new Object();
    private Random random;
    private volatile boolean throttling = true;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> overrides = new ConcurrentHashMap<>();
    private final Map<String, Double> serverErrors = new ConcurrentHashMap<>();
    private final Map<String, Duration> latency = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> drops = new ConcurrentHashMap<>();
    private final Map<String, Boolean> outages = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> addedLatencyNanos = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> throttled = new ConcurrentHashMap<>();
    /** Responses still to lose, keyed by {@code service} or {@code service/operation}. */
    private final Map<String, AtomicLong> toLose = new ConcurrentHashMap<>();
    private final Map<String, Double> lossRates = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lost = new ConcurrentHashMap<>();

    public FaultGate(SimClock clock, long seed) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.seed = seed;
        this.random = new Random(seed);
    }

    @Override
    public void admit(String serviceName, String operation) {
        admit(serviceName, operation, AwsServer.RequestContext.defaults());
    }

    @Override
    public void admit(String service, String operation, AwsServer.RequestContext context) {
        if (Boolean.TRUE.equals(outages.get(service)) || Boolean.TRUE.equals(outages.get(ALL))) {
            throw AwsError.serviceUnavailable("Service " + service + " is unavailable (local cloud outage switch)");
        }
        if (takeDrop(service) || takeDrop(ALL)) {
            throw new AwsServer.DropConnection();
        }
        double p = Math.max(serverErrors.getOrDefault(service, 0.0), serverErrors.getOrDefault(ALL, 0.0));
        if (p > 0) {
            double roll;
            boolean unavailable;
            synchronized (rngLock) {
                roll = random.nextDouble();
                unavailable = random.nextBoolean();
            }
            if (roll < p) {
                throw unavailable ? AwsError.serviceUnavailable("Service unavailable (injected fault)")
                        : new AwsError(500, "ecs".equals(service) ? "ServerException" : "InternalFailure",
                                "Internal failure (injected fault)");
            }
        }
        if (throttling && !CONSUL.equals(service)) { // a Consul agent does not rate-limit its HTTP API by default
            throttle(service, operation, context.region());
        }
        Duration added = latency.getOrDefault(service, latency.get(ALL));
        if (added != null && !added.isZero()) {
            addedLatencyNanos.computeIfAbsent(service, k -> new AtomicLong()).addAndGet(added.toNanos());
            if (!clock.isVirtual()) {
                try {
                    Thread.sleep(clock.toWallClock(added).toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void throttle(String service, String operation, String region) {
        TokenBucket override = overrides.get(service + "/" + operation);
        ThrottleFamilies.Family family = ThrottleFamilies.of(service, operation);
        TokenBucket bucket = override != null ? override
                : buckets.computeIfAbsent(region + "/" + family.name(),
                        k -> new TokenBucket(family.burst(), family.perSecond(), clock));
        if (!bucket.tryTake()) {
            throttled.computeIfAbsent(service, k -> new AtomicLong()).incrementAndGet();
            LOG.debug("throttled {} {} in {}", service, operation, region);
            throw new AwsError(family.status(), family.errorType(), "Rate exceeded");
        }
    }

    @Override
    public boolean loseResponse(String service, String operation, AwsServer.RequestContext context) {
        boolean lose = false;
        for (Map.Entry<String, AtomicLong> e : toLose.entrySet()) {
            if (matches(e.getKey(), service, operation) && e.getValue().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                lose = true;
                break;
            }
        }
        if (!lose) {
            double p = Math.max(lossRates.getOrDefault(service, 0.0), lossRates.getOrDefault(ALL, 0.0));
            if (p > 0) {
                synchronized (rngLock) {
                    lose = random.nextDouble() < p;
                }
            }
        }
        if (lose) {
            lost.computeIfAbsent(service, k -> new AtomicLong()).incrementAndGet();
            LOG.debug("{} {} applied, response lost (injected fault)", service, operation);
        }
        return lose;
    }

    /** Whether key {@code service} or {@code service/operation-prefix} selects this call. */
    private static boolean matches(String key, String service, String operation) {
        int slash = key.indexOf('/');
        String s = slash < 0 ? key : key.substring(0, slash);
        if (!s.equals(ALL) && !s.equals(service)) {
            return false;
        }
        if (slash < 0) {
            return true;
        }
        String op = key.substring(slash + 1);
        // JSON protocols name the operation (CreateService); REST-JSON ones are "METHOD /path", matched by prefix
        return operation.equals(op) || (operation.contains(" /") && operation.startsWith(op));
    }

    private boolean takeDrop(String service) {
        AtomicLong left = drops.get(service);
        if (left == null) {
            return false;
        }
        return left.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    @Override
    public Faults throttling(boolean enabled) {
        this.throttling = enabled;
        return this;
    }

    @Override
    public Faults throttle(String service, String operation, int burst, double perSecond) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(operation, "operation");
        overrides.put(service + "/" + operation, new TokenBucket(burst, perSecond, clock));
        return this;
    }

    @Override
    public Faults serverErrors(String service, double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must be between 0 and 1, was " + probability);
        }
        serverErrors.put(Objects.requireNonNull(service, "service"), probability);
        return this;
    }

    @Override
    public Faults latency(String service, Duration added) {
        Objects.requireNonNull(added, "added");
        if (added.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, was " + added);
        }
        latency.put(Objects.requireNonNull(service, "service"), added);
        return this;
    }

    @Override
    public Faults dropConnections(String service, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        drops.computeIfAbsent(Objects.requireNonNull(service, "service"), k -> new AtomicLong()).set(count);
        return this;
    }

    @Override
    public Faults loseResponses(String service, int count) {
        return loseResponses(service, null, count);
    }

    @Override
    public Faults loseResponses(String service, String operation, int count) {
        Objects.requireNonNull(service, "service");
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        if (operation != null && operation.isBlank()) {
            throw new IllegalArgumentException("operation must not be blank");
        }
        toLose.computeIfAbsent(operation == null ? service : service + "/" + operation, k -> new AtomicLong()).set(count);
        return this;
    }

    @Override
    public Faults lostResponseRate(String service, double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must be between 0 and 1, was " + probability);
        }
        lossRates.put(Objects.requireNonNull(service, "service"), probability);
        return this;
    }

    @Override
    public long lostResponses(String service) {
        AtomicLong n = lost.get(service);
        return n == null ? 0 : n.get();
    }

    @Override
    public Faults outage(String service, boolean down) {
        outages.put(Objects.requireNonNull(service, "service"), down);
        return this;
    }

    @Override
    public Faults reset() {
        throttling = true;
        buckets.clear();
        overrides.clear();
        serverErrors.clear();
        latency.clear();
        drops.clear();
        outages.clear();
        addedLatencyNanos.clear();
        throttled.clear();
        toLose.clear();
        lossRates.clear();
        lost.clear();
        synchronized (rngLock) {
            random = new Random(seed);
        }
        return this;
    }

    @Override
    public Duration addedLatency(String service) {
        AtomicLong n = addedLatencyNanos.get(service);
        return Duration.ofNanos(n == null ? 0 : n.get());
    }

    @Override
    public long throttledCalls(String service) {
        AtomicLong n = throttled.get(service);
        return n == null ? 0 : n.get();
    }
}

package dev.cutover.internal;

import dev.cutover.CircuitOpenException;
import dev.cutover.CutoverException;
import dev.cutover.Resilience;
import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderContext;
import dev.cutover.spi.ProviderException;
import dev.cutover.time.Scheduler;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one executor every provider call goes through: a token bucket per API family (sized from
 * the provider's documented limits, slowed by throttling answers as {@link TokenBucket} says; a
 * throttling answer does not count against the breaker), a Resilience4j circuit breaker per provider, a Resilience4j
 * retry (exponential backoff with full jitter, retryable failures only, waits through the
 * scheduler so virtual time stays virtual), a Resilience4j bulkhead, a time limit, and Micrometer
 * timers and counters. Resilience4j's own Micrometer binders publish breaker, retry and bulkhead state.
 */
public final class GuardedExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedExecutor.class);

    private final Resilience config;
    private final Scheduler scheduler;
    private final MeterRegistry meters;
    private final CircuitBreakerRegistry breakers;
    private final RetryRegistry retries;
    private final BulkheadRegistry bulkheads;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final Random jitter;
    private final CallTimeLimit watchdog;

    public GuardedExecutor(Resilience config, Scheduler scheduler, MeterRegistry meters) {
        this.config = config;
        this.scheduler = scheduler;
        this.meters = meters;
        this.jitter = new Random(config.jitterSeed());
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .clock(scheduler.clock())
                .failureRateThreshold(config.breakerFailureRatePercent())
                .slidingWindow(config.breakerWindow(), config.breakerWindow(),
                        CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .waitDurationInOpenState(config.breakerOpenDuration())
                .permittedNumberOfCallsInHalfOpenState(2)
                .build());
        this.retries = RetryRegistry.ofDefaults();
        this.bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(config.maxConcurrentCalls())
                .maxWaitDuration(Duration.ofSeconds(scheduler.isVirtual() ? 0 : 60))
                .build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meters);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
        this.watchdog = scheduler.isVirtual() ? null : new CallTimeLimit(config.callTimeout());
    }

    /** The context a provider receives: its calls run through this executor; it serves every capability it offers. */
    public ProviderContext contextFor(Provider provider) {
        return contextFor(provider, c -> provider.capabilities().contains(c), dev.cutover.spi.ProviderMemory.none());
    }

    /**
     * The context a provider receives: its calls run through this executor,
     * {@link ProviderContext#serves} answers from {@code serves}, and its facts go to {@code memory}.
     */
    public ProviderContext contextFor(Provider provider, java.util.function.Predicate<dev.cutover.spi.Capability> serves,
            dev.cutover.spi.ProviderMemory memory) {
        GuardedExecutor self = this;
        return new ProviderContext() {
            @Override
            public <T> T call(String family, String operation, Supplier<T> call) {
                return self.call(provider, family, operation, call);
            }

            @Override
            public Clock clock() {
                return scheduler.clock();
            }

            @Override
            public boolean serves(dev.cutover.spi.Capability capability) {
                return serves.test(capability);
            }

            @Override
            public dev.cutover.spi.ProviderMemory memory() {
                return memory;
            }
        };
    }

    /** Runs one provider call under every guard. */
    public <T> T call(Provider provider, String family, String operation, Supplier<T> call) {
        String name = provider.name();
        CircuitBreaker breaker = breakers.circuitBreaker(name);
        Retry retry = retries.retry(name + "." + family, () -> retryConfig(provider));
        Bulkhead bulkhead = bulkheads.bulkhead(name);
        Retry.AsyncContext<T> attempt = retry.asyncContext();
        int throttledInARow = 0;
        java.time.Instant began = scheduler.clock().instant();
        while (true) {
            TokenBucket bucket = waitForToken(provider, family);
            if (!breaker.tryAcquirePermission()) {
                count("cutover.provider.rejected", name, operation, "circuit-open");
                throw new CircuitOpenException(name, operation, config.breakerOpenDuration());
            }
            if (!bulkhead.tryAcquirePermission()) {
                breaker.releasePermission();
                count("cutover.provider.rejected", name, operation, "bulkhead-full");
                throw new ProviderException(name, operation, true,
                        "more than " + config.maxConcurrentCalls() + " concurrent calls; the bulkhead is full");
            }
            long start = System.nanoTime();
            try {
                T result = invoke(call);
                long took = System.nanoTime() - start;
                if (bucket != null) {
                    bucket.onSuccess();
                }
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                attempt.onComplete();
                timer(name, operation, "success").record(took, TimeUnit.NANOSECONDS);
                return result;
            } catch (RuntimeException failure) {
                long took = System.nanoTime() - start;
                boolean retryable = provider.isRetryable(failure);
                boolean throttled = provider.isThrottling(failure);
                if (throttled) {
                    // the endpoint answered: it is busy (other processes share AWS's bucket), not broken, so the
                    // breaker does not count it; the family's bucket sends slower instead
                    breaker.releasePermission();
                    if (bucket != null) {
                        bucket.onThrottled();
                    }
                } else if (retryable) {
                    breaker.onError(took, TimeUnit.NANOSECONDS, failure);
                } else {
                    breaker.onSuccess(took, TimeUnit.NANOSECONDS); // a caller error says nothing about the endpoint's health
                }
                timer(name, operation, throttled ? "throttled" : "error").record(took, TimeUnit.NANOSECONDS);
                if (throttled && ++throttledInARow <= THROTTLED_ATTEMPTS && bucket != null
                        && Duration.between(began, scheduler.clock().instant()).compareTo(config.breakerOpenDuration()) < 0) {
                    // the account's bucket is busy (other deployers share it): backed off as any retry, the next attempt
                    // then waits for a token of this family's bucket, which the answer just slowed, without spending
                    // one of the attempts: when they run out a rollout pauses for the breaker's open time (30 s)
                    count("cutover.provider.retries", name, operation, "throttled");
                    sleep(Duration.ofMillis(backoffMillis(throttledInARow)));
                    continue;
                }
                long delayMillis = attempt.onError(failure);
                if (delayMillis < 0) {
                    throw translate(name, operation, retryable, failure);
                }
                count("cutover.provider.retries", name, operation, throttled ? "throttled" : "error");
                LOG.debug("{} {} failed ({}); retrying in {} ms", name, operation, failure.getClass().getSimpleName(),
                        delayMillis);
                sleep(Duration.ofMillis(delayMillis));
            } finally {
                bulkhead.onComplete();
            }
        }
    }

    private <T> T invoke(Supplier<T> call) {
        if (watchdog == null) {
            return call.get();
        }
        // the call runs on the caller's thread; the watchdog interrupts it past the time limit
        CallTimeLimit.Slot slot = watchdog.begin();
        T result;
        try {
            result = call.get();
        } catch (RuntimeException failure) {
            if (watchdog.end(slot)) {
                throw new CallTimeoutException("no answer within " + config.callTimeout());
            }
            throw failure;
        }
        watchdog.end(slot); // a late answer still counts; the stray interrupt is cleared
        return result;
    }

    /** A call that did not answer within the time limit; retryable. */
    static final class CallTimeoutException extends ProviderException {
        CallTimeoutException(String message) {
            super("executor", "call", true, message);
        }
    }

    /**
     * Up to this many throttling answers in a row are retried on the family's rate limiter without spending an
     * attempt, while the call has waited less than the breaker's open time (the pause it spares): a long
     * rate-limit outage (Datadog answering 429 for an hour) still spends the attempts and pauses the rollout.
     */
    static final int THROTTLED_ATTEMPTS = 20;

    /** Full jitter: uniform in [0, min(max, initial * 2^(attempt-1))], at least 1 ms. */
    private long backoffMillis(int attempt) {
        double ceiling = Math.min(config.maxBackoff().toMillis(),
                config.initialBackoff().toMillis() * Math.pow(2, Math.max(0, attempt - 1)));
        synchronized (jitter) {
            return Math.max(1L, (long) (jitter.nextDouble() * ceiling));
        }
    }

    private RetryConfig retryConfig(Provider provider) {
        return RetryConfig.custom()
                .maxAttempts(config.maxAttempts())
                .retryOnException(t -> t instanceof CallTimeoutException || provider.isRetryable(t))
                .intervalBiFunction((attempt, either) -> backoffMillis(attempt))
                .failAfterMaxAttempts(false)
                .build();
    }

    /** Waits for a token of the family's bucket; returns the bucket (null when the family has no limit). */
    private TokenBucket waitForToken(Provider provider, String family) {
        Provider.RateLimit limit = config.rateLimits().get(family);
        if (limit == null) {
            limit = provider.rateLimits().get(family);
        }
        if (limit == null) {
            return null;
        }
        Provider.RateLimit l = limit;
        TokenBucket bucket = buckets.computeIfAbsent(provider.name() + "|" + family,
                k -> new TokenBucket(scheduler.clock(), l.burst(), l.perSecond()));
        Duration wait = bucket.tryTake();
        if (!wait.isZero()) {
            count("cutover.provider.rate.limited", provider.name(), family, "waited");
            do {
                sleep(wait);
                wait = bucket.tryTake();
            } while (!wait.isZero());
        }
        return bucket;
    }

    /** The current rate of a family's bucket (its documented rate unless throttling lowered it); empty before its first call. */
    public java.util.OptionalDouble rate(String provider, String family) {
        TokenBucket b = buckets.get(provider + "|" + family);
        return b == null ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(b.rate());
    }

    private void sleep(Duration d) {
        try {
            scheduler.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CutoverException("interrupted while backing off", e);
        }
    }

    private RuntimeException translate(String provider, String operation, boolean retryable, RuntimeException failure) {
        if (failure instanceof CutoverException) {
            return failure;
        }
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return new ProviderException(provider, operation, retryable, message, failure);
    }

    private Timer timer(String provider, String operation, String outcome) {
        return Timer.builder("cutover.provider.calls")
                .description("Provider API calls through the guarded executor")
                .tag("provider", provider).tag("operation", operation).tag("outcome", outcome)
                .register(meters);
    }

    private void count(String name, String provider, String operation, String reason) {
        try {
            Counter.builder(name).tag("provider", provider).tag("operation", operation).tag("reason", reason)
                    .register(meters).increment();
        } catch (RuntimeException e) {
            LOG.debug("could not record {}", name, e);
        }
    }

    /** The breaker state of a provider, for status displays. */
    public String breakerState(String provider) {
        return breakers.circuitBreaker(provider).getState().name();
    }

    public void close() {
        if (watchdog != null) {
            watchdog.close();
        }
    }
}

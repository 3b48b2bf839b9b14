package dev.cutover.datadog;

import dev.cutover.CutoverException;
import dev.cutover.Problem;
import dev.cutover.ValidationException;
import dev.cutover.analysis.Measurement;
import dev.cutover.analysis.MetricContext;
import dev.cutover.analysis.MetricQuery;
import dev.cutover.analysis.MetricSource;
import dev.cutover.datadog.internal.Backoff;
import dev.cutover.datadog.internal.DatadogHttp;
import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderContext;
import dev.cutover.time.Scheduler;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Answers rollout analysis from Datadog's metrics query API ({@code GET /api/v1/query}).
 *
 * <p>Each gate's {@link MetricQuery.Kind} maps to a query template ({@link QueryTemplates}); the
 * answer's points over the analysis window are averaged, from exactly one series: when the query
 * answers several (e.g. {@code ... by {revision}}), the one whose scope holds
 * {@code revision:<the analysed revision>} is used, and without exactly one such series the answer
 * is an error, never an average that mixes revisions. A value that cannot be true for the gate's
 * kind (NaN, an error rate outside 0–1, a negative latency) is refused by the gate as an error. A query Datadog cannot answer (bad key,
 * bad query, throttled or failing after every retry, circuit open) is {@link Measurement#error},
 * an answer without points is {@link Measurement#noData}: neither is ever a pass.
 *
 * <p><b>Guarded.</b> Registered as a provider ({@code Cutover.builder().provider(source)}), every
 * query runs through Cutover's guarded executor: the {@code datadog.query} rate limiter, retries
 * with exponential back-off and jitter on 429, 5xx and I/O errors, the circuit breaker, the
 * bulkhead and the {@code cutover.provider.calls} timer. Used on its own
 * ({@code Cutover.builder().metrics(source)} or directly), a built-in back-off does the retries.
 * Either way a {@code Retry-After} or {@code X-RateLimit-Reset} header makes the next attempt wait
 * at least that long (capped by {@link Builder#maxRetryWait(Duration)}), on the
 * {@link Builder#scheduler(Scheduler) scheduler}, so tests run in virtual time.
 *
 * <p><b>Keys.</b> The API and application keys are sent only as the {@code DD-API-KEY} and
 * {@code DD-APPLICATION-KEY} headers; they never appear in a log line, an exception,
 * {@link #toString()} or a metric tag.
 *
 * <pre>{@code
 * DatadogMetricSource datadog = DatadogMetricSource.builder()
 *     .fromEnvironment()                       // DD_API_KEY, DD_APP_KEY, DD_SITE
 *     .template(MetricQuery.Kind.ERROR_RATE, "avg:trace.http.request.errors.rate{service:{service},env:{environment}}")
 *     .build();
 * Cutover cutover = Cutover.builder().provider(aws).provider(datadog).build();
 * }</pre>
 */
public final class DatadogMetricSource implements MetricSource, Provider {

    /** The API family the guarded executor rate-limits queries under. */
    public static final String QUERY_FAMILY = "datadog.query";

    private final String name;
    private final URI uri;
    private final QueryTemplates templates;
    private final Scheduler scheduler;
    private final Duration maxRetryWait;
    private final RateLimit rateLimit;
    private final DatadogHttp http;
    private final ProviderContext standalone;
    private final AtomicReference<Instant> notBefore = new AtomicReference<>(Instant.MIN);
    private volatile ProviderContext context;

    private DatadogMetricSource(Builder b, URI uri) {
        this.name = b.name;
        this.uri = uri;
        this.templates = b.templates.build();
        this.scheduler = b.scheduler != null ? b.scheduler : Scheduler.system();
        this.maxRetryWait = b.maxRetryWait;
        this.rateLimit = b.rateLimit;
        this.http = new DatadogHttp(uri, b.apiKey, b.applicationKey, b.timeout, scheduler.clock());
        this.standalone = new Backoff(scheduler, b.maxAttempts, b.initialBackoff, b.maxBackoff, b.jitterSeed);
        this.context = standalone;
    }

    /** A builder; the API key and application key are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Measures {@code query} for the revision and window of {@code context}; never throws. */
    @Override
    public Measurement measure(MetricQuery query, MetricContext context) {
        String q;
        try {
            q = templates.render(query, context);
        } catch (RuntimeException e) {
            return Measurement.error(e.getMessage());
        }
        long from = context.from().getEpochSecond();
        long to = context.to().getEpochSecond() + (context.to().getNano() > 0 ? 1 : 0);
        if (to <= from) {
            to = from + 1;
        }
        long f = from;
        long t = to;
        try {
            DatadogHttp.Answer answer = this.context.call(QUERY_FAMILY, "Query", () -> attempt(q, f, t));
            List<DatadogHttp.Series> series = answer.series();
            if (series.size() > 1) {
                // several series (e.g. grouped by revision): only the analysed revision's may count, never an average
                String tag = "revision:" + context.revision();
                List<DatadogHttp.Series> mine = series.stream().filter(s -> s.hasTag(tag)).toList();
                if (mine.size() != 1) {
                    return Measurement.error("the query answered " + series.size() + " series (scopes "
                            + series.stream().map(s -> "'" + s.scope() + "'").toList() + ") and "
                            + (mine.isEmpty() ? "none is" : mine.size() + " are") + " tagged " + tag
                            + "; averaging them would mix revisions: filter the query to the revision ({revision:{revision}})"
                            + " or group it by {revision} [" + q + "]");
                }
                series = mine;
            }
            List<double[]> points = series.isEmpty() ? List.of() : series.get(0).points();
            if (points.isEmpty()) {
                return Measurement.noData((series.isEmpty() ? "no series match " : "no points for ") + q
                        + " from " + Instant.ofEpochSecond(f) + " to " + Instant.ofEpochSecond(t));
            }
            double sum = 0;
            for (double[] p : points) {
                sum += p[1];
            }
            return new Measurement(Measurement.Status.VALUE, sum / points.size(), q);
        } catch (CutoverException e) {
            return Measurement.error(e.getMessage() + " [" + q + "]");
        } catch (RuntimeException e) {
            return Measurement.error(e.getClass().getSimpleName() + ": " + e.getMessage() + " [" + q + "]");
        }
    }

    /** One HTTP attempt; first waits out a wait the server asked for. */
    private DatadogHttp.Answer attempt(String query, long from, long to) {
        Instant now = scheduler.clock().instant();
        Instant until = notBefore.get();
        if (until.isAfter(now)) {
            Duration wait = Duration.between(now, until);
            Backoff.sleep(scheduler, wait.compareTo(maxRetryWait) > 0 ? maxRetryWait : wait);
        }
        try {
            return http.query(query, from, to);
        } catch (DatadogQueryException e) {
            e.retryAfter().ifPresent(d -> {
                Instant at = scheduler.clock().instant().plus(d.compareTo(maxRetryWait) > 0 ? maxRetryWait : d);
                notBefore.accumulateAndGet(at, (a, b) -> a.isAfter(b) ? a : b);
            });
            throw e;
        }
    }

    // ------------------------------------------------------------------ Provider

    @Override
    public String name() {
        return name;
    }

    /** Called by {@code Cutover}: from now on queries run through its guarded executor. */
    @Override
    public void start(ProviderContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    @Override
    public Optional<MetricSource> metrics() {
        return Optional.of(this);
    }

    @Override
    public boolean isThrottling(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DatadogQueryException d) {
                return d.throttled();
            }
        }
        return false;
    }

    @Override
    public Map<String, RateLimit> rateLimits() {
        return Map.of(QUERY_FAMILY, rateLimit);
    }

    /** The query API's base URI. */
    public URI uri() {
        return uri;
    }

    /** The query templates. */
    public QueryTemplates templates() {
        return templates;
    }

    @Override
    public String toString() {
        return "DatadogMetricSource[name=" + name + ", uri=" + uri + ", " + templates + "]";
    }

    /** Configures a {@link DatadogMetricSource}. */
    public static final class Builder {
        private String name = "datadog";
        private String site = "datadoghq.com";
        private URI uri;
        private String apiKey;
        private String applicationKey;
        private QueryTemplates.Builder templates = QueryTemplates.localCloud().toBuilder();
        private Scheduler scheduler;
        private Duration timeout = Duration.ofSeconds(10);
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration maxRetryWait = Duration.ofSeconds(60);
        private RateLimit rateLimit = new RateLimit(50, 1600 / 3600.0);
        private long jitterSeed = 7L;

        private Builder() {
        }

        /**
         * Reads {@code datadog.apiKey}, {@code datadog.applicationKey}, {@code datadog.site} and
         * {@code datadog.uri} from {@code config} (the key names of Micrometer's {@code DatadogConfig});
         * a {@code null} answer keeps the current value, so {@code k -> null} changes nothing.
         */
        public Builder config(Function<String, String> config) {
            Objects.requireNonNull(config, "config");
            String v;
            if ((v = config.apply("datadog.apiKey")) != null) {
                apiKey(v);
            }
            if ((v = config.apply("datadog.applicationKey")) != null) {
                applicationKey(v);
            }
            if ((v = config.apply("datadog.site")) != null) {
                site(v);
            }
            if ((v = config.apply("datadog.uri")) != null) {
                uri(URI.create(v));
            }
            return this;
        }

        /**
         * Reads the Datadog agent's variables: {@code DD_API_KEY}, {@code DD_APP_KEY} (or
         * {@code DD_APPLICATION_KEY}), {@code DD_SITE}; unset ones keep the current value.
         */
        public Builder fromEnvironment() {
            return fromEnvironment(System::getenv);
        }

        /** As {@link #fromEnvironment()}, reading variables from {@code env} (for tests). */
        public Builder fromEnvironment(Function<String, String> env) {
            Objects.requireNonNull(env, "env");
            String app = env.apply("DD_APP_KEY") != null ? env.apply("DD_APP_KEY") : env.apply("DD_APPLICATION_KEY");
            return config(k -> switch (k) {
                case "datadog.apiKey" -> env.apply("DD_API_KEY");
                case "datadog.applicationKey" -> app;
                case "datadog.site" -> env.apply("DD_SITE");
                default -> null;
            });
        }

        /** The provider name (default {@code datadog}). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The Datadog site, e.g. {@code datadoghq.eu} or {@code us5.datadoghq.com} (default {@code datadoghq.com}). */
        public Builder site(String site) {
            this.site = Objects.requireNonNull(site, "site");
            return this;
        }

        /** The API's base URI; wins over {@link #site(String)} (e.g. the local cloud's endpoint). */
        public Builder uri(URI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /** The API key (sent as {@code DD-API-KEY}; never logged). */
        public Builder apiKey(String apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            return this;
        }

        /** The application key (sent as {@code DD-APPLICATION-KEY}; never logged). */
        public Builder applicationKey(String applicationKey) {
            this.applicationKey = Objects.requireNonNull(applicationKey, "applicationKey");
            return this;
        }

        /** Replaces every query template (default {@link QueryTemplates#localCloud()}). */
        public Builder templates(QueryTemplates templates) {
            this.templates = Objects.requireNonNull(templates, "templates").toBuilder();
            return this;
        }

        /** Sets the query template of one kind of gate. */
        public Builder template(MetricQuery.Kind kind, String query) {
            templates.template(kind, query);
            return this;
        }

        /** Sets the query templates with a lambda over their builder. */
        public Builder templates(java.util.function.Consumer<QueryTemplates.Builder> templates) {
            Objects.requireNonNull(templates, "templates").accept(this.templates);
            return this;
        }

        /** Time and waits (default real time); pass the {@code Cutover}'s scheduler so waits follow its time. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The connect and request timeout of one HTTP call (default 10 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * The built-in back-off, used when no {@code Cutover} started this source: attempts in all
         * (default 5), first and largest wait (default 1 s and 30 s, doubling, equal jitter).
         */
        public Builder backoff(int maxAttempts, Duration initial, Duration max) {
            this.maxAttempts = maxAttempts;
            this.initialBackoff = Objects.requireNonNull(initial, "initial");
            this.maxBackoff = Objects.requireNonNull(max, "max");
            return this;
        }

        /** The longest wait a {@code Retry-After}/{@code X-RateLimit-Reset} header may impose (default 60 s). */
        public Builder maxRetryWait(Duration maxRetryWait) {
            this.maxRetryWait = Objects.requireNonNull(maxRetryWait, "maxRetryWait");
            return this;
        }

        /** The guarded executor's token bucket for queries (default 50 burst, 1600 per hour: Datadog's default). */
        public Builder queryRateLimit(RateLimit rateLimit) {
            this.rateLimit = Objects.requireNonNull(rateLimit, "rateLimit");
            return this;
        }

        /** The seed of the built-in back-off's jitter (default 7). */
        public Builder jitterSeed(long seed) {
            this.jitterSeed = seed;
            return this;
        }

        /**
         * Builds the source.
         *
         * @throws dev.cutover.ValidationException listing every problem (never a key's value)
         */
        public DatadogMetricSource build() {
            List<Problem> problems = new ArrayList<>();
            if (apiKey == null || apiKey.isBlank()) {
                problems.add(new Problem("datadog.apiKey", "(not set)",
                        "set apiKey(...), datadog.apiKey in the config, or DD_API_KEY in the environment"));
            }
            if (applicationKey == null || applicationKey.isBlank()) {
                problems.add(new Problem("datadog.applicationKey", "(not set)",
                        "set applicationKey(...), datadog.applicationKey in the config, or DD_APP_KEY in the environment"));
            }
            URI base = uri != null ? uri : (site.isBlank() ? null : URI.create("https://api." + site.trim()));
            if (base == null || base.getScheme() == null || !base.getScheme().startsWith("http") || base.getHost() == null) {
                problems.add(new Problem("datadog.uri", String.valueOf(uri != null ? uri : site),
                        "must be an http(s) URI such as https://api.datadoghq.com, or a site such as datadoghq.eu"));
            }
            if (maxAttempts < 1 || maxAttempts > 20) {
                problems.add(new Problem("datadog.backoff.maxAttempts", String.valueOf(maxAttempts), "must be 1-20"));
            }
            if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
                problems.add(new Problem("datadog.backoff", initialBackoff + ".." + maxBackoff,
                        "the first wait must be more than 0 and at most the largest"));
            }
            if (timeout.isNegative() || timeout.isZero()) {
                problems.add(new Problem("datadog.timeout", timeout.toString(), "must be more than 0"));
            }
            if (maxRetryWait.isNegative()) {
                problems.add(new Problem("datadog.maxRetryWait", maxRetryWait.toString(), "must not be negative"));
            }
            if (!problems.isEmpty()) {
                throw new ValidationException("DatadogMetricSource", problems);
            }
            return new DatadogMetricSource(this, base);
        }
    }
}

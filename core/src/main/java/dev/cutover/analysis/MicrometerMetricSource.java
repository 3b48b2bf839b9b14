package dev.cutover.analysis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Answers analysis queries from an in-process Micrometer {@link MeterRegistry} — the one the
 * application under test reports to, in a component test or an embedded deployment tool.
 *
 * <p>Requests are a {@link Timer} (default {@code http.server.requests}, Spring Boot's name) tagged
 * with the revision that served them ({@code revision} by default, compared with
 * {@link MetricContext#revision()}). Every timer of that name and revision counts, whatever its other
 * tags; a request is an error when its tags say so (by default {@code outcome=SERVER_ERROR} or a
 * {@code status} of 5xx). Micrometer's meters are cumulative, so the source keeps a snapshot per
 * revision at each query and answers for the window: from the last snapshot at or before
 * {@link MetricContext#from()} (or the revision's first request) to now.
 *
 * <ul>
 *   <li>{@code ERROR_RATE}: errors ÷ requests in the window; no requests is "no data".</li>
 *   <li>{@code REQUEST_RATE}: requests per second over the window.</li>
 *   <li>{@code LATENCY_P95}/{@code LATENCY_P99} (ms): from the timers' own distribution statistics —
 *       published percentiles ({@code Timer.builder(...).publishPercentiles(0.95, 0.99)}) or histogram
 *       buckets ({@code serviceLevelObjectives(...)}) — which Micrometer keeps over its rolling
 *       {@code distributionStatisticExpiry} (set it to the analysis interval); a timer with neither
 *       is an error that says how to fix it, never a guess from a mean or a max.</li>
 *   <li>{@code CUSTOM}: the expression names a gauge (its value) or a counter (its rate per second
 *       over the window), selected by the same revision tag.</li>
 * </ul>
 *
 * <pre>{@code
 * MeterRegistry registry = new SimpleMeterRegistry();      // the application reports here
 * Cutover cutover = Cutover.builder().provider(provider)
 *     .metrics(MicrometerMetricSource.builder(registry).build())
 *     .build();
 * }</pre>
 */
public final class MicrometerMetricSource implements MetricSource {

    private static final int KEEP = 256;
    private static final int REVISIONS = 1024;

    private final MeterRegistry registry;
    private final String timerName;
    private final String revisionTag;
    private final Function<MetricContext, String> revisionValue;
    private final Predicate<List<Tag>> isError;
    /** Snapshots per revision (and custom query); the least recently queried go first beyond {@value #REVISIONS}. */
    private final Map<String, Deque<Snapshot>> history = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Snapshot>> eldest) {
            return size() > REVISIONS;
        }
    };

    private MicrometerMetricSource(Builder b) {
        this.registry = b.registry;
        this.timerName = b.timerName;
        this.revisionTag = b.revisionTag;
        this.revisionValue = b.revisionValue;
        this.isError = b.isError;
    }

    /** A source over {@code registry} with the defaults below; every one can be changed. */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    @Override
    public String name() {
        return "micrometer";
    }

    @Override
    public synchronized Measurement measure(MetricQuery query, MetricContext context) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(context, "context");
        String revision = revisionValue.apply(context);
        if (query.kind() == MetricQuery.Kind.CUSTOM) {
            return custom(query.expression(), revision, context);
        }
        List<Timer> timers = registry.find(timerName).tag(revisionTag, revision).timers().stream().toList();
        if (timers.isEmpty()) {
            return Measurement.noData("no '" + timerName + "' timer tagged " + revisionTag + "=" + revision);
        }
        Snapshot now = Snapshot.of(context.to(), timers, isError);
        Snapshot base = baseline(timerName + "|" + revision, context.from(), now);
        long requests = now.count - base.count;
        if (requests <= 0) {
            return Measurement.noData("no requests to " + revision + " in the window");
        }
        return switch (query.kind()) {
            case ERROR_RATE -> Measurement.of((double) (now.errors - base.errors) / requests);
            case REQUEST_RATE -> rate(requests, base.at, now.at);
            case LATENCY_P99 -> percentile(0.99, revision, timers);
            case LATENCY_P95 -> percentile(0.95, revision, timers);
            case CUSTOM -> throw new IllegalStateException("handled above");
        };
    }

    private Measurement custom(String expression, String revision, MetricContext context) {
        Meter meter = registry.find(expression).tag(revisionTag, revision).meter();
        if (meter == null) {
            return Measurement.noData("no meter '" + expression + "' tagged " + revisionTag + "=" + revision);
        }
        if (meter instanceof Gauge g) {
            return finite(g.value(), expression);
        }
        double total;
        if (meter instanceof Counter c) {
            total = c.count();
        } else if (meter instanceof FunctionCounter f) {
            total = f.count();
        } else {
            return Measurement.error("'" + expression + "' is a " + meter.getId().getType().name().toLowerCase(java.util.Locale.ROOT)
                    + "; a custom query names a gauge (its value) or a counter (its rate)");
        }
        Snapshot now = new Snapshot(context.to(), (long) total, 0);
        Snapshot base = baseline("custom|" + expression + "|" + revision, context.from(), now);
        return rate(now.count - base.count, base.at, now.at);
    }

    private static Measurement finite(double v, String what) {
        return Double.isFinite(v) ? Measurement.of(v) : Measurement.error(what + " is " + v);
    }

    private static Measurement rate(long events, Instant from, Instant to) {
        double seconds = Duration.between(from, to).toMillis() / 1000.0;
        if (!(seconds > 0)) {
            return Measurement.noData("the window is empty");
        }
        return Measurement.of(events / seconds);
    }

    /**
     * A latency percentile from the timers' own distribution statistics: a client-side percentile the
     * timers publish ({@code publishPercentiles(0.95, 0.99)}), else the histogram buckets they keep
     * ({@code serviceLevelObjectives(...)}, or an aggregable percentile histogram where the registry
     * supports one), read as the upper bound of the bucket holding the percentile. Micrometer keeps
     * both over its own rolling window ({@code distributionStatisticExpiry}, default 2 minutes), not
     * over the query's window.
     */
    private Measurement percentile(double p, String revision, List<Timer> timers) {
        double worst = Double.NaN;
        long count = 0;
        TreeMap<Double, Double> buckets = new TreeMap<>();
        boolean percentiles = true;
        for (Timer t : timers) {
            HistogramSnapshot h = t.takeSnapshot();
            count += h.count();
            double value = Double.NaN;
            for (io.micrometer.core.instrument.distribution.ValueAtPercentile v : h.percentileValues()) {
                if (Math.abs(v.percentile() - p) < 1e-9) {
                    value = v.value(TimeUnit.MILLISECONDS);
                }
            }
            if (Double.isNaN(value)) {
                percentiles = false;
            } else if (h.count() > 0) {
                worst = Double.isNaN(worst) ? value : Math.max(worst, value); // several timers: the slowest answers
            }
            for (CountAtBucket b : h.histogramCounts()) {
                buckets.merge(b.bucket(TimeUnit.MILLISECONDS), b.count(), Double::sum);
            }
        }
        if (percentiles && !Double.isNaN(worst)) {
            return finite(worst, "p" + (int) Math.round(p * 100) + " latency");
        }
        if (buckets.isEmpty()) {
            return Measurement.error("the '" + timerName + "' timers of " + revision + " keep no percentile "
                    + (int) Math.round(p * 100) + " nor histogram; build them with Timer.builder(...).publishPercentiles(0.95, 0.99) "
                    + "or .serviceLevelObjectives(...)");
        }
        double rank = Math.ceil(p * count);
        for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
            if (bucket.getValue() >= rank) { // Micrometer's bucket counts are cumulative (values <= the bound)
                return Measurement.of(bucket.getKey());
            }
        }
        return Measurement.error("p" + (int) Math.round(p * 100) + " latency of " + revision
                + " lies above the largest histogram bucket (" + buckets.lastKey() + " ms); add a larger one");
    }

    /** The snapshot the window starts from, and remembers {@code now} for later windows. */
    private Snapshot baseline(String key, Instant from, Snapshot now) {
        Deque<Snapshot> kept = history.computeIfAbsent(key, k -> new ArrayDeque<>());
        Snapshot base = null;
        for (Snapshot s : kept) {
            if (!s.at.isAfter(from) && s.at.isBefore(now.at)) {
                base = s;
            }
        }
        if (base == null) {
            // no snapshot before the window: the meters count from the revision's first request
            Instant start = kept.isEmpty() ? from : kept.peekFirst().at.isBefore(from) ? kept.peekFirst().at : from;
            base = new Snapshot(start, 0, 0);
        }
        if (kept.isEmpty() || kept.peekLast().at.isBefore(now.at)) {
            kept.addLast(now);
            while (kept.size() > KEEP) {
                kept.removeFirst();
            }
        }
        return base;
    }

    @Override
    public String toString() {
        return "MicrometerMetricSource[" + timerName + " by " + revisionTag + " in " + registry.getClass().getSimpleName() + "]";
    }

    /** Cumulative request and error counts of one revision's timers at one moment. */
    private record Snapshot(Instant at, long count, long errors) {

        static Snapshot of(Instant at, List<Timer> timers, Predicate<List<Tag>> isError) {
            long count = 0;
            long errors = 0;
            for (Timer t : timers) {
                long n = t.count();
                count += n;
                if (isError.test(t.getId().getTags())) {
                    errors += n;
                }
            }
            return new Snapshot(at, count, errors);
        }
    }

    /** Configures a {@link MicrometerMetricSource}. */
    public static final class Builder {
        private final MeterRegistry registry;
        private String timerName = "http.server.requests";
        private String revisionTag = "revision";
        private Function<MetricContext, String> revisionValue = MetricContext::revision;
        private Predicate<List<Tag>> isError = Builder::serverError;

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "metrics.micrometer.registry");
        }

        /** The request timer's name (default {@code http.server.requests}). */
        public Builder requests(String timerName) {
            this.timerName = nonBlank(timerName, "metrics.micrometer.requests");
            return this;
        }

        /** The tag naming the revision that served a request (default {@code revision}). */
        public Builder revisionTag(String tag) {
            this.revisionTag = nonBlank(tag, "metrics.micrometer.revisionTag");
            return this;
        }

        /**
         * The revision tag's value for a query (default {@link MetricContext#revision()}, e.g.
         * {@code stage-orders:7}); for instance a map your test keeps from revision to image version.
         */
        public Builder revisionValue(Function<MetricContext, String> value) {
            this.revisionValue = Objects.requireNonNull(value, "metrics.micrometer.revisionValue");
            return this;
        }

        /** Which requests are errors, by the timer's tags (default: {@code outcome=SERVER_ERROR} or {@code status} 5xx). */
        public Builder errorWhen(Predicate<List<Tag>> isError) {
            this.isError = Objects.requireNonNull(isError, "metrics.micrometer.errorWhen");
            return this;
        }

        public MicrometerMetricSource build() {
            return new MicrometerMetricSource(this);
        }

        private static boolean serverError(List<Tag> tags) {
            for (Tag t : tags) {
                if (t.getKey().equals("outcome") && t.getValue().equals("SERVER_ERROR")
                        || t.getKey().equals("status") && t.getValue().length() == 3 && t.getValue().charAt(0) == '5') {
                    return true;
                }
            }
            return false;
        }

        private static String nonBlank(String value, String field) {
            Objects.requireNonNull(value, field);
            if (value.isBlank()) {
                throw new IllegalArgumentException(field + " must not be blank");
            }
            return value;
        }
    }
}

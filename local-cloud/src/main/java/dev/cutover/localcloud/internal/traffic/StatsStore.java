package dev.cutover.localcloud.internal.traffic;

import dev.cutover.localcloud.RevisionStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Per-revision request statistics in one-second buckets (count, errors, raw latencies), kept for
 * {@link #RETENTION} of simulated time. Thread-safe.
 */
final class StatsStore {

    static final Duration RETENTION = Duration.ofHours(6);

    private static final class Second {
        int requests;
        int errors;
        float[] latencies = new float[8];

        void add(boolean error, double millis) {
            if (requests == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[requests++] = (float) millis;
            if (error) {
                errors++;
            }
        }
    }

    private static final class Series {
        final String region;
        final String cluster;
        final String service;
        final String taskDefinition;
        final String taskDefinitionArn;
        final String image;
        final NavigableMap<Long, Second> seconds = new TreeMap<>();

        Series(String region, String cluster, String service, String taskDefinition, String taskDefinitionArn,
                String image) {
            this.region = region;
            this.cluster = cluster;
            this.service = service;
            this.taskDefinition = taskDefinition;
            this.taskDefinitionArn = taskDefinitionArn;
            this.image = image;
        }

        boolean matches(String cluster, String service) {
            return (cluster == null || this.cluster.equals(cluster)) && (service == null || this.service.equals(service));
        }
    }

    private final Map<String, Series> series = new LinkedHashMap<>();

    synchronized void record(String region, String cluster, String service, TrafficSource.RevisionView revision,
            long epochSecond, boolean error, double millis) {
        String key = region + '|' + cluster + '|' + service + '|' + revision.taskDefinition();
        Series s = series.computeIfAbsent(key, k -> new Series(region, cluster, service, revision.taskDefinition(),
                revision.taskDefinitionArn(), revision.image()));
        s.seconds.computeIfAbsent(epochSecond, k -> new Second()).add(error, millis);
    }

    synchronized void evictBefore(long epochSecond) {
        for (Series s : series.values()) {
            s.seconds.headMap(epochSecond, false).clear();
        }
    }

    synchronized List<RevisionStats> stats(String cluster, String service, Instant from, Instant to) {
        List<RevisionStats> out = new ArrayList<>();
        for (Series s : series.values()) {
            if (s.matches(cluster, service)) {
                RevisionStats r = aggregate(s, from, to);
                if (r.hasData()) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    synchronized List<RevisionStats> series(String cluster, String service, String taskDefinition, Instant from,
            Instant to, Duration step) {
        List<RevisionStats> out = new ArrayList<>();
        Series match = null;
        for (Series s : series.values()) {
            if (s.matches(cluster, service)
                    && (s.taskDefinition.equals(taskDefinition) || s.taskDefinitionArn.equals(taskDefinition))) {
                match = s;
                break;
            }
        }
        for (Instant t = from; t.isBefore(to); t = t.plus(step)) {
            Instant end = t.plus(step).isAfter(to) ? to : t.plus(step);
            out.add(match == null
                    ? new RevisionStats("", cluster, service, taskDefinition, "", "", t, end, 0, 0, 0, 0, 0)
                    : aggregate(match, t, end));
        }
        return out;
    }

    private static RevisionStats aggregate(Series s, Instant from, Instant to) {
        long requests = 0;
        long errors = 0;
        int n = 0;
        Map<Long, Second> window = s.seconds.subMap(from.getEpochSecond(), true, ceilSecond(to), false);
        for (Second sec : window.values()) {
            requests += sec.requests;
            errors += sec.errors;
            n += sec.requests;
        }
        float[] all = new float[n];
        int i = 0;
        for (Second sec : window.values()) {
            System.arraycopy(sec.latencies, 0, all, i, sec.requests);
            i += sec.requests;
        }
        Arrays.sort(all);
        return new RevisionStats(s.region, s.cluster, s.service, s.taskDefinition, s.image, versionOf(s.image), from, to,
                requests, errors, percentile(all, 0.50), percentile(all, 0.95), percentile(all, 0.99));
    }

    private static long ceilSecond(Instant t) {
        return t.getNano() == 0 ? t.getEpochSecond() : t.getEpochSecond() + 1;
    }

    private static double percentile(float[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }

    /** The tag (or digest) of an image reference; {@code latest} when it has none. */
    static String versionOf(String image) {
        if (image == null || image.isEmpty()) {
            return "";
        }
        int at = image.indexOf('@');
        if (at >= 0) {
            return image.substring(at + 1);
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon > slash ? image.substring(colon + 1) : "latest";
    }
}

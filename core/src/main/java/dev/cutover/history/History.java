package dev.cutover.history;

import dev.cutover.Environment;
import dev.cutover.HistoryEntry;
import dev.cutover.Network;
import dev.cutover.Release;
import dev.cutover.engine.Engine;
import dev.cutover.internal.ReleaseCodec;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.JournalException;
import dev.cutover.spi.RevisionRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment history, read from the journal: what ran where, when, and how it ended; the
 * release a deployment recorded when it started, and the environment layout it kept. Machinery
 * behind {@link dev.cutover.Cutover#history(String, String)}, not API.
 */
public final class History {

    private static final Logger LOG = LoggerFactory.getLogger(History.class);

    private final Engine rt;

    /** The history in {@code engine}'s journal. */
    public History(Engine engine) {
        this.rt = engine;
    }

    /** Every deployment of {@code service} to {@code environment} in the journal, oldest first. */
    public List<HistoryEntry> of(String service, String environment) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(environment, "environment");
        return byTarget().getOrDefault(environment + "/" + service, List.of());
    }

    /** Every journal read once, as history entries grouped by {@code <environment>/<service>}, each oldest first. */
    public Map<String, List<HistoryEntry>> byTarget() {
        Map<String, List<HistoryEntry>> out = new java.util.HashMap<>();
        for (String id : rt.journal().deployments()) {
            List<JournalEntry> entries;
            try {
                entries = rt.journal().read(id);
            } catch (JournalException e) {
                LOG.warn("skipping unreadable journal {}: {}", id, e.getMessage());
                continue;
            }
            if (entries.isEmpty() || entries.get(0).get("target") == null) {
                continue;
            }
            out.computeIfAbsent(entries.get(0).get("target"), k -> new ArrayList<>()).add(toHistory(id, entries));
        }
        out.values().forEach(list -> list.sort(java.util.Comparator.comparing(HistoryEntry::startedAt)));
        return out;
    }

    private static HistoryEntry toHistory(String id, List<JournalEntry> entries) {
        JournalEntry first = entries.get(0);
        JournalEntry last = entries.get(entries.size() - 1);
        String revision = "";
        String previous = "";
        String digest = "";
        for (JournalEntry e : entries) {
            if ("promoted".equals(e.type()) && e.get("digest") != null) {
                digest = e.get("digest");
            }
            if ("revision-started".equals(e.type()) || "finished".equals(e.type())) {
                RevisionRef n = Engine.parseRef(e.get("new"));
                RevisionRef o = Engine.parseRef(e.get("old"));
                revision = n == null ? revision : n.id();
                previous = o == null ? previous : o.id();
            }
        }
        boolean finished = "finished".equals(last.type());
        // promoted but not finished: it SUCCEEDED and is retiring its old revision (the rollback window)
        boolean promoted = !finished && entries.stream().anyMatch(e -> "promoted".equals(e.type()))
                && entries.stream().noneMatch(e -> "intent".equals(e.type()) && "rollback".equals(e.get("action")));
        return new HistoryEntry(id, first.get("environment"), first.get("service"), first.get("image"),
                first.get("strategy"), first.at(), finished ? last.at() : null,
                finished ? last.get("outcome") : promoted ? "SUCCEEDED" : "RUNNING", finished ? last.get("detail") : "",
                revision, previous, digest);
    }

    /** The full release a deployment's journal recorded when it started. */
    public Release journaledRelease(String deploymentId) {
        JournalEntry first = rt.journal().read(deploymentId).get(0);
        String json = first.get("release");
        if (json == null) {
            throw new IllegalStateException("the journal of " + deploymentId + " records only the image "
                    + first.get("image") + ", not the whole release (written by an older Cutover); restoring it would "
                    + "bring back default settings, so deploy that release again with plan/apply instead");
        }
        try {
            return ReleaseCodec.decode(json);
        } catch (RuntimeException e) {
            throw new JournalException("the release journaled by " + deploymentId + " cannot be read: " + e.getMessage());
        }
    }

    /** The environment layout a journal keeps, so resume and rollback in a new process address the same resources. */
    public static Map<String, String> layoutOf(Release release) {
        Environment env = release.environment();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cluster", env.cluster());
        m.put("namespace", env.namespace());
        env.mesh().ifPresent(mesh -> m.put("mesh", mesh));
        m.put("traffic", env.trafficMode().name());
        env.loadBalancer().ifPresent(lb -> m.putAll(lb.toMap()));
        Network n = env.network(release.service().name()); // the service's tasks' network, for a restart in a new process
        n.vpc().ifPresent(vpc -> m.put("network.vpc", vpc));
        if (!n.subnets().isEmpty()) {
            m.put("network.subnets", String.join(",", n.subnets()));
        }
        if (!n.securityGroups().isEmpty()) {
            m.put("network.securityGroups", String.join(",", n.securityGroups()));
        }
        n.assignPublicIp().ifPresent(ip -> m.put("network.assignPublicIp", String.valueOf(ip)));
        return m;
    }
}

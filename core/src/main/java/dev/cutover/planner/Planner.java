package dev.cutover.planner;

import dev.cutover.Change;
import dev.cutover.Environment;
import dev.cutover.HistoryEntry;
import dev.cutover.ImageRef;
import dev.cutover.Logs;
import dev.cutover.MissingCapabilityException;
import dev.cutover.Plan;
import dev.cutover.Problem;
import dev.cutover.Release;
import dev.cutover.engine.Engine;
import dev.cutover.internal.Diff;
import dev.cutover.internal.Json;
import dev.cutover.internal.Problems;
import dev.cutover.spi.Capability;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.Provider;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceCapability;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.Traffic;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plans releases for the facade: checks policies and capabilities, resolves secret references,
 * observes what exists in batches, and diffs it against the desired state. Machinery, not API.
 */
public final class Planner {

    private final Engine rt;
    private final AtomicLong observeCalls = new AtomicLong();

    /** A planner that observes through {@code engine}'s providers. */
    public Planner(Engine engine) {
        this.rt = engine;
    }

    /** Makes the plan of one release from its changes and the fingerprint of what they were planned against. */
    @FunctionalInterface
    public interface PlanMaker {
        /** The plan of {@code release}. */
        Plan make(Release release, List<Change> changes, String observedFingerprint);
    }

    /**
     * Checks, observes and diffs {@code releases} together; {@code histories} answers promotion
     * policies (read at most once), {@code maker} makes each release's plan, in order.
     *
     * @throws IllegalArgumentException when two releases target the same service and environment
     */
    public List<Plan> plan(java.util.Collection<Release> releases,
            java.util.function.Supplier<Map<String, List<HistoryEntry>>> histories, PlanMaker maker) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (Release r : releases) {
            Objects.requireNonNull(r, "releases contains null");
            if (!keys.add(r.key())) {
                throw new IllegalArgumentException("two releases target " + r.key() + "; plan them one after the other");
            }
            checkPolicies(r, histories);
            requireCapabilities(r);
        }
        prepareProviders(releases);
        checkTraffic(releases);
        if (rt.offers(Capability.COMPUTE)) { // a tag the provider's registry resolves is planned, journaled and run by digest
            releases = dev.cutover.internal.ImagePinning.pin(releases, rt.provider(Capability.COMPUTE).compute().orElseThrow(),
                    (env, service) -> histories.get().getOrDefault(env + "/" + service, List.of()).stream()
                            .filter(h -> "SUCCEEDED".equals(h.outcome()) && !"rollback".equals(h.strategy())).toList());
        }
        for (Release r : releases) {
            resolveSecrets(r);
        }
        Map<ResourceId, Resource> observed = observeAll(releases);
        List<Plan> plans = new ArrayList<>();
        for (Release r : releases) {
            List<ResourceId> candidates = DesiredState.candidateIds(r);
            Map<ResourceId, Resource> mine = subset(observed, candidates);
            List<Change> changes = describeTraffic(r, Diff.diff(DesiredState.of(r), mine, candidates));
            plans.add(maker.make(r, changes, fingerprint(mine)));
        }
        return plans;
    }


    /** Lets every provider prepare for the releases (before anything is observed). */
    public void prepareProviders(java.util.Collection<Release> releases) {
        List<Release> copy = List.copyOf(releases);
        for (Provider p : rt.providers().values()) {
            p.prepare(copy);
        }
    }

    /** Refuses, before any change, what the traffic provider says it cannot carry out (every problem at once). */
    private void checkTraffic(java.util.Collection<Release> releases) {
        Optional<Traffic> traffic = rt.traffic();
        if (traffic.isEmpty()) {
            return;
        }
        for (Release r : releases) {
            Problems p = new Problems();
            for (Problem problem : traffic.get().check(r)) {
                p.add(problem.path(), problem.value(), problem.message());
            }
            p.throwIfAny("release of '" + r.service().name() + "' to '" + r.environment().name() + "'");
        }
    }

    /** Adds the traffic provider's own words on how it moves traffic to the route change of a rollout. */
    public List<Change> describeTraffic(Release release, List<Change> changes) {
        Optional<Traffic> traffic = rt.traffic();
        if (traffic.isEmpty()) {
            return changes;
        }
        List<Change> out = new ArrayList<>(changes.size());
        for (Change c : changes) {
            if (c.id().type() == ResourceType.ROUTE && !c.isNoOp()) {
                String how = traffic.get().describe(release);
                if (how != null && !how.isBlank()) {
                    c = new Change(c.id(), c.action(), c.before(), c.after(),
                            c.reason().isEmpty() ? how : c.reason() + "; " + how);
                }
            }
            out.add(c);
        }
        return out;
    }


    /** How many observe calls planning has made so far (planning reads in batches). */
    public long observeCalls() {
        return observeCalls.get();
    }

    private void checkPolicies(Release release, java.util.function.Supplier<Map<String, List<HistoryEntry>>> histories) {
        Environment env = release.environment();
        if (env.promotedFrom().isPresent()) {
            String from = env.promotedFrom().get();
            ImageRef image = release.service().image();
            List<HistoryEntry> ran = histories.get().getOrDefault(from + "/" + release.service().name(), List.of()).stream()
                    .filter(h -> "SUCCEEDED".equals(h.outcome()) && !"rollback".equals(h.strategy())).toList();
            boolean promoted;
            if (image.digest().isPresent() && (env.requiresImageDigest() || ran.stream().allMatch(h -> !digestRan(h).isEmpty()))) {
                // the same artifact: a digest the source environment's tasks actually ran, whatever tag they named
                promoted = ran.stream().anyMatch(h -> image.digest().get().equals(digestRan(h)));
            } else {
                promoted = ran.stream().anyMatch(h -> sameArtifact(image.toString(), h.image()));
            }
            if (!promoted) {
                Problems p = new Problems();
                p.add("environment.promotedFrom", from, "image " + image + " has not been deployed successfully to '"
                        + from + "' yet; deploy it there first" + whatRan(from, image, ran));
                p.throwIfAny("release of '" + release.service().name() + "' to '" + env.name() + "'");
            }
        }
        if (!release.strategy().analysis().gates().isEmpty() && !rt.hasMetricSource()) {
            Problems p = new Problems();
            p.add("strategy.analysis.gates", String.valueOf(release.strategy().analysis().gates()),
                    "metric gates need a MetricSource; add Cutover.builder().metrics(...) or a provider with METRICS");
            p.throwIfAny("release of '" + release.service().name() + "'");
        }
    }

    /** The digest a deployment's revision ran: as the provider reported it, else as its image was pinned. */
    private static String digestRan(HistoryEntry h) {
        if (!h.digest().isEmpty()) {
            return h.digest();
        }
        try {
            return ImageRef.parse(h.image()).digest().orElse("");
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** What the source environment ran of the same repository, newest first (at most three), for the error. */
    private static String whatRan(String from, ImageRef image, List<HistoryEntry> ran) {
        List<String> seen = new ArrayList<>();
        for (int i = ran.size() - 1; i >= 0 && seen.size() < 3; i--) {
            HistoryEntry h = ran.get(i);
            String d = digestRan(h);
            seen.add(h.image() + (d.isEmpty() || h.image().contains(d) ? "" : " as " + d));
        }
        if (seen.isEmpty()) {
            return " ('" + from + "' has no successful deployment of it)";
        }
        return image.digest().isPresent() ? "; '" + from + "' ran " + String.join(", ", seen)
                + " (promote one of those digests, pinned as repository@sha256:...)" : "; '" + from + "' ran " + String.join(", ", seen);
    }

    /** The same image, or the same digest when both are pinned. */
    private static boolean sameArtifact(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        ImageRef ra = ImageRef.parse(a);
        ImageRef rb = ImageRef.parse(b);
        if (ra.digest().isPresent() && ra.digest().equals(rb.digest())) {
            return true;
        }
        return ra.repository().equals(rb.repository()) && ra.tag().isPresent() && ra.tag().equals(rb.tag())
                && (ra.digest().isEmpty() || rb.digest().isEmpty());
    }

    private void requireCapabilities(Release release) {
        for (Resource r : DesiredState.of(release)) {
            Capability c = r.id().type().capability();
            if (!rt.offers(c)) {
                throw new MissingCapabilityException(c, "the release needs a " + r.id().type().label());
            }
        }
        if (!secretReferences(release).isEmpty() && !rt.offers(Capability.SECRETS)) {
            throw new MissingCapabilityException(Capability.SECRETS, "the service references secrets");
        }
    }

    /** The service's secret references and the Datadog API key reference of its log configuration. */
    private static java.util.Set<String> secretReferences(Release release) {
        java.util.Set<String> refs = new java.util.LinkedHashSet<>(release.service().secrets().values());
        if (release.service().logs().orElse(null) instanceof Logs.Datadog d) {
            refs.add(d.apiKeySecret());
        }
        return refs;
    }

    private void resolveSecrets(Release release) {
        java.util.Set<String> refs = secretReferences(release);
        if (refs.isEmpty()) {
            return;
        }
        rt.provider(Capability.SECRETS).secrets().orElseThrow().resolve(release.environment().name(), refs);
    }

    /** Observes what every release's plan looks at, once, in batches (the union of their candidate ids). */
    public Map<ResourceId, Resource> observeAll(java.util.Collection<Release> releases) {
        java.util.LinkedHashSet<ResourceId> all = new java.util.LinkedHashSet<>();
        for (Release r : releases) {
            all.addAll(DesiredState.candidateIds(r));
        }
        return observe(List.copyOf(all));
    }

    /** What of {@code observed} one release's plan looks at ({@code candidates}), as its fingerprint is taken. */
    public static Map<ResourceId, Resource> subset(Map<ResourceId, Resource> observed, List<ResourceId> candidates) {
        Map<ResourceId, Resource> mine = new TreeMap<>();
        for (ResourceId id : candidates) {
            Resource res = observed.get(id);
            if (res != null) {
                mine.put(id, res);
            }
        }
        return mine;
    }

    /** Observes {@code ids}, in batches of each capability's {@code observeBatchSize}. */
    public Map<ResourceId, Resource> observe(List<ResourceId> ids) {
        Map<Capability, List<ResourceId>> byCapability = new EnumMap<>(Capability.class);
        for (ResourceId id : ids) {
            Capability c = id.type().capability();
            if (rt.offers(c)) {
                byCapability.computeIfAbsent(c, k -> new ArrayList<>()).add(id);
            }
        }
        Map<ResourceId, Resource> observed = new TreeMap<>();
        byCapability.forEach((c, list) -> {
            ResourceCapability rc = rt.resourceCapability(c);
            int batch = Math.max(1, rc.observeBatchSize());
            for (int i = 0; i < list.size(); i += batch) {
                observeCalls.incrementAndGet();
                for (Resource r : rc.observe(List.copyOf(list.subList(i, Math.min(list.size(), i + batch))))) {
                    observed.put(r.id(), r);
                }
            }
        });
        return observed;
    }

    /** A digest of what was observed, so that apply can tell whether the world changed since planning. */
    public static String fingerprint(Map<ResourceId, Resource> observed) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Resource r : observed.values()) {
                md.update(r.id().toString().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(r.ref().getBytes(StandardCharsets.UTF_8));
                r.attributes().forEach((k, v) -> {
                    md.update(k.getBytes(StandardCharsets.UTF_8));
                    md.update((byte) 1);
                    md.update(v.value().getBytes(StandardCharsets.UTF_8));
                });
                md.update((byte) 2);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The IAM policy (JSON) the providers need to apply {@code plan}. */
    public String permissions(Plan plan) {
        List<Provider.PolicyStatement> statements = new ArrayList<>();
        for (Provider p : rt.providers().values()) {
            statements.addAll(p.requiredPermissions(plan));
        }
        return policy(statements);
    }

    /**
     * The IAM policy (JSON) the providers need to roll {@code release}'s service back to it, applying
     * {@code changes} besides the revision and its traffic ({@link Provider#rollbackPermissions}).
     */
    public String rollbackPermissions(Release release, List<Change> changes) {
        List<Provider.PolicyStatement> statements = new ArrayList<>();
        for (Provider p : rt.providers().values()) {
            statements.addAll(p.rollbackPermissions(release, changes));
        }
        return policy(statements);
    }

    private static String policy(List<Provider.PolicyStatement> statements) {
        List<Object> rendered = new ArrayList<>();
        for (Provider.PolicyStatement s : statements) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Effect", "Allow");
            m.put("Action", s.actions());
            m.put("Resource", s.resources());
            if (!s.conditions().isEmpty()) {
                m.put("Condition", s.conditions());
            }
            rendered.add(m);
        }
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("Version", "2012-10-17");
        policy.put("Statement", rendered);
        return Json.pretty(policy);
    }
}

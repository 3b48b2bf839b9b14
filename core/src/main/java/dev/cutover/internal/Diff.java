package dev.cutover.internal;

import dev.cutover.Change;
import dev.cutover.Change.Action;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Desired against observed: a pure function from two sets of resources to ordered changes. */
public final class Diff {

    private Diff() {
    }

    /** Creations in type order, then deletions in reverse type order; by id within a type. */
    private static final Comparator<Change> APPLY_ORDER = (x, y) -> {
        boolean dx = x.action() == Action.DELETE;
        boolean dy = y.action() == Action.DELETE;
        if (dx != dy) {
            return dx ? 1 : -1;
        }
        int tx = x.id().type().ordinal();
        int ty = y.id().type().ordinal();
        if (tx != ty) {
            return dx ? Integer.compare(ty, tx) : Integer.compare(tx, ty);
        }
        return x.id().compareTo(y.id());
    };

    /** The attributes are equal in value only. */
    private static final int SAME_VALUES = 1;
    /** The attributes are equal in value and sensitivity, so the observed resource can stand for the desired one. */
    private static final int IDENTICAL = 2;

    /**
     * Diffs one release. Allocation-lean, since planning a fleet calls it once per service: an
     * unchanged resource's change reuses the observed resource (same attributes, its provider ref)
     * instead of copying the desired one.
     *
     * @param desired    what the release asks for
     * @param observed   what exists, by id
     * @param candidates ids the release may own; observed ones that are not desired are deleted
     */
    public static List<Change> diff(List<Resource> desired, Map<ResourceId, Resource> observed,
            Collection<ResourceId> candidates) {
        int n = desired.size();
        Resource[] haves = new Resource[n];
        boolean newRevision = false;
        String servingRef = null;
        Resource scaling = null;
        for (int i = 0; i < n; i++) {
            Resource want = desired.get(i);
            Resource have = observed.get(want.id());
            haves[i] = have;
            if (want.id().type() == ResourceType.SCALING) {
                scaling = want;
            }
            if (want.id().type() == ResourceType.REVISION) {
                newRevision = have == null || compare(want, have) == 0;
                servingRef = have == null ? null : have.ref();
            }
        }
        List<Change> changes = new ArrayList<>(n + 2);
        for (int i = 0; i < n; i++) {
            Resource want = desired.get(i);
            Resource have = haves[i];
            ResourceType type = want.id().type();
            if (type == ResourceType.ROUTE && !newRevision && servingRef != null && !servingRef.isEmpty()) {
                // the route should send everything to the revision that serves now (DesiredState.weights of one revision)
                want = new Resource(want.id(), Map.of("weights", Attribute.of(servingRef + "=100")), want.ref());
            }
            if (have == null) {
                changes.add(new Change(want.id(), Action.CREATE, null, want, reasonForCreate(type)));
                continue;
            }
            if (type == ResourceType.SERVICE && scaling != null && scaling.id().name().equals(want.id().name())) {
                Change scaled = autoscaled(want, have, scaling);
                if (scaled != null) {
                    changes.add(scaled);
                    continue;
                }
            }
            int same = compare(want, have);
            if (same == IDENTICAL) {
                changes.add(new Change(want.id(), Action.NO_OP, have, have, ""));
            } else if (same == SAME_VALUES) {
                changes.add(new Change(want.id(), Action.NO_OP, have, want.withRef(have.ref()), ""));
            } else if (type == ResourceType.REVISION) {
                changes.add(new Change(want.id(), Action.REPLACE, have, want, "new revision; traffic moves by the rollout strategy"));
            } else if (type == ResourceType.ROUTE && newRevision) {
                changes.add(new Change(want.id(), Action.UPDATE, have, want, "traffic shifts to the new revision step by step"));
            } else {
                changes.add(new Change(want.id(), Action.UPDATE, have, want.withRef(have.ref()), reasonForUpdate(want, have)));
            }
        }
        for (ResourceId id : candidates) {
            Resource have = observed.get(id);
            if (have != null && !isDesired(desired, id)) {
                changes.add(new Change(id, Action.DELETE, have, null, "no longer in the release"));
            }
        }
        changes.sort(APPLY_ORDER);
        return changes;
    }

    /**
     * The task count of a service with auto scaling belongs to the autoscaler: a count inside the
     * desired range is no change (the plan notes who manages it when it differs from the release's),
     * one outside is clamped into it. Null when the count is the release's or not a number (then
     * the plain comparison decides).
     */
    private static Change autoscaled(Resource want, Resource have, Resource scaling) {
        int count;
        int min;
        int max;
        try {
            count = Integer.parseInt(have.value("desiredCount"));
            min = Integer.parseInt(scaling.value("min"));
            max = Integer.parseInt(scaling.value("max"));
        } catch (RuntimeException e) {
            return null;
        }
        if (have.attributes().size() != 1 || have.value("desiredCount").equals(want.value("desiredCount"))) {
            return null; // the count the release asks for: nothing to say
        }
        if (count >= min && count <= max) {
            return new Change(want.id(), Action.NO_OP, have, have, "desiredCount " + count
                    + " is managed by the autoscaler (range " + min + ".." + max + ")");
        }
        int clamped = Math.max(min, Math.min(max, count));
        Resource after = new Resource(want.id(), Map.of("desiredCount", Attribute.of(String.valueOf(clamped))), have.ref());
        return new Change(want.id(), Action.UPDATE, have, after, "desiredCount " + count + " is outside the autoscaler's range "
                + min + ".." + max + "; clamped to " + clamped);
    }

    private static boolean isDesired(List<Resource> desired, ResourceId id) {
        for (int i = 0, n = desired.size(); i < n; i++) {
            if (desired.get(i).id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    /** 0 when the attributes differ in a key or value, else {@link #SAME_VALUES} or {@link #IDENTICAL}. */
    private static int compare(Resource want, Resource have) {
        Map<String, Attribute> a = want.attributes();
        Map<String, Attribute> b = have.attributes();
        if (a.size() != b.size()) {
            return 0;
        }
        // both maps are sorted by key (Resource keeps them in a TreeMap): walk them side by side
        Iterator<Map.Entry<String, Attribute>> ib = b.entrySet().iterator();
        boolean identical = true;
        for (Map.Entry<String, Attribute> ea : a.entrySet()) {
            Map.Entry<String, Attribute> eb = ib.next();
            if (!ea.getKey().equals(eb.getKey()) || !ea.getValue().value().equals(eb.getValue().value())) {
                return 0;
            }
            identical &= ea.getValue().sensitive() == eb.getValue().sensitive();
        }
        return identical ? IDENTICAL : SAME_VALUES;
    }

    private static String reasonForCreate(ResourceType type) {
        return switch (type) {
            case CLUSTER, NAMESPACE, MESH -> "environment bootstrap";
            case DNS -> "stable DNS name of the service (environment bootstrap; rollouts leave it alone)";
            case CONFIG -> "configuration entries of the service";
            case REVISION -> "first revision of the service";
            case SERVICE -> "task count of the service";
            case ROUTE -> "traffic route for the service";
            case DISCOVERY -> "discovery registration of the service";
            case SCALING -> "auto scaling of the service";
        };
    }

    private static String reasonForUpdate(Resource want, Resource have) {
        if (want.id().type() == ResourceType.ROUTE) {
            String weights = have.value("weights");
            int split = weights == null || weights.isEmpty() ? 0 : weights.split(",").length;
            return split > 1
                    ? "drift: traffic is split between " + split + " revisions; all of it returns to the serving one"
                    : "drift: traffic goes elsewhere than the release says; it returns to the serving revision";
        }
        java.util.TreeSet<String> changed = new java.util.TreeSet<>();
        for (String k : want.attributes().keySet()) {
            if (!Objects.equals(have.value(k), want.value(k))) {
                changed.add(k);
            }
        }
        for (String k : have.attributes().keySet()) {
            if (!want.attributes().containsKey(k)) {
                changed.add(k);
            }
        }
        return "differs in " + String.join(", ", changed);
    }
}

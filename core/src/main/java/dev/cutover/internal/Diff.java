package dev.cutover.internal;

import dev.cutover.Change;
import dev.cutover.Change.Action;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Desired against observed: a pure function from two sets of resources to ordered changes. */
public final class Diff {

    private Diff() {
    }

    /**
     * @param desired    what the release asks for
     * @param observed   what exists, by id
     * @param candidates ids the release may own; observed ones that are not desired are deleted
     */
    public static List<Change> diff(List<Resource> desired, Map<ResourceId, Resource> observed,
            Collection<ResourceId> candidates) {
        List<Change> changes = new ArrayList<>();
        Set<ResourceId> desiredIds = new java.util.HashSet<>();
        boolean newRevision = false;
        String servingRef = null;
        for (Resource want : desired) {
            if (want.id().type() == ResourceType.REVISION) {
                Resource have = observed.get(want.id());
                newRevision = have == null || !sameAttributes(want, have);
                servingRef = have == null ? null : have.ref();
            }
        }
        for (Resource want : desired) {
            desiredIds.add(want.id());
            Resource have = observed.get(want.id());
            if (want.id().type() == ResourceType.ROUTE && !newRevision && servingRef != null && !servingRef.isEmpty()) {
                want = new Resource(want.id(), Map.of("weights", Attribute.of(DesiredState.weights(Map.of(servingRef, 100)))),
                        want.ref());
            }
            if (have == null) {
                changes.add(new Change(want.id(), Action.CREATE, null, want, reasonForCreate(want.id().type())));
            } else if (sameAttributes(want, have)) {
                changes.add(new Change(want.id(), Action.NO_OP, have, want.withRef(have.ref()), ""));
            } else if (want.id().type() == ResourceType.REVISION) {
                changes.add(new Change(want.id(), Action.REPLACE, have, want, "new revision; traffic moves by the rollout strategy"));
            } else if (want.id().type() == ResourceType.ROUTE && newRevision) {
                changes.add(new Change(want.id(), Action.UPDATE, have, want, "traffic shifts to the new revision step by step"));
            } else {
                changes.add(new Change(want.id(), Action.UPDATE, have, want.withRef(have.ref()), reasonForUpdate(want, have)));
            }
        }
        for (ResourceId id : candidates) {
            Resource have = observed.get(id);
            if (have != null && !desiredIds.contains(id)) {
                changes.add(new Change(id, Action.DELETE, have, null, "no longer in the release"));
            }
        }
        changes.sort(Comparator.comparingInt((Change c) -> c.action() == Action.DELETE ? 1 : 0)
                .thenComparingInt(c -> c.action() == Action.DELETE ? -c.id().type().ordinal() : c.id().type().ordinal())
                .thenComparing(Change::id));
        return changes;
    }

    private static boolean sameAttributes(Resource a, Resource b) {
        if (!a.attributes().keySet().equals(b.attributes().keySet())) {
            return false;
        }
        for (Map.Entry<String, Attribute> e : a.attributes().entrySet()) {
            if (!Objects.equals(e.getValue().value(), b.attributes().get(e.getKey()).value())) {
                return false;
            }
        }
        return true;
    }

    private static String reasonForCreate(ResourceType type) {
        return switch (type) {
            case CLUSTER, NAMESPACE, MESH -> "environment bootstrap";
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

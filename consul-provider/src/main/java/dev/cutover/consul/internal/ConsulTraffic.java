package dev.cutover.consul.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.Change;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.ProviderException;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.Traffic;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traffic between revisions in Consul's service mesh: a {@code service-resolver} with one subset
 * per revision (filtered on the instances' {@code cutover_revision} metadata) and a
 * {@code service-splitter} whose splits carry the weights; the splitter's {@code Meta} maps each
 * subset back to its revision id. Splitting needs an L7 protocol, so a missing
 * {@code service-defaults} is created with protocol {@code http}.
 */
public final class ConsulTraffic implements Traffic {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulTraffic.class);
    private static final Set<String> L7 = Set.of("http", "http2", "grpc");
    private static final int MAX_REVISIONS = 10;

    private final ConfigEntries entries;
    private final ServiceNames names;

    public ConsulTraffic(ConfigEntries entries, ServiceNames names) {
        this.entries = entries;
        this.names = names;
    }

    @Override
    public Map<String, Integer> weights(String environment, String service) {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(service, "service");
        Optional<ObjectNode> splitter = entries.get("service-splitter", names.of(environment, service));
        if (splitter.isEmpty()) {
            return Map.of();
        }
        JsonNode meta = splitter.get().path("Meta");
        Map<String, Integer> out = new TreeMap<>();
        for (JsonNode split : splitter.get().path("Splits")) {
            String subset = split.path("ServiceSubset").asText("");
            String revision = meta.path(subset).asText(subset);
            int weight = BigDecimal.valueOf(split.path("Weight").asDouble()).setScale(0, java.math.RoundingMode.HALF_UP).intValue();
            if (weight > 0) {
                out.merge(revision, weight, Integer::sum);
            }
        }
        return out;
    }

    @Override
    public void setWeights(String environment, String service, Map<String, Integer> weights) {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(weights, "weights");
        Map<String, Integer> w = check(weights);
        String name = names.of(environment, service);
        ensureL7(name);
        // most traffic first; the resolver's default subset is the revision with the most
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(w.entrySet());
        sorted.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));

        ObjectNode resolver = ConfigEntries.JSON.createObjectNode().put("Kind", "service-resolver").put("Name", name);
        ObjectNode subsets = resolver.putObject("Subsets");
        ObjectNode splitter = ConfigEntries.JSON.createObjectNode().put("Kind", "service-splitter").put("Name", name);
        ArrayNode splits = splitter.putArray("Splits");
        ObjectNode meta = splitter.putObject("Meta");
        for (Map.Entry<String, Integer> e : sorted) {
            String subset = ConsulDiscovery.slug(e.getKey());
            if (meta.has(subset)) {
                throw invalid("revisions '" + meta.path(subset).asText() + "' and '" + e.getKey()
                        + "' map to the same Consul subset name '" + subset + "'");
            }
            subsets.putObject(subset).put("Filter", "Service.Meta." + ConsulDiscovery.META_REVISION + " == \""
                    + e.getKey().replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
            splits.addObject().put("Weight", e.getValue()).put("ServiceSubset", subset);
            meta.put(subset, e.getKey());
        }
        resolver.put("DefaultSubset", ConsulDiscovery.slug(sorted.get(0).getKey()));
        entries.put(resolver);
        entries.put(splitter);
        LOG.info("traffic of {}/{} in Consul: {}", environment, service, DesiredState.weights(w));
    }

    private void ensureL7(String name) {
        Optional<ObjectNode> defaults = entries.get("service-defaults", name);
        if (defaults.isEmpty()) {
            entries.put(ConfigEntries.JSON.createObjectNode().put("Kind", "service-defaults").put("Name", name).put("Protocol", "http"));
            return;
        }
        String protocol = defaults.get().path("Protocol").asText("").toLowerCase(Locale.ROOT);
        if (!protocol.isEmpty() && !L7.contains(protocol)) {
            throw invalid("the service-defaults of '" + name + "' set protocol '" + protocol
                    + "'; Consul splits traffic only for http, http2 or grpc: change its Protocol");
        }
        if (protocol.isEmpty()) {
            ObjectNode updated = defaults.get().deepCopy();
            updated.remove(List.of("CreateIndex", "ModifyIndex"));
            updated.put("Protocol", "http");
            entries.put(updated);
        }
    }

    private static Map<String, Integer> check(Map<String, Integer> weights) {
        Map<String, Integer> w = new LinkedHashMap<>();
        int sum = 0;
        for (Map.Entry<String, Integer> e : weights.entrySet()) {
            Integer v = e.getValue();
            if (e.getKey() == null || e.getKey().isBlank() || v == null || v < 0 || v > 100) {
                throw invalid("weights must map revision ids to 0-100, got " + weights);
            }
            if (e.getKey().equals(DesiredState.NEW_REVISION)) {
                throw invalid("'" + DesiredState.NEW_REVISION + "' is a placeholder; start the revision first");
            }
            sum += v;
            if (v > 0) {
                w.put(e.getKey(), v);
            }
        }
        if (sum != 100) {
            throw invalid("weights must sum to 100 (Consul's service-splitter requires it), got " + sum + " in " + weights);
        }
        if (w.size() > MAX_REVISIONS) {
            throw invalid("at most " + MAX_REVISIONS + " revisions may get traffic, got " + w.size());
        }
        return w;
    }

    @Override
    public List<Resource> observe(List<ResourceId> ids) {
        List<Resource> out = new ArrayList<>();
        for (ResourceId id : ids) {
            if (id.type() == ResourceType.ROUTE) {
                Map<String, Integer> w = weights(id.environment(), id.name());
                if (!w.isEmpty()) {
                    out.add(Resource.of(id, Map.of("weights", Attribute.of(DesiredState.weights(w)))));
                }
            }
        }
        return out;
    }

    @Override
    public void apply(Change change) {
        ResourceId id = change.id();
        if (id.type() != ResourceType.ROUTE) {
            throw invalid("Consul traffic owns route resources only (Consul has no mesh resource to create), not " + id);
        }
        switch (change.action()) {
            case NO_OP -> {
            }
            case DELETE -> {
                String name = names.of(id.environment(), id.name());
                entries.delete("service-splitter", name);
                entries.delete("service-resolver", name);
            }
            default -> {
                Map<String, Integer> w = parse(change.after().value("weights"));
                if (w.containsKey(DesiredState.NEW_REVISION)) {
                    LOG.debug("route {} names the revision a rollout creates; the rollout sets its weights", id);
                    return;
                }
                setWeights(id.environment(), id.name(), w);
            }
        }
    }

    private static Map<String, Integer> parse(String weights) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (weights == null || weights.isBlank()) {
            return out;
        }
        for (String part : weights.split(",")) {
            int eq = part.lastIndexOf('=');
            try {
                out.put(part.substring(0, eq), Integer.parseInt(part.substring(eq + 1)));
            } catch (RuntimeException e) {
                throw invalid("unreadable weights '" + weights + "'; expected <revision>=<percent>,...");
            }
        }
        return out;
    }

    private static ProviderException invalid(String message) {
        return new ProviderException(ConsulCalls.PROVIDER, "SetWeights", false, message);
    }
}

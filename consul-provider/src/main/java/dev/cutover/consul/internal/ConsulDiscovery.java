package dev.cutover.consul.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.orbitz.consul.AgentClient;
import com.orbitz.consul.HealthClient;
import com.orbitz.consul.model.agent.ImmutableRegCheck;
import com.orbitz.consul.model.agent.ImmutableRegistration;
import com.orbitz.consul.model.health.HealthCheck;
import com.orbitz.consul.model.health.Service;
import com.orbitz.consul.model.health.ServiceHealth;
import com.orbitz.consul.model.kv.Value;
import com.orbitz.consul.option.ImmutableQueryOptions;
import com.orbitz.consul.option.QueryOptions;
import dev.cutover.Change;
import dev.cutover.Release;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.Discovery;
import dev.cutover.spi.ProviderException;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.RevisionRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service registration and health in Consul. Each instance of a revision is an agent service
 * (ID {@code <env>-<service>-<revision>-<n>}) with an HTTP check on the service's health path,
 * tags {@code version=}, {@code environment=}, {@code deployment=}, {@code revision=}, and the
 * same values in {@code cutover_*} metadata (which the traffic splitter's subsets filter on).
 * The namespace and discovery resources are kept as records in KV.
 */
public final class ConsulDiscovery implements Discovery {

    /** Metadata key of the revision id on each instance. */
    public static final String META_REVISION = "cutover_revision";
    static final String META_ENVIRONMENT = "cutover_environment";
    static final String META_SERVICE = "cutover_service";
    static final String META_VERSION = "cutover_version";
    static final String META_DEPLOYMENT = "cutover_deployment";

    private static final Logger LOG = LoggerFactory.getLogger(ConsulDiscovery.class);
    private static final String FAMILY = "consul.agent";

    private final AgentClient agent;
    private final HealthClient health;
    private final Kv kv;
    private final ConsulKeys keys;
    private final ConsulCalls calls;
    private final String datacenter;
    private final ServiceNames names;

    public ConsulDiscovery(AgentClient agent, HealthClient health, Kv kv, ConsulKeys keys, ConsulCalls calls, String datacenter,
                           ServiceNames names) {
        this.agent = agent;
        this.health = health;
        this.kv = kv;
        this.keys = keys;
        this.calls = calls;
        this.datacenter = datacenter;
        this.names = names;
    }

    @Override
    public List<Resource> observe(List<ResourceId> ids) {
        List<Resource> out = new ArrayList<>();
        for (ResourceId id : ids) {
            if (id.type() == ResourceType.NAMESPACE) {
                kv.get("ReadNamespace", keys.namespaceKey("ReadNamespace", id.environment()))
                        .map(ConsulDiscovery::text)
                        .ifPresent(name -> out.add(Resource.of(id, Map.of("name", Attribute.of(name)))));
            } else if (id.type() == ResourceType.DISCOVERY) {
                Optional<Value> v = kv.get("ReadDiscovery", keys.discoveryKey("ReadDiscovery", id.environment(), id.name()));
                if (v.isPresent()) {
                    Map<String, Attribute> attrs = new LinkedHashMap<>();
                    record(text(v.get())).forEach((k, val) -> attrs.put(k, Attribute.of(val)));
                    if (attrs.containsKey("name")) {
                        names.remember(id.environment(), id.name(), attrs.get("name").value());
                    }
                    out.add(Resource.of(id, attrs));
                }
            }
        }
        return out;
    }

    @Override
    public void apply(Change change) {
        ResourceId id = change.id();
        boolean delete = change.action() == Change.Action.DELETE;
        if (change.action() == Change.Action.NO_OP) {
            return;
        }
        if (id.type() == ResourceType.NAMESPACE) {
            String key = keys.namespaceKey("ApplyNamespace", id.environment());
            if (delete) {
                kv.delete("DeleteNamespace", key, null);
            } else {
                kv.put("PutNamespace", key, change.after().value("name"), null);
            }
        } else if (id.type() == ResourceType.DISCOVERY) {
            String key = keys.discoveryKey("ApplyDiscovery", id.environment(), id.name());
            if (delete) {
                kv.delete("DeleteDiscovery", key, null);
            } else {
                Map<String, String> attrs = new LinkedHashMap<>();
                change.after().attributes().forEach((k, a) -> attrs.put(k, a.value()));
                kv.put("PutDiscovery", key, ConfigEntries.JSON.valueToTree(attrs).toString(), null);
                if (attrs.containsKey("name")) {
                    names.remember(id.environment(), id.name(), attrs.get("name"));
                }
            }
        } else {
            throw new ProviderException(ConsulCalls.PROVIDER, "ApplyDiscovery", false,
                    "Consul discovery owns namespace and discovery resources only, not " + id);
        }
    }

    @Override
    public void revisionStarted(RevisionRef revision, Release release, String deploymentId) {
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(deploymentId, "deploymentId");
        dev.cutover.Service service = release.service();
        String name = service.discoveryName();
        names.remember(revision.environment(), revision.service(), name);
        for (int i = 0; i < service.instances(); i++) {
            String instance = instanceId(revision, i);
            String address = instance + "." + release.environment().namespace();
            ImmutableRegCheck check = ImmutableRegCheck.builder()
                    .http("http://" + address + ":" + service.port() + service.healthCheck().path())
                    .interval(service.healthCheck().interval().toSeconds() + "s")
                    .timeout(service.healthCheck().timeout().toSeconds() + "s")
                    .build();
            ImmutableRegistration registration = ImmutableRegistration.builder()
                    .id(instance)
                    .name(name)
                    .address(address)
                    .port(service.port())
                    .addTags("version=" + revision.version(), "environment=" + revision.environment(),
                            "deployment=" + deploymentId, "revision=" + revision.id())
                    .putMeta(META_REVISION, revision.id())
                    .putMeta(META_ENVIRONMENT, revision.environment())
                    .putMeta(META_SERVICE, revision.service())
                    .putMeta(META_VERSION, revision.version())
                    .putMeta(META_DEPLOYMENT, deploymentId)
                    .addChecks(check)
                    .build();
            calls.run(FAMILY, "RegisterService", () -> agent.register(registration));
        }
        LOG.info("registered {} instance(s) of {} in Consul as '{}'", service.instances(), revision, name);
    }

    @Override
    public void revisionRetired(RevisionRef revision) {
        Objects.requireNonNull(revision, "revision");
        int n = 0;
        for (Service s : instances(revision)) {
            calls.run(FAMILY, "DeregisterService", () -> agent.deregister(s.getId()));
            n++;
        }
        LOG.info("deregistered {} instance(s) of {} from Consul", n, revision);
    }

    @Override
    public Optional<InstanceHealth> health(RevisionRef revision) {
        Objects.requireNonNull(revision, "revision");
        Set<String> serviceNames = new TreeSet<>();
        instances(revision).forEach(s -> serviceNames.add(s.getService()));
        if (serviceNames.isEmpty()) {
            return Optional.empty();
        }
        int passing = 0;
        int critical = 0;
        for (String name : serviceNames) {
            QueryOptions q = datacenter == null ? QueryOptions.BLANK : ImmutableQueryOptions.builder().datacenter(datacenter).build();
            List<ServiceHealth> all = calls.call("consul.health", "HealthService",
                    () -> health.getAllServiceInstances(name, q).getResponse());
            for (ServiceHealth sh : all) {
                if (!belongs(sh.getService(), revision)) {
                    continue;
                }
                List<String> states = sh.getChecks().stream().map(HealthCheck::getStatus).map(s -> s.toLowerCase(Locale.ROOT)).toList();
                if (states.contains("critical")) {
                    critical++;
                } else if (states.stream().allMatch("passing"::equals)) {
                    passing++;
                }
            }
        }
        return Optional.of(new InstanceHealth(passing, critical));
    }

    /** The agent services registered for a revision. */
    private List<Service> instances(RevisionRef revision) {
        Map<String, Service> services = calls.call(FAMILY, "ListServices", () -> agent.getServices());
        return services.values().stream().filter(s -> belongs(s, revision)).toList();
    }

    private static boolean belongs(Service s, RevisionRef revision) {
        Map<String, String> meta = s.getMeta();
        return revision.id().equals(meta.get(META_REVISION)) && revision.environment().equals(meta.get(META_ENVIRONMENT))
                && revision.service().equals(meta.get(META_SERVICE));
    }

    /** {@code <env>-<service>-<revision slug>-<n>}. */
    static String instanceId(RevisionRef revision, int index) {
        return revision.environment() + "-" + revision.service() + "-" + slug(revision.id()) + "-" + index;
    }

    /** A revision id as lowercase letters, digits and hyphens (Consul subset names, DNS labels). */
    public static String slug(String id) {
        String s = id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "r" : s;
    }

    private static Map<String, String> record(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            JsonNode node = ConfigEntries.JSON.readTree(json);
            node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        } catch (IOException e) {
            LOG.warn("unreadable discovery record in Consul KV; treating it as empty");
        }
        return out;
    }

    private static String text(Value v) {
        return v.getValueAsString(StandardCharsets.UTF_8).orElse("");
    }
}

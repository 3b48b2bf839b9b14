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
import dev.cutover.spi.RunningTask;
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
 *
 * <p>Next to a compute provider that reports its running tasks (ECS), each task is one instance
 * instead ({@link #registerTasks}): ID {@code <env>-<service>-<revision>-<task id>}, the task's
 * private IP and the service port, an HTTP check on {@code http://<ip>:<port><health path>} that
 * Consul deregisters after {@value #DEREGISTER_CRITICAL_AFTER} critical, and the task id in
 * {@code cutover_task} metadata.
 */
public final class ConsulDiscovery implements Discovery {

    /** Metadata key of the revision id on each instance. */
    public static final String META_REVISION = "cutover_revision";
    static final String META_ENVIRONMENT = "cutover_environment";
    static final String META_SERVICE = "cutover_service";
    static final String META_VERSION = "cutover_version";
    static final String META_DEPLOYMENT = "cutover_deployment";
    /** Metadata key of the compute provider's task id on an instance registered for a running task. */
    public static final String META_TASK = "cutover_task";
    /**
     * How long Consul keeps an instance whose check stays critical (DeregisterCriticalServiceAfter):
     * a task that stops while no deployment watches its revision leaves Consul by itself.
     */
    static final String DEREGISTER_CRITICAL_AFTER = "10m";

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
            register(instance, name, address, service.port(), address + ":" + service.port(), service, revision, deploymentId, null);
        }
        LOG.info("registered {} instance(s) of {} in Consul as '{}'", service.instances(), revision, name);
    }

    /**
     * Registers each running task not registered yet and deregisters the revision's instances whose
     * task no longer runs (and instances registered without a task, by {@link #revisionStarted}).
     */
    @Override
    public void registerTasks(RevisionRef revision, Release release, String deploymentId, List<RunningTask> tasks) {
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(tasks, "tasks");
        dev.cutover.Service service = release.service();
        String name = service.discoveryName();
        names.remember(revision.environment(), revision.service(), name);
        Map<String, RunningTask> wanted = new LinkedHashMap<>();
        for (RunningTask t : tasks) {
            wanted.put(taskInstanceId(revision, t.id()), t);
        }
        int removed = 0;
        for (Service s : instances(revision)) {
            RunningTask t = wanted.get(s.getId());
            if (t != null && t.address().equals(s.getAddress()) && t.port() == s.getPort()) {
                wanted.remove(s.getId()); // registered already
            } else if (t == null) {
                deregister(s.getId());
                removed++;
            }
        }
        for (Map.Entry<String, RunningTask> e : wanted.entrySet()) {
            RunningTask t = e.getValue();
            register(e.getKey(), name, t.address(), t.port(), hostPort(t.address(), t.port()), service, revision, deploymentId, t.id());
        }
        if (!wanted.isEmpty() || removed > 0) {
            LOG.info("{} in Consul as '{}': registered {} task(s), deregistered {} ({} running)", revision, name, wanted.size(),
                    removed, tasks.size());
        }
    }

    @Override
    public List<String> sweep(String environment, String service, Set<String> keep) {
        Objects.requireNonNull(keep, "keep");
        Set<String> removed = new TreeSet<>();
        Map<String, Service> services = calls.call(FAMILY, "ListServices", () -> agent.getServices());
        for (Service s : services.values()) {
            Map<String, String> meta = s.getMeta();
            String revision = meta.get(META_REVISION);
            if (revision != null && environment.equals(meta.get(META_ENVIRONMENT)) && service.equals(meta.get(META_SERVICE))
                    && !keep.contains(revision)) {
                deregister(s.getId());
                removed.add(revision);
            }
        }
        if (!removed.isEmpty()) {
            LOG.info("{}/{}: deregistered the Consul instances of {} (not serving)", environment, service, removed);
        }
        return List.copyOf(removed);
    }

    /**
     * Registers one instance with its HTTP check on {@code http://<hostPort><health path>}; an instance of a
     * running task ({@code taskId} not null) also carries the task id and is reaped by Consul after
     * {@value #DEREGISTER_CRITICAL_AFTER} critical.
     */
    private void register(String id, String name, String address, int port, String hostPort, dev.cutover.Service service,
            RevisionRef revision, String deploymentId, String taskId) {
        ImmutableRegCheck.Builder check = ImmutableRegCheck.builder()
                .http("http://" + hostPort + service.healthCheck().path())
                .interval(service.healthCheck().interval().toSeconds() + "s")
                .timeout(service.healthCheck().timeout().toSeconds() + "s");
        if (taskId != null) {
            check.deregisterCriticalServiceAfter(DEREGISTER_CRITICAL_AFTER);
        }
        ImmutableRegistration.Builder registration = ImmutableRegistration.builder()
                .id(id)
                .name(name)
                .address(address)
                .port(port)
                .addTags("version=" + revision.version(), "environment=" + revision.environment(),
                        "deployment=" + deploymentId, "revision=" + revision.id())
                .putMeta(META_REVISION, revision.id())
                .putMeta(META_ENVIRONMENT, revision.environment())
                .putMeta(META_SERVICE, revision.service())
                .putMeta(META_VERSION, revision.version())
                .putMeta(META_DEPLOYMENT, deploymentId)
                .addChecks(check.build());
        if (taskId != null) {
            registration.putMeta(META_TASK, taskId);
        }
        ImmutableRegistration built = registration.build();
        calls.run(FAMILY, "RegisterService", () -> agent.register(built));
    }

    /**
     * Deregisters one instance; one that is gone already (404 "Unknown service ID": an earlier attempt
     * applied whose answer was lost, or Consul's reaper) counts as deregistered, so a retry is harmless.
     */
    private void deregister(String serviceId) {
        calls.run(FAMILY, "DeregisterService", () -> {
            try {
                agent.deregister(serviceId);
            } catch (com.orbitz.consul.ConsulException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        });
    }

    private static String hostPort(String address, int port) {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }

    @Override
    public void revisionRetired(RevisionRef revision) {
        Objects.requireNonNull(revision, "revision");
        int n = 0;
        for (Service s : instances(revision)) {
            deregister(s.getId());
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
                // a check Consul has not run yet is critical with no output: the instance is pending, not failing
                List<String> states = sh.getChecks().stream()
                        .filter(c -> !("critical".equalsIgnoreCase(c.getStatus()) && c.getOutput().map(String::isEmpty).orElse(true)))
                        .map(HealthCheck::getStatus).map(s -> s.toLowerCase(Locale.ROOT)).toList();
                if (states.size() < sh.getChecks().size()) {
                    continue;
                }
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

    /** {@code <env>-<service>-<revision slug>-<task id>}: one instance per running task. */
    static String taskInstanceId(RevisionRef revision, String taskId) {
        return revision.environment() + "-" + revision.service() + "-" + slug(revision.id()) + "-" + slug(taskId);
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

package dev.cutover.aws.internal;

import dev.cutover.Change;
import dev.cutover.aws.internal.Layouts.Layout;
import dev.cutover.spi.Discovery;
import dev.cutover.spi.ProviderException;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import dev.cutover.spi.RevisionRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.servicediscovery.model.DnsRecord;
import software.amazon.awssdk.services.servicediscovery.model.FilterCondition;
import software.amazon.awssdk.services.servicediscovery.model.NamespaceFilter;
import software.amazon.awssdk.services.servicediscovery.model.NamespaceFilterName;
import software.amazon.awssdk.services.servicediscovery.model.NamespaceSummary;
import software.amazon.awssdk.services.servicediscovery.model.Operation;
import software.amazon.awssdk.services.servicediscovery.model.OperationStatus;
import software.amazon.awssdk.services.servicediscovery.model.RecordType;
import software.amazon.awssdk.services.servicediscovery.model.RoutingPolicy;
import software.amazon.awssdk.services.servicediscovery.model.ServiceFilter;
import software.amazon.awssdk.services.servicediscovery.model.ServiceFilterName;
import software.amazon.awssdk.services.servicediscovery.model.ServiceSummary;

/**
 * Discovery in Cloud Map: the environment's private DNS namespace (created asynchronously, polled
 * with GetOperation in the provider's time), one Cloud Map service per Cutover service (its
 * discovery name; the port is kept in the description), and in App Mesh mode one per revision for
 * its virtual node. ECS registers the tasks through the ECS service's {@code serviceRegistries}.
 */
public final class CloudMapDiscovery implements Discovery {

    private static final Logger LOG = LoggerFactory.getLogger(CloudMapDiscovery.class);
    private static final String PORT_PREFIX = "cutover port=";

    private final AwsRuntime rt;
    private final Map<String, String> namespaceIds = new ConcurrentHashMap<>();
    private Route53Names names;

    public CloudMapDiscovery(AwsRuntime rt) {
        this.rt = rt;
    }

    /** Where the services' stable DNS names ({@code dns} resources) are observed and written. */
    void names(Route53Names names) {
        this.names = names;
    }

    @Override
    public List<Resource> observe(List<ResourceId> ids) {
        rt.layouts().learnFrom(ids);
        List<Resource> out = new ArrayList<>();
        Map<String, Map<String, ServiceSummary>> servicesByNamespace = new HashMap<>();
        for (ResourceId id : ids) {
            if (id.type() == ResourceType.DNS) {
                names.observe(id).ifPresent(out::add);
            } else if (id.type() == ResourceType.NAMESPACE) {
                namespace(rt.layouts().of(id.environment()), id.name()).ifPresent(ns -> out.add(new Resource(id, EcsCompute.attrs("name", ns.name()), ns.arn())));
            } else if (id.type() == ResourceType.DISCOVERY) {
                Layout layout = rt.layouts().of(id.environment());
                String name = rt.layouts().discoveryName(id.environment(), id.name());
                Map<String, ServiceSummary> services = servicesByNamespace.computeIfAbsent(layout.region() + "/" + layout.namespace(),
                        k -> services(layout));
                ServiceSummary s = services.get(name);
                if (s != null) {
                    String desc = s.description() == null ? "" : s.description();
                    String port = desc.startsWith(PORT_PREFIX) ? desc.substring(PORT_PREFIX.length()) : "";
                    out.add(new Resource(id, EcsCompute.attrs("name", s.name(), "namespace", layout.namespace(), "port", port),
                            s.arn()));
                }
            }
        }
        return out;
    }

    /**
     * A fleet's services in one observe call, whatever its size: the namespace's services are listed
     * once (100 per page) for all of them. (At 1,000, a fleet of 1,000 services and its namespace's id
     * made two batches, and the second listed the namespace again: 20 ListServices instead of 10.)
     */
    @Override
    public int observeBatchSize() {
        return 100_000;
    }

    @Override
    public void apply(Change change) {
        ResourceId id = change.id();
        if (id.type() == ResourceType.NAMESPACE) {
            Layout env = rt.layouts().of(id.environment());
            if (change.action() == Change.Action.DELETE) {
                namespace(env, id.name()).ifPresent(ns -> {
                    String op = rt.cloudMap("DeleteNamespace", () -> rt.clients(env).cloudMap().deleteNamespace(b -> b.id(ns.id())))
                            .operationId();
                    await(env, op, "delete namespace " + id.name());
                    namespaceIds.remove(env.region() + "/" + id.name());
                });
            } else if (namespace(env, id.name()).isEmpty()) {
                createNamespace(env, id.name());
            }
            return;
        }
        if (id.type() == ResourceType.DNS) {
            names.apply(change);
            return;
        }
        if (id.type() != ResourceType.DISCOVERY) {
            throw new IllegalArgumentException("the AWS discovery capability does not own " + id);
        }
        Layout layout = rt.layouts().of(id.environment());
        if (change.action() == Change.Action.DELETE) {
            Resource before = change.beforeState().orElseThrow();
            deleteService(layout, before.value("name"));
            return;
        }
        Resource after = change.afterState().orElseThrow();
        int port = Integer.parseInt(after.value("port"));
        rt.layouts().learnService(id.environment(), id.name(), after.value("name"), port);
        ServiceSummary existing = services(layout).get(after.value("name"));
        if (existing == null) {
            createService(layout, id.name(), after.value("name"), port);
        } else if (!(PORT_PREFIX + port).equals(existing.description())) {
            // the port lives in the description: without UpdateService a port change would plan as an update forever
            String op = rt.cloudMap("UpdateService", () -> rt.clients(layout).cloudMap().updateService(b -> b.id(existing.id())
                    .service(c -> c.description(PORT_PREFIX + port)))).operationId();
            await(layout, op, "update service " + existing.name());
        }
    }

    /** Creates the private DNS namespace in the environment's Region and VPC (its network's, else the provider's). */
    private void createNamespace(Layout layout, String name) {
        String vpc = layout.network().vpc().orElse(rt.settings().vpcId());
        String op;
        try {
            op = rt.cloudMap("CreatePrivateDnsNamespace", () -> rt.clients(layout).cloudMap().createPrivateDnsNamespace(b -> b
                    .name(name).vpc(vpc).creatorRequestId("cutover-" + name)
                    .description("Cutover namespace")).operationId());
        } catch (ProviderException e) {
            if (AwsErrors.is(e, "NamespaceAlreadyExists")) {
                return;
            }
            throw e;
        }
        await(layout, op, "create namespace " + name);
    }

    /** Polls GetOperation in the provider's time until the operation succeeds; fails on FAIL or timeout. */
    private void await(Layout layout, String operationId, String what) {
        Optional<Operation> done = rt.poll(rt.settings().operationTimeout(), () -> {
            Operation o = rt.cloudMap("GetOperation", () -> rt.clients(layout).cloudMap().getOperation(b -> b.operationId(operationId))
                    .operation());
            return o.status() == OperationStatus.SUCCESS || o.status() == OperationStatus.FAIL ? Optional.of(o) : Optional.empty();
        });
        if (done.isEmpty()) {
            throw new ProviderException("aws", "GetOperation", true, "servicediscovery " + what + " (operation " + operationId
                    + ") did not finish within " + rt.settings().operationTimeout());
        }
        if (done.get().status() == OperationStatus.FAIL) {
            throw new ProviderException("aws", "GetOperation", false, "servicediscovery " + what + " failed: "
                    + done.get().errorCode() + ": " + done.get().errorMessage());
        }
        LOG.info("Cloud Map: {} done", what);
    }

    Optional<NamespaceSummary> namespace(Layout layout, String name) {
        List<NamespaceSummary> found = rt.cloudMap("ListNamespaces", () -> rt.clients(layout).cloudMap().listNamespaces(b -> b
                .filters(NamespaceFilter.builder().name(NamespaceFilterName.NAME).values(name).condition(FilterCondition.EQ).build())))
                .namespaces();
        Optional<NamespaceSummary> ns = found.stream().filter(n -> name.equals(n.name())).findFirst();
        ns.ifPresent(n -> namespaceIds.put(layout.region() + "/" + name, n.id()));
        return ns;
    }

    /** The ARN of the layout's namespace when it was observed (planning lists it), for the deployer's policy. */
    public Optional<String> knownNamespaceArn(Layout layout) {
        return Optional.ofNullable(namespaceIds.get(layout.region() + "/" + layout.namespace()))
                .map(id -> rt.settings().inRegion(layout.region()).arn("servicediscovery", "namespace/" + id));
    }

    /** The ARN of the layout's namespace, listed (ListNamespaces) when not known yet; empty when it does not exist. */
    public Optional<String> lookUpNamespaceArn(Layout layout) {
        return namespace(layout, layout.namespace()).flatMap(n -> knownNamespaceArn(layout));
    }

    private String namespaceId(Layout layout) {
        String name = layout.namespace();
        String id = namespaceIds.get(layout.region() + "/" + name);
        if (id != null) {
            return id;
        }
        return namespace(layout, name).map(NamespaceSummary::id).orElseThrow(() -> new ProviderException("aws", "ListNamespaces", false,
                "Cloud Map namespace '" + name + "' does not exist; apply the environment bootstrap first"));
    }

    /** The Cloud Map services of the layout's namespace, by name. */
    private Map<String, ServiceSummary> services(Layout layout) {
        String namespace = layout.namespace();
        Map<String, ServiceSummary> out = new HashMap<>();
        Optional<String> nsId = Optional.ofNullable(namespaceIds.get(layout.region() + "/" + namespace))
                .or(() -> namespace(layout, namespace).map(NamespaceSummary::id));
        if (nsId.isEmpty()) {
            return out;
        }
        String token = null;
        do {
            String next = token;
            var page = rt.cloudMap("ListServices", () -> rt.clients(layout).cloudMap().listServices(b -> b.nextToken(next)
                    .filters(ServiceFilter.builder().name(ServiceFilterName.NAMESPACE_ID).values(nsId.get())
                            .condition(FilterCondition.EQ).build())));
            page.services().forEach(s -> out.put(s.name(), s));
            token = page.nextToken();
        } while (token != null);
        return out;
    }

    /**
     * The layout's namespace, created when missing: for Service Connect when another provider (Consul)
     * serves discovery and no plan bootstraps the Cloud Map namespace.
     */
    void ensureNamespace(Layout layout) {
        String name = layout.namespace();
        if (namespaceIds.containsKey(layout.region() + "/" + name) || namespace(layout, name).isPresent()) {
            return;
        }
        LOG.info("Cloud Map: creating namespace {} for ECS Service Connect (discovery is not Cloud Map's)", name);
        createNamespace(layout, name);
        namespace(layout, name);
    }

    /** The ARN of the Cloud Map service {@code name} in the layout's namespace, created when missing. */
    String ensureService(Layout layout, String service, String name, int port) {
        ServiceSummary existing = services(layout).get(name);
        if (existing != null) {
            return existing.arn();
        }
        return createService(layout, service, name, port);
    }

    private String createService(Layout layout, String service, String name, int port) {
        String nsId = namespaceId(layout);
        return rt.cloudMap("CreateService", () -> rt.clients(layout).cloudMap().createService(b -> b.name(name).namespaceId(nsId)
                .description(PORT_PREFIX + port)
                .creatorRequestId("cutover-" + layout.environment() + "-" + name)
                .dnsConfig(d -> d.routingPolicy(RoutingPolicy.MULTIVALUE).dnsRecords(DnsRecord.builder().type(RecordType.A)
                        .ttl(10L).build()))
                .healthCheckCustomConfig(h -> { })
                // the deployer's policy scopes Cloud Map services (named by generated ids) by these tags
                .tags(t -> t.key("cutover:environment").value(layout.environment()), t -> t.key("cutover:service").value(service))))
                .service().arn();
    }

    /** The per-revision Cloud Map service of App Mesh mode. */
    String ensureRevisionService(Layout layout, RevisionRef ref) {
        Integer port = rt.layouts().port(ref.environment(), ref.service());
        return ensureService(layout, ref.service(), Names.perRevision(ref.id()), port == null ? 0 : port);
    }

    /** The names of the Cloud Map services in the layout's namespace. */
    java.util.Set<String> serviceNames(Layout layout) {
        return services(layout).keySet();
    }

    void deleteRevisionService(Layout layout, RevisionRef ref) {
        deleteService(layout, Names.perRevision(ref.id()));
    }

    private void deleteService(Layout layout, String name) {
        ServiceSummary s = services(layout).get(name);
        if (s == null) {
            return;
        }
        try {
            rt.cloudMap("DeleteService", () -> rt.clients(layout).cloudMap().deleteService(b -> b.id(s.id())));
        } catch (ProviderException e) {
            if (AwsErrors.is(e, "ResourceInUse")) {
                LOG.warn("Cloud Map service {} still has instances; it is left for the next retire: {}", name, e.getMessage());
            } else if (!AwsErrors.is(e, "ServiceNotFound")) {
                throw e;
            }
        }
    }
}

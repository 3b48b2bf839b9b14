package dev.cutover.localcloud.internal.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The agent's service and check endpoints ({@code /v1/agent/...}) and the read side of the catalog
 * and health ({@code /v1/catalog/...}, {@code /v1/health/...}), plus {@code /v1/status/...}.
 * The emulator is one node ({@value ConsulStore#NODE}) that is both agent and server.
 */
final class AgentEndpoints {

    private static final Set<String> STATES = Set.of("passing", "warning", "critical");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final ConsulStore store;

    AgentEndpoints(ConsulStore store) {
        this.store = store;
    }

    void register(ConsulHttpServer server) {
        server.route("agent/self", "GET", "agent", false, r -> ConsulReply.json(self()));
        server.route("agent/members", "GET", "node", false, r -> ConsulReply.json(F.arrayNode().add(member())));
        server.route("agent/services", "GET", "service", false, r -> agentServices());
        server.route("agent/service/", "GET", "service", false, this::agentService);
        server.route("agent/service/register", "PUT", "service", false, this::registerService);
        server.route("agent/service/deregister/", "PUT", "service", false, this::deregisterService);
        server.route("agent/checks", "GET", "node", false, r -> agentChecks());
        server.route("agent/check/register", "PUT", "node", false, this::registerCheck);
        server.route("agent/check/deregister/", "PUT", "node", false, this::deregisterCheck);
        server.route("agent/check/pass/", "PUT", "node", false, r -> ttl(r, "agent/check/pass/", "passing"));
        server.route("agent/check/warn/", "PUT", "node", false, r -> ttl(r, "agent/check/warn/", "warning"));
        server.route("agent/check/fail/", "PUT", "node", false, r -> ttl(r, "agent/check/fail/", "critical"));
        server.route("agent/check/update/", "PUT", "node", false, this::updateCheck);

        server.route("catalog/datacenters", "GET", null, false, r -> ConsulReply.json(List.of(ConsulStore.DATACENTER)));
        server.route("catalog/nodes", "GET", "node", true, r -> ConsulReply.json(F.arrayNode().add(node()), store.catalogIndex()));
        server.route("catalog/node/", "GET", "node", true, this::catalogNode);
        server.route("catalog/services", "GET", "service", true, r -> catalogServices());
        server.route("catalog/service/", "GET", "service", true, this::catalogService);

        server.route("health/service/", "GET", "service", true, this::healthService);
        server.route("health/checks/", "GET", "service", true, this::healthChecks);
        server.route("health/state/", "GET", "node", true, this::healthState);
        server.route("health/node/", "GET", "node", true, this::healthNode);

        server.route("status/leader", "GET", null, false, r -> ConsulReply.json(ConsulStore.NODE_ADDRESS + ":8300"));
        server.route("status/peers", "GET", null, false, r -> ConsulReply.json(List.of(ConsulStore.NODE_ADDRESS + ":8300")));
    }

    // ---------------------------------------------------------------- agent

    private ObjectNode self() {
        ObjectNode n = F.objectNode();
        ObjectNode config = n.putObject("Config");
        config.put("Datacenter", ConsulStore.DATACENTER);
        config.put("PrimaryDatacenter", ConsulStore.DATACENTER);
        config.put("NodeName", ConsulStore.NODE);
        config.put("NodeID", store.nodeId);
        config.put("Revision", "cutover-local-cloud");
        config.put("Server", true);
        config.put("Version", "1.21.0");
        n.putObject("DebugConfig");
        n.set("Member", member());
        n.putObject("Meta").put("consul-network-segment", "");
        return n;
    }

    private static ObjectNode member() {
        ObjectNode m = F.objectNode();
        m.put("Name", ConsulStore.NODE);
        m.put("Addr", ConsulStore.NODE_ADDRESS);
        m.put("Port", 8301);
        ObjectNode tags = m.putObject("Tags");
        tags.put("dc", ConsulStore.DATACENTER);
        tags.put("role", "consul");
        m.put("Status", 1);
        m.put("ProtocolMin", 1);
        m.put("ProtocolMax", 5);
        m.put("ProtocolCur", 2);
        m.put("DelegateMin", 2);
        m.put("DelegateMax", 5);
        m.put("DelegateCur", 4);
        return m;
    }

    private ConsulReply agentServices() {
        ObjectNode out = F.objectNode();
        for (ConsulStore.Service s : store.services()) {
            out.set(s.id, agentService(s));
        }
        return ConsulReply.json(out);
    }

    private ConsulReply agentService(ConsulRequest r) {
        String id = r.rest("agent/service/");
        ConsulStore.Service s = store.service(id);
        if (s == null) {
            throw ConsulException.notFound("unknown service ID: " + id);
        }
        ObjectNode n = agentService(s);
        n.put("ContentHash", Long.toHexString(s.modifyIndex * 0x9E3779B97F4A7C15L));
        return ConsulReply.json(n);
    }

    private static ObjectNode agentService(ConsulStore.Service s) {
        ObjectNode n = F.objectNode();
        n.put("ID", s.id);
        n.put("Service", s.name);
        putStrings(n.putArray("Tags"), s.tags);
        putMap(n.putObject("Meta"), s.meta);
        n.put("Port", s.port);
        n.put("Address", s.address);
        weights(n.putObject("Weights"), s);
        n.put("EnableTagOverride", s.enableTagOverride);
        n.put("Datacenter", ConsulStore.DATACENTER);
        return n;
    }

    private ConsulReply registerService(ConsulRequest r) {
        JsonNode body = r.jsonObject();
        ConsulStore.Service s = new ConsulStore.Service();
        s.name = Fields.textOr(body, "", "Name");
        if (s.name.isEmpty()) {
            throw ConsulException.badRequest("Missing service name");
        }
        s.id = Fields.textOr(body, "", "ID");
        if (s.id.isEmpty()) {
            s.id = s.name;
        }
        s.tags = Fields.strings(body, "Tags");
        s.address = Fields.textOr(body, "", "Address");
        long port = Fields.integer(body, 0, "Port");
        if (port < 0 || port > 65535) {
            throw ConsulException.badRequest("Invalid Service Port: " + port);
        }
        s.port = (int) port;
        s.meta = Fields.stringMap(body, "Meta");
        s.enableTagOverride = Fields.bool(body, "EnableTagOverride");
        JsonNode weights = Fields.get(body, "Weights");
        if (weights != null) {
            s.weightPassing = (int) Fields.integer(weights, 1, "Passing");
            s.weightWarning = (int) Fields.integer(weights, 1, "Warning");
            if (s.weightPassing < 1) {
                throw ConsulException.badRequest("Passing must be greater than 0");
            }
        }
        List<JsonNode> definitions = new ArrayList<>();
        JsonNode single = Fields.get(body, "Check");
        if (single != null && single.isObject() && single.size() > 0) {
            definitions.add(single);
        }
        JsonNode many = Fields.get(body, "Checks");
        if (many != null) {
            if (!many.isArray()) {
                throw ConsulException.badRequest("Request decode failed: Checks must be an array");
            }
            many.forEach(definitions::add);
        }
        List<ConsulStore.Check> checks = new ArrayList<>();
        for (int i = 0; i < definitions.size(); i++) {
            String defaultId = definitions.size() > 1 ? "service:" + s.id + ":" + (i + 1) : "service:" + s.id;
            ConsulStore.Check c = parseCheck(definitions.get(i), defaultId, "Service '" + s.name + "' check");
            c.serviceId = s.id;
            c.serviceName = s.name;
            c.serviceTags = s.tags;
            checks.add(c);
        }
        store.registerService(s, checks);
        return new ConsulReply(200, "text/plain", new byte[0], -1);
    }

    /** Reads one check definition and validates it as Consul's {@code CheckType.Validate} does. */
    private static ConsulStore.Check parseCheck(JsonNode d, String defaultId, String defaultName) {
        if (!d.isObject()) {
            throw ConsulException.badRequest("Request decode failed: a check must be a JSON object");
        }
        ConsulStore.Check c = new ConsulStore.Check();
        c.id = Fields.textOr(d, "", "CheckID", "ID");
        if (c.id.isEmpty()) {
            c.id = defaultId;
        }
        c.name = Fields.textOr(d, "", "Name");
        if (c.name.isEmpty()) {
            c.name = defaultName;
        }
        c.notes = Fields.textOr(d, "", "Notes");
        String status = Fields.textOr(d, "", "Status");
        if (!status.isEmpty() && !STATES.contains(status)) {
            throw ConsulException.badRequest("Status for checks must 'passing', 'warning', 'critical'");
        }
        c.status = status.isEmpty() ? "critical" : status;
        c.ttl = Fields.duration(d, "TTL");
        c.interval = Fields.duration(d, "Interval");
        c.timeout = Fields.duration(d, "Timeout");
        Duration deregister = Fields.duration(d, "DeregisterCriticalServiceAfter");
        if (deregister != null && !deregister.isNegative() && !deregister.isZero()) {
            c.deregisterAfter = deregister.compareTo(ConsulStore.MIN_DEREGISTER_AFTER) < 0 ? ConsulStore.MIN_DEREGISTER_AFTER : deregister;
        }
        String http = Fields.textOr(d, "", "HTTP");
        String tcp = Fields.textOr(d, "", "TCP");
        String grpc = Fields.textOr(d, "", "GRPC");
        boolean script = !Fields.strings(d, "Args", "ScriptArgs").isEmpty();
        boolean intervalCheck = script || !http.isEmpty() || !tcp.isEmpty() || !grpc.isEmpty();
        boolean hasTtl = c.ttl != null && !c.ttl.isNegative() && !c.ttl.isZero();
        boolean hasInterval = c.interval != null && !c.interval.isNegative() && !c.interval.isZero();
        if (hasInterval && hasTtl) {
            throw invalidCheck("Interval and TTL cannot both be specified");
        }
        if (intervalCheck && !hasInterval) {
            throw invalidCheck("Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or OSService checks");
        }
        if (!intervalCheck && !hasTtl) {
            throw invalidCheck("TTL must be > 0 for TTL checks");
        }
        if (script) {
            throw ConsulException.badRequest("Scripts are disabled on this agent; to enable, configure 'enable_script_checks' or 'enable_local_script_checks' to true");
        }
        if (!http.isEmpty()) {
            c.type = "http";
            c.target = http;
        } else if (!tcp.isEmpty()) {
            c.type = "tcp";
            c.target = tcp;
        } else if (!grpc.isEmpty()) {
            c.type = "grpc";
            c.target = grpc;
        } else {
            c.type = "ttl";
        }
        return c;
    }

    private static ConsulException invalidCheck(String why) {
        return ConsulException.badRequest("Invalid check: " + why);
    }

    private ConsulReply deregisterService(ConsulRequest r) {
        String id = r.rest("agent/service/deregister/");
        if (!store.deregisterService(id)) {
            throw ConsulException.notFound("Unknown service ID \"" + id + "\". Ensure that the service ID is passed, not the service name.");
        }
        return new ConsulReply(200, "text/plain", new byte[0], -1);
    }

    private ConsulReply agentChecks() {
        ObjectNode out = F.objectNode();
        for (ConsulStore.Check c : store.checks()) {
            out.set(c.id, check(c));
        }
        return ConsulReply.json(out);
    }

    private ConsulReply registerCheck(ConsulRequest r) {
        JsonNode body = r.jsonObject();
        String name = Fields.textOr(body, "", "Name");
        if (name.isEmpty()) {
            throw ConsulException.badRequest("Missing check name");
        }
        ConsulStore.Check c = parseCheck(body, name, name);
        String serviceId = Fields.textOr(body, "", "ServiceID");
        if (!serviceId.isEmpty()) {
            ConsulStore.Service s = store.service(serviceId);
            if (s == null) {
                throw ConsulException.badRequest("ServiceID \"" + serviceId + "\" does not exist");
            }
            c.serviceId = s.id;
            c.serviceName = s.name;
            c.serviceTags = s.tags;
        }
        store.registerCheck(c);
        return new ConsulReply(200, "text/plain", new byte[0], -1);
    }

    private ConsulReply deregisterCheck(ConsulRequest r) {
        String id = r.rest("agent/check/deregister/");
        if (!store.deregisterCheck(id)) {
            throw ConsulException.notFound("Unknown check ID \"" + id + "\". Ensure that the check ID is passed, not the check name.");
        }
        return new ConsulReply(200, "text/plain", new byte[0], -1);
    }

    private ConsulReply ttl(ConsulRequest r, String prefix, String status) {
        store.updateTtl(r.rest(prefix), status, r.param("note"));
        return new ConsulReply(200, "text/plain", new byte[0], -1);
    }

    private ConsulReply updateCheck(ConsulRequest r) {
        JsonNode body = r.jsonObject();
        String status = Fields.textOr(body, "", "Status");
        if (!STATES.contains(status)) {
            throw ConsulException.badRequest("Invalid check status: '" + status + "'");
        }
        store.updateTtl(r.rest("agent/check/update/"), status, Fields.textOr(body, "", "Output"));
        return new ConsulReply(200, "text/plain", new byte[0], -1);
    }

    // ---------------------------------------------------------------- catalog

    private ObjectNode node() {
        ObjectNode n = F.objectNode();
        n.put("ID", store.nodeId);
        n.put("Node", ConsulStore.NODE);
        n.put("Address", ConsulStore.NODE_ADDRESS);
        n.put("Datacenter", ConsulStore.DATACENTER);
        ObjectNode tagged = n.putObject("TaggedAddresses");
        tagged.put("lan", ConsulStore.NODE_ADDRESS);
        tagged.put("wan", ConsulStore.NODE_ADDRESS);
        n.putObject("Meta").put("consul-network-segment", "");
        n.put("CreateIndex", store.nodeCreateIndex());
        n.put("ModifyIndex", store.nodeCreateIndex());
        return n;
    }

    private ConsulReply catalogNode(ConsulRequest r) {
        long index = store.catalogIndex();
        if (!r.rest("catalog/node/").equals(ConsulStore.NODE)) {
            return ConsulReply.json(null, index);
        }
        ObjectNode out = F.objectNode();
        out.set("Node", node());
        ObjectNode services = out.putObject("Services");
        for (ConsulStore.Service s : store.services()) {
            services.set(s.id, healthServiceNode(s));
        }
        return ConsulReply.json(out, index);
    }

    private ConsulReply catalogServices() {
        long index = store.catalogIndex();
        TreeMap<String, TreeSet<String>> names = new TreeMap<>();
        for (ConsulStore.Service s : store.services()) {
            names.computeIfAbsent(s.name, k -> new TreeSet<>()).addAll(s.tags);
        }
        ObjectNode out = F.objectNode();
        names.forEach((name, tags) -> putStrings(out.putArray(name), tags));
        return ConsulReply.json(out, index);
    }

    private ConsulReply catalogService(ConsulRequest r) {
        long index = store.catalogIndex();
        String name = r.rest("catalog/service/");
        ArrayNode out = F.arrayNode();
        for (ConsulStore.Service s : instances(name, r.params("tag"))) {
            ObjectNode n = out.addObject();
            n.put("ID", store.nodeId);
            n.put("Node", ConsulStore.NODE);
            n.put("Address", ConsulStore.NODE_ADDRESS);
            n.put("Datacenter", ConsulStore.DATACENTER);
            ObjectNode tagged = n.putObject("TaggedAddresses");
            tagged.put("lan", ConsulStore.NODE_ADDRESS);
            tagged.put("wan", ConsulStore.NODE_ADDRESS);
            n.putObject("NodeMeta").put("consul-network-segment", "");
            n.put("ServiceKind", "");
            n.put("ServiceID", s.id);
            n.put("ServiceName", s.name);
            putStrings(n.putArray("ServiceTags"), s.tags);
            n.put("ServiceAddress", s.address);
            weights(n.putObject("ServiceWeights"), s);
            putMap(n.putObject("ServiceMeta"), s.meta);
            n.put("ServicePort", s.port);
            n.put("ServiceEnableTagOverride", s.enableTagOverride);
            n.put("CreateIndex", s.createIndex);
            n.put("ModifyIndex", s.modifyIndex);
        }
        return ConsulReply.json(out, index);
    }

    private List<ConsulStore.Service> instances(String name, List<String> tags) {
        return store.services().stream()
                .filter(s -> s.name.equals(name) && s.tags.containsAll(tags))
                .toList();
    }

    // ---------------------------------------------------------------- health

    private ConsulReply healthService(ConsulRequest r) {
        long index = store.catalogIndex();
        String name = r.rest("health/service/");
        boolean passingOnly = r.has("passing") && !"false".equalsIgnoreCase(r.param("passing")) && !"0".equals(r.param("passing"));
        List<ConsulStore.Check> all = store.checks();
        ArrayNode out = F.arrayNode();
        for (ConsulStore.Service s : instances(name, r.params("tag"))) {
            List<ConsulStore.Check> own = all.stream().filter(c -> c.serviceId.equals(s.id)).toList();
            if (passingOnly && own.stream().anyMatch(c -> !c.status.equals("passing"))) {
                continue;
            }
            ObjectNode entry = out.addObject();
            entry.set("Node", node());
            entry.set("Service", healthServiceNode(s));
            ArrayNode checks = entry.putArray("Checks");
            checks.add(serfCheck());
            own.forEach(c -> checks.add(check(c)));
        }
        return ConsulReply.json(out, index);
    }

    private static ObjectNode healthServiceNode(ConsulStore.Service s) {
        ObjectNode n = F.objectNode();
        n.put("ID", s.id);
        n.put("Service", s.name);
        putStrings(n.putArray("Tags"), s.tags);
        n.put("Address", s.address);
        putMap(n.putObject("Meta"), s.meta);
        n.put("Port", s.port);
        weights(n.putObject("Weights"), s);
        n.put("EnableTagOverride", s.enableTagOverride);
        n.put("CreateIndex", s.createIndex);
        n.put("ModifyIndex", s.modifyIndex);
        return n;
    }

    private ConsulReply healthChecks(ConsulRequest r) {
        long index = store.catalogIndex();
        String name = r.rest("health/checks/");
        ArrayNode out = F.arrayNode();
        store.checks().stream().filter(c -> c.serviceName.equals(name)).forEach(c -> out.add(check(c)));
        return ConsulReply.json(out, index);
    }

    private ConsulReply healthState(ConsulRequest r) {
        long index = store.catalogIndex();
        String state = r.rest("health/state/");
        if (!state.equals("any") && !STATES.contains(state)) {
            throw ConsulException.badRequest("Invalid state");
        }
        ArrayNode out = F.arrayNode();
        if (state.equals("any") || state.equals("passing")) {
            out.add(serfCheck());
        }
        store.checks().stream().filter(c -> state.equals("any") || c.status.equals(state)).forEach(c -> out.add(check(c)));
        return ConsulReply.json(out, index);
    }

    private ConsulReply healthNode(ConsulRequest r) {
        long index = store.catalogIndex();
        ArrayNode out = F.arrayNode();
        if (r.rest("health/node/").equals(ConsulStore.NODE)) {
            out.add(serfCheck());
            store.checks().forEach(c -> out.add(check(c)));
        }
        return ConsulReply.json(out, index);
    }

    private ObjectNode serfCheck() {
        ObjectNode n = F.objectNode();
        n.put("Node", ConsulStore.NODE);
        n.put("CheckID", ConsulStore.SERF_CHECK);
        n.put("Name", "Serf Health Status");
        n.put("Status", "passing");
        n.put("Notes", "");
        n.put("Output", "Agent alive and reachable");
        n.put("ServiceID", "");
        n.put("ServiceName", "");
        n.putArray("ServiceTags");
        n.put("Type", "");
        n.put("Interval", "");
        n.put("Timeout", "");
        n.putObject("Definition");
        n.put("CreateIndex", store.nodeCreateIndex());
        n.put("ModifyIndex", store.nodeCreateIndex());
        return n;
    }

    private static ObjectNode check(ConsulStore.Check c) {
        ObjectNode n = F.objectNode();
        n.put("Node", ConsulStore.NODE);
        n.put("CheckID", c.id);
        n.put("Name", c.name);
        n.put("Status", c.status);
        n.put("Notes", c.notes);
        n.put("Output", c.output);
        n.put("ServiceID", c.serviceId);
        n.put("ServiceName", c.serviceName);
        putStrings(n.putArray("ServiceTags"), c.serviceTags);
        n.put("Type", c.type);
        n.put("Interval", c.interval == null ? "" : GoDuration.format(c.interval));
        n.put("Timeout", c.timeout == null ? "" : GoDuration.format(c.timeout));
        n.put("ExposedPort", 0);
        ObjectNode definition = n.putObject("Definition");
        if (c.type.equals("http")) {
            definition.put("HTTP", c.target);
        } else if (c.type.equals("tcp")) {
            definition.put("TCP", c.target);
        } else if (c.type.equals("grpc")) {
            definition.put("GRPC", c.target);
        }
        if (c.deregisterAfter != null) {
            definition.put("DeregisterCriticalServiceAfter", GoDuration.format(c.deregisterAfter));
        }
        n.put("CreateIndex", c.createIndex);
        n.put("ModifyIndex", c.modifyIndex);
        return n;
    }

    private static void weights(ObjectNode n, ConsulStore.Service s) {
        n.put("Passing", s.weightPassing);
        n.put("Warning", s.weightWarning);
    }

    private static void putStrings(ArrayNode array, java.util.Collection<String> values) {
        values.forEach(array::add);
    }

    private static void putMap(ObjectNode object, Map<String, String> values) {
        values.forEach(object::put);
    }
}

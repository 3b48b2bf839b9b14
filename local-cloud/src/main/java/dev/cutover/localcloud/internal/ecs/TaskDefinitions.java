package dev.cutover.localcloud.internal.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.localcloud.internal.ecs.EcsModel.ContainerDef;
import dev.cutover.localcloud.internal.ecs.EcsModel.TaskDef;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parses and validates {@code RegisterTaskDefinition} as ECS does (ClientException for bad definitions). */
final class TaskDefinitions {

    /** Fargate cpu units to the memory values (MiB) allowed with them. */
    private static final Map<Integer, int[]> FARGATE = Map.of(
            256, new int[] {512, 1024, 2048},
            512, range(1024, 4096, 1024),
            1024, range(2048, 8192, 1024),
            2048, range(4096, 16384, 1024),
            4096, range(8192, 30720, 1024),
            8192, range(16384, 61440, 4096),
            16384, range(32768, 122880, 8192));

    private TaskDefinitions() {
    }

    private static int[] range(int from, int to, int step) {
        int[] out = new int[(to - from) / step + 1];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i * step;
        }
        return out;
    }

    static TaskDef parse(EcsRequest r) {
        TaskDef td = new TaskDef();
        td.family = EcsRequest.checkName("Family", r.string("family"));
        String networkMode = r.optEnum("networkMode", EcsEmulator.networkModes());
        td.networkMode = networkMode == null ? "bridge" : networkMode;
        List<String> compat = r.strings("requiresCompatibilities");
        for (String c : compat) {
            if (!Set.of("EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES").contains(c)) {
                throw EcsRequest.invalid("1 validation error detected: Value '[" + c
                        + "]' at 'requiresCompatibilities' failed to satisfy constraint: Member must satisfy constraint: "
                        + "[Member must satisfy enum value set: [EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES]]");
            }
        }
        td.fargate = compat.contains("FARGATE");
        ArrayNode defs = r.optArray("containerDefinitions");
        if (defs == null || defs.isEmpty()) {
            throw EcsRequest.client("Container list cannot be empty.");
        }
        Set<String> names = new HashSet<>();
        boolean essential = false;
        for (JsonNode d : defs) {
            if (!d.isObject()) {
                throw EcsRequest.client("Container definitions must be objects.");
            }
            ContainerDef c = container(new EcsRequest((ObjectNode) d));
            if (!names.add(c.name)) {
                throw EcsRequest.client("Container names must be unique within a task definition: " + c.name);
            }
            essential |= c.essential;
            td.containers.add(c);
        }
        if (!essential) {
            throw EcsRequest.client("A task definition must have at least one essential container.");
        }
        String cpu = normalizeCpu(r.optString("cpu"));
        String memory = normalizeMemory(r.optString("memory"));
        if (td.fargate) {
            if (!td.networkMode.equals("awsvpc")) {
                throw EcsRequest.client("Fargate only supports network mode 'awsvpc'.");
            }
            if (cpu == null) {
                throw EcsRequest.client("Fargate requires that 'cpu' be defined at the task level.");
            }
            if (memory == null) {
                throw EcsRequest.client("Fargate requires that 'memory' be defined at the task level.");
            }
            int[] allowed = FARGATE.get(Integer.parseInt(cpu));
            int mem = Integer.parseInt(memory);
            boolean ok = allowed != null && java.util.Arrays.stream(allowed).anyMatch(m -> m == mem);
            if (!ok) {
                throw EcsRequest.client("No Fargate configuration exists for given values: " + cpu + " CPU, " + memory
                        + " memory. See the Amazon ECS documentation for the valid values.");
            }
        }
        TaskDefinitionRules.check(r, td);
        ObjectNode json = r.body().deepCopy();
        json.remove("tags");
        json.put("networkMode", td.networkMode);
        if (cpu != null) {
            json.put("cpu", cpu);
        }
        if (memory != null) {
            json.put("memory", memory);
        }
        if (!json.has("requiresCompatibilities")) {
            json.putArray("requiresCompatibilities");
        }
        if (!json.has("volumes")) {
            json.putArray("volumes");
        }
        if (!json.has("placementConstraints")) {
            json.putArray("placementConstraints");
        }
        json.putArray("requiresAttributes");
        for (JsonNode d : json.path("containerDefinitions")) {
            ObjectNode o = (ObjectNode) d;
            if (!o.has("essential")) {
                o.put("essential", true);
            }
            for (String list : List.of("portMappings", "environment", "mountPoints", "volumesFrom", "systemControls")) {
                if (!o.has(list)) {
                    o.putArray(list);
                }
            }
            if (!o.has("cpu")) {
                o.put("cpu", 0);
            }
            JsonNode hc = o.get("healthCheck");
            if (hc instanceof ObjectNode h) {
                h.put("interval", h.path("interval").asInt(30));
                h.put("timeout", h.path("timeout").asInt(5));
                h.put("retries", h.path("retries").asInt(3));
                if (h.has("startPeriod")) {
                    h.put("startPeriod", h.path("startPeriod").asInt(0));
                }
            }
        }
        td.json = json;
        return td;
    }

    private static ContainerDef container(EcsRequest r) {
        ContainerDef c = new ContainerDef();
        String name = r.optString("name");
        if (name == null) {
            throw EcsRequest.client("Container.name should not be null or empty.");
        }
        c.name = EcsRequest.checkName("Container name", name);
        String image = r.optString("image");
        if (image == null || image.isBlank()) {
            throw EcsRequest.client("Container.image should not be null or empty.");
        }
        if (image.length() > 255) {
            throw EcsRequest.client("Container.image can be at most 255 characters.");
        }
        c.image = image;
        Boolean essential = r.optBool("essential");
        c.essential = essential == null || essential;
        EcsRequest hc = r.object("healthCheck");
        if (hc != null) {
            if (hc.strings("command").isEmpty()) {
                throw EcsRequest.client("The healthCheck command of container " + name + " must not be empty.");
            }
            c.hasHealthCheck = true;
            c.interval = range(hc, "interval", 5, 300, 30);
            c.timeout = range(hc, "timeout", 2, 120, 5);
            c.retries = range(hc, "retries", 1, 10, 3);
            c.startPeriod = range(hc, "startPeriod", 0, 300, 0);
        }
        return c;
    }

    private static int range(EcsRequest r, String field, int min, int max, int dflt) {
        Integer v = r.optInt(field);
        if (v == null) {
            return dflt;
        }
        if (v < min || v > max) {
            throw EcsRequest.client("healthCheck." + field + " must be between " + min + " and " + max + ", was " + v + ".");
        }
        return v;
    }

    /** {@code "1 vCPU"} or {@code "1024"} to cpu units. */
    static String normalizeCpu(String cpu) {
        if (cpu == null) {
            return null;
        }
        String s = cpu.trim();
        try {
            if (s.toLowerCase().endsWith("vcpu")) {
                double v = Double.parseDouble(s.substring(0, s.length() - 4).trim());
                return String.valueOf((int) Math.round(v * 1024));
            }
            return String.valueOf(Integer.parseInt(s));
        } catch (NumberFormatException e) {
            throw EcsRequest.client("Invalid 'cpu' setting for task: " + cpu);
        }
    }

    /** {@code "2 GB"} or {@code "2048"} to MiB. */
    static String normalizeMemory(String memory) {
        if (memory == null) {
            return null;
        }
        String s = memory.trim();
        try {
            if (s.toLowerCase().endsWith("gb")) {
                double v = Double.parseDouble(s.substring(0, s.length() - 2).trim());
                return String.valueOf((int) Math.round(v * 1024));
            }
            return String.valueOf(Integer.parseInt(s));
        } catch (NumberFormatException e) {
            throw EcsRequest.client("Invalid 'memory' setting for task: " + memory);
        }
    }
}

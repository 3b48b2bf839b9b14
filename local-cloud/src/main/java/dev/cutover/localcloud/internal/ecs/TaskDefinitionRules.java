package dev.cutover.localcloud.internal.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.localcloud.internal.ecs.EcsModel.TaskDef;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The semantic rules of {@code RegisterTaskDefinition} that go beyond the request's shape: which
 * features need a task execution role, what an App Mesh proxy configuration must name, container
 * dependencies and FireLens log routing. Each rule cites the AWS documentation it follows; the
 * error messages are those ECS returns where they are documented or reported verbatim.
 */
final class TaskDefinitionRules {

    /** A private Amazon ECR repository: {@code <account>.dkr.ecr.<region>.amazonaws.com[.cn]/...}. */
    private static final Pattern ECR_PRIVATE = Pattern.compile("\\d{12}\\.dkr\\.ecr(-fips)?\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/.*");
    /** ECS API Reference, ProxyConfiguration: the property names the APPMESH type accepts. */
    private static final Set<String> PROXY_PROPERTIES = Set.of("IgnoredUID", "IgnoredGID", "AppPorts", "ProxyIngressPort",
            "ProxyEgressPort", "EgressIgnoredPorts", "EgressIgnoredIPs");
    /** ECS API Reference, ContainerDependency.condition. */
    private static final Set<String> CONDITIONS = Set.of("START", "COMPLETE", "SUCCESS", "HEALTHY");

    private TaskDefinitionRules() {
    }

    /** Applies every rule to a parsed definition; throws ECS's ClientException on the first broken one. */
    static void check(EcsRequest r, TaskDef td) {
        ArrayNode defs = r.optArray("containerDefinitions");
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode d : defs) {
            byName.put(d.path("name").asText(), d);
        }
        executionRole(r, td, defs);
        dependencies(defs, byName);
        fireLens(defs);
        td.appMeshNodes = proxy(r, td, byName);
    }

    /**
     * ECS developer guide, "Amazon ECS task execution IAM role": the role is required when a task
     * on Fargate pulls from a private Amazon ECR repository or sends logs with {@code awslogs}, and
     * on Fargate or EC2 when it references Secrets Manager / SSM secrets or uses private registry
     * authentication. ECS refuses such a definition at registration with these ClientExceptions
     * (messages as ECS returns them, e.g. hashicorp/terraform-provider-aws#3051, fabfuel/ecs-deploy#87,
     * sil-org/ecs-deploy#188). ECS also refuses a present-but-empty {@code secrets} list without the
     * role (aws/aws-sdk-go#2370).
     */
    private static void executionRole(EcsRequest r, TaskDef td, ArrayNode defs) {
        if (r.optString("executionRoleArn") != null) {
            return;
        }
        for (JsonNode d : defs) {
            if (td.fargate && ECR_PRIVATE.matcher(d.path("image").asText()).matches()) {
                throw EcsRequest.client("Fargate requires task definition to have execution role ARN to support ECR images.");
            }
        }
        for (JsonNode d : defs) {
            if (td.fargate && "awslogs".equals(d.path("logConfiguration").path("logDriver").asText())) {
                throw EcsRequest.client("Fargate requires task definition to have execution role ARN to support log driver awslogs.");
            }
        }
        for (JsonNode d : defs) {
            if (d.has("secrets") && !d.get("secrets").isNull()
                    || d.path("logConfiguration").path("secretOptions").size() > 0) {
                throw EcsRequest.client("When you are specifying container secrets, you must also specify a value for "
                        + "'executionRoleArn'.");
            }
        }
        for (JsonNode d : defs) {
            if (d.hasNonNull("repositoryCredentials")) {
                throw EcsRequest.client("Private repository authentication requires that the task definition specify a value "
                        + "for executionRoleArn.");
            }
        }
    }

    /**
     * ECS API Reference, ContainerDependency: {@code containerName} names another container of the
     * task definition, {@code condition} is START, COMPLETE, SUCCESS or HEALTHY, and HEALTHY
     * "requires that the dependent container has health checks configured".
     */
    private static void dependencies(ArrayNode defs, Map<String, JsonNode> byName) {
        for (JsonNode d : defs) {
            String name = d.path("name").asText();
            for (JsonNode dep : d.path("dependsOn")) {
                String target = dep.path("containerName").asText("");
                String condition = dep.path("condition").asText("");
                if (!CONDITIONS.contains(condition)) {
                    throw EcsRequest.invalid("1 validation error detected: Value '" + condition + "' at 'containerDefinitions."
                            + name + ".dependsOn.condition' failed to satisfy constraint: Member must satisfy enum value set: "
                            + "[START, COMPLETE, SUCCESS, HEALTHY]");
                }
                JsonNode other = byName.get(target);
                if (other == null || target.equals(name)) {
                    throw EcsRequest.client("Container " + name + " depends on container '" + target
                            + "', which is not another container of this task definition.");
                }
                if (condition.equals("HEALTHY") && !other.hasNonNull("healthCheck")) {
                    throw EcsRequest.client("Container " + name + " depends on container '" + target
                            + "' being HEALTHY, but '" + target + "' has no health check.");
                }
            }
        }
    }

    /**
     * ECS developer guide, "Send Amazon ECS logs to an AWS service or AWS Partner" (FireLens): a
     * container logging with {@code awsfirelens} needs a log router container in the same task
     * definition that declares {@code firelensConfiguration} (type {@code fluentbit} or
     * {@code fluentd}); a task definition has at most one log router.
     */
    private static void fireLens(ArrayNode defs) {
        int routers = 0;
        boolean usesFireLens = false;
        for (JsonNode d : defs) {
            JsonNode fc = d.get("firelensConfiguration");
            if (fc != null && !fc.isNull()) {
                routers++;
                String type = fc.path("type").asText("");
                if (!type.equals("fluentbit") && !type.equals("fluentd")) {
                    throw EcsRequest.invalid("1 validation error detected: Value '" + type + "' at 'firelensConfiguration.type' "
                            + "failed to satisfy constraint: Member must satisfy enum value set: [fluentd, fluentbit]");
                }
            }
            usesFireLens |= "awsfirelens".equals(d.path("logConfiguration").path("logDriver").asText());
        }
        if (routers > 1) {
            throw EcsRequest.client("A task definition can have only one container with a firelensConfiguration.");
        }
        if (usesFireLens && routers == 0) {
            throw EcsRequest.client("When a container uses the awsfirelens log driver, the task definition must contain a "
                    + "log router container with a firelensConfiguration.");
        }
    }

    /**
     * ECS API Reference, ProxyConfiguration, and the App Mesh user guide, "Getting started with
     * App Mesh and Amazon ECS": type APPMESH (the only type), {@code containerName} names the
     * Envoy container of the task definition, properties are among IgnoredUID, IgnoredGID,
     * AppPorts, ProxyIngressPort, ProxyEgressPort, EgressIgnoredPorts and EgressIgnoredIPs, with
     * AppPorts, ProxyIngressPort, ProxyEgressPort and one of IgnoredUID / IgnoredGID required;
     * proxy configuration needs the {@code awsvpc} network mode.
     *
     * @return the virtual node ARNs ({@code APPMESH_RESOURCE_ARN} of the proxy container) this
     *         definition's tasks serve in a mesh; empty without a proxy configuration
     */
    private static Set<String> proxy(EcsRequest r, TaskDef td, Map<String, JsonNode> byName) {
        ObjectNode pc = r.optObject("proxyConfiguration");
        if (pc == null) {
            return Set.of();
        }
        String type = pc.path("type").asText("APPMESH");
        if (!type.equals("APPMESH")) {
            throw EcsRequest.invalid("1 validation error detected: Value '" + type + "' at 'proxyConfiguration.type' failed to "
                    + "satisfy constraint: Member must satisfy enum value set: [APPMESH]");
        }
        String container = pc.path("containerName").asText("");
        if (container.isEmpty()) {
            throw EcsRequest.invalid("proxyConfiguration.containerName must be specified.");
        }
        JsonNode proxy = byName.get(container);
        if (proxy == null) {
            throw EcsRequest.client("The proxy configuration container name '" + container
                    + "' does not match any container in the task definition.");
        }
        if (!"awsvpc".equals(td.networkMode)) {
            throw EcsRequest.client("Proxy configuration requires the awsvpc network mode.");
        }
        Map<String, String> props = new HashMap<>();
        for (JsonNode p : pc.path("properties")) {
            String name = p.path("name").asText("");
            if (!PROXY_PROPERTIES.contains(name)) {
                throw EcsRequest.client("Invalid proxy configuration property '" + name + "'. Valid properties are "
                        + "IgnoredUID, IgnoredGID, AppPorts, ProxyIngressPort, ProxyEgressPort, EgressIgnoredPorts, EgressIgnoredIPs.");
            }
            props.put(name, p.path("value").asText(""));
        }
        for (String required : new String[] {"AppPorts", "ProxyIngressPort", "ProxyEgressPort"}) {
            if (props.getOrDefault(required, "").isEmpty()) {
                throw EcsRequest.client("The proxy configuration property " + required + " is required.");
            }
        }
        if (props.getOrDefault("IgnoredUID", "").isEmpty() && props.getOrDefault("IgnoredGID", "").isEmpty()) {
            throw EcsRequest.client("The proxy configuration needs IgnoredUID or IgnoredGID.");
        }
        for (JsonNode env : proxy.path("environment")) {
            if ("APPMESH_RESOURCE_ARN".equals(env.path("name").asText())) {
                return Set.of(env.path("value").asText());
            }
        }
        return Set.of();
    }
}

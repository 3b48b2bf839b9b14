package dev.cutover.aws.internal;

import dev.cutover.LaunchType;
import dev.cutover.Logs;
import dev.cutover.Problem;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Sidecar;
import dev.cutover.TrafficMode;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.DesiredState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ecs.model.ApplicationProtocol;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerCondition;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerDependency;
import software.amazon.awssdk.services.ecs.model.FirelensConfigurationType;
import software.amazon.awssdk.services.ecs.model.HealthCheck;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.ProxyConfiguration;
import software.amazon.awssdk.services.ecs.model.ProxyConfigurationType;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TransportProtocol;

/**
 * Renders a release as an ECS task definition and reads a task definition back in Cutover's
 * canonical revision attributes ({@link DesiredState#revision(Service)}), so that an unchanged
 * release is recognised and a task definition changed out of band shows as drift.
 *
 * <p>A task definition holds the service's container ({@value Names#CONTAINER}), its sidecars, in
 * App Mesh mode the Envoy proxy ({@value #ENVOY}) with an {@code APPMESH} proxy configuration, and
 * with Datadog logs the FireLens log router ({@value #LOG_ROUTER}).
 *
 * <p>What the canonical form cannot read from ECS is kept in Docker labels: the secret references
 * as declared ({@code cutover.secret.<NAME>}, the ECS secret holds the resolved ARN), the log
 * configuration as declared ({@code cutover.logs}), and which roles came from the provider's
 * defaults ({@code cutover.default-roles}) rather than from the service.
 */
public final class TaskDefs {

    static final String LABEL_SECRET = "cutover.secret.";
    static final String LABEL_DEFAULT_ROLES = "cutover.default-roles";
    static final String LABEL_VERSION = "cutover.version";
    static final String LABEL_LOGS = "cutover.logs";
    /** The Envoy container's name in App Mesh mode. */
    public static final String ENVOY = "envoy";
    /** The FireLens log router's container name. */
    public static final String LOG_ROUTER = "log_router";
    /**
     * The Envoy image AWS publishes for App Mesh (App Mesh user guide, "Envoy image"), from the
     * public ECR gallery so that pulling it needs no registry credentials.
     */
    public static final String DEFAULT_ENVOY_IMAGE = "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.12.1-prod";
    /** The user id Envoy runs as and the proxy ignores (App Mesh's documented 1337). */
    static final String ENVOY_UID = "1337";
    static final String PROXY_INGRESS_PORT = "15000";
    static final String PROXY_EGRESS_PORT = "15001";
    /** The task metadata and instance metadata endpoints, which must not go through the proxy. */
    static final String EGRESS_IGNORED_IPS = "169.254.170.2,169.254.169.254";
    /** A private Amazon ECR image ({@code <account>.dkr.ecr.<region>.amazonaws.com[.cn]/...}). */
    private static final Pattern ECR_PRIVATE = Pattern.compile("\\d{12}\\.dkr\\.ecr(-fips)?\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/.*");
    /** The URL in a health command, quoted ({@link #shellQuoted}) or as older revisions wrote it, unquoted. */
    private static final Pattern HEALTH_URL = Pattern.compile("http://localhost:\\d+([^'\\s]*)");

    private TaskDefs() {
    }

    /** The task role a service runs with: its own, else the provider's default, else null. */
    static String taskRole(Service s, AwsSettings settings) {
        return s.taskRole().orElse(settings.taskRole());
    }

    static String executionRole(Service s, AwsSettings settings) {
        return s.executionRole().orElse(settings.executionRole());
    }

    /** Whether the release runs in App Mesh mode, where every task carries the Envoy proxy. */
    static boolean meshMode(Release release) {
        return release.environment().trafficMode() == TrafficMode.APP_MESH && release.environment().mesh().isPresent();
    }

    /** Every image the task definition of {@code release} pulls. */
    static List<String> images(Release release, AwsSettings settings) {
        Service s = release.service();
        List<String> images = new ArrayList<>();
        images.add(s.image().toString());
        s.sidecars().forEach(c -> images.add(c.image()));
        if (meshMode(release)) {
            images.add(settings.envoyImage());
        }
        if (s.logs().orElse(null) instanceof Logs.Datadog d) {
            images.add(d.routerImage());
        }
        return images;
    }

    /** The secret references the task definition needs as ARNs: the service's secrets and a Datadog API key. */
    public static Set<String> secretReferences(Release release) {
        Set<String> refs = new LinkedHashSet<>(release.service().secrets().values());
        if (release.service().logs().orElse(null) instanceof Logs.Datadog d) {
            refs.add(d.apiKeySecret());
        }
        return refs;
    }

    /**
     * Why the release's task definition needs a task execution role (ECS developer guide, "Amazon
     * ECS task execution IAM role"): on Fargate to send logs with {@code awslogs} and to pull from a
     * private Amazon ECR repository; on any launch type to inject Secrets Manager secrets (in the
     * environment or the log configuration's {@code secretOptions}). Empty when it needs none.
     */
    static List<String> executionRoleNeeds(Release release, AwsSettings settings) {
        Service s = release.service();
        List<String> needs = new ArrayList<>();
        if (s.launchType() == LaunchType.FARGATE) {
            needs.add(s.logs().orElse(null) instanceof Logs.Datadog
                    ? "Fargate sends the log router's own logs to CloudWatch Logs with the awslogs driver"
                    : "Fargate sends the container logs to CloudWatch Logs with the awslogs driver");
            for (String image : images(release, settings)) {
                if (ECR_PRIVATE.matcher(image).matches()) {
                    needs.add("Fargate pulls " + image + " from a private Amazon ECR repository");
                }
            }
        }
        if (!s.secrets().isEmpty()) {
            needs.add("the task definition injects Secrets Manager secrets (" + String.join(", ", s.secrets().keySet()) + ")");
        }
        if (s.logs().orElse(null) instanceof Logs.Datadog) {
            needs.add("the log router reads the Datadog API key from Secrets Manager (secretOptions)");
        }
        return needs;
    }

    /**
     * The plan-time problems of a release's task definition that ECS would refuse at
     * RegisterTaskDefinition: a needed execution role that neither the service nor the provider sets.
     */
    public static List<Problem> problems(Release release, AwsSettings settings) {
        List<Problem> out = new ArrayList<>();
        List<String> needs = executionRoleNeeds(release, settings);
        if (!needs.isEmpty() && executionRole(release.service(), settings) == null) {
            out.add(new Problem("service.executionRole", null, "is required because " + String.join("; ", needs)
                    + " (ECS developer guide: \"Amazon ECS task execution IAM role\"); set "
                    + "AwsProvider.builder().executionRole(\"arn:aws:iam::<account>:role/ecsTaskExecutionRole\") "
                    + "(config key aws.execution-role) or Service.executionRole(...) for this service"));
        }
        return out;
    }

    /** The RegisterTaskDefinition request of a release outside App Mesh mode. */
    public static RegisterTaskDefinitionRequest render(Release release, AwsSettings settings, Map<String, String> secretArns) {
        return render(release, settings, secretArns, null);
    }

    /**
     * The RegisterTaskDefinition request of a release; {@code secretArns} maps each declared
     * reference to its ARN; {@code virtualNodeArn} is the App Mesh virtual node this revision's
     * Envoy serves (App Mesh mode), or null.
     */
    public static RegisterTaskDefinitionRequest render(Release release, AwsSettings settings, Map<String, String> secretArns,
            String virtualNodeArn) {
        Service s = release.service();
        String env = release.environment().name();
        Map<String, String> labels = new TreeMap<>();
        labels.put(LABEL_VERSION, s.image().version());
        List<Secret> secrets = new ArrayList<>();
        s.secrets().forEach((name, ref) -> {
            labels.put(LABEL_SECRET + name, ref);
            secrets.add(Secret.builder().name(name).valueFrom(secretArns.getOrDefault(ref, ref)).build());
        });
        List<String> defaulted = new ArrayList<>();
        if (s.taskRole().isEmpty() && settings.taskRole() != null) {
            defaulted.add("taskRole");
        }
        if (s.executionRole().isEmpty() && settings.executionRole() != null) {
            defaulted.add("executionRole");
        }
        if (!defaulted.isEmpty()) {
            labels.put(LABEL_DEFAULT_ROLES, String.join(",", defaulted));
        }
        s.logs().ifPresent(l -> labels.put(LABEL_LOGS, l.describe()));
        dev.cutover.HealthCheck h = s.healthCheck();
        HealthCheck health = HealthCheck.builder()
                .command("CMD-SHELL", "curl -fs " + shellQuoted("http://localhost:" + s.port() + h.path()) + " || exit 1")
                .interval((int) h.interval().toSeconds()).timeout((int) h.timeout().toSeconds()).retries(h.retries())
                .startPeriod((int) h.startPeriod().toSeconds()).build();
        LogConfiguration logs = logConfiguration(release, settings, secretArns);
        List<ContainerDependency> appDependsOn = new ArrayList<>();
        if (virtualNodeArn != null) {
            appDependsOn.add(ContainerDependency.builder().containerName(ENVOY).condition(ContainerCondition.HEALTHY).build());
        }
        if (s.logs().orElse(null) instanceof Logs.Datadog) {
            appDependsOn.add(ContainerDependency.builder().containerName(LOG_ROUTER).condition(ContainerCondition.START).build());
        }
        List<ContainerDefinition> containers = new ArrayList<>();
        containers.add(ContainerDefinition.builder()
                .name(Names.CONTAINER)
                .image(s.image().toString())
                .essential(true)
                .portMappings(PortMapping.builder().name(Names.PORT_NAME).containerPort(s.port()).protocol(TransportProtocol.TCP)
                        .appProtocol(ApplicationProtocol.HTTP).build())
                .environment(s.env().entrySet().stream()
                        .map(e -> KeyValuePair.builder().name(e.getKey()).value(e.getValue()).build()).toList())
                .secrets(secrets.isEmpty() ? null : secrets) // ECS refuses even an empty list without an execution role
                .healthCheck(health)
                .logConfiguration(logs)
                .dependsOn(appDependsOn.isEmpty() ? null : appDependsOn)
                .dockerLabels(labels)
                .build());
        for (Sidecar c : s.sidecars()) {
            containers.add(sidecar(c, logs));
        }
        RegisterTaskDefinitionRequest.Builder b = RegisterTaskDefinitionRequest.builder()
                .family(Names.family(env, s.name()))
                .networkMode(NetworkMode.AWSVPC)
                .requiresCompatibilities(s.launchType() == LaunchType.FARGATE ? Compatibility.FARGATE : Compatibility.EC2)
                .cpu(String.valueOf(s.cpu()))
                .memory(String.valueOf(s.memoryMiB()))
                .tags(Tag.builder().key("cutover:environment").value(env).build(),
                        Tag.builder().key("cutover:service").value(s.name()).build());
        if (virtualNodeArn != null) {
            containers.add(envoy(settings.envoyImage(), virtualNodeArn, logs));
            b.proxyConfiguration(ProxyConfiguration.builder().type(ProxyConfigurationType.APPMESH).containerName(ENVOY)
                    .properties(kv("IgnoredUID", ENVOY_UID), kv("ProxyIngressPort", PROXY_INGRESS_PORT),
                            kv("ProxyEgressPort", PROXY_EGRESS_PORT), kv("AppPorts", String.valueOf(s.port())),
                            kv("EgressIgnoredIPs", EGRESS_IGNORED_IPS))
                    .build());
        }
        if (s.logs().orElse(null) instanceof Logs.Datadog d) {
            containers.add(ContainerDefinition.builder().name(LOG_ROUTER).image(d.routerImage()).essential(true)
                    .firelensConfiguration(f -> f.type(FirelensConfigurationType.FLUENTBIT)
                            .options(Map.of("enable-ecs-log-metadata", "true")))
                    .logConfiguration(awslogs(release, settings, LOG_ROUTER))
                    .build());
        }
        b.containerDefinitions(containers);
        String taskRole = taskRole(s, settings);
        if (taskRole != null) {
            b.taskRoleArn(taskRole);
        }
        String executionRole = executionRole(s, settings);
        if (executionRole != null) {
            b.executionRoleArn(executionRole);
        }
        return b.build();
    }

    private static KeyValuePair kv(String name, String value) {
        return KeyValuePair.builder().name(name).value(value).build();
    }

    /**
     * The Envoy container App Mesh documents (App Mesh user guide, "Getting started with App Mesh
     * and Amazon ECS"): essential, running as the ignored uid, {@code APPMESH_RESOURCE_ARN} naming
     * the virtual node, healthy once its admin endpoint reports LIVE.
     */
    private static ContainerDefinition envoy(String image, String virtualNodeArn, LogConfiguration logs) {
        return ContainerDefinition.builder().name(ENVOY).image(image).essential(true).user(ENVOY_UID)
                .environment(kv("APPMESH_RESOURCE_ARN", virtualNodeArn))
                .healthCheck(HealthCheck.builder()
                        .command("CMD-SHELL", "curl -s http://localhost:9901/server_info | grep state | grep -q LIVE")
                        .interval(5).timeout(2).retries(3).startPeriod(10).build())
                .logConfiguration(logs)
                .build();
    }

    private static ContainerDefinition sidecar(Sidecar c, LogConfiguration logs) {
        ContainerDefinition.Builder b = ContainerDefinition.builder().name(c.name()).image(c.image()).essential(c.essential())
                .cpu(c.cpu())
                .environment(c.env().entrySet().stream().map(e -> kv(e.getKey(), e.getValue())).toList())
                .logConfiguration(logs);
        c.memoryMiB().ifPresent(b::memory);
        if (!c.dependsOn().isEmpty()) {
            b.dependsOn(c.dependsOn().entrySet().stream().map(d -> ContainerDependency.builder().containerName(d.getKey())
                    .condition(d.getValue().name()).build()).toList());
        }
        return b.build();
    }

    /** The app's (and sidecars') log configuration: awslogs, or FireLens to Datadog with the key as a secret option. */
    private static LogConfiguration logConfiguration(Release release, AwsSettings settings, Map<String, String> secretArns) {
        Service s = release.service();
        if (s.logs().orElse(null) instanceof Logs.Datadog d) {
            Map<String, String> options = new LinkedHashMap<>();
            options.put("Name", "datadog");
            options.put("Host", d.host());
            options.put("TLS", "on");
            options.put("provider", "ecs");
            options.put("dd_service", s.name());
            if (!d.source().isEmpty()) {
                options.put("dd_source", d.source());
            }
            Map<String, String> tags = new TreeMap<>(d.tags());
            tags.putIfAbsent("env", release.environment().name());
            options.put("dd_tags", tags.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                    .collect(Collectors.joining(",")));
            return LogConfiguration.builder().logDriver(LogDriver.AWSFIRELENS).options(options)
                    .secretOptions(Secret.builder().name("apikey")
                            .valueFrom(secretArns.getOrDefault(d.apiKeySecret(), d.apiKeySecret())).build())
                    .build();
        }
        return awslogs(release, settings, null);
    }

    private static LogConfiguration awslogs(Release release, AwsSettings settings, String streamPrefix) {
        Service s = release.service();
        Logs.AwsLogs declared = s.logs().orElse(null) instanceof Logs.AwsLogs a ? a : Logs.awslogs();
        Map<String, String> logOptions = new LinkedHashMap<>();
        logOptions.put("awslogs-group", declared.group().isEmpty()
                ? Names.logGroup(settings, release.environment().name(), s.name()) : declared.group());
        logOptions.put("awslogs-region", declared.region().isEmpty() ? settings.region() : declared.region());
        logOptions.put("awslogs-stream-prefix", streamPrefix != null ? streamPrefix
                : declared.streamPrefix().isEmpty() ? s.name() : declared.streamPrefix());
        if (settings.createLogGroup()) {
            logOptions.put("awslogs-create-group", "true");
        }
        return LogConfiguration.builder().logDriver(LogDriver.AWSLOGS).options(logOptions).build();
    }

    /** A task definition in canonical revision attributes. */
    public static Map<String, Attribute> canonical(TaskDefinition td) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        ContainerDefinition c = td.containerDefinitions().stream().filter(d -> Names.CONTAINER.equals(d.name())).findFirst()
                .orElse(td.containerDefinitions().isEmpty() ? null : td.containerDefinitions().get(0));
        if (c == null) {
            return m;
        }
        Map<String, String> labels = c.dockerLabels() == null ? Map.of() : c.dockerLabels();
        m.put("image", Attribute.of(Objects.toString(c.image(), "")));
        m.put("cpu", Attribute.of(Objects.toString(td.cpu(), "")));
        m.put("memoryMiB", Attribute.of(Objects.toString(td.memory(), "")));
        int port = c.portMappings().isEmpty() || c.portMappings().get(0).containerPort() == null ? 0
                : c.portMappings().get(0).containerPort();
        m.put("port", Attribute.of(String.valueOf(port)));
        boolean fargate = td.requiresCompatibilities().contains(Compatibility.FARGATE)
                || td.compatibilities().contains(Compatibility.FARGATE) && td.requiresCompatibilities().isEmpty();
        m.put("launchType", Attribute.of(fargate ? LaunchType.FARGATE.name() : LaunchType.EC2.name()));
        HealthCheck h = c.healthCheck();
        if (h != null) {
            String path = "/";
            for (String part : h.command()) {
                Matcher matcher = HEALTH_URL.matcher(part);
                if (matcher.find()) {
                    path = matcher.group(1).isEmpty() ? "/" : matcher.group(1);
                }
            }
            m.put("healthCheck", Attribute.of("GET " + path + " every " + nz(h.interval(), 30) + "s timeout "
                    + nz(h.timeout(), 5) + "s retries " + nz(h.retries(), 3) + " start " + nz(h.startPeriod(), 0) + "s"));
        } else {
            m.put("healthCheck", Attribute.of("none"));
        }
        c.environment().forEach(kv -> m.put("env." + kv.name(), Attribute.of(Objects.toString(kv.value(), ""))));
        c.secrets().forEach(sec -> m.put("secret." + sec.name(),
                Attribute.secret(labels.getOrDefault(LABEL_SECRET + sec.name(), sec.valueFrom()))));
        String defaulted = labels.getOrDefault(LABEL_DEFAULT_ROLES, "");
        if (td.taskRoleArn() != null && !defaulted.contains("taskRole")) {
            m.put("taskRole", Attribute.of(td.taskRoleArn()));
        }
        if (td.executionRoleArn() != null && !defaulted.contains("executionRole")) {
            m.put("executionRole", Attribute.of(td.executionRoleArn()));
        }
        String proxy = td.proxyConfiguration() == null ? null : td.proxyConfiguration().containerName();
        for (ContainerDefinition other : td.containerDefinitions()) {
            if (other == c || other.name().equals(proxy) || other.firelensConfiguration() != null) {
                continue;
            }
            m.put("sidecar." + other.name(), Attribute.of(describeSidecar(other)));
        }
        if (labels.containsKey(LABEL_LOGS)) {
            m.put("logs", Attribute.of(labels.get(LABEL_LOGS)));
        }
        return m;
    }

    /** A container read back as the {@link Sidecar#describe()} of the sidecar that would render it. */
    private static String describeSidecar(ContainerDefinition d) {
        try {
            Sidecar.Builder b = Sidecar.named(d.name()).image(Objects.toString(d.image(), ""))
                    .cpu(d.cpu() == null ? 0 : d.cpu()).memoryMiB(d.memory() == null ? 0 : d.memory())
                    .essential(d.essential() == null || d.essential());
            d.environment().forEach(kv -> b.env(kv.name(), Objects.toString(kv.value(), "")));
            d.dependsOn().forEach(dep -> b.dependsOn(dep.containerName(), Sidecar.Condition.valueOf(dep.conditionAsString())));
            return b.build().describe();
        } catch (RuntimeException e) {
            return "image=" + d.image() + " (not a sidecar Cutover can describe: " + e.getClass().getSimpleName() + ")";
        }
    }

    /** Whether {@code td} runs exactly what {@code release} asks for, roles, proxy and log router included. */
    public static boolean matches(TaskDefinition td, Release release, AwsSettings settings) {
        Service s = release.service();
        return canonical(td).equals(DesiredState.revision(s))
                && Objects.equals(td.taskRoleArn(), taskRole(s, settings))
                && Objects.equals(td.executionRoleArn(), executionRole(s, settings))
                && proxyMatches(td, release, settings);
    }

    /**
     * In App Mesh mode: the definition runs the configured Envoy image as its APPMESH proxy, for the
     * virtual node of its own revision. Outside App Mesh mode: it has no proxy configuration.
     */
    static boolean proxyMatches(TaskDefinition td, Release release, AwsSettings settings) {
        ProxyConfiguration pc = td.proxyConfiguration();
        if (!meshMode(release)) {
            return pc == null;
        }
        if (pc == null || !ENVOY.equals(pc.containerName())) {
            return false;
        }
        String node = "/virtualNode/" + Names.perRevision(Names.revisionId(td.family(), td.revision()));
        return td.containerDefinitions().stream().anyMatch(d -> ENVOY.equals(d.name())
                && settings.envoyImage().equals(d.image())
                && d.environment().stream().anyMatch(kv -> kv.name().equals("APPMESH_RESOURCE_ARN")
                        && kv.value() != null && kv.value().endsWith(node)));
    }

    /** The image version shown to people. */
    public static String version(TaskDefinition td) {
        return td.containerDefinitions().stream().filter(d -> d.dockerLabels() != null && d.dockerLabels().containsKey(LABEL_VERSION))
                .map(d -> d.dockerLabels().get(LABEL_VERSION)).findFirst().orElseGet(() -> {
                    String image = td.containerDefinitions().isEmpty() ? "" : td.containerDefinitions().get(0).image();
                    int i = image == null ? -1 : image.lastIndexOf(':');
                    return i < 0 ? "latest" : image.substring(i + 1);
                });
    }

    /**
     * {@code text} as one single-quoted POSIX shell word: the health command runs under the
     * container's shell ({@code CMD-SHELL}), and the path must never be read as shell syntax
     * ({@code /h;touch$IFS/x}, {@code /h?a=1&b=2}). Core admits only URL path characters without an
     * apostrophe; an apostrophe is still closed, escaped and reopened here.
     */
    static String shellQuoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    private static int nz(Integer v, int dflt) {
        return v == null ? dflt : v;
    }
}

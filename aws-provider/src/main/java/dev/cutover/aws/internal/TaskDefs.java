package dev.cutover.aws.internal;

import dev.cutover.LaunchType;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.spi.Attribute;
import dev.cutover.spi.DesiredState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.model.ApplicationProtocol;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.HealthCheck;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PortMapping;
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
 * <p>What the canonical form cannot read from ECS is kept in Docker labels: the secret references
 * as declared ({@code cutover.secret.<NAME>}, the ECS secret holds the resolved ARN), and which
 * roles came from the provider's defaults ({@code cutover.default-roles}) rather than from the service.
 */
public final class TaskDefs {

    static final String LABEL_SECRET = "cutover.secret.";
    static final String LABEL_DEFAULT_ROLES = "cutover.default-roles";
    static final String LABEL_VERSION = "cutover.version";
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

    /** A private Amazon ECR image ({@code <account>.dkr.ecr.<region>.amazonaws.com[.cn]/...}). */
    private static final Pattern ECR_PRIVATE = Pattern.compile("\\d{12}\\.dkr\\.ecr(-fips)?\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/.*");

    /**
     * Why the release's task definition needs a task execution role (ECS developer guide, "Amazon
     * ECS task execution IAM role"): on Fargate to send logs with {@code awslogs} and to pull from a
     * private Amazon ECR repository; on any launch type to inject Secrets Manager secrets. Empty
     * when it needs none.
     */
    static List<String> executionRoleNeeds(Release release) {
        Service s = release.service();
        List<String> needs = new ArrayList<>();
        boolean fargate = s.launchType() == LaunchType.FARGATE;
        if (fargate) {
            needs.add("Fargate sends the container logs to CloudWatch Logs with the awslogs driver");
            if (ECR_PRIVATE.matcher(s.image().toString()).matches()) {
                needs.add("Fargate pulls " + s.image() + " from a private Amazon ECR repository");
            }
        }
        if (!s.secrets().isEmpty()) {
            needs.add("the task definition injects Secrets Manager secrets (" + String.join(", ", s.secrets().keySet()) + ")");
        }
        return needs;
    }

    /**
     * The plan-time problems of a release's task definition that ECS would refuse at
     * RegisterTaskDefinition: a needed execution role that neither the service nor the provider sets.
     */
    public static List<dev.cutover.Problem> problems(Release release, AwsSettings settings) {
        List<dev.cutover.Problem> out = new ArrayList<>();
        List<String> needs = executionRoleNeeds(release);
        if (!needs.isEmpty() && executionRole(release.service(), settings) == null) {
            out.add(new dev.cutover.Problem("service.executionRole", null, "is required because " + String.join("; ", needs)
                    + " (ECS developer guide: \"Amazon ECS task execution IAM role\"); set "
                    + "AwsProvider.builder().executionRole(\"arn:aws:iam::<account>:role/ecsTaskExecutionRole\") "
                    + "(config key aws.execution-role) or Service.executionRole(...) for this service"));
        }
        return out;
    }

    /** The RegisterTaskDefinition request of a release; {@code secretArns} maps each declared reference to its ARN. */
    public static RegisterTaskDefinitionRequest render(Release release, AwsSettings settings, Map<String, String> secretArns) {
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
        dev.cutover.HealthCheck h = s.healthCheck();
        HealthCheck health = HealthCheck.builder()
                .command("CMD-SHELL", "curl -fs " + shellQuoted("http://localhost:" + s.port() + h.path()) + " || exit 1")
                .interval((int) h.interval().toSeconds()).timeout((int) h.timeout().toSeconds()).retries(h.retries())
                .startPeriod((int) h.startPeriod().toSeconds()).build();
        Map<String, String> logOptions = new LinkedHashMap<>();
        logOptions.put("awslogs-group", Names.logGroup(settings, env, s.name()));
        logOptions.put("awslogs-region", settings.region());
        logOptions.put("awslogs-stream-prefix", s.name());
        if (settings.createLogGroup()) {
            logOptions.put("awslogs-create-group", "true");
        }
        ContainerDefinition container = ContainerDefinition.builder()
                .name(Names.CONTAINER)
                .image(s.image().toString())
                .essential(true)
                .portMappings(PortMapping.builder().name(Names.PORT_NAME).containerPort(s.port()).protocol(TransportProtocol.TCP)
                        .appProtocol(ApplicationProtocol.HTTP).build())
                .environment(s.env().entrySet().stream()
                        .map(e -> KeyValuePair.builder().name(e.getKey()).value(e.getValue()).build()).toList())
                .secrets(secrets.isEmpty() ? null : secrets) // ECS refuses even an empty list without an execution role
                .healthCheck(health)
                .logConfiguration(LogConfiguration.builder().logDriver(LogDriver.AWSLOGS).options(logOptions).build())
                .dockerLabels(labels)
                .build();
        RegisterTaskDefinitionRequest.Builder b = RegisterTaskDefinitionRequest.builder()
                .family(Names.family(env, s.name()))
                .networkMode(NetworkMode.AWSVPC)
                .requiresCompatibilities(s.launchType() == LaunchType.FARGATE ? Compatibility.FARGATE : Compatibility.EC2)
                .cpu(String.valueOf(s.cpu()))
                .memory(String.valueOf(s.memoryMiB()))
                .containerDefinitions(container)
                .tags(Tag.builder().key("cutover:environment").value(env).build(),
                        Tag.builder().key("cutover:service").value(s.name()).build());
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
        return m;
    }

    /** Whether {@code td} runs exactly what {@code release} asks for, roles included. */
    public static boolean matches(TaskDefinition td, Release release, AwsSettings settings) {
        Service s = release.service();
        return canonical(td).equals(DesiredState.revision(s))
                && Objects.equals(td.taskRoleArn(), taskRole(s, settings))
                && Objects.equals(td.executionRoleArn(), executionRole(s, settings));
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

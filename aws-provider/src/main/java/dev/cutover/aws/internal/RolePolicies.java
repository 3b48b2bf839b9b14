package dev.cutover.aws.internal;

import dev.cutover.Logs;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.spi.Provider.PolicyStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the roles a task runs with must allow, as the AWS documentation lists it: the task role
 * (the application's; in App Mesh mode Envoy reads its configuration with it) and the task
 * execution role (ECS's, to pull images, send logs and inject secrets). These are not the
 * deployer's permissions ({@link Permissions}); attach them to the roles the task definitions name.
 */
public final class RolePolicies {

    private static final Pattern ECR = Pattern.compile("(\\d{12})\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/([^:@]+).*");

    private RolePolicies() {
    }

    /**
     * The task role's needs. App Mesh mode: {@code appmesh:StreamAggregatedResources} on the
     * service's virtual nodes (App Mesh user guide, "Proxy authorization": Envoy reads its
     * configuration with the task role).
     */
    public static List<PolicyStatement> taskRole(AwsSettings settings, Release release) {
        List<PolicyStatement> out = new ArrayList<>();
        if (TaskDefs.meshMode(release)) {
            String family = Names.family(release.environment().name(), release.service().name());
            out.add(new PolicyStatement(List.of("appmesh:StreamAggregatedResources"), List.of(settings.arn("appmesh",
                    "mesh/" + release.environment().mesh().orElseThrow() + "/virtualNode/" + Names.perRevisionPattern(family)))));
        }
        return out;
    }

    /**
     * The task execution role's needs (ECS developer guide, "Amazon ECS task execution IAM role"):
     * CloudWatch Logs for {@code awslogs}, ECR pulls for private ECR images, and
     * {@code secretsmanager:GetSecretValue} for the secrets it injects (the service's and a
     * Datadog API key of FireLens).
     */
    public static List<PolicyStatement> executionRole(AwsSettings settings, Release release) {
        Service s = release.service();
        List<PolicyStatement> out = new ArrayList<>();
        Logs.AwsLogs declared = s.logs().orElse(null) instanceof Logs.AwsLogs a ? a : Logs.awslogs();
        String group = declared.group().isEmpty() ? Names.logGroup(settings, release.environment().name(), s.name())
                : declared.group();
        String region = declared.region().isEmpty() ? settings.region() : declared.region();
        List<String> logActions = new ArrayList<>(List.of("logs:CreateLogStream", "logs:PutLogEvents"));
        if (settings.createLogGroup()) {
            logActions.add(0, "logs:CreateLogGroup");
        }
        out.add(new PolicyStatement(logActions, List.of("arn:" + settings.partition() + ":logs:" + region + ":"
                + settings.accountId() + ":log-group:" + group + ":*")));
        TreeSet<String> repositories = new TreeSet<>();
        for (String image : TaskDefs.images(release, settings)) {
            Matcher m = ECR.matcher(image);
            if (m.matches()) {
                repositories.add("arn:" + settings.partition() + ":ecr:" + m.group(2) + ":" + m.group(1) + ":repository/" + m.group(3));
            }
        }
        if (!repositories.isEmpty()) {
            out.add(new PolicyStatement(List.of("ecr:GetAuthorizationToken"), List.of("*")));
            out.add(new PolicyStatement(List.of("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer"), List.copyOf(repositories)));
        }
        TreeSet<String> secrets = new TreeSet<>();
        for (String ref : TaskDefs.secretReferences(release)) {
            String name = ref.startsWith("arn:") ? ref.split(":")[6] : ref.contains(":") ? ref.substring(0, ref.indexOf(':')) : ref;
            secrets.add(settings.arn("secretsmanager", "secret:" + name + "-??????"));
        }
        if (!secrets.isEmpty()) {
            out.add(new PolicyStatement(List.of("secretsmanager:GetSecretValue"), List.copyOf(secrets)));
        }
        return out;
    }
}

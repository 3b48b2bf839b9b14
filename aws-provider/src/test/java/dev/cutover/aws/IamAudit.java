package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.spi.Provider.PolicyStatement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.DeleteServiceRequest;
import software.amazon.awssdk.services.ecs.model.DescribeClustersRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * An SDK interceptor on every client of the deployers of an {@link AwsWorld}: it records each IAM
 * action called and the ECS resource ARNs it touched, and {@link #verify()} compares them with the
 * policies of every plan the world made ({@link Plan#requiredPermissions()}) and the operations
 * policy (rollback, resume, abort) of every planned release: no action is missing, every touched ARN
 * matches a resource pattern of a statement granting the action, and no ECS service pattern
 * matches a sibling service ({@code <name>-api}).
 */
final class IamAudit implements ExecutionInterceptor {

    /** One call: the IAM action and the ARNs it touched (empty when not derived). */
    record Call(String action, List<String> arns) {
    }

    private static final String ACCOUNT = "123456789012";
    private static final Map<String, String> PREFIX = Map.of("ecs", "ecs", "appmesh", "appmesh",
            "servicediscovery", "servicediscovery", "secretsmanager", "secretsmanager",
            "applicationautoscaling", "application-autoscaling", "elasticloadbalancingv2", "elasticloadbalancing");

    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final Set<PolicyStatement> granted = Collections.synchronizedSet(new LinkedHashSet<>());
    private static final Map<String, Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME).toLowerCase(Locale.ROOT).replace(" ", "");
        String action = PREFIX.getOrDefault(service, service) + ":" + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        String region = attributes.getAttribute(AwsExecutionAttribute.AWS_REGION).id();
        calls.add(new Call(action, arns(context.request(), region)));
    }

    /** Records the policy of a plan and the operations policy of its release. */
    void planned(AwsProvider aws, Plan plan) {
        granted.addAll(aws.requiredPermissions(plan));
        operations(aws, plan.release());
    }

    /** Records the operations policy (rollback, resume, abort) of a release. */
    void operations(AwsProvider aws, Release release) {
        granted.addAll(aws.operationsPermissions(release));
    }

    /** The actions called so far. */
    Set<String> actions() {
        Set<String> out = new TreeSet<>();
        synchronized (calls) {
            calls.forEach(c -> out.add(c.action()));
        }
        return out;
    }

    void verify() {
        List<Call> made;
        synchronized (calls) {
            made = List.copyOf(calls);
        }
        List<PolicyStatement> policy;
        synchronized (granted) {
            policy = List.copyOf(granted);
        }
        if (made.isEmpty()) {
            return;
        }
        Set<String> missing = new TreeSet<>();
        Set<String> uncovered = new LinkedHashSet<>();
        for (Call c : made) {
            List<PolicyStatement> withAction = policy.stream().filter(p -> p.actions().contains(c.action())).toList();
            if (withAction.isEmpty()) {
                missing.add(c.action());
                continue;
            }
            for (String arn : c.arns()) {
                if (withAction.stream().noneMatch(p -> p.resources().stream().anyMatch(r -> matches(r, arn)))) {
                    uncovered.add(c.action() + " on " + arn);
                }
                String sibling = sibling(arn);
                if (sibling != null) {
                    withAction.stream().flatMap(p -> p.resources().stream())
                            .filter(r -> !r.equals("*") && matches(r, arn) && matches(r, sibling))
                            .forEach(r -> uncovered.add(c.action() + ": pattern " + r + " also matches the sibling " + sibling));
                }
            }
        }
        assertThat(missing).as("actions called that no plan's policy grants").isEmpty();
        assertThat(uncovered).as("resources touched outside the policy's patterns, or patterns wider than the service").isEmpty();
    }

    /** An IAM resource pattern ({@code *} any run of characters, {@code ?} one) against an ARN. */
    static boolean matches(String pattern, String arn) {
        return PATTERNS.computeIfAbsent(pattern, p -> {
            StringBuilder re = new StringBuilder();
            for (char ch : p.toCharArray()) {
                re.append(ch == '*' ? ".*" : ch == '?' ? "." : Pattern.quote(String.valueOf(ch)));
            }
            return Pattern.compile(re.toString());
        }).matcher(arn).matches();
    }

    /** The ARN of a sibling Service Connect service ({@code <name>-api}) of an ECS service ARN, else null. */
    private static String sibling(String arn) {
        int i = arn.indexOf(":service/");
        if (i < 0 || arn.startsWith("arn:aws:servicediscovery")) {
            return null;
        }
        String name = arn.substring(arn.lastIndexOf('/') + 1);
        return name.matches(".*_\\d+") ? null : arn + "-api"; // App Mesh per-revision services: see docs/security.md
    }

    private static String ecs(String region, String resource) {
        return "arn:aws:ecs:" + region + ":" + ACCOUNT + ":" + resource;
    }

    /** The local cloud's account in an ARN, as the policy's account sees it. */
    private static String ours(String arn) {
        String[] p = arn.split(":", -1);
        if (p.length > 4) {
            p[4] = ACCOUNT;
        }
        return String.join(":", p);
    }

    private static List<String> arns(SdkRequest request, String region) {
        List<String> out = new ArrayList<>();
        if (request instanceof DescribeServicesRequest r) {
            r.services().forEach(s -> out.add(ecs(region, "service/" + r.cluster() + "/" + s)));
        } else if (request instanceof UpdateServiceRequest r) {
            out.add(ecs(region, "service/" + r.cluster() + "/" + r.service()));
        } else if (request instanceof DeleteServiceRequest r) {
            out.add(ecs(region, "service/" + r.cluster() + "/" + r.service()));
        } else if (request instanceof CreateServiceRequest r) {
            out.add(ecs(region, "service/" + r.cluster() + "/" + r.serviceName()));
        } else if (request instanceof ListServiceDeploymentsRequest r) {
            out.add(ecs(region, "service/" + r.cluster() + "/" + r.service()));
        } else if (request instanceof DescribeClustersRequest r) {
            r.clusters().forEach(c -> out.add(ecs(region, "cluster/" + c)));
        } else if (request instanceof StopServiceDeploymentRequest r) {
            out.add(ours(r.serviceDeploymentArn()));
        } else if (request instanceof DescribeServiceDeploymentsRequest r) {
            r.serviceDeploymentArns().forEach(a -> out.add(ours(a)));
        } else if (request instanceof software.amazon.awssdk.services.ecr.model.DescribeImagesRequest r) {
            out.add("arn:aws:ecr:" + region + ":" + (r.registryId() == null ? ACCOUNT : r.registryId()) + ":repository/"
                    + r.repositoryName());
        }
        return out;
    }
}

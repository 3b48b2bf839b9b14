package dev.cutover.aws.internal;

import dev.cutover.spi.Provider.RateLimit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The API families of the AWS services the provider calls, each with its token bucket, so the
 * guarded executor's rate limiter matches what AWS enforces.
 *
 * <p>ECS: the Amazon ECS API Reference, "Request throttling" (one bucket per group; the family is
 * named after the group's first operation, e.g. {@code ecs.RegisterTaskDefinition} covers
 * RegisterTaskDefinition and DeregisterTaskDefinition). Cloud Map documents only DiscoverInstances
 * (2,000 burst, 1,000 per second); App Mesh, the rest of Cloud Map, Application Auto Scaling and
 * Amazon ECR's DescribeImages publish no bucket sizes, so reads get a conservative 50 / 20 and writes 20 / 10. Secrets Manager's
 * DescribeSecret is documented at 10,000 per second.
 */
public final class ApiFamilies {

    private static final Map<String, String> ECS_GROUP = new LinkedHashMap<>();
    private static final Map<String, RateLimit> LIMITS = new LinkedHashMap<>();

    static {
        ecs("CreateService", 50, 5, "CreateService", "UpdateService", "DeleteService");
        ecs("DescribeServices", 100, 20, "DescribeServices", "ListServices");
        ecs("RegisterTaskDefinition", 20, 1, "RegisterTaskDefinition", "DeregisterTaskDefinition");
        ecs("DescribeTaskDefinition", 50, 20, "DescribeTaskDefinition", "ListTaskDefinitions", "ListTaskDefinitionFamilies");
        ecs("DescribeServiceDeployments", 50, 20, "DescribeServiceDeployments", "ListServiceDeployments",
                "DescribeServiceRevisions");
        ecs("DescribeTasks", 100, 20, "DescribeTasks", "ListTasks");
        ecs("RunTask", 100, 40, "RunTask", "StopTask");
        ecs("TagResource", 20, 10, "TagResource", "UntagResource");
        ecs("ListServicesByNamespace", 10, 1, "ListServicesByNamespace");
        LIMITS.put("ecs.other", new RateLimit(20, 10));
        LIMITS.put("appmesh.read", new RateLimit(50, 20));
        LIMITS.put("appmesh.write", new RateLimit(20, 10));
        LIMITS.put("servicediscovery.DiscoverInstances", new RateLimit(2000, 1000));
        LIMITS.put("servicediscovery.read", new RateLimit(50, 20));
        LIMITS.put("servicediscovery.write", new RateLimit(20, 10));
        LIMITS.put("secretsmanager.DescribeSecret", new RateLimit(10000, 10000));
        // ELBv2 publishes no bucket sizes: reads and writes get the sizes of the other undocumented families
        LIMITS.put("elasticloadbalancing.read", new RateLimit(50, 20));
        LIMITS.put("elasticloadbalancing.write", new RateLimit(20, 10));
        LIMITS.put("application-autoscaling.read", new RateLimit(50, 20));
        LIMITS.put("application-autoscaling.write", new RateLimit(20, 10));
        LIMITS.put("ecr.read", new RateLimit(50, 20));
        // CloudWatch service quotas: GetMetricData 50 transactions per second, DescribeAlarms 9 per second
        LIMITS.put("cloudwatch.GetMetricData", new RateLimit(50, 50));
        LIMITS.put("cloudwatch.read", new RateLimit(9, 9));
        // Route 53 Developer Guide, "Throttling for Amazon Route 53 API requests": every request of an account
        // takes a token of one bucket of 50, refilled at 10 per second
        LIMITS.put("route53.account", new RateLimit(50, 10));
    }

    private ApiFamilies() {
    }

    private static void ecs(String family, int burst, double perSecond, String... operations) {
        LIMITS.put("ecs." + family, new RateLimit(burst, perSecond));
        for (String op : operations) {
            ECS_GROUP.put(op, "ecs." + family);
        }
    }

    /** Every family and its bucket. */
    public static Map<String, RateLimit> limits() {
        return java.util.Collections.unmodifiableMap(LIMITS);
    }

    /** The family of one call; {@code service} is the IAM prefix ({@code ecs}, {@code appmesh}, ...). */
    public static String family(String service, String operation) {
        switch (service) {
            case "ecs":
                return ECS_GROUP.getOrDefault(operation, "ecs.other");
            case "servicediscovery":
                if (operation.equals("DiscoverInstances")) {
                    return "servicediscovery.DiscoverInstances";
                }
                return service + (isRead(operation) ? ".read" : ".write");
            case "secretsmanager":
                return "secretsmanager.DescribeSecret";
            case "route53":
                return "route53.account";
            case "cloudwatch":
                return operation.equals("GetMetricData") ? "cloudwatch.GetMetricData" : "cloudwatch.read";
            default:
                return service + (isRead(operation) ? ".read" : ".write");
        }
    }

    private static boolean isRead(String operation) {
        return operation.startsWith("Describe") || operation.startsWith("List") || operation.startsWith("Get");
    }
}

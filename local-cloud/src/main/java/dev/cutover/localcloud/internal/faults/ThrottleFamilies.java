package dev.cutover.localcloud.internal.faults;

import java.util.Map;

/**
 * The API families and their token-bucket rates (burst, refill per second) per service.
 *
 * <p>ECS: the Amazon ECS API Reference, "Request throttling" (see AWS-FACTS.md); operations it does
 * not list share an {@code ecs:other} bucket of 50 / 20. Cloud Map: {@code DiscoverInstances} has
 * its documented 2,000 / 1,000 and answers {@code RequestLimitExceeded}; its other operations, App
 * Mesh, Secrets Manager, Application Auto Scaling and ELBv2 publish no bucket sizes, so reads get 50 / 20
 * and writes 20 / 10 (Secrets Manager: its documented 10,000 per second for reads, 50 for writes). Route 53: one
 * account-level bucket of 50 / 10 (its developer guide's "Throttling for Amazon Route 53 API requests").
 */
final class ThrottleFamilies {

    /** One family: its bucket size, refill rate and the error code the service answers with. */
    record Family(String name, int burst, double perSecond, int status, String errorType) {
    }

    private static final int THROTTLE_STATUS = 400;
    private static final String THROTTLING = "ThrottlingException";

    private static final Map<String, Family> ECS = ecs();

    private ThrottleFamilies() {
    }

    private static Map<String, Family> ecs() {
        Map<String, Family> m = new java.util.HashMap<>();
        put(m, "ecs:services-write", 50, 5, "CreateService", "UpdateService", "DeleteService");
        put(m, "ecs:services-read", 100, 20, "DescribeServices", "ListServices");
        put(m, "ecs:taskdef-write", 20, 1, "RegisterTaskDefinition", "DeregisterTaskDefinition");
        put(m, "ecs:taskdef-read", 50, 20, "DescribeTaskDefinition", "ListTaskDefinitions", "ListTaskDefinitionFamilies");
        put(m, "ecs:deployments-read", 50, 20, "DescribeServiceDeployments", "ListServiceDeployments",
                "DescribeServiceRevisions");
        put(m, "ecs:tasks-read", 100, 20, "DescribeTasks", "ListTasks");
        put(m, "ecs:tasks-write", 100, 40, "RunTask", "StopTask");
        put(m, "ecs:tags", 20, 10, "TagResource", "UntagResource");
        put(m, "ecs:by-namespace", 10, 1, "ListServicesByNamespace");
        return Map.copyOf(m);
    }

    private static void put(Map<String, Family> m, String name, int burst, double perSecond, String... operations) {
        Family f = new Family(name, burst, perSecond, THROTTLE_STATUS, THROTTLING);
        for (String op : operations) {
            m.put(op, f);
        }
    }

    /** The family of one call; {@code operation} is the JSON operation or {@code "METHOD /path"} for REST. */
    static Family of(String service, String operation) {
        switch (service) {
            case "ecs":
                return ECS.getOrDefault(operation, new Family("ecs:other", 50, 20, THROTTLE_STATUS, THROTTLING));
            case "appmesh": {
                boolean read = operation.startsWith("GET ");
                return read ? new Family("appmesh:read", 50, 20, 429, "TooManyRequestsException")
                        : new Family("appmesh:write", 20, 10, 429, "TooManyRequestsException");
            }
            case "servicediscovery":
            case "cloudmap":
                if (operation.equals("DiscoverInstances") || operation.equals("DiscoverInstancesRevision")) {
                    return new Family("servicediscovery:discover", 2000, 1000, THROTTLE_STATUS, "RequestLimitExceeded");
                }
                return readOrWrite(service, operation);
            case "secretsmanager":
                if (operation.startsWith("Get") || operation.startsWith("Describe") || operation.startsWith("BatchGet")) {
                    return new Family("secretsmanager:read", 10000, 10000, THROTTLE_STATUS, THROTTLING);
                }
                if (operation.startsWith("List")) {
                    return new Family("secretsmanager:list", 100, 100, THROTTLE_STATUS, THROTTLING);
                }
                return new Family("secretsmanager:write", 50, 50, THROTTLE_STATUS, THROTTLING);
            case "elbv2": {
                // the query protocol's throttling code is Throttling (Elastic Load Balancing API Reference,
                // Common Errors: "Throttling - The request was denied due to request throttling", 400)
                Family f = readOrWrite(service, operation);
                return new Family(f.name(), f.burst(), f.perSecond(), THROTTLE_STATUS, "Throttling");
            }
            case "route53":
                // Route 53 Developer Guide, "Throttling for Amazon Route 53 API requests": all requests of an account
                // share one bucket of 50, refilled at 10 per second; a throttled call is HTTP 400, code Throttling
                return new Family("route53:account", 50, 10, THROTTLE_STATUS, "Throttling");
            default:
                return readOrWrite(service, operation);
        }
    }

    private static Family readOrWrite(String service, String operation) {
        boolean read = operation.startsWith("Describe") || operation.startsWith("List") || operation.startsWith("Get")
                || operation.startsWith("GET ");
        return read ? new Family(service + ":read", 50, 20, THROTTLE_STATUS, THROTTLING)
                : new Family(service + ":write", 20, 10, THROTTLE_STATUS, THROTTLING);
    }
}

package dev.cutover.localcloud;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local cloud's Cloud Map from Java: register and deregister instances the way ECS does for a
 * service with {@code serviceRegistries}, set their health, and look services up. The same data is
 * served to the AWS SDK's {@code ServiceDiscoveryClient}.
 *
 * <p>A client that calls {@code DiscoverInstances} against the local cloud must disable the SDK's
 * {@code data-} host prefix (without it the SDK builds {@code http://data-127.0.0.1:<port>}, an invalid
 * host, and fails before sending):
 * <pre>{@code
 * ServiceDiscoveryClient sd = ServiceDiscoveryClient.builder()
 *     .endpointOverride(cloud.endpoint())
 *     .overrideConfiguration(o -> o.putAdvancedOption(SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true))
 *     .region(Region.US_EAST_1)
 *     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
 *     .build();
 *
 * cloud.cloudMap().registerInstance(registryArn, taskId,
 *     Map.of("AWS_INSTANCE_IPV4", "10.0.3.7", "AWS_INSTANCE_PORT", "8080"));
 * }</pre>
 */
public interface CloudMap {

    /** A registered instance. {@code healthStatus} is HEALTHY, UNHEALTHY or UNKNOWN (no health check). */
    record Instance(String serviceId, String instanceId, Map<String, String> attributes, String healthStatus) {
    }

    /**
     * Registers (or replaces) an instance; visible at once.
     *
     * @param serviceIdOrArn the service id ({@code srv-...}) or its ARN (an ECS {@code registryArn})
     * @throws IllegalArgumentException when the service does not exist
     */
    void registerInstance(String serviceIdOrArn, String instanceId, Map<String, String> attributes);

    /** Removes an instance; returns whether it existed. */
    boolean deregisterInstance(String serviceIdOrArn, String instanceId);

    /** Sets an instance's health as a health checker would. */
    void setHealthy(String serviceIdOrArn, String instanceId, boolean healthy);

    /** The instances of a service in registration order (empty when the service does not exist). */
    List<Instance> instances(String serviceIdOrArn);

    /** The id of service {@code serviceName} in namespace {@code namespaceName}, if both exist. */
    Optional<String> findService(String namespaceName, String serviceName);

    /** The ARN of a service, given its id or ARN, if it exists. */
    Optional<String> serviceArn(String serviceIdOrArn);
}

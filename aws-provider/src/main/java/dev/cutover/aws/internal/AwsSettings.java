package dev.cutover.aws.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The provider's settings after the builder resolved its defaults.
 *
 * @param region            the AWS Region
 * @param accountId         the account id used in ARNs of permissions and log settings
 * @param logGroupPrefix    log groups are {@code <prefix>/<environment>/<service>}
 * @param createLogGroup    whether the awslogs driver creates the group ({@code awslogs-create-group})
 * @param taskRole          the default task role ARN, or null
 * @param executionRole     the default execution role ARN, or null
 * @param revisionRetention how many task definition revisions of a family stay registered
 * @param keepWarm          how long a replaced revision stays warm after promotion
 * @param subnets           awsvpc subnets
 * @param securityGroups    awsvpc security groups
 * @param assignPublicIp    whether Fargate tasks get a public IP
 * @param vpcId             the VPC of the Cloud Map private DNS namespaces
 * @param pollInterval      how often asynchronous operations are polled
 * @param operationTimeout  how long an asynchronous Cloud Map operation may take
 * @param envoyImage        the Envoy image of the App Mesh proxy container
 */
public record AwsSettings(String region, String accountId, String logGroupPrefix, boolean createLogGroup, String taskRole,
        String executionRole, int revisionRetention, Duration keepWarm, List<String> subnets, List<String> securityGroups,
        boolean assignPublicIp, String vpcId, Duration pollInterval, Duration operationTimeout, String envoyImage) {

    public AwsSettings {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(logGroupPrefix, "logGroupPrefix");
        subnets = List.copyOf(subnets);
        securityGroups = List.copyOf(securityGroups);
        Objects.requireNonNull(vpcId, "vpcId");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(operationTimeout, "operationTimeout");
        Objects.requireNonNull(keepWarm, "keepWarm");
        Objects.requireNonNull(envoyImage, "envoyImage");
    }

    /** Settings with AWS's published Envoy image. */
    public AwsSettings(String region, String accountId, String logGroupPrefix, boolean createLogGroup, String taskRole,
            String executionRole, int revisionRetention, Duration keepWarm, List<String> subnets, List<String> securityGroups,
            boolean assignPublicIp, String vpcId, Duration pollInterval, Duration operationTimeout) {
        this(region, accountId, logGroupPrefix, createLogGroup, taskRole, executionRole, revisionRetention, keepWarm, subnets,
                securityGroups, assignPublicIp, vpcId, pollInterval, operationTimeout, TaskDefs.DEFAULT_ENVOY_IMAGE);
    }

    /** These settings as an environment in {@code region} sees them. */
    public AwsSettings inRegion(String region) {
        return region.equals(this.region) ? this : new AwsSettings(region, accountId, logGroupPrefix, createLogGroup, taskRole,
                executionRole, revisionRetention, keepWarm, subnets, securityGroups, assignPublicIp, vpcId, pollInterval,
                operationTimeout);
    }

    /** {@code arn:<partition>:<service>:<region>:<account>:<resource>} in the provider's default Region. */
    public String arn(String service, String resource) {
        return "arn:" + partition() + ":" + service + ":" + region + ":" + accountId + ":" + resource;
    }

    /** The ARN partition of the region. */
    public String partition() {
        if (region.startsWith("cn-")) {
            return "aws-cn";
        }
        return region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    }
}

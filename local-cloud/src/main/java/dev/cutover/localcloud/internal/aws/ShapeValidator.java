package dev.cutover.localcloud.internal.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The request-shape check that runs in {@link AwsServer} before an emulator's handler: the request
 * is checked against the service's {@link ShapeTable} (generated from AWS's model) and a request
 * AWS would reject for its shape is answered with the error that service answers, listing every
 * violation at once.
 *
 * <p>Which error each service answers for a shape violation (missing required member, bad enum,
 * length or range out of bounds, pattern mismatch):
 * <ul>
 *   <li>ECS: {@code InvalidParameterException} (400). The ECS model has no {@code ValidationException};
 *       its {@code InvalidParameterException} is "The specified parameter isn't valid. Review the
 *       available parameters for the API request." (Amazon ECS API Reference, Errors), and ECS answers
 *       request-validation failures such as an empty {@code services} list with it ("Services cannot be
 *       empty.", aws-sdk-ruby traces in boltops-tools/aws-inventory#4).</li>
 *   <li>Cloud Map: {@code InvalidInput} (400): "One or more specified values aren't valid. For example,
 *       a required value might be missing, a numeric value might be outside the allowed range, or a
 *       string value might exceed length constraints." (AWS Cloud Map API Reference, InvalidInput;
 *       observed: "1 validation error detected: Value null at 'id' failed to satisfy constraint:
 *       Member must not be null ... Error Code: InvalidInput", aws/aws-sdk-java#1973).</li>
 *   <li>Secrets Manager: {@code ValidationException} (400), the common error "The input fails to
 *       satisfy the constraints specified by an AWS service" (Secrets Manager API Reference, Common
 *       Errors); it is not in the model, so SDKs raise the generic service exception (observed
 *       {@code com.amazon.AWSMimirService#ValidationException} for a missing {@code secretId},
 *       aws/aws-sdk-js-v3#1215, aws/aws-sdk-kotlin#1469).</li>
 *   <li>Application Auto Scaling: {@code ValidationException} (400), modelled: "An exception was thrown
 *       for a validation issue. Review the available parameters for the API request."
 *       (Application Auto Scaling API Reference, Errors).</li>
 *   <li>ELBv2 (query): {@code ValidationError} (400), the common error of the query APIs: "The input
 *       fails to satisfy the constraints specified by an AWS service" (Elastic Load Balancing API
 *       Reference, Common Errors: ValidationError, HTTP 400); a value that does not parse as its
 *       type (a priority of {@code abc}) is the same error.</li>
 *   <li>App Mesh (REST-JSON): {@code BadRequestException} (400): "The request syntax was malformed.
 *       Check your request syntax and try again." (AWS App Mesh API Reference, Errors).</li>
 *   <li>CloudWatch (query protocol): {@code InvalidParameterValue} (400), modelled as
 *       InvalidParameterValueException: "The value of an input parameter is bad or out-of-range."
 *       (Amazon CloudWatch API Reference, Errors; botocore cloudwatch model: code InvalidParameterValue).</li>
 *   <li>ECR: {@code InvalidParameterException} (400), "The specified parameter is invalid. Review the
 *       available parameters for the API request." (Amazon ECR API Reference, Errors); observed for a
 *       repository name outside the model's pattern: "InvalidParameterException: Invalid parameter at
 *       'repositoryName' failed to satisfy constraint: 'must satisfy regular expression ...'"
 *       (jenkins-x/jx#1344, hashicorp/terraform-provider-aws#40309). The local cloud keeps its common
 *       "N validation errors detected" wording; the SDK raises the same exception class.</li>
 * </ul>
 * A value of the wrong JSON type never reaches validation at AWS: the JSON protocols answer
 * {@code SerializationException} (400), REST-JSON App Mesh its {@code BadRequestException}.
 *
 * <p>Services with a table but no entry here are not checked by it: route53, whose REST-XML
 * emulator ({@code Route53Emulator}) checks its requests itself and answers Route 53's own
 * {@code InvalidInput}/{@code InvalidChangeBatch}.
 */
public final class ShapeValidator {

    /** The error a service answers for a shape violation. */
    record Policy(int status, String type) {
    }

    private static final Map<String, Policy> POLICIES = Map.of(
            "ecs", new Policy(400, "InvalidParameterException"),
            "servicediscovery", new Policy(400, "InvalidInput"),
            "secretsmanager", new Policy(400, "ValidationException"),
            "application-autoscaling", new Policy(400, "ValidationException"),
            "appmesh", new Policy(400, "BadRequestException"),
            "ecr", new Policy(400, "InvalidParameterException"),
            "elbv2", new Policy(400, "ValidationError"),
            "cloudwatch", new Policy(400, "InvalidParameterValue"));

    private final ShapeTable table;
    private final Policy policy;

    private ShapeValidator(ShapeTable table, Policy policy) {
        this.table = table;
        this.policy = policy;
    }

    /** The validator of a service (by its short name, e.g. {@code ecs}), or empty when it has none. */
    public static Optional<ShapeValidator> of(String serviceName) {
        Policy policy = POLICIES.get(serviceName);
        if (policy == null) {
            return Optional.empty();
        }
        return ShapeTable.of(serviceName).map(t -> new ShapeValidator(t, policy));
    }

    /** Checks a JSON-protocol request of {@code serviceName} when that service has a validator. */
    public static void check(String serviceName, String operation, JsonNode request) {
        of(serviceName).ifPresent(v -> v.checkJson(operation, request));
    }

    /** The error type this service answers for a shape violation, e.g. {@code InvalidInput}. */
    public String errorType() {
        return policy.type();
    }

    /** Throws the service's {@link AwsError} when a JSON-protocol request breaks its operation's shape. */
    public void checkJson(String operation, JsonNode request) {
        raise(table.check(operation, request), "SerializationException");
    }

    /** Throws the service's {@link AwsError} when a query-protocol request (already typed by its table) breaks its shape. */
    public void checkQuery(String operation, JsonNode request) {
        raise(table.check(operation, request), policy.type());
    }

    /** The table this validator checks against. */
    public ShapeTable table() {
        return table;
    }

    /**
     * Throws the service's {@link AwsError} when a REST-JSON request (its URI labels, query string and
     * body together) breaks its operation's shape; requests the model has no operation for pass.
     */
    public void checkRest(String method, String rawPath, Map<String, List<String>> query, JsonNode body) {
        table.route(method, rawPath).ifPresent(match ->
                raise(table.check(match.operation(), table.restInput(match, query, body)), policy.type()));
    }

    private void raise(ShapeTable.Problems problems, String typeErrorType) {
        if (!problems.typeErrors().isEmpty()) {
            throw AwsError.badRequest(typeErrorType, String.join("; ", problems.typeErrors()));
        }
        if (!problems.violations().isEmpty()) {
            throw new AwsError(policy.status(), policy.type(), problems.message());
        }
    }
}

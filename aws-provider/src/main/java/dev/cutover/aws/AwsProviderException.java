package dev.cutover.aws;

import dev.cutover.spi.ProviderException;
import java.util.Optional;

/**
 * An AWS API call failed. Carries the AWS error code (e.g. {@code ClientException},
 * {@code ThrottlingException}), the HTTP status and AWS's message, so that a validation error names
 * the field AWS complained about; the SDK exception is kept as the cause for debugging only.
 *
 * <pre>{@code
 * try {
 *     cutover.apply(plan).await();
 * } catch (AwsProviderException e) {
 *     log.warn("{} failed with {}: {}", e.operation(), e.errorCode().orElse("-"), e.getMessage());
 * }
 * }</pre>
 */
public final class AwsProviderException extends ProviderException {

    private final String service;
    private final String errorCode;
    private final int statusCode;
    private final boolean throttling;

    /**
     * @param service    the AWS service, e.g. {@code ecs}
     * @param operation  the API operation, e.g. {@code RegisterTaskDefinition}
     * @param errorCode  the AWS error code, or null when no answer came
     * @param statusCode the HTTP status, or 0 when no answer came
     * @param retryable  whether retrying may help
     * @param throttling whether AWS throttled the call
     * @param message    what went wrong, for people
     * @param cause      the SDK exception
     */
    public AwsProviderException(String service, String operation, String errorCode, int statusCode, boolean retryable,
            boolean throttling, String message, Throwable cause) {
        super("aws", operation, retryable, service + " " + message, cause);
        this.service = service;
        this.errorCode = errorCode;
        this.statusCode = statusCode;
        this.throttling = throttling;
    }

    /** The AWS service: {@code ecs}, {@code appmesh}, {@code servicediscovery}, {@code secretsmanager}, {@code application-autoscaling}. */
    public String service() {
        return service;
    }

    /** The AWS error code, when AWS answered. */
    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    /** The HTTP status, or 0 when no answer came. */
    public int statusCode() {
        return statusCode;
    }

    /** Whether AWS throttled the call. */
    public boolean throttling() {
        return throttling;
    }
}

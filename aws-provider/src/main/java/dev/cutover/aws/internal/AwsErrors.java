package dev.cutover.aws.internal;

import dev.cutover.aws.AwsProviderException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/** Classifies SDK exceptions (retryable, throttling) and turns them into {@link AwsProviderException}s. */
public final class AwsErrors {

    private static final Set<String> THROTTLING = Set.of("ThrottlingException", "Throttling", "TooManyRequestsException",
            "RequestLimitExceeded", "ThrottledException", "RequestThrottled", "RequestThrottledException",
            "SlowDown", "TooManyRequests", "LimitExceededException.Rate");
    private static final Set<String> TRANSIENT = Set.of("ServerException", "ServiceUnavailableException",
            "ServiceUnavailable", "InternalFailure", "InternalServerError", "InternalServerErrorException",
            "InternalServiceError", "InternalServiceErrorException", "RequestTimeout", "RequestTimeoutException",
            "ConcurrentModificationException", "ConcurrentUpdateException",
            // Route 53 (botocore route53 model, PriorRequestNotComplete: "wait, in intervals of increasing duration, before you try
            // the request again")
            "PriorRequestNotComplete");

    private AwsErrors() {
    }

    /** The AWS error code of a service exception, or null. */
    public static String errorCode(Throwable t) {
        if (t instanceof AwsServiceException a && a.awsErrorDetails() != null) {
            return a.awsErrorDetails().errorCode();
        }
        if (t instanceof AwsProviderException p) {
            return p.errorCode().orElse(null);
        }
        return null;
    }

    /** Whether {@code t} (or a cause) is AWS throttling. */
    public static boolean isThrottling(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof AwsProviderException p) {
                return p.throttling();
            }
            if (t instanceof SdkServiceException s) {
                String code = errorCode(s);
                return s.isThrottlingException() || s.statusCode() == 429 || (code != null && THROTTLING.contains(code));
            }
        }
        return false;
    }

    /** Whether retrying may help: throttling, 5xx, transient server codes, timeouts and I/O failures. */
    public static boolean isRetryable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof AwsProviderException p) {
                return p.retryable();
            }
            if (t instanceof SdkServiceException s) {
                String code = errorCode(s);
                return isThrottling(s) || s.statusCode() >= 500 || (code != null && TRANSIENT.contains(code));
            }
            if (t instanceof ApiCallTimeoutException) {
                return true;
            }
            if (t instanceof SdkClientException c) {
                return hasIoCause(c);
            }
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasIoCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return true;
            }
            String m = t.getMessage();
            if (t instanceof SdkClientException && m != null && m.startsWith("Unable to execute HTTP request")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code t} is Application Auto Scaling not seeing an ECS service yet: RegisterScalableTarget
     * right after CreateService can answer {@code ValidationException: ECS service doesn't exist} for a
     * short while (eventual consistency between the services; hashicorp/terraform-provider-aws#11693
     * retries exactly this). Not retryable for the guarded executor (it says nothing about the
     * endpoint's health); the scaling capability waits it out.
     */
    public static boolean isEcsServiceNotYetVisible(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if ("ValidationException".equals(errorCode(t)) && t.getMessage() != null
                    && t.getMessage().contains("ECS service doesn't exist")) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code t} is one of the "does not exist" answers of {@code codes}. */
    public static boolean is(Throwable t, String... codes) {
        String code = errorCode(t);
        if (code == null) {
            return false;
        }
        for (String c : codes) {
            if (c.equals(code)) {
                return true;
            }
        }
        return false;
    }

    /** The Cutover error for a failed call: service, operation, AWS error code, status and message; never a stack trace. */
    public static AwsProviderException translate(String service, String operation, SdkException e) {
        boolean retryable = isRetryable(e);
        boolean throttling = isThrottling(e);
        if (e instanceof AwsServiceException a) {
            String code = errorCode(a);
            String msg = a.awsErrorDetails() != null && a.awsErrorDetails().errorMessage() != null
                    ? a.awsErrorDetails().errorMessage() : a.getMessage();
            return new AwsProviderException(service, operation, code, a.statusCode(), retryable, throttling,
                    (code != null ? code : "error") + " (HTTP " + a.statusCode() + "): " + msg, e);
        }
        if (e instanceof SdkServiceException s) {
            return new AwsProviderException(service, operation, null, s.statusCode(), retryable, throttling,
                    "HTTP " + s.statusCode() + ": " + s.getMessage(), e);
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String why = root == e ? e.getMessage() : root.getClass().getSimpleName() + ": " + root.getMessage();
        return new AwsProviderException(service, operation, null, 0, retryable, false,
                "could not complete the call: " + why, e);
    }
}

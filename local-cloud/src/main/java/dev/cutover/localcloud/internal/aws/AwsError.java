package dev.cutover.localcloud.internal.aws;

/**
 * An error answered the way AWS answers it: an HTTP status and an error type code
 * ({@code __type} in the JSON protocols, {@code x-amzn-ErrorType} in REST-JSON), so that the SDK
 * raises the same exception class it raises against AWS.
 */
public final class AwsError extends RuntimeException {

    private final int status;
    private final String type;

    public AwsError(int status, String type, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** 400 with the given type, e.g. {@code InvalidParameterException}, {@code ClientException}. */
    public static AwsError badRequest(String type, String message) {
        return new AwsError(400, type, message);
    }

    public static AwsError notFound(String type, String message) {
        return new AwsError(404, type, message);
    }

    public static AwsError conflict(String type, String message) {
        return new AwsError(409, type, message);
    }

    /** The JSON protocols' throttling answer. */
    public static AwsError throttling(String message) {
        return new AwsError(400, "ThrottlingException", message);
    }

    public static AwsError serviceUnavailable(String message) {
        return new AwsError(503, "ServiceUnavailableException", message);
    }

    public static AwsError internal(String message) {
        return new AwsError(500, "InternalFailure", message);
    }
}

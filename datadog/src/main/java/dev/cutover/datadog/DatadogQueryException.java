package dev.cutover.datadog;

import dev.cutover.spi.ProviderException;
import java.time.Duration;
import java.util.Optional;

/**
 * A Datadog query API call failed: the HTTP status (0 when no answer arrived), whether a retry may
 * help (429, 5xx, I/O), and the server's hint how long to wait ({@code Retry-After} or
 * {@code X-RateLimit-Reset}). The message never holds the API or application key.
 */
public final class DatadogQueryException extends ProviderException {

    private final int status;
    private final Duration retryAfter;

    /**
     * @param status     the HTTP status, or 0 when the request got no answer
     * @param retryable  whether a retry may succeed
     * @param retryAfter the server's wait hint, or {@code null}
     * @param message    what happened, without secrets
     * @param cause      the underlying failure, or {@code null}
     */
    public DatadogQueryException(int status, boolean retryable, Duration retryAfter, String message, Throwable cause) {
        super("datadog", "Query", retryable, message, cause);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** The HTTP status, or 0 when the request got no answer. */
    public int status() {
        return status;
    }

    /** Whether Datadog said the caller is rate limited (429). */
    public boolean throttled() {
        return status == 429;
    }

    /** How long the server asked the caller to wait, when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}

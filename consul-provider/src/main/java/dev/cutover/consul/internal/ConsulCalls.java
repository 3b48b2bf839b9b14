package dev.cutover.consul.internal;

import com.orbitz.consul.ConsulException;
import dev.cutover.spi.ProviderContext;
import dev.cutover.spi.ProviderException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs every Consul HTTP call through the core's guarded executor and turns the client's failures
 * into {@link ProviderException}s: retryable for connection errors, 429 and 5xx; not for other 4xx.
 * Messages never contain the ACL token.
 */
public final class ConsulCalls {

    /** The provider name used in errors and metrics. */
    public static final String PROVIDER = "consul";

    private final String token;
    private volatile ProviderContext context = ProviderContext.direct(Clock.systemUTC());

    /**
     * @param token the ACL token, only to scrub it from any message that might echo it; may be null
     */
    public ConsulCalls(String token) {
        this.token = token;
    }

    /** Switches to the core's executor and clock (from {@code Provider.start}). */
    public void start(ProviderContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    /** The clock of the current context. */
    public Clock clock() {
        return context.clock();
    }

    /**
     * Runs one call guarded, translating failures.
     *
     * @param family    the API family (rate limiter key), e.g. {@code consul.kv}
     * @param operation the operation, e.g. {@code KvPut}
     */
    public <T> T call(String family, String operation, Supplier<T> call) {
        return context.call(family, operation, () -> {
            try {
                return call.get();
            } catch (ProviderException e) {
                throw e;
            } catch (ConsulException e) {
                throw translate(operation, e);
            } catch (UncheckedIOException e) {
                throw new ProviderException(PROVIDER, operation, true, "could not reach Consul: " + scrub(e.getCause().getMessage()),
                        e.getCause());
            }
        });
    }

    /** Like {@link #call} for calls without a result. */
    public void run(String family, String operation, Runnable call) {
        call(family, operation, () -> {
            call.run();
            return null;
        });
    }

    /** Whether an HTTP status may succeed on retry: 429 and 5xx (and 0, no answer at all). */
    public static boolean isRetryableStatus(int status) {
        return status == 0 || status == 429 || status >= 500;
    }

    /** The error for an HTTP answer with {@code status} and {@code body} (body scrubbed of the token). */
    public ProviderException httpError(String operation, int status, String body) {
        String detail = scrub(body == null ? "" : body.strip());
        String hint = switch (status) {
            case 401, 403 -> "Consul refused the request (ACL): check that the configured token (consul.token) "
                    + "exists and its policy allows this operation";
            case 404 -> "not found in Consul";
            case 413 -> "the value is too large for Consul";
            case 429 -> "Consul is rate limiting requests";
            default -> status >= 500 ? "Consul had a server error" : "Consul rejected the request";
        };
        return new ProviderException(PROVIDER, operation, isRetryableStatus(status),
                hint + " (HTTP " + status + (detail.isEmpty() ? "" : ": " + detail) + ")");
    }

    /** The error for a failure of the Consul client. */
    public ProviderException translate(String operation, ConsulException e) {
        int status = e.getCode();
        if (status > 0) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            int colon = message.indexOf("]: ");
            return httpError(operation, status, colon >= 0 ? message.substring(colon + 3) : message);
        }
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
            // the cause carries the socket error (timeout, refused, reset); no token in it
            return new ProviderException(PROVIDER, operation, true, "could not reach Consul: " + scrub(String.valueOf(io.getMessage())), io);
        }
        return new ProviderException(PROVIDER, operation, true, "Consul call failed: " + scrub(String.valueOf(e.getMessage())));
    }

    /** {@code text} with the ACL token replaced, should a server ever echo it. */
    public String scrub(String text) {
        if (text == null || token == null || token.isEmpty()) {
            return text;
        }
        return text.replace(token, "(token)");
    }
}

package dev.cutover;

import dev.cutover.spi.ProviderException;

/**
 * A provider's circuit breaker is open: its recent calls failed too often, so Cutover stops
 * calling it for a while. Deployments pause in a safe state and retry after the breaker's wait.
 */
public final class CircuitOpenException extends ProviderException {

    public CircuitOpenException(String provider, String operation, java.time.Duration retryAfter) {
        super(provider, operation, true, "circuit breaker '" + provider + "' is open after repeated failures; "
                + "calls resume in about " + retryAfter.toSeconds() + " s");
    }
}

package dev.cutover.spi;

import dev.cutover.CutoverException;

/**
 * A provider call failed: says which provider and operation, and whether a retry may help.
 */
public class ProviderException extends CutoverException {

    private final String provider;
    private final String operation;
    private final boolean retryable;

    public ProviderException(String provider, String operation, boolean retryable, String message, Throwable cause) {
        super(provider + " " + operation + " failed" + (retryable ? " (retryable)" : "") + ": " + message, cause);
        this.provider = provider;
        this.operation = operation;
        this.retryable = retryable;
    }

    public ProviderException(String provider, String operation, boolean retryable, String message) {
        this(provider, operation, retryable, message, null);
    }

    public String provider() {
        return provider;
    }

    public String operation() {
        return operation;
    }

    public boolean retryable() {
        return retryable;
    }
}

package dev.cutover.spi;

import java.util.Collection;
import java.util.Map;

/**
 * Resolves secret references to what the runtime injects (e.g. a Secrets Manager name to its
 * ARN). Never reads a secret's value.
 */
public interface Secrets {

    /**
     * Resolves each reference; the result maps reference to resolved form.
     *
     * @throws SecretNotFoundException naming every reference that does not exist
     */
    Map<String, String> resolve(String environment, Collection<String> references);
}

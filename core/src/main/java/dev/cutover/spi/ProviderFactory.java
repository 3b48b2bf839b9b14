package dev.cutover.spi;

/**
 * Creates a provider from configuration; found with {@link java.util.ServiceLoader} (list the
 * implementation in {@code META-INF/services/dev.cutover.spi.ProviderFactory}). A provider passed
 * explicitly to {@code Cutover.builder().provider(...)} wins over a discovered one of the same name.
 */
public interface ProviderFactory {

    /** The name of the provider this factory creates. */
    String name();

    /** Creates the provider; {@code config} may answer null for every key. */
    Provider create(ProviderConfig config);
}

package dev.cutover.examples.custom;

import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderConfig;
import dev.cutover.spi.ProviderFactory;
import java.nio.file.Path;

/**
 * Creates the {@link DirectoryLockProvider} from {@code dir-lock.path} (system property
 * {@code dir-lock.path} or environment variable {@code DIR_LOCK_PATH} with the default
 * configuration). Listed in {@code META-INF/services/dev.cutover.spi.ProviderFactory}, so
 * {@code Cutover.builder()} finds it with {@link java.util.ServiceLoader}.
 *
 * <pre>{@code
 * Provider p = new DirectoryLockProviderFactory().create(ProviderConfig.of(Map.of("dir-lock.path", "/mnt/locks")));
 * }</pre>
 */
public final class DirectoryLockProviderFactory implements ProviderFactory {

    /** The configuration key naming the lock directory. */
    public static final String PATH_KEY = DirectoryLockProvider.NAME + ".path";

    @Override
    public String name() {
        return DirectoryLockProvider.NAME;
    }

    @Override
    public Provider create(ProviderConfig config) {
        String path = config.get(PATH_KEY);
        return path == null || path.isBlank() ? DirectoryLockProvider.unconfigured() : DirectoryLockProvider.at(Path.of(path));
    }
}

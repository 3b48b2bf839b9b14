package dev.cutover.examples.custom;

import dev.cutover.spi.LockManager;
import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * A provider of one capability, {@link dev.cutover.spi.Capability#LOCK}: {@link DirectoryLocks} in
 * a shared directory. Everything else (compute, traffic, ...) comes from the other providers.
 *
 * <pre>{@code
 * Cutover cutover = Cutover.builder()
 *     .provider(aws)
 *     .provider(DirectoryLockProvider.at(Path.of("/mnt/deploy-locks")))
 *     .use(Capability.LOCK, DirectoryLockProvider.NAME)
 *     .build();
 * }</pre>
 *
 * <p>Created by {@link DirectoryLockProviderFactory} when {@code dir-lock.path} is configured; without
 * it the discovered provider offers nothing, so having this jar on the class path changes nothing.
 */
public final class DirectoryLockProvider implements Provider {

    /** The provider's name, and the prefix of its configuration keys. */
    public static final String NAME = "dir-lock";

    private final Path directory;
    private volatile DirectoryLocks locks;

    private DirectoryLockProvider(Path directory) {
        this.directory = directory;
        if (directory != null) {
            this.locks = new DirectoryLocks(directory, Clock.systemUTC());
        }
    }

    /** Locks in {@code directory} (created when missing). */
    public static DirectoryLockProvider at(Path directory) {
        return new DirectoryLockProvider(Objects.requireNonNull(directory, "directory"));
    }

    /** A provider that offers nothing: what the factory creates when no directory is configured. */
    static DirectoryLockProvider unconfigured() {
        return new DirectoryLockProvider(null);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Leases run on the deployment's clock (virtual in tests). */
    @Override
    public void start(ProviderContext context) {
        if (directory != null) {
            locks = new DirectoryLocks(directory, context.clock());
        }
    }

    @Override
    public Optional<LockManager> locks() {
        return Optional.ofNullable(locks);
    }

    @Override
    public String toString() {
        return NAME + (directory == null ? " (unconfigured: set dir-lock.path)" : " at " + directory);
    }
}

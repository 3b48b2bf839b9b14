package dev.cutover.testkit;

import dev.cutover.locks.FileLocks;
import dev.cutover.spi.LockManager;
import dev.cutover.spi.Provider;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** The core's file-based locks pass the lock kit (as a provider offering only LOCK). */
class FileLocksKitTest extends LockCompatibilityKit {

    @TempDir
    Path dir;

    @Override
    protected Provider createProvider() {
        FileLocks locks = new FileLocks(dir, clock());
        return new Provider() {
            @Override
            public String name() {
                return "file-locks";
            }

            @Override
            public Optional<LockManager> locks() {
                return Optional.of(locks);
            }
        };
    }
}

package dev.cutover.examples.custom;

import dev.cutover.spi.Provider;
import dev.cutover.testkit.LockCompatibilityKit;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;

/** The custom provider passes the same lock contract as the in-memory and Consul providers. */
// snippet:start
class DirectoryLocksKitTest extends LockCompatibilityKit {

    private final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));

    @TempDir
    Path directory;

    @Override
    protected Provider createProvider() {
        return DirectoryLockProvider.at(directory);
    }

    @Override
    protected Clock clock() {
        return time.clock();
    }

    @Override
    protected void advance(Duration duration) {
        time.advance(duration);
    }
}
// snippet:end

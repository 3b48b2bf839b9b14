package dev.cutover.testkit;

import dev.cutover.InMemoryProvider;
import dev.cutover.spi.Provider;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The in-memory provider, the reference implementation, passes the traffic kit. */
class InMemoryTrafficKitTest extends TrafficCompatibilityKit {

    private final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));

    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
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

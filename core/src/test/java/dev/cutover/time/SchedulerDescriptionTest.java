package dev.cutover.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Cutover;
import dev.cutover.inmemory.InMemoryProvider;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** What JShell prints for schedulers and Cutover: speed, time to the second, providers, journal. */
class SchedulerDescriptionTest {

    @Test
    void schedulersPrintTheirSpeedAndTimeToTheSecond() {
        Clock fixed = Clock.fixed(Instant.parse("2026-01-01T10:00:00.987654Z"), ZoneOffset.UTC);
        try (Scheduler.SystemScheduler s = Scheduler.following(fixed, 60)) {
            assertThat(s).hasToString("SystemScheduler[x60, now=2026-01-01T10:00:00Z]");
        }
        assertThat(Scheduler.virtual(Instant.parse("2026-01-01T00:00:00.5Z")))
                .hasToString("VirtualScheduler[now=2026-01-01T00:00:00Z, pending=0]");
    }

    @Test
    void cutoverNamesItsProvidersSchedulerAndJournal() {
        Cutover cutover = Cutover.builder().provider(new InMemoryProvider()).discoverProviders(false)
                .scheduler(Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"))).build();
        assertThat(cutover.toString()).contains("providers=[in-memory]", "VirtualScheduler[now=2026-01-01T00:00:00Z",
                "journal=InMemoryJournalStore[0 deployments]");
    }
}

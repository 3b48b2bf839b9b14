package dev.cutover.examples.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shell's early start: {@link ShellWorld#startEarly()} starts the world of
 * {@code -Dcutover.shell.world} in the background, the next {@link ShellWorld#virtual()} (or
 * {@link ShellWorld#local()}) takes that one, and any later call starts its own.
 */
class ShellWorldTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty("cutover.shell.world");
    }

    @Test
    void theFirstVirtualWorldIsTheOneStartedEarlyTheNextIsNew() {
        System.setProperty("cutover.shell.world", "virtual");
        ShellWorld.startEarly();
        try (ShellWorld early = ShellWorld.virtual(); ShellWorld next = ShellWorld.virtual()) {
            assertThat(early.cloud()).isNotSameAs(next.cloud());
            assertThat(early.clock().isVirtual()).isTrue();
            assertThat(early.virtualTime()).isSameAs(early.time());
        }
    }

    @Test
    void anEarlyWorldOfTheOtherKindIsNotTaken() {
        System.setProperty("cutover.shell.world", "virtual");
        ShellWorld.startEarly();
        try (ShellWorld local = ShellWorld.local()) {
            assertThat(local.clock().isVirtual()).isFalse();
        }
    }

    @Test
    void anUnknownKindIsRefused() {
        System.setProperty("cutover.shell.world", "cloudy");
        assertThatThrownBy(ShellWorld::startEarly).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cutover.shell.world").hasMessageContaining("cloudy");
    }
}

package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainJobTest {

    @Test
    void theMainJobBehavesAsDesigned() {
        // a very high speed factor: the same real-time code path, finishing in about a second
        assertThat(MainJob.run(20_000)).isTrue();
    }
}

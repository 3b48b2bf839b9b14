package dev.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The golden-file helper shows a readable line diff when a rendering changes. */
class PlanGoldenDiffTest {

    @Test
    void theDiffMarksChangedLinesWithContext() {
        String golden = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
        String actual = "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n";
        assertThat(PlanGolden.diff(golden, actual)).isEqualTo("""
                  b
                  c
                - d
                + D
                  e
                  f
                  ...
                  i
                  j
                + k
                 \s
                """);
    }
}

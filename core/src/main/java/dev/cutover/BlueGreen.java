package dev.cutover;

import dev.cutover.analysis.Analysis;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Starts the new ("green") revision at full size with no traffic, checks its health for
 * {@code previewBake}, switches all traffic at once, then bakes and analyses for {@code bake}.
 * Metric gates run after the switch (before it the green revision has no traffic to measure).
 *
 * @param previewBake how long green runs without traffic before the switch
 * @param bake        how long to watch green at 100% before blue is retired
 * @param analysis    how both phases are judged
 */
public record BlueGreen(Duration previewBake, Duration bake, Analysis analysis) implements Strategy {

    public BlueGreen {
        Objects.requireNonNull(previewBake, "previewBake");
        Objects.requireNonNull(bake, "bake");
        Objects.requireNonNull(analysis, "analysis");
    }

    public BlueGreen previewBake(Duration previewBake) {
        return new BlueGreen(previewBake, bake, analysis);
    }

    public BlueGreen bake(Duration bake) {
        return new BlueGreen(previewBake, bake, analysis);
    }

    public BlueGreen analysis(Analysis analysis) {
        return new BlueGreen(previewBake, bake, analysis);
    }

    public BlueGreen analysis(Consumer<Analysis.Builder> analysis) {
        return new BlueGreen(previewBake, bake, Strategies.edit(this.analysis, analysis));
    }

    @Override
    public String name() {
        return "blue-green";
    }

    @Override
    public List<Step> trafficSteps() {
        return List.of(new Step(0, previewBake), new Step(100, bake));
    }

    @Override
    public String toString() {
        return "blueGreen(preview " + previewBake + ", bake " + bake + ")";
    }
}

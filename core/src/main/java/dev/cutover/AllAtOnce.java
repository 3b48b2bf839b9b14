package dev.cutover;

import dev.cutover.analysis.Analysis;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Moves all traffic to the new revision once it is healthy, then bakes and analyses.
 *
 * @param bake     how long to watch the new revision at 100% before the old one is retired
 * @param analysis how the bake is judged
 */
public record AllAtOnce(Duration bake, Analysis analysis) implements Strategy {

    public AllAtOnce {
        Objects.requireNonNull(bake, "bake");
        Objects.requireNonNull(analysis, "analysis");
    }

    public AllAtOnce bake(Duration bake) {
        return new AllAtOnce(bake, analysis);
    }

    public AllAtOnce analysis(Analysis analysis) {
        return new AllAtOnce(bake, analysis);
    }

    public AllAtOnce analysis(Consumer<Analysis.Builder> analysis) {
        return new AllAtOnce(bake, Strategies.edit(this.analysis, analysis));
    }

    @Override
    public String name() {
        return "all-at-once";
    }

    @Override
    public List<Step> trafficSteps() {
        return List.of(new Step(100, bake));
    }

    @Override
    public String toString() {
        return "allAtOnce(bake " + bake + ")";
    }
}

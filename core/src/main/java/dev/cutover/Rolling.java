package dev.cutover;

import dev.cutover.analysis.Analysis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Replaces tasks in batches, like an ECS rolling update: at least {@code minHealthyPercent} of the
 * desired count stays in service and at most {@code maxPercent} runs at once. Each batch moves the
 * matching share of traffic, then bakes and analyses.
 *
 * @param minHealthyPercent 0–100 (default 100)
 * @param maxPercent        100–200 (default 200)
 * @param bake              hold after each batch
 * @param analysis          how each batch is judged
 */
public record Rolling(int minHealthyPercent, int maxPercent, Duration bake, Analysis analysis) implements Strategy {

    public Rolling {
        Objects.requireNonNull(bake, "bake");
        Objects.requireNonNull(analysis, "analysis");
    }

    public Rolling minHealthyPercent(int percent) {
        return new Rolling(percent, maxPercent, bake, analysis);
    }

    public Rolling maxPercent(int percent) {
        return new Rolling(minHealthyPercent, percent, bake, analysis);
    }

    public Rolling bake(Duration bake) {
        return new Rolling(minHealthyPercent, maxPercent, bake, analysis);
    }

    public Rolling analysis(Analysis analysis) {
        return new Rolling(minHealthyPercent, maxPercent, bake, analysis);
    }

    public Rolling analysis(Consumer<Analysis.Builder> analysis) {
        return new Rolling(minHealthyPercent, maxPercent, bake, Strategies.edit(this.analysis, analysis));
    }

    /** The share of capacity replaced per batch: the surge above 100%, or the room below 100%, whichever is larger. */
    public int batchPercent() {
        int batch = Math.max(maxPercent - 100, 100 - minHealthyPercent);
        return Math.max(1, Math.min(100, batch));
    }

    @Override
    public String name() {
        return "rolling";
    }

    @Override
    public List<Step> trafficSteps() {
        List<Step> steps = new ArrayList<>();
        int batch = batchPercent();
        for (int w = batch; w < 100; w += batch) {
            steps.add(new Step(w, bake));
        }
        steps.add(new Step(100, bake));
        return List.copyOf(steps);
    }

    @Override
    public String toString() {
        return "rolling(minHealthy " + minHealthyPercent + "%, max " + maxPercent + "%, bake " + bake + ")";
    }
}

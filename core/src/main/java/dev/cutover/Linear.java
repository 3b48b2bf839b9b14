package dev.cutover;

import dev.cutover.analysis.Analysis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Moves {@code stepPercent} more traffic every {@code interval} until the new revision has 100%.
 *
 * @param stepPercent 1–100 (default 10)
 * @param interval    the bake between steps (positive)
 * @param analysis    how each step is judged
 */
public record Linear(int stepPercent, Duration interval, Analysis analysis) implements Strategy {

    public Linear {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(analysis, "analysis");
    }

    public Linear stepPercent(int percent) {
        return new Linear(percent, interval, analysis);
    }

    public Linear interval(Duration interval) {
        return new Linear(stepPercent, interval, analysis);
    }

    public Linear analysis(Analysis analysis) {
        return new Linear(stepPercent, interval, analysis);
    }

    public Linear analysis(Consumer<Analysis.Builder> analysis) {
        return new Linear(stepPercent, interval, Strategies.edit(this.analysis, analysis));
    }

    @Override
    public String name() {
        return "linear";
    }

    @Override
    public List<Step> trafficSteps() {
        List<Step> steps = new ArrayList<>();
        int step = Math.max(1, Math.min(100, stepPercent));
        for (int w = step; w < 100; w += step) {
            steps.add(new Step(w, interval));
        }
        steps.add(new Step(100, interval));
        return List.copyOf(steps);
    }

    @Override
    public String toString() {
        return "linear(" + stepPercent + "% every " + interval + ")";
    }
}

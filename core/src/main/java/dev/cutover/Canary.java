package dev.cutover;

import dev.cutover.analysis.Analysis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Moves traffic to the new revision in explicit steps (e.g. 10 → 50 → 100), baking and analysing
 * at each. Steps are strictly increasing percentages in (0, 100] and end at 100.
 *
 * @param steps    the new revision's traffic percentage at each step
 * @param bake     how long each step holds
 * @param analysis how each step is judged
 */
public record Canary(List<Integer> steps, Duration bake, Analysis analysis) implements Strategy {

    public Canary {
        steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
        Objects.requireNonNull(bake, "bake");
        Objects.requireNonNull(analysis, "analysis");
    }

    /** Replaces the steps, e.g. {@code steps(5, 25, 50, 100)}. */
    public Canary steps(int... steps) {
        List<Integer> list = new ArrayList<>();
        for (int s : steps) {
            list.add(s);
        }
        return new Canary(list, bake, analysis);
    }

    public Canary bake(Duration bake) {
        return new Canary(steps, bake, analysis);
    }

    public Canary analysis(Analysis analysis) {
        return new Canary(steps, bake, analysis);
    }

    public Canary analysis(Consumer<Analysis.Builder> analysis) {
        return new Canary(steps, bake, Strategies.edit(this.analysis, analysis));
    }

    @Override
    public String name() {
        return "canary";
    }

    @Override
    public List<Step> trafficSteps() {
        return steps.stream().map(w -> new Step(w, bake)).toList();
    }

    @Override
    public String toString() {
        return "canary(" + steps + ", bake " + bake + ")";
    }
}

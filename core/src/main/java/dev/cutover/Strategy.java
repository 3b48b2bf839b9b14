package dev.cutover;

import dev.cutover.analysis.Analysis;
import java.util.List;

/**
 * How a release moves traffic from the running revision to the new one: one of a closed set, so
 * code can handle every case (and, on Java 21+, switch over it exhaustively). Create them with
 * {@link Strategies}.
 *
 * <pre>{@code
 * Strategy s = Strategies.canary().steps(10, 25, 50, 100).bake(Duration.ofMinutes(10))
 *     .analysis(a -> a.errorRateBelow(0.01));
 * if (s instanceof Canary c) {
 *     c.steps();   // [10, 25, 50, 100]
 * }
 * }</pre>
 */
public sealed interface Strategy permits AllAtOnce, Rolling, Canary, Linear, BlueGreen {

    /** A short lowercase name for display and metric tags: {@code canary}, {@code linear}, ... */
    String name();

    /** How each step is judged. */
    Analysis analysis();

    /** The traffic steps this strategy goes through, ending at 100%. */
    List<Step> trafficSteps();
}

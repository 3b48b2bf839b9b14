package dev.cutover;

import dev.cutover.analysis.Analysis;
import dev.cutover.internal.Problems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Factories for every rollout {@link Strategy}, with sensible defaults; import them statically.
 *
 * <pre>{@code
 * import static dev.cutover.Strategies.*;
 * Release.of(orders).to(prod).strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(10))).build();
 * }</pre>
 */
public final class Strategies {

    private static final Duration MAX_BAKE = Duration.ofHours(24);

    private Strategies() {
    }

    /** All traffic at once after the new revision is healthy; health analysis, no bake. */
    public static AllAtOnce allAtOnce() {
        return new AllAtOnce(Duration.ZERO, Analysis.healthOnly());
    }

    /** Batches like ECS's rolling update: min healthy 100%, max 200%, no bake. */
    public static Rolling rolling() {
        return new Rolling(100, 200, Duration.ZERO, Analysis.healthOnly());
    }

    /** 10% → 50% → 100%, baking 5 minutes at each step. */
    public static Canary canary() {
        return new Canary(List.of(10, 50, 100), Duration.ofMinutes(5), Analysis.healthOnly());
    }

    /** 10% more every minute. */
    public static Linear linear() {
        return new Linear(10, Duration.ofMinutes(1), Analysis.healthOnly());
    }

    /** Green previewed 5 minutes without traffic, then switched; 10 minutes of bake after the switch. */
    public static BlueGreen blueGreen() {
        return new BlueGreen(Duration.ofMinutes(5), Duration.ofMinutes(10), Analysis.healthOnly());
    }

    static Analysis edit(Analysis analysis, Consumer<Analysis.Builder> edit) {
        Analysis.Builder b = analysis.toBuilder();
        Objects.requireNonNull(edit, "analysis").accept(b);
        return b.build();
    }

    static void validate(Strategy strategy, String at, Problems p) {
        if (strategy instanceof AllAtOnce a) {
            checkBake(a.bake(), at + ".bake", p);
        } else if (strategy instanceof Rolling r) {
            p.check(r.minHealthyPercent() >= 0 && r.minHealthyPercent() <= 100, at + ".minHealthyPercent",
                    r.minHealthyPercent(), "must be 0-100");
            p.check(r.maxPercent() >= 100 && r.maxPercent() <= 200, at + ".maxPercent", r.maxPercent(),
                    "must be 100-200");
            p.check(r.maxPercent() > 100 || r.minHealthyPercent() < 100, at + ".maxPercent", r.maxPercent(),
                    "with minHealthyPercent 100 must be above 100, or no task could ever be replaced");
            checkBake(r.bake(), at + ".bake", p);
        } else if (strategy instanceof Canary c) {
            validateCanarySteps(c.steps(), at, p);
            checkBake(c.bake(), at + ".bake", p);
        } else if (strategy instanceof Linear l) {
            p.check(l.stepPercent() >= 1 && l.stepPercent() <= 100, at + ".stepPercent", l.stepPercent(),
                    "must be 1-100");
            p.check(!l.interval().isNegative() && !l.interval().isZero(), at + ".interval", l.interval(),
                    "must be positive");
            checkBake(l.interval(), at + ".interval", p);
        } else if (strategy instanceof BlueGreen b) {
            checkBake(b.previewBake(), at + ".previewBake", p);
            checkBake(b.bake(), at + ".bake", p);
        }
        List<String[]> analysisProblems = new ArrayList<>();
        strategy.analysis().validate(at + ".analysis", analysisProblems);
        for (String[] a : analysisProblems) {
            p.add(a[0], a[1], a[2]);
        }
    }

    private static void validateCanarySteps(List<Integer> steps, String at, Problems p) {
        if (steps.isEmpty()) {
            p.add(at + ".steps", "[]", "needs at least one step, ending at 100");
            return;
        }
        Integer previous = null;   // the last step within (0, 100]: an out-of-range step is reported once, not again by its successor
        for (int i = 0; i < steps.size(); i++) {
            int w = steps.get(i);
            if (w <= 0 || w > 100) {
                p.add(at + ".steps[" + i + "]", String.valueOf(w), "must be a percentage in (0, 100]");
                continue;
            }
            if (previous != null && w <= previous) {
                p.add(at + ".steps[" + i + "]", String.valueOf(w),
                        "must be greater than the previous step (" + previous + "); steps strictly increase");
            } else {
                previous = w;
            }
        }
        int last = steps.get(steps.size() - 1);
        if (last != 100) {
            p.add(at + ".steps[" + (steps.size() - 1) + "]", String.valueOf(last), "the last step must be 100");
        }
    }

    private static void checkBake(Duration bake, String path, Problems p) {
        p.check(!bake.isNegative() && bake.compareTo(MAX_BAKE) <= 0, path, bake, "must be 0 to 24 h");
    }
}

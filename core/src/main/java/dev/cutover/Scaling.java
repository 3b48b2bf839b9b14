package dev.cutover;

import dev.cutover.internal.Problems;
import java.util.Objects;

/**
 * Target-tracking auto scaling of a service: between {@link #min()} and {@link #max()} tasks,
 * keeping average CPU at {@link #targetCpuPercent()}.
 *
 * <pre>{@code
 * Scaling s = Scaling.builder().min(2).max(10).targetCpuPercent(60).build();
 * }</pre>
 */
public final class Scaling {

    private final int min;
    private final int max;
    private final int targetCpuPercent;

    private Scaling(Builder b) {
        this.min = b.min;
        this.max = b.max;
        this.targetCpuPercent = b.targetCpuPercent;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().min(min).max(max).targetCpuPercent(targetCpuPercent);
    }

    public int min() {
        return min;
    }

    public int max() {
        return max;
    }

    public int targetCpuPercent() {
        return targetCpuPercent;
    }

    static void validate(Scaling s, String at, Problems p) {
        p.check(s.min >= 0, at + ".min", s.min, "must be 0 or more");
        p.check(s.max >= 1 && s.max <= 5000, at + ".max", s.max, "must be 1-5000 (ECS tasks per service)");
        p.check(s.min <= s.max, at + ".min", s.min, "must not exceed max (" + s.max + ")");
        p.check(s.targetCpuPercent >= 1 && s.targetCpuPercent <= 100, at + ".targetCpuPercent", s.targetCpuPercent,
                "must be 1-100");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scaling s && min == s.min && max == s.max && targetCpuPercent == s.targetCpuPercent;
    }

    @Override
    public int hashCode() {
        return Objects.hash(min, max, targetCpuPercent);
    }

    @Override
    public String toString() {
        return "Scaling[" + min + ".." + max + " tasks, target CPU " + targetCpuPercent + "%]";
    }

    /** Builds a {@link Scaling}; {@link #build()} validates. */
    public static final class Builder {
        private int min = 1;
        private int max = 1;
        private int targetCpuPercent = 70;

        private Builder() {
        }

        public Builder min(int min) {
            this.min = min;
            return this;
        }

        public Builder max(int max) {
            this.max = max;
            return this;
        }

        public Builder targetCpuPercent(int percent) {
            this.targetCpuPercent = percent;
            return this;
        }

        Scaling buildUnchecked() {
            return new Scaling(this);
        }

        public Scaling build() {
            Scaling s = buildUnchecked();
            Problems p = new Problems();
            validate(s, "scaling", p);
            p.throwIfAny("scaling");
            return s;
        }
    }
}

package dev.cutover;

import java.time.Duration;
import java.util.Objects;

/**
 * One traffic step of a rollout: the new revision's share of traffic, and how long to bake (and
 * analyse) at that share before the next step.
 *
 * @param weight the new revision's percentage of traffic, 0–100
 * @param bake   how long to hold and analyse at this weight
 */
public record Step(int weight, Duration bake) {

    public Step {
        Objects.requireNonNull(bake, "bake");
    }

    @Override
    public String toString() {
        return weight + "% for " + bake;
    }
}

package dev.cutover.spi;

import java.util.Map;

/**
 * Moves traffic between a service's revisions (App Mesh route weights, Service Connect, Consul
 * service-splitter). Owns {@link ResourceType#MESH} and {@link ResourceType#ROUTE}.
 */
public interface Traffic extends ResourceCapability {

    /** The current weights by revision id (percentages summing to 100), empty when no route exists. */
    Map<String, Integer> weights(String environment, String service);

    /**
     * Sets the weights by revision id; they sum to 100 and name at most 10 revisions (App Mesh's
     * limit). Revisions not named get no traffic.
     */
    void setWeights(String environment, String service, Map<String, Integer> weights);

    /**
     * How this provider will move traffic for {@code release}, for the plan to show (e.g. "ECS
     * native CANARY: one step at 10%, then 100%" or "App Mesh route weights, Cutover's steps").
     * Empty when there is nothing to add.
     */
    default String describe(dev.cutover.Release release) {
        return "";
    }

    /**
     * What of {@code release} this provider cannot carry out (e.g. canary steps a native deployment
     * cannot express), found at plan time, before any call that changes something: planning fails
     * with a {@link dev.cutover.ValidationException} listing every problem, each naming the field
     * ({@code strategy.steps}) and what to use instead. Called after
     * {@link Provider#prepare(java.util.Collection)}; must not change anything. Empty: no objection.
     */
    default java.util.List<dev.cutover.Problem> check(dev.cutover.Release release) {
        return java.util.List.of();
    }

    /**
     * Whether this provider sends tagged test traffic to a new revision of {@code release} before it
     * takes any production weight (a header-routed preview, e.g. {@code LOAD_BALANCER} mode with a
     * preview header). Then a rollout with a previous revision starts with a 0% step when its
     * strategy has none (a canary's first bake), and {@link #preview} is called at each 0% step.
     */
    default boolean previews(dev.cutover.Release release) {
        return false;
    }

    /**
     * Whether a rollout of {@code release} that {@link #previews previews} has a preview step: its strategy's
     * first step is 0% (blue/green), or a first step with production weight is followed by more (a canary,
     * a linear), before which a 0% step is inserted. A one-step strategy (rolling) has none.
     */
    static boolean hasPreviewStep(dev.cutover.Release release) {
        java.util.List<dev.cutover.Step> steps = release.strategy().trafficSteps();
        return !steps.isEmpty() && (steps.get(0).weight() == 0 || steps.size() > 1);
    }

    /**
     * Routes the tagged test traffic of {@code service} to {@code revisionId} (production weights stay
     * as set); the preview ends when {@link #setWeights} gives one revision 100% (promotion or rollback).
     */
    default void preview(String environment, String service, String revisionId) {
    }
}

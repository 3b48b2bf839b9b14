package dev.cutover.engine;

import dev.cutover.Release;
import dev.cutover.Step;
import dev.cutover.spi.RevisionRef;
import dev.cutover.spi.Traffic;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of a rollout whose traffic provider previews a new revision on tagged test traffic
 * ({@link Traffic#previews(Release)}): a strategy whose first step already gives the new revision
 * production traffic (a canary, a linear) gets a 0% preview step first, baked as long as its first
 * step; blue/green's own 0% step is its preview.
 */
final class PreviewSteps {

    private PreviewSteps() {
    }

    static List<Step> of(Release release, Traffic traffic) {
        List<Step> all = release.strategy().trafficSteps();
        if (traffic == null || !traffic.previews(release) || !Traffic.hasPreviewStep(release) || all.get(0).weight() == 0) {
            return all;
        }
        List<Step> out = new ArrayList<>();
        out.add(new Step(0, all.get(0).bake()));
        out.addAll(all);
        return out;
    }

    /** Whether {@code step} is a preview: 0% production weight for a new revision beside a serving one. */
    static boolean isPreview(Step step, RevisionRef oldRevision, Release release, Traffic traffic) {
        return step.weight() == 0 && oldRevision != null && traffic != null && traffic.previews(release);
    }
}

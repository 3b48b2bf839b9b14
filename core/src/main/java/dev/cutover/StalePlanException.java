package dev.cutover;

import java.util.List;

/** The world changed since the plan was made; plan again instead of applying blindly. */
public final class StalePlanException extends CutoverException {

    private final String planId;
    private final List<String> changed;

    public StalePlanException(String planId, List<String> changed) {
        super("plan " + planId + " is stale: " + String.join(", ", changed)
                + " changed since it was made; run cutover.plan(release) again and review the new plan");
        this.planId = planId;
        this.changed = List.copyOf(changed);
    }

    /** The stale plan's id; when several plans applied together were stale, how many and their ids. */
    public String planId() {
        return planId;
    }

    /** The resources whose observed state differs from when the plan was made. */
    public List<String> changed() {
        return changed;
    }
}

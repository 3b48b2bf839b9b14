package dev.cutover;

import dev.cutover.spi.Capability;

/** No provider offers a capability the release needs; names the module to add. */
public final class MissingCapabilityException extends CutoverException {

    private final Capability capability;

    public MissingCapabilityException(Capability capability, String why) {
        super("no provider offers " + capability + " (" + why + "); add " + capability.providedBy()
                + " to the class path, or register a provider with Cutover.builder().provider(...)");
        this.capability = capability;
    }

    public Capability capability() {
        return capability;
    }
}

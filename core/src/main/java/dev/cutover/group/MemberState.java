package dev.cutover.group;

import java.util.Objects;

/**
 * One member of a running or finished release group.
 *
 * @param name       the member (its service's name)
 * @param target     {@code <environment>/<service>}
 * @param wave       its wave, from 1
 * @param status     where it stands
 * @param deployment the id of its deployment (its journal's name), empty before it starts or when unchanged
 * @param rollback   the id of the rollback-from-history deployment the group ran for it, or empty
 * @param detail     why it failed, was skipped or rolled back; empty otherwise
 */
public record MemberState(String name, String target, int wave, MemberStatus status, String deployment, String rollback,
        String detail) {

    public MemberState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(status, "status");
        deployment = deployment == null ? "" : deployment;
        rollback = rollback == null ? "" : rollback;
        detail = detail == null ? "" : detail;
    }

    @Override
    public String toString() {
        return name + " (" + target + ", wave " + wave + "): " + status + (detail.isEmpty() ? "" : " (" + detail + ")")
                + (deployment.isEmpty() ? "" : " [" + deployment + "]");
    }
}

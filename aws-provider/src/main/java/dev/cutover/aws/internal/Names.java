package dev.cutover.aws.internal;

import dev.cutover.aws.internal.Layouts.Layout;
import dev.cutover.spi.RevisionRef;

/**
 * How Cutover names what it creates in AWS. A service's task definition family is
 * {@code <environment>-<service>}; a revision is {@code <family>:<n>} (the task definition
 * revision). In App Mesh mode each revision has its own ECS service, virtual node and Cloud Map
 * service, all named {@code <family>_<n>}; in load balancer mode its own ECS service {@code <family>_<n>}
 * and target group {@code <family>-<n>} ({@link #targetGroup}); in Service Connect mode one ECS service named
 * {@code <family>} runs every revision. Environment and service names cannot contain {@code _}
 * (they are DNS labels), so the IAM pattern {@code <family>_*} names exactly one service's
 * revisions: {@code <family>-*} would also match a sibling service {@code <family>-api}'s.
 */
public final class Names {

    /** The container name inside every task definition. */
    public static final String CONTAINER = "app";
    /** The port mapping name Service Connect refers to. */
    public static final String PORT_NAME = "http";

    private Names() {
    }

    /** The App Mesh route of a preview header on the virtual router of {@code family}: {@code <family>-preview}. */
    public static String previewRoute(String family) {
        return family + "-preview";
    }

    public static String family(String environment, String service) {
        return environment + "-" + service;
    }

    public static String revisionId(String family, int revision) {
        return family + ":" + revision;
    }

    /** The task definition revision number of a revision id. */
    public static int revisionNumber(String revisionId) {
        int i = revisionId.lastIndexOf(':');
        if (i < 0) {
            throw new IllegalArgumentException("not a Cutover AWS revision id (<family>:<n>): " + revisionId);
        }
        return Integer.parseInt(revisionId.substring(i + 1));
    }

    /** The family of a revision id. */
    public static String familyOf(String revisionId) {
        return revisionId.substring(0, revisionId.lastIndexOf(':'));
    }

    /** Between a family and a revision number in per-revision names: a character no environment or service name has. */
    public static final char REVISION_DELIMITER = '_';

    /** The per-revision name ({@code <family>_<n>}) of ECS services, virtual nodes and Cloud Map services in mesh mode. */
    public static String perRevision(String revisionId) {
        return familyOf(revisionId) + REVISION_DELIMITER + revisionNumber(revisionId);
    }

    /** The IAM resource name pattern of every per-revision name of {@code family} ({@code <family>_*}). */
    public static String perRevisionPattern(String family) {
        return family + REVISION_DELIMITER + "*";
    }

    /** The revision id of a per-revision name. */
    public static String fromPerRevision(String name) {
        int i = name.lastIndexOf(REVISION_DELIMITER);
        return name.substring(0, i) + ":" + name.substring(i + 1);
    }

    /** The ECS service that runs {@code revision}. */
    public static String ecsService(Layout layout, RevisionRef revision) {
        return layout.perRevision() ? perRevision(revision.id()) : family(revision.environment(), revision.service());
    }

    /** The App Mesh virtual service (DNS) name of a service. */
    public static String virtualService(String discoveryName, String namespace) {
        return discoveryName + "." + namespace;
    }

    public static String logGroup(AwsSettings s, String environment, String service) {
        return s.logGroupPrefix() + "/" + environment + "/" + service;
    }

    /** Application Auto Scaling's resource id of an ECS service. */
    public static String scalingResource(String cluster, String ecsService) {
        return "service/" + cluster + "/" + ecsService;
    }

    public static String scalingPolicy(String environment, String service) {
        return family(environment, service) + "-cpu";
    }

    /**
     * The target group of a revision (LOAD_BALANCER mode): {@code <family>-<n>} (ELB names allow no
     * {@code _}, so not {@code <family>_<n>} like its ECS service), within ELB's 32 characters: a family longer than 26 is cut to 19 and given a 6-hex hash of the
     * whole family, so every revision of a family shares one prefix ({@link #targetGroupPrefix}).
     */
    public static String targetGroup(String revisionId) {
        return targetGroupPrefix(familyOf(revisionId)) + "-" + revisionNumber(revisionId);
    }

    /**
     * LOAD_BALANCER mode with native deployments: the service's two target groups {@code <prefix>-a}
     * and {@code <prefix>-b} (primary and alternate when the ECS service is created; ECS swaps their
     * roles at each deployment). Letters, so they never read as a revision's {@code <prefix>-<n>}.
     */
    public static java.util.List<String> nativeTargetGroups(String family) {
        String prefix = targetGroupPrefix(family);
        return java.util.List.of(prefix + "-a", prefix + "-b");
    }

    /** The part of a family's target group names before {@code -<n>}. */
    public static String targetGroupPrefix(String family) {
        if (family.length() <= 26) {
            return family;
        }
        return family.substring(0, 19).replaceAll("-+$", "") + "-" + String.format("%06x", family.hashCode() & 0xFFFFFF);
    }

    /** The revision id a target group name stands for within {@code family}, if it is one of the family's. */
    public static java.util.Optional<String> revisionOfTargetGroup(String family, String targetGroupName) {
        int dash = targetGroupName.lastIndexOf('-');
        if (dash < 0 || !targetGroupName.substring(dash + 1).matches("\\d{1,9}")) {
            return java.util.Optional.empty();
        }
        String rev = revisionId(family, Integer.parseInt(targetGroupName.substring(dash + 1)));
        return targetGroup(rev).equals(targetGroupName) ? java.util.Optional.of(rev) : java.util.Optional.empty();
    }
}

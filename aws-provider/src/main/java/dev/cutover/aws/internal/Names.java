package dev.cutover.aws.internal;

import dev.cutover.aws.internal.Layouts.Layout;
import dev.cutover.spi.RevisionRef;

/**
 * How Cutover names what it creates in AWS. A service's task definition family is
 * {@code <environment>-<service>}; a revision is {@code <family>:<n>} (the task definition
 * revision). In App Mesh mode each revision has its own ECS service, virtual node and Cloud Map
 * service, all named {@code <family>-<n>}; in Service Connect mode one ECS service named
 * {@code <family>} runs every revision.
 */
public final class Names {

    /** The container name inside every task definition. */
    public static final String CONTAINER = "app";
    /** The port mapping name Service Connect refers to. */
    public static final String PORT_NAME = "http";

    private Names() {
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

    /** The per-revision name ({@code <family>-<n>}) of ECS services, virtual nodes and Cloud Map services in mesh mode. */
    public static String perRevision(String revisionId) {
        return familyOf(revisionId) + "-" + revisionNumber(revisionId);
    }

    /** The revision id of a per-revision name. */
    public static String fromPerRevision(String name) {
        int i = name.lastIndexOf('-');
        return name.substring(0, i) + ":" + name.substring(i + 1);
    }

    /** The ECS service that runs {@code revision}. */
    public static String ecsService(Layout layout, RevisionRef revision) {
        return layout.meshMode() ? perRevision(revision.id()) : family(revision.environment(), revision.service());
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
}

package dev.cutover.localcloud.internal.traffic;

import dev.cutover.localcloud.ImageBehavior;
import java.util.List;
import java.util.Set;

/** What the traffic simulator needs to know of the compute emulator (ECS): services and their revisions. */
@FunctionalInterface
public interface TrafficSource {

    /** A consistent snapshot of every ACTIVE service; called once per clock tick. */
    List<ServiceView> trafficServices();

    /**
     * One revision of a service.
     *
     * @param taskDefinition {@code family:revision}
     * @param servingTasks   RUNNING tasks of this revision
     * @param weight         the percentage of the service's traffic the revision gets (native
     *                       canary/linear/blue-green), or {@code NaN} to split by serving-task share
     * @param appMeshNodes   the virtual node ARNs whose Envoy proxy the revision's tasks run
     *                       ({@code APPMESH} proxy configuration), empty for none
     */
    record RevisionView(String taskDefinition, String taskDefinitionArn, String image, int servingTasks,
            double weight, ImageBehavior behavior, Set<String> appMeshNodes) {

        public RevisionView {
            appMeshNodes = Set.copyOf(appMeshNodes);
        }

        /** A revision whose tasks run no App Mesh proxy. */
        public RevisionView(String taskDefinition, String taskDefinitionArn, String image, int servingTasks, double weight,
                ImageBehavior behavior) {
            this(taskDefinition, taskDefinitionArn, image, servingTasks, weight, behavior, Set.of());
        }
    }

    /** One ECS service with its revisions. */
    record ServiceView(String region, String cluster, String name, String arn, Set<String> registryArns,
            List<RevisionView> revisions) {
    }
}

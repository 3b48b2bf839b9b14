package dev.cutover.aws;

import static dev.cutover.aws.AwsFixture.orders;
import static dev.cutover.aws.AwsLoadBalancerEndToEndTest.apply;
import static dev.cutover.aws.AwsLoadBalancerEndToEndTest.previewedOnTaggedRequestsOnly;
import static dev.cutover.aws.AwsLoadBalancerEndToEndTest.blueGreenWithAnalysis;
import static dev.cutover.aws.AwsLoadBalancerEndToEndTest.stepWeights;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.aws.AwsWorld.Deployer;
import dev.cutover.event.DeploymentEvent;
import dev.cutover.localcloud.ImageBehavior;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * App Mesh mode's header-routed preview end to end on the local cloud (issue 13 item 2): with
 * {@code meshPreview("x-cutover-preview", "1")} a blue/green first sends only the requests carrying the
 * header to the new revision, through a second route of priority 0 on the virtual router matching the
 * header exactly; the analysis runs on them before any production weight. A good artifact is promoted,
 * a bad one rolled back during the preview with 0% production weight ever; the preview route is gone
 * after each. The strategy and helpers are the load balancer mode's ({@link AwsLoadBalancerEndToEndTest}).
 */
class AwsAppMeshPreviewEndToEndTest {

    private static final String TAGGED = "internal/stage-orders [x-cutover-preview: 1]";
    private final AwsWorld world = new AwsWorld();
    private final Environment previewed = AwsFixture.meshEnv().toBuilder().meshPreview("x-cutover-preview", "1").build();

    @AfterEach
    void close() {
        world.close();
    }

    private CloudInventory.Snapshot inventory() {
        world.cloud.faults().reset();
        return CloudInventory.of(world.cloud, "stage", "orders").cluster("main").mesh("internal").read();
    }

    @Test
    void aBlueGreenPreviewsTheNewRevisionThroughAHeaderRouteBeforeAnyProductionWeight() {
        try (Deployer d = world.analysedDeployer()) {
            Deployment first = apply(d, Release.of(orders("1.0.0")).to(previewed).strategy(blueGreenWithAnalysis()).build());
            assertThat(first.status()).as(first.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            world.cloud.traffic().rate(TAGGED, 5);
            // a revision gets only what the mesh's routes send it (not the simulator's default rate to a service behind no route)
            world.cloud.traffic().rate("stage-orders_2", 0).rate("stage-orders_3", 0);

            Release good = Release.of(orders("2.0.0")).to(previewed).strategy(blueGreenWithAnalysis()).build();
            Plan plan = d.plan(good);
            assertThat(plan.toString()).contains("preview on header x-cutover-preview: 1 (route stage-orders-preview of priority 0");
            assertThat(plan.requiredPermissions().toString()).contains("virtualRouter/stage-orders/route/stage-orders-preview");
            Deployment dep = d.cutover().apply(plan);
            assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(stepWeights(dep)).containsExactly(0, 100);
            previewedOnTaggedRequestsOnly(world, dep, "stage-orders_2");
            dep.awaitRetirement();
            assertThat(inventory().routes()).as("the preview route is gone at promotion").containsExactly("stage-orders/stage-orders");

            world.cloud.images().behave("repo/orders:3.0.0", ImageBehavior.errorRate(0.5));
            Deployment bad = apply(d, Release.of(orders("3.0.0")).to(previewed).strategy(blueGreenWithAnalysis()).build());
            assertThat(bad.status()).as(bad.statusReason()).isEqualTo(DeploymentStatus.ROLLED_BACK);
            assertThat(stepWeights(bad)).containsExactly(0); // rolled back in preview: never any production weight
            assertThat(bad.statusReason()).contains("analysis failed at 0%");
            assertThat(d.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(java.util.Map.of("stage-orders:2", 100));
            bad.awaitRetirement();
            CloudInventory.Snapshot after = inventory();
            assertThat(after.routes()).as("the preview route is gone at rollback").containsExactly("stage-orders/stage-orders");
            assertThat(after.revisionsWithResources()).containsExactly("stage-orders:2");
        }
    }
}

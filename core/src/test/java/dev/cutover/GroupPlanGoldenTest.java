package dev.cutover;

import static dev.cutover.Strategies.allAtOnce;
import static dev.cutover.Strategies.canary;
import static dev.cutover.group.ReleaseGroup.after;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.group.GroupPlan;
import dev.cutover.group.OnFailure;
import dev.cutover.group.ReleaseCoordinator;
import dev.cutover.group.ReleaseGroup;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.time.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the text and JSON rendering of a release group's plan (issue 14 item 1) in golden files:
 * waves in order, each member's own plan inside its wave, an unchanged member marked as skipped.
 * Regenerate with {@code -Dgolden.update=true} and review the diff.
 */
class GroupPlanGoldenTest {

    private static final Environment STAGE = Environment.named("stage")
            .region("us-east-1").cluster("main").mesh("internal").namespace("internal.local").build();

    private static Release release(String service, String version) {
        return Release.of(Service.named(service).image("123456789012.dkr.ecr.us-east-1.amazonaws.com/" + service + ":" + version)
                .port(8080).cpu(256).memoryMiB(512).healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10)))
                .build()).to(STAGE).strategy(canary().steps(25, 100).bake(Duration.ofMinutes(5))).build();
    }

    @Test
    void aGroupPlanShowsWavesWithEachMembersPlanInside() {
        Cutover cutover = Cutover.builder().provider(new InMemoryProvider()).discoverProviders(false)
                .scheduler(Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"))).shutdownHook(false).build();
        for (String s : List.of("payments", "orders", "inventory")) {
            Release v1 = release(s, "1.0.0").toBuilder().strategy(allAtOnce()).build();
            assertThat(cutover.apply(cutover.plan(v1)).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        }
        ReleaseGroup checkout = ReleaseGroup.named("checkout")
                .member(release("payments", "2.0.0"))
                .member(release("orders", "2.0.0"), after("payments"))
                .member(release("inventory", "1.0.0"), after("payments"))
                .concurrency(2)
                .requireApproval(Duration.ofMinutes(30))
                .onFailure(OnFailure.ROLLBACK_ALL)
                .build();

        GroupPlan plan = ReleaseCoordinator.of(cutover).plan(checkout);

        assertThat(plan.isEmpty()).isFalse();
        assertThat(plan.plan("inventory")).hasValueSatisfying(p -> assertThat(p.isEmpty()).isTrue());
        PlanGolden.assertMatches("group-checkout.txt", plan.toString());
        PlanGolden.assertMatches("group-checkout.json", plan.toJson());
    }
}

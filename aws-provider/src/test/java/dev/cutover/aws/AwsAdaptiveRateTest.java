package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.aws.AwsWorld.Deployer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 6: AWS's token buckets are per account and Region, so other deployers spend the
 * same tokens. Here the local cloud grants DescribeServices only what is left by three other
 * processes (5 burst, 1 per second, against the documented 100 / 20 the client's bucket assumes);
 * the client's bucket adapts to the throttling answers (multiplicative decrease, cubic recovery, as
 * the AWS SDK's adaptive retry mode does), so planning 200 services (20 DescribeServices calls, one
 * after the other on a virtual timeline) succeeds with few throttled calls instead of retrying each
 * call into the cloud's empty bucket until its attempts run out.
 */
class AwsAdaptiveRateTest {

    static final int SERVICES = 200;

    @Test
    void aBucketSharedWithOtherProcessesIsFoundByThrottlingAndPlanningSucceeds() {
        List<Release> releases = AwsPlanningCallsTest.releases(SERVICES);
        try (AwsWorld world = new AwsWorld(); Deployer d = world.deployer()) {
            world.cloud.faults().throttle("ecs", "DescribeServices", 5, 1.0);

            List<Plan> plans = d.plan(releases); // nothing exists yet: every service is described (and missing)

            assertThat(plans).hasSize(SERVICES);
            assertThat(d.aws().apiCalls().get("ecs:DescribeServices")).isEqualTo(SERVICES / 10);
            assertThat(world.cloud.faults().throttledCalls("ecs"))
                    .as("throttled calls while the client's bucket found its share (1 per second of the 20 it assumed)")
                    .isLessThanOrEqualTo(12);
        }
    }
}

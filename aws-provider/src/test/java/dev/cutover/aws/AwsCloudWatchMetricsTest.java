package dev.cutover.aws;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Release;
import dev.cutover.analysis.MetricGate;
import dev.cutover.aws.AwsWorld.Deployer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;

/**
 * Issue 14 item 5 on the local cloud through the AWS provider: canaries judged by the CloudWatch
 * metric source (GetMetricData on the per-revision metrics the traffic simulator publishes) and
 * gated on a CloudWatch alarm.
 */
class AwsCloudWatchMetricsTest {

    private final AwsWorld world = new AwsWorld();
    private final Environment stage = AwsFixture.meshEnv();

    @AfterEach
    void close() {
        world.close();
    }

    private Deployer deployer() {
        world.cloud.traffic().defaultRate(40); // a canary at 10% gets 240 requests a minute: every period has data
        return world.deployer(p -> p.cloudWatchMetrics(CloudWatchMetrics.defaults()), c -> { });
    }

    private static Release canaryOf(String version, Environment env, MetricGate... gates) {
        return Release.of(AwsFixture.orders(version)).to(env).strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(5))
                .analysis(a -> {
                    for (MetricGate g : gates) {
                        a.gate(g);
                    }
                    a.initialDelay(Duration.ofMinutes(1)).interval(Duration.ofMinutes(1));
                })).build();
    }

    private static DeploymentStatus deploy(Deployer d, Release r) {
        Deployment dep = d.cutover().apply(d.plan(r));
        DeploymentStatus s = dep.await();
        assertThat(s).as(dep.statusReason()).isNotNull();
        return s;
    }

    @Test
    void aCanaryWithThirtyPercentErrorsJudgedByCloudWatchRollsBackAndAGoodOnePromotes() {
        Deployer d = deployer();
        assertThat(deploy(d, Release.of(AwsFixture.orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);

        world.cloud.images().behave("repo/orders:2.0.0", b -> b.errorRate(0.3));
        Deployment bad = d.cutover().apply(d.plan(canaryOf("2.0.0", stage, MetricGate.errorRateBelow(0.05))));
        assertThat(bad.await()).as(bad.statusReason()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(bad.statusReason()).containsIgnoringCase("error rate");
        assertThat(d.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:1", 100));

        Deployment good = d.cutover().apply(d.plan(canaryOf("2.1.0", stage, MetricGate.errorRateBelow(0.05),
                MetricGate.p99LatencyBelow(Duration.ofMillis(500)))));
        assertThat(good.await()).as(good.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(d.aws().apiCalls()).containsKey("cloudwatch:GetMetricData");
        assertThat(d.aws().apiCalls()).doesNotContainKey("cloudwatch:DescribeAlarms");
    }

    @Test
    void anAlarmInAlarmStateFailsItsGateWhereTheErrorRateGateAlonePasses() {
        Deployer d = deployer();
        assertThat(deploy(d, Release.of(AwsFixture.orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        world.cloud.images().behave("repo/orders:2.0.0", b -> b.errorRate(0.02)); // under the 10% gate, over the alarm's 1 error a minute
        try (CloudWatchClient cw = CloudWatchClient.builder().endpointOverride(world.cloud.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(AwsFixture.CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build()) {
            cw.putMetricAlarm(r -> r.alarmName("orders-5xx").namespace("Cutover/Traffic").metricName("HTTPCode_Target_5XX_Count")
                    .dimensions(Dimension.builder().name("Revision").value("stage-orders:2").build()).statistic("Sum")
                    .period(60).evaluationPeriods(1).threshold(1.0)
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD));
        }
        Deployment dep = d.cutover().apply(d.plan(canaryOf("2.0.0", stage, MetricGate.errorRateBelow(0.10),
                CloudWatchMetrics.alarmNotFiring("orders-5xx"))));
        assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(dep.statusReason()).contains("orders-5xx");
        assertThat(d.aws().apiCalls()).containsKey("cloudwatch:DescribeAlarms");
        assertThat(d.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:1", 100));
    }

    @Test
    void aCloudWatchOutagePausesAndRollsBackOnlyAfterTheMetricOutageTimeout() {
        Deployer d = deployer();
        assertThat(deploy(d, Release.of(AwsFixture.orders("1.0.0")).to(stage).build())).isEqualTo(DeploymentStatus.SUCCEEDED);
        world.cloud.faults().outage("cloudwatch", true);
        Deployment dep = d.cutover().apply(d.plan(canaryOf("2.0.0", stage, MetricGate.errorRateBelow(0.05))));
        assertThat(dep.await()).as(dep.statusReason()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(dep.statusReason()).containsIgnoringCase("metric");
        assertThat(d.aws().traffic().orElseThrow().weights("stage", "orders")).isEqualTo(Map.of("stage-orders:1", 100));
    }
}

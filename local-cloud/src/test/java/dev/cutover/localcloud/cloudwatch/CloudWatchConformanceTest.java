package dev.cutover.localcloud.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.SimClock;
import dev.cutover.localcloud.sdk.Sdk;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.InvalidNextTokenException;
import software.amazon.awssdk.services.cloudwatch.model.InvalidParameterValueException;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.StatusCode;

/** The local cloud's CloudWatch through the real SDK client (AWS query protocol). */
class CloudWatchConformanceTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    SimClock clock;
    LocalCloud cloud;
    CloudWatchClient cw;

    @BeforeEach
    void start() {
        clock = SimClock.virtual(T0);
        cloud = LocalCloud.builder().clock(clock).start();
        cloud.faults().throttling(false);
        cw = Sdk.cloudWatch(cloud);
    }

    @AfterEach
    void stop() {
        cw.close();
        cloud.close();
        clock.close();
    }

    private void put(String metric, Instant at, double value) {
        cw.putMetricData(r -> r.namespace("Shop/Orders").metricData(MetricDatum.builder().metricName(metric).timestamp(at)
                .value(value).dimensions(Dimension.builder().name("Revision").value("orders:7").build()).build()));
    }

    private static MetricDataQuery stat(String id, String metric, String stat, int period) {
        return MetricDataQuery.builder().id(id).metricStat(s -> s.stat(stat).period(period).metric(m -> m.namespace("Shop/Orders")
                .metricName(metric).dimensions(Dimension.builder().name("Revision").value("orders:7").build()))).build();
    }

    @Test
    void periodsAlignOnTheStartRoundedToTheMinuteAndMathDividesPointByPoint() {
        for (int minute = 0; minute < 5; minute++) {
            put("Requests", T0.plusSeconds(60L * minute + 10), 100);
            put("Requests", T0.plusSeconds(60L * minute + 40), 100);
            put("Errors", T0.plusSeconds(60L * minute + 20), minute);
        }
        clock.advance(Duration.ofMinutes(10));
        GetMetricDataResponse r = cw.getMetricData(b -> b.startTime(T0.plusSeconds(35)).endTime(T0.plusSeconds(300))
                .scanBy(ScanBy.TIMESTAMP_ASCENDING).metricDataQueries(stat("req", "Requests", "Sum", 60),
                        stat("err", "Errors", "Sum", 60).toBuilder().returnData(false).build(),
                        MetricDataQuery.builder().id("rate").expression("100 * err / req").build()));
        var req = r.metricDataResults().get(0);
        assertThat(req.id()).isEqualTo("req");
        assertThat(req.timestamps()).as("StartTime 00:00:35 rounds down to 00:00:00").first().isEqualTo(T0);
        assertThat(req.values()).containsExactly(200.0, 200.0, 200.0, 200.0, 200.0);
        assertThat(r.metricDataResults()).extracting(m -> m.id()).containsExactly("req", "rate");
        assertThat(r.metricDataResults().get(1).values()).containsExactly(0.0, 0.5, 1.0, 1.5, 2.0);
        assertThat(req.statusCode()).isEqualTo(StatusCode.COMPLETE);

        GetMetricDataResponse newestFirst = cw.getMetricData(b -> b.startTime(T0).endTime(T0.plusSeconds(300))
                .metricDataQueries(stat("p", "Requests", "p50", 120)));
        assertThat(newestFirst.metricDataResults().get(0).timestamps()).containsExactly(T0.plusSeconds(240), T0.plusSeconds(120), T0);
    }

    @Test
    void maxDatapointsPagesWithNextTokenAndPartialData() {
        for (int minute = 0; minute < 5; minute++) {
            put("Requests", T0.plusSeconds(60L * minute), minute);
        }
        clock.advance(Duration.ofMinutes(10));
        List<Double> all = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String t = token;
            var page = cw.getMetricData(b -> b.startTime(T0).endTime(T0.plusSeconds(600)).maxDatapoints(2).nextToken(t)
                    .scanBy(ScanBy.TIMESTAMP_ASCENDING).metricDataQueries(stat("m", "Requests", "Sum", 60)));
            all.addAll(page.metricDataResults().get(0).values());
            if (page.nextToken() != null) {
                assertThat(page.metricDataResults().get(0).statusCode()).isEqualTo(StatusCode.PARTIAL_DATA);
            }
            token = page.nextToken();
            pages++;
        } while (token != null);
        assertThat(all).containsExactly(0.0, 1.0, 2.0, 3.0, 4.0);
        assertThat(pages).isEqualTo(3);
        assertThatThrownBy(() -> cw.getMetricData(b -> b.startTime(T0).endTime(T0.plusSeconds(60)).nextToken("bogus")
                .metricDataQueries(stat("m", "Requests", "Sum", 60)))).isInstanceOf(InvalidNextTokenException.class);
    }

    @Test
    void requestsAwsRefusesAreRefused() {
        List<MetricDataQuery> tooMany = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            tooMany.add(stat("m" + i, "Requests", "Sum", 60));
        }
        assertThatThrownBy(() -> cw.getMetricData(b -> b.startTime(T0).endTime(T0.plusSeconds(60)).metricDataQueries(tooMany)))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("500");
        assertThatThrownBy(() -> cw.getMetricData(b -> b.startTime(T0).endTime(T0.plusSeconds(60))
                .metricDataQueries(stat("a", "Requests", "Sum", 60), stat("a", "Errors", "Sum", 60))))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("unique");
        assertThatThrownBy(() -> cw.getMetricData(b -> b.startTime(T0).endTime(T0.plusSeconds(60))
                .metricDataQueries(stat("Upper", "Requests", "Sum", 60)))).isInstanceOf(InvalidParameterValueException.class);
        assertThatThrownBy(() -> cw.getMetricData(b -> b.startTime(T0).endTime(T0.plusSeconds(60))
                .metricDataQueries(stat("a", "Requests", "Sum", 45)))).isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("Period");
        assertThatThrownBy(() -> cw.getMetricData(b -> b.startTime(T0.plusSeconds(60)).endTime(T0)
                .metricDataQueries(stat("a", "Requests", "Sum", 60)))).isInstanceOf(InvalidParameterValueException.class);
        assertThatThrownBy(() -> cw.putMetricData(r -> r.namespace("AWS/ApplicationELB")
                .metricData(MetricDatum.builder().metricName("x").value(1.0).build()))).isInstanceOf(InvalidParameterValueException.class);
        assertThatThrownBy(() -> cw.putMetricData(r -> r.namespace("Shop/Orders")
                .metricData(MetricDatum.builder().metricName("x").value(Double.NaN).build()))).isInstanceOf(InvalidParameterValueException.class);
    }

    @Test
    void anAlarmGoesFromInsufficientDataToAlarmOnItsMetricAndSetAlarmStateHoldsUntilTheNextEvaluation() {
        cw.putMetricAlarm(r -> r.alarmName("orders-errors").namespace("Shop/Orders").metricName("Errors").statistic("Sum")
                .dimensions(Dimension.builder().name("Revision").value("orders:7").build()).period(60).evaluationPeriods(2)
                .threshold(5.0).comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD));
        assertThat(cw.describeAlarms(r -> r.alarmNames("orders-errors")).metricAlarms().get(0).stateValue())
                .isEqualTo(StateValue.INSUFFICIENT_DATA);
        put("Errors", T0.plusSeconds(70), 9);
        put("Errors", T0.plusSeconds(130), 7);
        clock.advance(Duration.ofSeconds(185));
        var alarm = cw.describeAlarms(r -> r.alarmNames("orders-errors")).metricAlarms().get(0);
        assertThat(alarm.stateValue()).isEqualTo(StateValue.ALARM);
        assertThat(alarm.stateReason()).contains("Threshold Crossed");

        cw.setAlarmState(r -> r.alarmName("orders-errors").stateValue(StateValue.OK).stateReason("testing"));
        assertThat(cw.describeAlarms(r -> r.stateValue(StateValue.OK)).metricAlarms()).hasSize(1);
        clock.advance(Duration.ofSeconds(60));
        put("Errors", T0.plusSeconds(190), 8);
        assertThat(cw.describeAlarms(r -> r.alarmNames("orders-errors")).metricAlarms().get(0).stateValue())
                .as("back to its actual state at the next evaluation").isEqualTo(StateValue.ALARM);
        // botocore's model gives DashboardNotFoundError and ResourceNotFound the same code, so the SDK raises the former
        assertThatThrownBy(() -> cw.setAlarmState(r -> r.alarmName("nothing").stateValue(StateValue.OK).stateReason("x")))
                .isInstanceOfSatisfying(CloudWatchException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFound");
                });
    }

    @Test
    void theTrafficSimulatorPublishesPerRevisionMetricsLikeAnAlb() {
        // no traffic, no data point (as the ALB publishes RequestCount only for periods with requests)
        var r = cw.getMetricData(b -> b.startTime(T0).endTime(T0.plusSeconds(600)).metricDataQueries(MetricDataQuery.builder()
                .id("req").metricStat(s -> s.stat("Sum").period(60).metric(m -> m.namespace("Cutover/Traffic").metricName("RequestCount")
                        .dimensions(Dimension.builder().name("Revision").value("stage-orders:1").build()))).build()));
        assertThat(r.metricDataResults().get(0).values()).isEmpty();
    }
}

package dev.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.internal.ReleaseCodec;
import org.junit.jupiter.api.Test;

/** Sidecars and log configuration in the DSL: immutable values, every problem at once with its path. */
class SidecarAndLogsTest {

    private static Service.Builder orders() {
        return Service.named("orders").image("repo/orders:1.0.0");
    }

    @Test
    void everySidecarProblemIsReportedAtOnceWithItsPath() {
        assertThatThrownBy(() -> orders()
                .sidecar("agent", s -> s.image("datadog/agent:7").env("API_KEY", "x"))
                .sidecar("bad name!", s -> s.cpu(-1))
                .sidecar("agent", s -> s.image("datadog/agent").dependsOn("nope", Sidecar.Condition.HEALTHY))
                .sidecar("envoy", s -> s.image("envoy:1").memoryMiB(512))
                .build())
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).problems()).extracting(Problem::path).contains(
                        "service.sidecars[0].env.API_KEY", "service.sidecars[1].name", "service.sidecars[1].image",
                        "service.sidecars[1].cpu", "service.sidecars[2].name", "service.sidecars[2].image",
                        "service.sidecars[2].dependsOn.nope", "service.sidecars[3].name", "service.sidecars[3].memoryMiB"));
    }

    @Test
    void sidecarsThatWaitForEachOtherInACycleAreRejected() {
        assertThatThrownBy(() -> orders()
                .sidecar("a", s -> s.image("x/a:1").dependsOn("b", Sidecar.Condition.START))
                .sidecar("b", s -> s.image("x/b:1").dependsOn("a", Sidecar.Condition.START)).build())
                .isInstanceOf(ValidationException.class).hasMessageContaining("cycle");
    }

    @Test
    void sidecarsAndLogsAreValuesThatSurviveToBuilderAndTheJournal() {
        Sidecar agent = Sidecar.named("agent").image("datadog/agent:7").cpu(64).memoryMiB(128).env("DD_SITE", "datadoghq.eu")
                .essential(false).dependsOn(Sidecar.APP, Sidecar.Condition.START).build();
        Service s = orders().sidecar(agent).logs(Logs.datadog("prod/datadog").source("java").tag("team", "shop")).build();
        assertThat(s.toBuilder().build()).isEqualTo(s);
        assertThat(s.sidecars()).containsExactly(agent);
        assertThat(agent.toBuilder().build()).isEqualTo(agent);
        Environment stage = Environment.named("stage").region("eu-west-1").logs(Logs.awslogs().group("/shop/stage")).build();
        Release r = Release.of(s).to(stage).build();
        assertThat(ReleaseCodec.decode(ReleaseCodec.encode(r))).isEqualTo(r);
        Release inherits = Release.of(orders().build()).to(stage).build();
        assertThat(inherits.service().logs()).contains(Logs.awslogs().group("/shop/stage"));
        assertThat(ReleaseCodec.decode(ReleaseCodec.encode(inherits))).isEqualTo(inherits);
    }

    @Test
    void aLiteralDatadogKeyIsRejectedAndNeverPrinted() {
        assertThatThrownBy(() -> Environment.named("prod").region("us-east-1")
                .logs(Logs.datadog("0123456789abcdef0123456789abcdef").site("not a site")).build())
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).problems()).extracting(Problem::path)
                        .containsExactly("environment.logs.apiKeySecret", "environment.logs.site"))
                .hasMessageNotContaining("0123456789abcdef");
        assertThatThrownBy(() -> orders().logs(Logs.awslogs().group("bad group!").streamPrefix("a:b").region("moon")).build())
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).problems()).extracting(Problem::path)
                        .containsExactly("service.logs.group", "service.logs.streamPrefix", "service.logs.region"));
    }
}

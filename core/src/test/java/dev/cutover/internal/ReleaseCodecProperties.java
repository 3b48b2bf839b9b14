package dev.cutover.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Environment;
import dev.cutover.HealthCheck;
import dev.cutover.Hook;
import dev.cutover.Release;
import dev.cutover.Scaling;
import dev.cutover.Service;
import dev.cutover.ServiceOverride;
import dev.cutover.Strategies;
import dev.cutover.Strategy;
import dev.cutover.analysis.Analysis;
import dev.cutover.analysis.MetricGate;
import dev.cutover.analysis.MetricQuery;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.Provide;

/** The journal's release codec: every generated release comes back equal, field by field. */
@PropertyDefaults(tries = 300)
class ReleaseCodecProperties {

    @Property
    void aReleaseSurvivesTheJournal(@ForAll("releases") Release release) {
        String json = ReleaseCodec.encode(release);
        Release back = ReleaseCodec.decode(json);
        assertThat(back).isEqualTo(release);
        assertThat(back.service()).as("effective service (overrides applied)").isEqualTo(release.service());
        assertThat(back.service().instances()).isEqualTo(release.service().instances());
        assertThat(ReleaseCodec.encode(back)).isEqualTo(json);
    }

    @Example
    void secretsAreWrittenAsTheirReferencesOnly() {
        Release r = Release.of(Service.named("orders").image("repo/orders:1.0.0").secret("DB_PASSWORD", "prod/orders/db")
                .build()).to(Environment.named("prod").region("us-east-1").build()).build();
        assertThat(ReleaseCodec.encode(r)).contains("\"DB_PASSWORD\":\"prod/orders/db\"");
    }

    @Example
    void aBrokenReleaseSaysWhatIsMissing() {
        assertThatThrownBy(() -> ReleaseCodec.decode("{\"version\":1,\"service\":{}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'name' is missing");
        assertThatThrownBy(() -> ReleaseCodec.decode("{\"version\":9}")).hasMessageContaining("version 9");
    }

    /**
     * A tripwire: a field added to a type the journal records must be added to {@link ReleaseCodec}
     * (and to the generators here), or a rollback would silently restore a default for it.
     */
    @Example
    void theCodecKnowsEveryFieldOfWhatItRecords() {
        Map<Class<?>, Integer> known = Map.of(Service.class, 21, Environment.class, 19, ServiceOverride.class, 7,
                HealthCheck.class, 5, Scaling.class, 3, Analysis.class, 10, MetricGate.class, 4, Hook.class, 3);
        known.forEach((type, count) -> assertThat(Arrays.stream(type.getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers())).map(Field::getName).toList())
                .as(type.getSimpleName() + " has a field ReleaseCodec does not record: add it to the codec and this test")
                .hasSize(count));
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<Release> releases() {
        return Combinators.combine(services(), environments(), strategies())
                .as((s, e, st) -> Release.of(s).to(e).strategy(st).build());
    }

    private Arbitrary<Service> services() {
        Arbitrary<String> version = Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(3);
        Arbitrary<Map<String, String>> env = Arbitraries.maps(Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1)
                .ofMaxLength(6), Arbitraries.strings().alpha().numeric().withChars(" \"\\=/:").ofMaxLength(12)).ofMaxSize(3);
        Arbitrary<Scaling> scaling = Arbitraries.integers().between(1, 5).flatMap(min -> Arbitraries.integers()
                .between(min, 20).map(max -> Scaling.builder().min(min).max(max).targetCpuPercent(40 + max).build()));
        return Combinators.combine(version, env, scaling.injectNull(0.4), Arbitraries.integers().between(1, 9).injectNull(0.3),
                Arbitraries.of(true, false), Arbitraries.integers().between(6, 60))
                .as((v, vars, sc, instances, hooks, interval) -> {
                    Service.Builder b = Service.named("orders").image("repo/orders:" + v).port(8080).cpu(512).memoryMiB(1024)
                            .env(vars).healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(interval)));
                    if (sc != null) {
                        b.scaling(sc);
                    }
                    if (instances != null) {
                        b.instances(sc == null ? instances : Math.max(sc.min(), Math.min(sc.max(), instances)));
                    }
                    if (hooks) {
                        b.secret("DB_PASSWORD", "prod/orders/db").config("feature.x", "on")
                                .preDeploy(Hook.command("./migrate", "up").timeout(Duration.ofMinutes(3)))
                                .smokeTest(Hook.command("curl", "-f", "localhost:8080/health"))
                                .discoveryName("orders-api").taskRole("arn:aws:iam::123456789012:role/orders")
                                .sidecar("agent", s -> s.image("datadog/agent:7").cpu(64).memoryMiB(128).env("DD_SITE", "eu")
                                        .essential(false).dependsOn("app", dev.cutover.Sidecar.Condition.START))
                                .logs(dev.cutover.Logs.datadog("prod/datadog/api-key").source("java").tag("team", "shop"));
                    }
                    return b.build();
                });
    }

    private Arbitrary<Environment> environments() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.integers().between(1, 4).injectNull(0.5)).as((mesh, policies, overrideInstances) -> {
                    Environment.Builder b = Environment.named("prod").region("eu-west-1").cluster("apps");
                    if (mesh) {
                        b.mesh("internal").namespace("prod.local");
                        if (policies) {
                            b.meshPreview("x-test", "on");
                        }
                    } else if (policies) {
                        b.loadBalancer(lb -> lb.name("orders-alb").create(true).preview().path("orders", "/api/orders*"))
                                .hostedZone("example.internal").dnsName("orders", "orders.example.internal");
                    } else {
                        b.serviceConnect();
                    }
                    if (policies) {
                        b.promotedFrom("stage").requireApproval().approvalTimeout(Duration.ofHours(2))
                                .logs(dev.cutover.Logs.awslogs().group("/shop/prod").streamPrefix("web"))
                                .network(n -> n.vpc("vpc-0a1b2c3d").subnets("subnet-0a1b2c3d").securityGroups("sg-0a1b2c3d"));
                    }
                    if (overrideInstances != null) {
                        b.override("orders", ServiceOverride.builder().instances(overrideInstances).cpu(1024).memoryMiB(2048)
                                .scaling(Scaling.builder().min(overrideInstances).max(12).build()).env("LOG_LEVEL", "warn")
                                .network(n -> n.assignPublicIp(overrideInstances > 2)).build());
                    }
                    return b.build();
                });
    }

    private Arbitrary<Strategy> strategies() {
        Arbitrary<Analysis> analysis = Combinators.combine(Arbitraries.doubles().between(0.0001, 0.5).ofScale(6),
                Arbitraries.integers().between(0, 3)).as((rate, limit) -> Analysis.builder().errorRateBelow(rate)
                        .gate(MetricGate.of("queue", MetricQuery.custom("avg:q{service:orders}"), MetricGate.Comparison.ABOVE, -1.5))
                        .failureLimit(limit).inconclusiveLimit(limit).interval(Duration.ofSeconds(30 + limit))
                        .metricOutageTimeout(Duration.ofMinutes(20 + limit)).inconclusiveTimeout(Duration.ofMinutes(40 + limit)).build());
        return Combinators.combine(Arbitraries.integers().between(0, 4), analysis).as((kind, a) -> switch (kind) {
            case 0 -> Strategies.allAtOnce().bake(Duration.ofMinutes(1)).analysis(a);
            case 1 -> Strategies.rolling().minHealthyPercent(50).maxPercent(150).analysis(a);
            case 2 -> Strategies.canary().steps(5, 50, 100).bake(Duration.ofSeconds(90)).analysis(a);
            case 3 -> Strategies.linear().stepPercent(20).interval(Duration.ofMinutes(2)).analysis(a);
            default -> Strategies.blueGreen().previewBake(Duration.ofMinutes(3)).bake(Duration.ZERO).analysis(a);
        });
    }
}

package dev.cutover;

import static dev.cutover.Strategies.allAtOnce;
import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.analysis.Analysis;
import dev.cutover.analysis.MetricGate;
import dev.cutover.analysis.MetricQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Example-based tests of the DSL values: immutability, copies, lambdas, null-hostility, printing, overrides. */
class DslValuesTest {

    static final String IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.2";

    static Service.Builder orders() {
        return Service.named("orders").image(IMAGE).port(8080).cpu(512).memoryMiB(1024)
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10)))
                .env("LOG_LEVEL", "info")
                .secret("DB_PASSWORD", "prod/orders/db")
                .scaling(s -> s.min(2).max(10).targetCpuPercent(60));
    }

    static Environment.Builder stage() {
        return Environment.named("stage").region("us-east-1").cluster("main").mesh("internal").namespace("internal.local");
    }

    @Nested
    class Immutability {

        @Test
        void collectionsAreUnmodifiable() {
            Service s = orders().config("feature/x", "on").build();
            assertThatThrownBy(() -> s.env().put("A", "b")).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> s.secrets().clear()).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> s.config().remove("feature/x")).isInstanceOf(UnsupportedOperationException.class);
            Environment e = stage().override("orders", o -> o.instances(4)).build();
            assertThatThrownBy(() -> e.overrides().clear()).isInstanceOf(UnsupportedOperationException.class);
            Canary c = canary();
            assertThatThrownBy(() -> c.steps().add(7)).isInstanceOf(UnsupportedOperationException.class);
            Analysis a = Analysis.builder().errorRateBelow(0.01).build();
            assertThatThrownBy(() -> a.gates().clear()).isInstanceOf(UnsupportedOperationException.class);
            Hook h = Hook.command("./migrate", "up");
            assertThatThrownBy(() -> h.command().add("down")).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void collectionsAreCopiedIn() {
            Map<String, String> env = new HashMap<>(Map.of("LOG_LEVEL", "info"));
            Map<String, String> secrets = new HashMap<>(Map.of("DB_PASSWORD", "prod/orders/db"));
            Service.Builder b = Service.named("orders").image(IMAGE).env(env).secrets(secrets);
            Service s = b.build();
            env.put("OTHER", "x");
            secrets.put("API_TOKEN", "prod/orders/token");
            assertThat(s.env()).containsOnlyKeys("LOG_LEVEL");
            assertThat(s.secrets()).containsOnlyKeys("DB_PASSWORD");

            b.env("LATER", "1");   // the builder may change after build(); the built value may not
            assertThat(s.env()).containsOnlyKeys("LOG_LEVEL");

            List<Integer> steps = new ArrayList<>(List.of(10, 100));
            Canary c = new Canary(steps, Duration.ZERO, Analysis.healthOnly());
            steps.add(0, 5);
            assertThat(c.steps()).containsExactly(10, 100);

            List<MetricGate> gates = new ArrayList<>(List.of(MetricGate.errorRateBelow(0.01)));
            Analysis a = Analysis.builder().gates(gates).build();
            gates.clear();
            assertThat(a.gates()).hasSize(1);
        }

        @Test
        void pluralSettersReplaceAndSingularOnesAdd() {
            Service s = Service.named("orders").image(IMAGE).env("A", "1").env(Map.of("B", "2")).env("C", "3").build();
            assertThat(s.env()).containsOnlyKeys("B", "C");
        }
    }

    @Nested
    class CopiesAndEquality {

        @Test
        void toBuilderRoundTripsAreEqual() {
            Service s = orders().config("feature/x", "on").discoveryName("orders-api").instances(3)
                    .preDeploy(Hook.command("./migrate"))
                    .smokeTest(Hook.command("./smoke").timeout(Duration.ofMinutes(2)))
                    .taskRole("arn:aws:iam::123456789012:role/orders")
                    .executionRole("arn:aws:iam::123456789012:role/ecs-exec")
                    .launchType(LaunchType.EC2).cpu(300).memoryMiB(700)
                    .build();
            assertThat(s.toBuilder().build()).isEqualTo(s).hasSameHashCodeAs(s);
            assertThat(s.toBuilder().build().toString()).isEqualTo(s.toString());

            Environment e = stage().override("orders", o -> o.instances(6).env("MODE", "prod"))
                    .requireImageDigest().promotedFrom("test").requireApproval().approvalTimeout(Duration.ofMinutes(30))
                    .build();
            assertThat(e.toBuilder().build()).isEqualTo(e).hasSameHashCodeAs(e);

            HealthCheck h = HealthCheck.builder().path("/ready").interval(Duration.ofSeconds(20)).retries(5).build();
            assertThat(h.toBuilder().build()).isEqualTo(h);
            Scaling sc = Scaling.builder().min(2).max(5).targetCpuPercent(40).build();
            assertThat(sc.toBuilder().build()).isEqualTo(sc);
            Analysis a = Analysis.builder().errorRateBelow(0.01).p99LatencyBelow(Duration.ofMillis(300)).failureLimit(2).build();
            assertThat(a.toBuilder().build()).isEqualTo(a);
            ServiceOverride o = ServiceOverride.builder().cpu(1024).memoryMiB(2048).config("k", "v").build();
            assertThat(o.toBuilder().build()).isEqualTo(o);

            Release r = Release.of(orders().build()).to(stage().build()).strategy(canary()).build();
            assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
        }

        @Test
        void toBuilderKeepsDerivedDefaultsDerived() {
            Service s = orders().build();
            assertThat(s.instances()).isEqualTo(2);   // from scaling min
            Service bigger = s.toBuilder().scaling(sc -> sc.min(4).max(20)).build();
            assertThat(bigger.instances()).isEqualTo(4);
            Service pinned = orders().instances(5).build().toBuilder().scaling(sc -> sc.min(4).max(20)).build();
            assertThat(pinned.instances()).isEqualTo(5);

            Environment plain = Environment.named("stage").region("us-east-1").build();
            assertThat(plain.toBuilder().mesh("internal").build().trafficMode()).isEqualTo(TrafficMode.APP_MESH);
            Environment chosen = Environment.named("stage").region("us-east-1").serviceConnect().build();
            assertThat(chosen.toBuilder().mesh("internal").build().trafficMode()).isEqualTo(TrafficMode.SERVICE_CONNECT);
        }

        @Test
        void equalityCoversEveryField() {
            Service s = orders().build();
            assertThat(orders().build()).isEqualTo(s);
            assertThat(orders().secret("DB_PASSWORD", "prod/orders/other").build()).isNotEqualTo(s);
            assertThat(orders().config("k", "a").build()).isNotEqualTo(orders().config("k", "b").build());
            assertThat(orders().discoveryName("orders-api").build()).isNotEqualTo(s);
            assertThat(orders().taskRole("arn:aws:iam::123456789012:role/a").build()).isNotEqualTo(s);
            assertThat(orders().executionRole("arn:aws:iam::123456789012:role/a").build()).isNotEqualTo(s);
            assertThat(orders().preDeploy(Hook.command("a")).build())
                    .isNotEqualTo(orders().preDeploy(Hook.command("a").timeout(Duration.ofMinutes(1))).build());

            Environment e = stage().build();
            assertThat(stage().build()).isEqualTo(e).hasSameHashCodeAs(e);
            assertThat(stage().override("orders", o -> o.config("k", "a")).build())
                    .isNotEqualTo(stage().override("orders", o -> o.config("k", "b")).build());

            Analysis custom1 = Analysis.builder()
                    .gate(MetricGate.of("queue", MetricQuery.custom("avg:a{*}"), MetricGate.Comparison.BELOW, 5)).build();
            Analysis custom2 = Analysis.builder()
                    .gate(MetricGate.of("queue", MetricQuery.custom("avg:b{*}"), MetricGate.Comparison.BELOW, 5)).build();
            assertThat(custom1).isNotEqualTo(custom2);
        }
    }

    @Nested
    class Lambdas {

        @Test
        void consumerOverloadsEqualTheValueOverloads() {
            Service viaLambda = Service.named("orders").image(IMAGE)
                    .healthCheck(h -> h.path("/ready").interval(Duration.ofSeconds(20)))
                    .scaling(s -> s.min(2).max(4))
                    .build();
            Service viaValue = Service.named("orders").image(IMAGE)
                    .healthCheck(HealthCheck.builder().path("/ready").interval(Duration.ofSeconds(20)).build())
                    .scaling(Scaling.builder().min(2).max(4).build())
                    .build();
            assertThat(viaLambda).isEqualTo(viaValue);

            Environment e1 = stage().override("orders", o -> o.instances(3).scaling(s -> s.min(3).max(9))).build();
            Environment e2 = stage().override("orders", ServiceOverride.builder().instances(3)
                    .scaling(Scaling.builder().min(3).max(9).build()).build()).build();
            assertThat(e1).isEqualTo(e2);

            assertThat(canary().analysis(a -> a.errorRateBelow(0.02)))
                    .isEqualTo(canary().analysis(Analysis.builder().errorRateBelow(0.02).build()));
        }

        @Test
        void consumerOverloadsEditTheCurrentValue() {
            Service s = Service.named("orders").image(IMAGE)
                    .healthCheck(h -> h.path("/ready"))
                    .healthCheck(h -> h.retries(5))
                    .scaling(sc -> sc.min(2).max(8))
                    .scaling(sc -> sc.targetCpuPercent(50))
                    .build();
            assertThat(s.healthCheck().path()).isEqualTo("/ready");
            assertThat(s.healthCheck().retries()).isEqualTo(5);
            assertThat(s.scaling()).hasValueSatisfying(sc -> {
                assertThat(sc.max()).isEqualTo(8);
                assertThat(sc.targetCpuPercent()).isEqualTo(50);
            });
            Environment e = stage().override("orders", o -> o.instances(3)).override("orders", o -> o.cpu(1024)).build();
            assertThat(e.overrides().get("orders").instances()).contains(3);
            assertThat(e.overrides().get("orders").cpu()).contains(1024);
        }

        @Test
        void lambdaBuiltNestedValuesAreValidatedByTheOuterBuild() {
            assertThatThrownBy(() -> Service.named("orders").image(IMAGE).healthCheck(h -> h.retries(0)).build())
                    .isInstanceOfSatisfying(ValidationException.class, e ->
                            assertThat(e.problems()).extracting(Problem::path).containsExactly("service.healthCheck.retries"));
        }
    }

    @Nested
    class NullHostility {

        record Case(String parameter, ThrowingCallable call) {
        }

        @Test
        void everyEntryPointNamesTheNullParameter() {
            Service.Builder s = Service.named("orders");
            Environment.Builder e = Environment.named("stage");
            HealthCheck.Builder h = HealthCheck.builder();
            ServiceOverride.Builder o = ServiceOverride.builder();
            Analysis.Builder a = Analysis.builder();
            List<Case> cases = List.of(
                    new Case("service.name", () -> Service.named(null)),
                    new Case("service.image", () -> s.image((String) null)),
                    new Case("service.image", () -> s.image((ImageRef) null)),
                    new Case("service.launchType", () -> s.launchType(null)),
                    new Case("service.env name", () -> s.env(null, "v")),
                    new Case("service.env[\"K\"]", () -> s.env("K", null)),
                    new Case("service.env", () -> s.env(null)),
                    new Case("service.secrets name", () -> s.secret(null, "ref")),
                    new Case("service.secrets[\"K\"]", () -> s.secret("K", null)),
                    new Case("service.secrets", () -> s.secrets(null)),
                    new Case("service.config key", () -> s.config(null, "v")),
                    new Case("service.config[\"k\"]", () -> s.config("k", null)),
                    new Case("service.config", () -> s.config(null)),
                    new Case("service.healthCheck", () -> s.healthCheck((HealthCheck) null)),
                    new Case("service.healthCheck", () -> s.healthCheck((java.util.function.Consumer<HealthCheck.Builder>) null)),
                    new Case("service.scaling", () -> s.scaling((Scaling) null)),
                    new Case("service.scaling", () -> s.scaling((java.util.function.Consumer<Scaling.Builder>) null)),
                    new Case("service.discoveryName", () -> s.discoveryName(null)),
                    new Case("service.preDeploy", () -> s.preDeploy(null)),
                    new Case("service.smokeTest", () -> s.smokeTest(null)),
                    new Case("service.taskRole", () -> s.taskRole(null)),
                    new Case("service.executionRole", () -> s.executionRole(null)),
                    new Case("environment.name", () -> Environment.named(null)),
                    new Case("environment.region", () -> e.region(null)),
                    new Case("environment.cluster", () -> e.cluster(null)),
                    new Case("environment.mesh", () -> e.mesh(null)),
                    new Case("environment.namespace", () -> e.namespace(null)),
                    new Case("environment.trafficMode", () -> e.trafficMode(null)),
                    new Case("environment.overrides name", () -> e.override(null, ServiceOverride.builder().build())),
                    new Case("environment.overrides[\"orders\"]", () -> e.override("orders", (ServiceOverride) null)),
                    new Case("environment.overrides[\"orders\"]", () -> e.override("orders", (java.util.function.Consumer<ServiceOverride.Builder>) null)),
                    new Case("environment.promotedFrom", () -> e.promotedFrom((String) null)),
                    new Case("environment.promotedFrom", () -> e.promotedFrom((Environment) null)),
                    new Case("environment.approvalTimeout", () -> e.approvalTimeout(null)),
                    new Case("healthCheck.path", () -> h.path(null)),
                    new Case("healthCheck.interval", () -> h.interval(null)),
                    new Case("healthCheck.timeout", () -> h.timeout(null)),
                    new Case("healthCheck.startPeriod", () -> h.startPeriod(null)),
                    new Case("override.scaling", () -> o.scaling((Scaling) null)),
                    new Case("override.env name", () -> o.env(null, "v")),
                    new Case("override.env[\"K\"]", () -> o.env("K", null)),
                    new Case("gate", () -> a.gate(null)),
                    new Case("gates", () -> a.gates(null)),
                    new Case("interval", () -> a.interval(null)),
                    new Case("release.service", () -> Release.of(null)),
                    new Case("release.environment", () -> Release.of(orders().build()).to(null)),
                    new Case("release.strategy", () -> Release.of(orders().build()).strategy(null)),
                    new Case("bake", () -> canary().bake(null)),
                    new Case("interval", () -> Strategies.linear().interval(null)),
                    new Case("previewBake", () -> Strategies.blueGreen().previewBake(null)),
                    new Case("analysis", () -> allAtOnce().analysis((Analysis) null)),
                    new Case("analysis", () -> allAtOnce().analysis((java.util.function.Consumer<Analysis.Builder>) null)),
                    new Case("steps", () -> new Canary(null, Duration.ZERO, Analysis.healthOnly())),
                    new Case("hook.command", () -> new Hook(null, Duration.ZERO)),
                    new Case("hook.timeout", () -> Hook.command("x").timeout(null)),
                    new Case("reference", () -> ImageRef.parse(null)));
            for (Case c : cases) {
                if (c.parameter().contains(".") || c.parameter().contains(" ")) {
                    // the DSL's own values name the field path and say how to fix it (issue 10 item 7)
                    assertThatThrownBy(c.call()).as(c.parameter()).isInstanceOf(NullPointerException.class)
                            .hasMessageStartingWith(c.parameter() + " must not be null; ");
                } else {
                    assertThatThrownBy(c.call()).as(c.parameter())
                            .isInstanceOf(NullPointerException.class).hasMessage(c.parameter());
                }
            }
        }
    }

    @Nested
    class Printing {

        @Test
        void toStringIsReadable() {
            Service s = orders().build();
            assertThat(s.toString())
                    .startsWith("Service[orders, image=" + IMAGE)
                    .contains("port=8080", "FARGATE 512 cpu / 1024 MiB", "instances=2", "LOG_LEVEL=info",
                            "secrets=[DB_PASSWORD] (references)", "GET /health every 10s", "Scaling[2..10 tasks, target CPU 60%]");
            assertThat(stage().build().toString())
                    .isEqualTo("Environment[stage, region=us-east-1, cluster=main, traffic=APP_MESH, mesh=internal, "
                            + "namespace=internal.local]");
            assertThat(canary().toString()).isEqualTo("canary([10, 50, 100], bake PT5M)");
            assertThat(new Problem("service.cpu", "300", "is not a Fargate size").toString())
                    .isEqualTo("service.cpu = '300': is not a Fargate size");
            assertThat(new Problem("service.image", null, "is required").toString()).isEqualTo("service.image: is required");
        }

        @Test
        void secretReferencesNeverAppearInToString() {
            Service s = orders().secret("API_TOKEN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/token-AbCdEf")
                    .build();
            assertThat(s.toString()).contains("DB_PASSWORD", "API_TOKEN")
                    .doesNotContain("prod/orders/db").doesNotContain("orders/token-AbCdEf");
            Release r = Release.of(s).to(stage().build()).build();
            assertThat(r.toString()).doesNotContain("prod/orders/db");
        }

        @Test
        void secretLookingEnvValuesNeverAppearInToString() {
            // An override may add env variables; a secret-looking literal is rejected by Environment.build(),
            // and even an unvalidated override or effective service never prints the value.
            ServiceOverride o = ServiceOverride.builder().env("API_TOKEN", "hunter2-value").env("MODE", "prod").build();
            assertThat(o.toString()).doesNotContain("hunter2-value").contains("MODE=prod", "API_TOKEN");
            Environment.Builder prod = Environment.named("prod").region("us-east-1").override("orders", o);
            assertThatThrownBy(prod::build).isInstanceOfSatisfying(ValidationException.class, e -> {
                assertThat(e.problems()).extracting(Problem::path).containsExactly("environment.overrides[\"orders\"].env[\"API_TOKEN\"]");
                assertThat(e.getMessage()).doesNotContain("hunter2-value").contains(".secret(");
            });
            Environment unchecked = prod.buildUnchecked();
            assertThat(unchecked.toString()).doesNotContain("hunter2-value");
            Service effective = unchecked.effective(orders().build());
            assertThat(effective.toString()).doesNotContain("hunter2-value").contains("MODE=prod");
            assertThatThrownBy(() -> Release.of(orders().build()).to(unchecked).build())
                    .isInstanceOfSatisfying(ValidationException.class, e ->
                            assertThat(e.getMessage()).doesNotContain("hunter2-value"));
        }

        @Test
        void validationExceptionListsEveryProblem() {
            assertThatThrownBy(() -> Service.named("Orders").image("orders").port(0).cpu(300).build())
                    .isInstanceOfSatisfying(ValidationException.class, e -> {
                        assertThat(e.problems()).extracting(Problem::path)
                                .containsExactly("service.name", "service.image", "service.port", "service.cpu");
                        assertThat(e.getMessage()).startsWith("4 problems in service 'Orders':")
                                .contains("  - service.port = '0': must be 1-65535");
                        assertThatThrownBy(() -> e.problems().clear()).isInstanceOf(UnsupportedOperationException.class);
                    });
        }
    }

    @Nested
    class Overrides {

        @Test
        void effectiveAppliesTheServicesOverride() {
            Service s = orders().config("pool", "10").build();
            Environment prod = Environment.named("prod").region("us-east-1")
                    .override("orders", o -> o.instances(6).cpu(1024).memoryMiB(4096).env("MODE", "prod").config("pool", "50"))
                    .override("billing", o -> o.instances(9))
                    .build();
            Service effective = prod.effective(s);
            assertThat(effective.instances()).isEqualTo(6);
            assertThat(effective.cpu()).isEqualTo(1024);
            assertThat(effective.memoryMiB()).isEqualTo(4096);
            assertThat(effective.env()).containsEntry("LOG_LEVEL", "info").containsEntry("MODE", "prod");
            assertThat(effective.config()).containsEntry("pool", "50");
            assertThat(effective.secrets()).isEqualTo(s.secrets());
            assertThat(effective.name()).isEqualTo("orders");
            assertThat(s.instances()).isEqualTo(2);   // the declared service is unchanged

            Service other = Service.named("search").image(IMAGE).build();
            assertThat(prod.effective(other)).isSameAs(other);
        }

        @Test
        void scalingOverrideMovesTheDerivedInstances() {
            Environment prod = Environment.named("prod").region("us-east-1")
                    .override("orders", o -> o.scaling(sc -> sc.min(6).max(30)))
                    .build();
            Service effective = prod.effective(orders().build());
            assertThat(effective.instances()).isEqualTo(6);
            assertThat(effective.scaling()).hasValueSatisfying(sc -> assertThat(sc.max()).isEqualTo(30));
        }

        @Test
        void releaseValidatesTheEffectiveService() {
            Environment prod = Environment.named("prod").region("us-east-1")
                    .override("orders", o -> o.cpu(300).instances(50))
                    .build();
            Service s = orders().build();
            assertThatThrownBy(() -> Release.of(s).to(prod).build())
                    .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
                            .extracting(Problem::path).containsExactly("service.cpu", "service.instances"));
            Release ok = Release.of(s).to(Environment.named("prod").region("us-east-1")
                    .override("orders", o -> o.instances(6)).build()).build();
            assertThat(ok.service().instances()).isEqualTo(6);
            assertThat(ok.declaredService()).isEqualTo(s);
            assertThat(ok.key()).isEqualTo("prod/orders");
        }

        @Test
        void overrideScalingIsValidatedByTheEnvironment() {
            assertThatThrownBy(() -> Environment.named("prod").region("us-east-1")
                    .override("orders", o -> o.scaling(sc -> sc.min(5).max(2))).build())
                    .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
                            .extracting(Problem::path).containsExactly("environment.overrides[\"orders\"].scaling.min"));
        }
    }

    @Nested
    class Defaults {

        @Test
        void defaultsAreTheDocumentedOnes() {
            Service s = Service.named("orders").image(IMAGE).build();
            assertThat(s.port()).isEqualTo(8080);
            assertThat(s.cpu()).isEqualTo(256);
            assertThat(s.memoryMiB()).isEqualTo(512);
            assertThat(s.launchType()).isEqualTo(LaunchType.FARGATE);
            assertThat(s.instances()).isEqualTo(1);
            assertThat(s.discoveryName()).isEqualTo("orders");
            assertThat(s.scaling()).isEmpty();
            assertThat(s.healthCheck()).isEqualTo(HealthCheck.defaults());
            HealthCheck h = HealthCheck.defaults();
            assertThat(h.path()).isEqualTo("/health");
            assertThat(h.interval()).isEqualTo(Duration.ofSeconds(30));
            assertThat(h.timeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(h.retries()).isEqualTo(3);
            assertThat(h.startPeriod()).isEqualTo(Duration.ZERO);
            Scaling sc = Scaling.builder().build();
            assertThat(List.of(sc.min(), sc.max(), sc.targetCpuPercent())).containsExactly(1, 1, 70);

            Environment e = Environment.named("stage").region("us-east-1").build();
            assertThat(e.cluster()).isEqualTo("stage");
            assertThat(e.namespace()).isEqualTo("stage.local");
            assertThat(e.trafficMode()).isEqualTo(TrafficMode.SERVICE_CONNECT);
            assertThat(e.mesh()).isEmpty();
            assertThat(e.requiresImageDigest()).isFalse();
            assertThat(e.requiresApproval()).isFalse();
            assertThat(e.approvalTimeout()).isEqualTo(Duration.ofHours(1));
            assertThat(Environment.named("stage").region("us-east-1").mesh("m").build().trafficMode()).isEqualTo(TrafficMode.APP_MESH);

            assertThat(Release.of(s).to(e).build().strategy()).isEqualTo(allAtOnce());
            assertThat(allAtOnce().bake()).isEqualTo(Duration.ZERO);
            assertThat(Strategies.rolling()).isEqualTo(new Rolling(100, 200, Duration.ZERO, Analysis.healthOnly()));
            assertThat(canary()).isEqualTo(new Canary(List.of(10, 50, 100), Duration.ofMinutes(5), Analysis.healthOnly()));
            assertThat(Strategies.linear()).isEqualTo(new Linear(10, Duration.ofMinutes(1), Analysis.healthOnly()));
            assertThat(Strategies.blueGreen())
                    .isEqualTo(new BlueGreen(Duration.ofMinutes(5), Duration.ofMinutes(10), Analysis.healthOnly()));
            Analysis a = Analysis.healthOnly();
            assertThat(a.gates()).isEmpty();
            assertThat(a.interval()).isEqualTo(Duration.ofMinutes(1));
            assertThat(a.initialDelay()).isEqualTo(Duration.ZERO);
            assertThat(List.of(a.failureLimit(), a.consecutiveErrorLimit(), a.inconclusiveLimit(), a.maxFailedTasks()))
                    .containsExactly(0, 4, 0, 0);
            assertThat(a.progressDeadline()).isEqualTo(Duration.ofMinutes(10));
            assertThat(Hook.command("x").timeout()).isEqualTo(Duration.ofMinutes(10));
        }

        @Test
        void aServiceNeedsAnImageAndAReleaseAnEnvironment() {
            assertThatThrownBy(() -> Service.named("orders").build()).isInstanceOfSatisfying(ValidationException.class,
                    e -> assertThat(e.problems()).extracting(Problem::path).containsExactly("service.image"));
            assertThatThrownBy(() -> Environment.named("stage").build()).isInstanceOfSatisfying(ValidationException.class,
                    e -> assertThat(e.problems()).extracting(Problem::path).containsExactly("environment.region"));
            assertThatThrownBy(() -> Release.of(orders().build()).build()).isInstanceOfSatisfying(ValidationException.class,
                    e -> assertThat(e.problems()).extracting(Problem::path).containsExactly("release.environment"));
        }
    }
}

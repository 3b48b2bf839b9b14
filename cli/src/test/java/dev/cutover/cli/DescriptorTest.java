package dev.cutover.cli;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Environment;
import dev.cutover.Problem;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.ValidationException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DescriptorTest {

    static Path resource(String name) {
        try {
            return Path.of(DescriptorTest.class.getResource("/descriptors/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Service orders() {
        return Service.named("orders").image("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.2")
                .port(8080).cpu(512).memoryMiB(1024).instances(2)
                .env("LOG_LEVEL", "info").secret("DB_PASSWORD", "prod/orders/db")
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10)))
                .scaling(s -> s.min(2).max(10).targetCpuPercent(60))
                .build();
    }

    @Test
    void theYamlDescriptorIsTheReleaseTheDslBuilds() {
        Descriptor d = Descriptor.read(resource("orders.yaml"));

        Release stage = Release.of(orders()).to(Environment.named("stage").region("us-east-1").cluster("main")
                .mesh("internal").namespace("internal.local").build())
                .strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(5))).build();
        Release prod = Release.of(orders()).to(Environment.named("prod").region("us-east-1").cluster("main")
                .mesh("internal").namespace("internal.local").promotedFrom("stage").requireApproval()
                .override("orders", o -> o.instances(4).scaling(s -> s.min(4).max(20).targetCpuPercent(60))).build())
                .strategy(canary().steps(5, 25, 50, 100).bake(Duration.ofMinutes(10))
                        .analysis(a -> a.errorRateBelow(0.01).p99LatencyBelow(Duration.ofMillis(300)))).build();

        assertThat(d.serviceName()).isEqualTo("orders");
        assertThat(d.environments()).containsExactly("stage", "prod");
        assertThat(d.release("stage")).isEqualTo(stage);
        assertThat(d.release("prod")).isEqualTo(prod);
        assertThat(d.release("prod").service().instances()).isEqualTo(4);
        assertThatThrownBy(() -> d.release("qa")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no environment 'qa'").hasMessageContaining("stage, prod");
    }

    @Test
    void theJsonDescriptorReadsTheSameWayAndTheImageCanComeFromTheCommandLine() {
        Descriptor d = Descriptor.read(resource("local.json"), "ghcr.io/acme/orders:2.0.0");
        Release r = d.release("stage");
        assertThat(r.service().image().toString()).isEqualTo("ghcr.io/acme/orders:2.0.0");
        assertThat(r.strategy()).isEqualTo(canary().steps(50, 100).bake(Duration.ofMinutes(2)));
    }

    @Test
    void everyProblemIsListedWithItsPathBeforeAnythingElseHappens() {
        ValidationException e = org.junit.jupiter.api.Assertions.assertThrows(ValidationException.class,
                () -> Descriptor.read(resource("bad.yaml")));
        List<String> paths = e.problems().stream().map(Problem::path).toList();
        assertThat(paths).containsExactlyInAnyOrder(
                "service.image", "service.imagee", "service.name", "service.port", "service.cpu",
                "service.env[\"DB_PASSWORD\"]", "strategy.bake", "environments.stage.traffic",
                "environments.stage.regon", "environments.stage.region", "strategy.steps[1]", "strategy.steps[2]",
                "environments.prod.region");
        assertThat(e.getMessage())
                .contains("service.image: is required")
                .contains("service.imagee: is not a known field; did you mean 'image'?")
                .contains("environments.stage.regon: is not a known field; did you mean 'region'?")
                .contains("service.cpu = '300': is not a Fargate size")          // the DSL's own message
                .contains("strategy.steps[2] = '90': the last step must be 100")
                .doesNotContain("hunter2");                                     // a value that looks like a secret is never echoed
    }

    @Test
    void yamlThatDoesNotParseSaysWhere() {
        assertThatThrownBy(() -> Descriptor.parse("service: [unclosed\n", false, "x.yaml", null))
                .isInstanceOf(ValidationException.class).hasMessageContaining("is not valid YAML (line");
    }

    @Test
    void durationsReadLikePeopleWriteThem() {
        assertThat(dev.cutover.cli.internal.Fields.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(dev.cutover.cli.internal.Fields.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(dev.cutover.cli.internal.Fields.parseDuration("PT10M")).isEqualTo(Duration.ofMinutes(10));
        assertThat(dev.cutover.cli.internal.Fields.parseDuration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(dev.cutover.cli.internal.Fields.parseDuration("10 minutes")).isNull();
        assertThat(dev.cutover.cli.internal.Fields.parseDuration("m10")).isNull();
    }
}

package dev.cutover;

import static dev.cutover.Strategies.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The JShell snippet of issue 2 §2, as written, up to {@code Release ... build()} (planning and
 * applying are covered where {@code Cutover} is tested). {@code docs/dsl-reference.md} quotes the
 * region between the {@code snippet} markers; {@link DocsSnippetsTest} keeps the two in step.
 */
class JShellSnippetTest {

    @Test
    void issueSnippetBuildsARelease() {
        // snippet:start
        Service orders = Service.named("orders")
            .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.2")
            .port(8080).cpu(512).memoryMiB(1024)
            .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10)))
            .env("LOG_LEVEL", "info")
            .secret("DB_PASSWORD", "prod/orders/db")
            .scaling(s -> s.min(2).max(10).targetCpuPercent(60))
            .build();

        Environment stage = Environment.named("stage")
            .region("us-east-1").cluster("main").mesh("internal").namespace("internal.local")
            .build();

        Release release = Release.of(orders).to(stage).strategy(allAtOnce()).build();
        // snippet:end

        assertThat(release.service()).isEqualTo(orders);
        assertThat(release.environment()).isEqualTo(stage);
        assertThat(release.strategy()).isEqualTo(allAtOnce());
        assertThat(release.key()).isEqualTo("stage/orders");
        assertThat(orders.instances()).isEqualTo(2);
        assertThat(orders.image().registry()).contains("123456789012.dkr.ecr.us-east-1.amazonaws.com");
        assertThat(orders.image().repository()).isEqualTo("orders");
        assertThat(orders.image().tag()).contains("1.4.2");
        assertThat(stage.trafficMode()).isEqualTo(TrafficMode.APP_MESH);
        assertThat(release.toString()).isEqualTo("Release[orders " + orders.image() + " -> stage with allAtOnce(bake PT0S)]");
    }

    @Test
    void strategiesAndPolicies() {
        // snippet:start
        Service orders = Service.named("orders")
            .image("registry.example.com/team/orders:2.0.0@sha256:" + "ab".repeat(32))
            .env("LOG_LEVEL", "info")
            .build();

        Environment prod = Environment.named("prod")
            .region("eu-central-1")
            .override("orders", o -> o.instances(6).scaling(s -> s.min(6).max(30)))
            .requireImageDigest().promotedFrom("stage").requireApproval()
            .build();

        Release release = Release.of(orders).to(prod)
            .strategy(canary().steps(5, 25, 50, 100).bake(Duration.ofMinutes(10))
                .analysis(a -> a.errorRateBelow(0.01).p99LatencyBelow(Duration.ofMillis(300))))
            .build();
        // snippet:end

        assertThat(release.service().instances()).isEqualTo(6);
        assertThat(release.declaredService().instances()).isEqualTo(1);
        assertThat(release.strategy().trafficSteps()).extracting(Step::weight).containsExactly(5, 25, 50, 100);
        assertThat(prod.promotedFrom()).contains("stage");
    }

    @Test
    void everyProblemAtOnce() {
        // snippet:start
        try {
            Service.named("Orders").image("orders:latest").cpu(300).port(0)
                .healthCheck(h -> h.timeout(Duration.ofSeconds(45)))
                .build();
        } catch (ValidationException e) {
            e.problems().forEach(p -> System.out.println(p));
            // service.name = 'Orders': must be 1-63 lowercase letters, digits and hyphens, ...
            // service.image = 'orders:latest': uses the mutable tag 'latest'; ...
            // service.port = '0': must be 1-65535
            // service.cpu = '300': is not a Fargate size; use one of [256, 512, ...]
            // service.healthCheck.timeout = 'PT45S': must be shorter than the interval (PT30S)
        }
        // snippet:end

        assertThatThrownBy(() -> Service.named("Orders").image("orders:latest").cpu(300).port(0)
                .healthCheck(h -> h.timeout(Duration.ofSeconds(45))).build())
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems()).extracting(Problem::toString)
                        .satisfiesExactly(
                                p -> assertThat(p).startsWith("service.name = 'Orders': must be 1-63 lowercase letters"),
                                p -> assertThat(p).startsWith("service.image = 'orders:latest': uses the mutable tag 'latest'"),
                                p -> assertThat(p).isEqualTo("service.port = '0': must be 1-65535"),
                                p -> assertThat(p).startsWith("service.cpu = '300': is not a Fargate size; use one of [256, 512"),
                                p -> assertThat(p).isEqualTo(
                                        "service.healthCheck.timeout = 'PT45S': must be shorter than the interval (PT30S)")));
    }
}

package dev.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The load balancer of LOAD_BALANCER mode in the DSL: defaults, every problem at once, the journal's flat form. */
class LoadBalancerDslTest {

    @Test
    void anEnvironmentWithALoadBalancerIsInLoadBalancerModeWithDefaultRulesByServiceName() {
        Environment e = Environment.named("prod").region("us-east-1").loadBalancer("orders-alb").build();
        assertThat(e.trafficMode()).isEqualTo(TrafficMode.LOAD_BALANCER);
        LoadBalancer lb = e.loadBalancer().orElseThrow();
        assertThat(lb.listenerPort()).isEqualTo(80);
        assertThat(lb.create()).isFalse();
        assertThat(lb.path("orders")).contains("/orders*");
        assertThat(lb.preview()).isEmpty();

        LoadBalancer custom = LoadBalancer.builder().name("edge").host("orders", "orders.example.com").preview().build();
        assertThat(custom.path("orders")).isEmpty();
        assertThat(custom.host("orders")).contains("orders.example.com");
        assertThat(custom.preview()).contains(Map.entry("x-cutover-preview", "1"));
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsPath() {
        assertThatThrownBy(() -> Environment.named("prod").region("us-east-1")
                .loadBalancer(lb -> lb.name("-bad-name-").listenerPort(443).preview("bad header", "1").path("orders", "orders"))
                .build())
                .isInstanceOfSatisfying(ValidationException.class, ex -> assertThat(ex.problems()).extracting(Problem::path)
                        .containsExactlyInAnyOrder("environment.loadBalancer.name", "environment.loadBalancer.certificate",
                                "environment.loadBalancer.preview", "environment.loadBalancer.paths[\"orders\"]"));
        assertThatThrownBy(() -> Environment.named("prod").region("us-east-1").trafficMode(TrafficMode.LOAD_BALANCER).build())
                .isInstanceOfSatisfying(ValidationException.class, ex -> assertThat(ex.problems()).extracting(Problem::path)
                        .containsExactly("environment.loadBalancer"));
    }

    @Test
    void theJournalsFlatFormReadsBackTheSameLoadBalancer() {
        LoadBalancer lb = LoadBalancer.builder().name("orders-alb").create(true).listenerPort(8080).preview()
                .path("orders", "/api/orders*").host("billing", "billing.example.com").build();
        assertThat(LoadBalancer.fromMap(lb.toMap())).contains(lb);
        Environment e = Environment.named("prod").region("us-east-1").loadBalancer(lb).build();
        assertThat(e.toBuilder().build()).isEqualTo(e);
        assertThat(e.toString()).contains("traffic=LOAD_BALANCER", "loadBalancer=orders-alb:8080 (create)");
    }

    private static final String ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers";

    @Test
    void nativeDeploymentsAreAskedForOnTheLoadBalancerWithTheInfrastructureRole() {
        Environment e = Environment.named("prod").region("us-east-1")
                .loadBalancer(lb -> lb.name("orders-alb").nativeDeployments(true).infrastructureRole(ROLE)).build();
        LoadBalancer lb = e.loadBalancer().orElseThrow();
        assertThat(lb.nativeDeployments()).isTrue();
        assertThat(lb.infrastructureRole()).contains(ROLE);
        assertThat(LoadBalancer.existing("orders-alb").nativeDeployments()).as("Cutover's own steps by default").isFalse();
        assertThat(LoadBalancer.fromMap(lb.toMap())).contains(lb);
        assertThat(lb.toBuilder().build()).isEqualTo(lb);
        assertThat(lb).isNotEqualTo(lb.toBuilder().nativeDeployments(false).infrastructureRole(ROLE).buildUnchecked());
        assertThat(e.toString()).contains("loadBalancer=orders-alb:80 native");
    }

    @Test
    void nativeDeploymentsWithoutARoleOrABadRoleAreRefusedWithEveryProblemAtOnce() {
        assertThatThrownBy(() -> Environment.named("prod").region("us-east-1")
                .loadBalancer(lb -> lb.name("-bad-").nativeDeployments(true)).build())
                .isInstanceOfSatisfying(ValidationException.class, ex -> {
                    assertThat(ex.problems()).extracting(Problem::path).containsExactlyInAnyOrder("environment.loadBalancer.name",
                            "environment.loadBalancer.infrastructureRole");
                    assertThat(ex.getMessage()).contains("ecsInfrastructureRoleForLoadBalancers");
                });
        assertThatThrownBy(() -> LoadBalancer.builder().name("orders-alb").infrastructureRole("ecsInfrastructureRole").build())
                .isInstanceOfSatisfying(ValidationException.class, ex -> assertThat(ex.problems())
                        .extracting(Problem::message).anyMatch(m -> m.contains("must be an IAM role ARN"))
                        .anyMatch(m -> m.contains("nativeDeployments(true)")));
        assertThatThrownBy(() -> LoadBalancer.builder().name("orders-alb").infrastructureRole(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("environment.loadBalancer.infrastructureRole");
    }
}

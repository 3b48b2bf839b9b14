package dev.cutover.examples;

import static dev.cutover.Strategies.allAtOnce;
import static dev.cutover.Strategies.canary;

import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.InMemoryProvider;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Strategy;
import dev.cutover.event.ConsoleProgress;
import dev.cutover.time.Scheduler;
import java.time.Clock;
import java.time.Duration;

/**
 * The README's first command: the sample {@code orders} service deployed test → stage → prod,
 * then a bad artifact to stage that the canary analysis rolls back by itself. Exits 0 when
 * everything behaved as designed.
 *
 * <p>This version runs on the in-memory provider at 60× speed; the local-cloud version (AWS +
 * Consul + Datadog emulators) replaces it when the providers land.
 */
public final class MainJob {

    private MainJob() {
    }

    public static void main(String[] args) {
        System.exit(run(60) ? 0 : 1);
    }

    /** Runs the sample; returns whether every deployment ended as designed. */
    public static boolean run(double speed) {
        InMemoryProvider cloud = new InMemoryProvider().addSecret("prod/orders/db");
        cloud.behave("orders:1.4.3", InMemoryProvider.Behavior.healthy().errorRate(0.12).p99Millis(450));
        try (Cutover cutover = Cutover.builder()
                .provider(cloud).discoverProviders(false)
                .scheduler(Scheduler.accelerated(Clock.systemUTC(), speed))
                .rollbackWindow(Duration.ofMinutes(1))
                .listener(new ConsoleProgress(System.out))
                .build()) {

            Service orders = Service.named("orders")
                    .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.2")
                    .port(8080).cpu(512).memoryMiB(1024)
                    .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10)))
                    .env("LOG_LEVEL", "info")
                    .secret("DB_PASSWORD", "prod/orders/db")
                    .scaling(s -> s.min(2).max(10).targetCpuPercent(60))
                    .build();
            Environment test = Environment.named("test").region("us-east-1").cluster("main").serviceConnect().build();
            Environment stage = Environment.named("stage").region("us-east-1").cluster("main").mesh("internal")
                    .namespace("internal.local").promotedFrom("test").build();
            Environment prod = Environment.named("prod").region("us-east-1").cluster("main").mesh("internal")
                    .namespace("internal.local").promotedFrom("stage").requireApproval()
                    .override("orders", o -> o.instances(4).scaling(s -> s.min(4).max(20).targetCpuPercent(60)))
                    .build();
            Strategy canary = canary().steps(10, 50, 100).bake(Duration.ofMinutes(2))
                    .analysis(a -> a.errorRateBelow(0.01).p99LatencyBelow(Duration.ofMillis(300)));

            boolean ok = deploy(cutover, Release.of(orders).to(test).strategy(allAtOnce()).build(), DeploymentStatus.SUCCEEDED, false);
            ok &= deploy(cutover, Release.of(orders).to(stage).strategy(canary).build(), DeploymentStatus.SUCCEEDED, false);
            ok &= deploy(cutover, Release.of(orders).to(prod).strategy(canary).build(), DeploymentStatus.SUCCEEDED, true);

            Service bad = orders.toBuilder().image("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.3").build();
            System.out.println("\n=== A bad artifact: orders 1.4.3 (12% errors, p99 450 ms) to stage ===");
            ok &= deploy(cutover, Release.of(bad).to(test).strategy(allAtOnce()).build(), DeploymentStatus.SUCCEEDED, false);
            ok &= deploy(cutover, Release.of(bad).to(stage).strategy(canary).build(), DeploymentStatus.ROLLED_BACK, false);
            System.out.println("\n=== History of stage/orders ===");
            cutover.history("orders", "stage").forEach(h -> System.out.println("  " + h));
            System.out.println(ok ? "\nMain job finished as designed." : "\nMain job did NOT behave as designed.");
            return ok;
        }
    }

    private static boolean deploy(Cutover cutover, Release release, DeploymentStatus expected, boolean approve) {
        System.out.println("\n=== " + release + " ===");
        Plan plan;
        try {
            plan = cutover.plan(release);
        } catch (RuntimeException e) {
            System.out.println("refused before any change: " + e.getMessage());
            return expected == DeploymentStatus.FAILED;
        }
        System.out.println(plan);
        Deployment d = cutover.apply(plan);
        if (approve) {
            while (!d.status().isTerminal() && d.status() != DeploymentStatus.AWAITING_APPROVAL) {
                d.await(Duration.ofMillis(50));
            }
            if (d.status() == DeploymentStatus.AWAITING_APPROVAL) {
                System.out.println("(the sample approves the move to 100%)");
                d.approve();
            }
        }
        DeploymentStatus status = d.await();
        System.out.println("result: " + d);
        return status == expected;
    }
}

package dev.cutover.examples;

import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Strategies;
import dev.cutover.aws.AwsProvider;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** The main job's story, step by step, with what each step must end in. */
final class MainJobScenario {

    private final Cutover cutover;
    private final AwsProvider aws;
    private final MainJobOutcome outcome;
    private final PrintStream print;

    MainJobScenario(Cutover cutover, AwsProvider aws, MainJobOutcome outcome, PrintStream print) {
        this.cutover = cutover;
        this.aws = aws;
        this.outcome = outcome;
        this.print = print;
    }

    void run() {
        Environment test = MainJob.test();
        Environment stage = MainJob.stage();
        Environment prod = MainJob.prod();

        // 1. bootstrap: one plan for the three environments, printed before anything changes
        Service v141 = MainJob.orders("1.4.1");
        Service v141pinned = pinned(v141);
        // prod only takes what stage already runs, so its bootstrap is planned once stage has 1.4.1
        bootstrap("test and stage", List.of(
                Release.of(v141).to(test).strategy(Strategies.allAtOnce()).build(),
                Release.of(v141).to(stage).strategy(Strategies.allAtOnce()).build()));
        bootstrap("prod", List.of(Release.of(v141pinned).to(prod).strategy(Strategies.allAtOnce()).build()));

        // 2. orders 1.4.2: test (all at once), stage (canary + Datadog analysis), prod (pinned, approved canary)
        Service v142 = MainJob.orders("1.4.2");
        expect(MainJob.deploy(cutover, Release.of(v142).to(test).strategy(Strategies.allAtOnce()).build(), false, print),
                DeploymentStatus.SUCCEEDED, "1.4.2 to test (all at once)");
        expect(MainJob.deploy(cutover, Release.of(v142).to(stage).strategy(MainJob.canaryWithDatadogAnalysis()).build(),
                false, print), DeploymentStatus.SUCCEEDED, "1.4.2 to stage (canary, Datadog analysis)");
        Service v142pinned = pinned(v142);
        expect(MainJob.deploy(cutover, Release.of(v142pinned).to(prod).strategy(MainJob.canaryWithDatadogAnalysis()).build(),
                true, print), DeploymentStatus.SUCCEEDED, "1.4.2 to prod (App Mesh canary, digest promoted from stage, approved)");
        Map<String, Integer> stageBefore = weights("stage");

        // 3. a bad artifact to stage: Datadog sees its errors, the analysis fails, traffic goes back by itself
        print.println("\n=== A bad artifact: orders 1.4.3 (12% errors, p99 450 ms) to stage ===");
        Deployment bad = MainJob.deploy(cutover, Release.of(MainJob.orders("1.4.3")).to(stage)
                .strategy(MainJob.canaryWithDatadogAnalysis()).build(), false, print);
        expect(bad, DeploymentStatus.ROLLED_BACK, "1.4.3 to stage rolled back by itself");
        outcome.expect(bad.statusReason().contains("error rate") || bad.statusReason().contains("latency"),
                "the rollback says why: " + bad.statusReason());
        Map<String, Integer> stageAfter = weights("stage");
        print.println("stage traffic before 1.4.3: " + stageBefore + ", after the rollback: " + stageAfter);
        outcome.expect(!stageAfter.isEmpty() && stageAfter.equals(stageBefore) && stageAfter.containsValue(100),
                "stage traffic is back to 100% on 1.4.2's revision " + stageAfter);

        // 4. LOAD_BALANCER mode: an ALB rule's weights between one target group per revision, a header-routed preview
        print.println("\n=== edge: load balancer mode (ALB orders-alb, preview on x-cutover-preview: 1) ===");
        Environment edge = MainJob.edge();
        expect(MainJob.deploy(cutover, Release.of(v142).to(edge).strategy(Strategies.allAtOnce()).build(), false, print),
                DeploymentStatus.SUCCEEDED, "1.4.2 to edge (first revision, its target group and listener rule)");
        expect(MainJob.deploy(cutover, Release.of(MainJob.orders("1.4.4")).to(edge).strategy(MainJob.blueGreenWithPreview()).build(),
                false, print), DeploymentStatus.SUCCEEDED, "1.4.4 to edge (blue/green after a header-routed preview)");
        Map<String, Integer> edgeAfter = weights("edge");
        print.println("edge traffic: " + edgeAfter);
        outcome.expect(edgeAfter.size() == 1 && edgeAfter.containsValue(100), "edge serves 100% from 1.4.4's target group " + edgeAfter);
    }

    /** Prints the plan of every release before anything changes, then applies them one by one. */
    private void bootstrap(String what, List<Release> releases) {
        print.println("\n=== Bootstrap " + what + ": the plan first (orders 1.4.1) ===");
        List<Plan> plans = cutover.plan(releases);
        plans.forEach(print::println);
        for (Plan plan : plans) {
            Deployment d = cutover.apply(plan);
            MainJob.finish(d, true, print);
            print.println("result: " + plan.release().environment().name() + " " + d.status()
                    + (d.statusReason().isEmpty() ? "" : " — " + d.statusReason()));
            expect(d, DeploymentStatus.SUCCEEDED, "bootstrap " + plan.release().environment().name());
        }
    }

    private void expect(Deployment d, DeploymentStatus expected, String what) {
        outcome.expect(d.status() == expected, what + ": " + d.status()
                + (d.statusReason().isEmpty() ? "" : " (" + d.statusReason() + ")"));
    }

    private Map<String, Integer> weights(String environment) {
        return aws.traffic().map(t -> t.weights(environment, "orders")).orElse(Map.of());
    }

    private static Service pinned(Service s) {
        String image = s.image().toString();
        return s.toBuilder().image(image + "@" + MainJob.digestOf(image)).build();
    }
}

package dev.cutover.aws;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.Plan;
import dev.cutover.Release;
import dev.cutover.RollbackPreview;
import dev.cutover.Service;
import dev.cutover.aws.AwsWorld.CrashingJournal;
import dev.cutover.aws.AwsWorld.Deployer;
import dev.cutover.aws.AwsWorld.SimulatedCrash;
import dev.cutover.aws.IamAudit.Call;
import dev.cutover.aws.IamEvaluator.Request;
import dev.cutover.journal.FileJournalStore;
import dev.cutover.journal.InMemoryJournalStore;
import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.spi.Provider.PolicyStatement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each plan's IAM policy against exactly the calls of that plan (issue 12 item 6), on the local cloud
 * through the real SDK. A scenario sets a world up, then plans one release; its variants run that
 * same plan down every path that can follow it (apply to the end, the automatic rollback of a bad
 * revision, a crash mid-rollout and {@code resume} in a new process). The SDK interceptor
 * ({@link IamAudit}) records each call of planning and those paths as IAM authorization requests, and
 * {@link IamEvaluator} evaluates the policy against them:
 * <ul>
 *   <li>nothing missing: every request is allowed;</li>
 *   <li>nothing unused: every action and every resource pattern of every statement allows some request
 *       of some variant;</li>
 *   <li>exact: the same requests for the sibling service {@code orders-api} are denied.</li>
 * </ul>
 * {@code Cutover.rollback} is checked the same way against its own policy ({@code previewRollback}).
 */
class AwsIamExactTest {

    @TempDir
    Path journalDir;

    private static final Environment MESH = AwsFixture.meshEnv();
    private static final Environment SERVICE_CONNECT = AwsFixture.serviceConnectEnv();
    /** LOAD_BALANCER mode: an ALB Cutover creates the first time (its listener too), two subnets. */
    private static final Environment LOAD_BALANCER = Environment.named("stage").region("us-east-1").cluster("main")
            .network(n -> n.vpc("vpc-0a1b2c3d").subnets("subnet-0a1b2c3d", "subnet-4e5f6a7b").securityGroups("sg-0a1b2c3d"))
            .loadBalancer(lb -> lb.name("orders-alb").create(true)).build();
    /** LOAD_BALANCER mode with ECS's native deployments and a test listener rule (the preview header). */
    private static final Environment NATIVE_LB = LOAD_BALANCER.toBuilder().loadBalancer(lb -> lb.nativeDeployments(true)
            .infrastructureRole(AwsLoadBalancerNativeTest.ROLE).preview("x-cutover-preview", "1")).build();
    /** LOAD_BALANCER mode with a header-routed preview before the production weights. */
    private static final Environment PREVIEWED = LOAD_BALANCER.toBuilder().loadBalancer(lb -> lb.preview("x-cutover-preview", "1")).build();

    /** App Mesh mode with a header-routed preview: a second route on the virtual router before the production weights. */
    private static final Environment MESH_PREVIEWED = MESH.toBuilder().meshPreview("x-cutover-preview", "1").build();

    /** More of each deployer of a scenario (e.g. Consul discovery). */
    @FunctionalInterface
    interface More {
        void accept(AwsWorld world, dev.cutover.Cutover.Builder cutover);

        More NOTHING = (w, c) -> { };

        /** Discovery from Consul, compute and traffic from AWS (issue 12 item 5). */
        More CONSUL = (w, c) -> c.provider(dev.cutover.consul.ConsulProvider.builder().url(w.cloud.consul().endpoint())
                .sessionRenewal(Duration.ZERO).timeout(Duration.ofSeconds(5)).build())
                .use(dev.cutover.spi.Capability.DISCOVERY, dev.cutover.consul.ConsulProvider.NAME)
                .use(dev.cutover.spi.Capability.TRAFFIC, "aws");
    }

    /** One path of a scenario: the policy of the plan it made and the calls from planning on. */
    record Path1(String name, List<PolicyStatement> policy, List<Call> calls) {
    }

    private static Service orders(String version) {
        return AwsFixture.orders(version);
    }

    private static Release canaryOf(Service s, Environment env) {
        return Release.of(s).to(env).strategy(canary().steps(10, 100).bake(Duration.ofMinutes(2))).build();
    }

    private static void deployed(Deployer d, Release r) {
        Deployment dep = d.cutover().apply(d.plan(r));
        assertThat(dep.awaitRetirement()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
    }

    /** Runs {@code path} in a fresh world set up by {@code setup}, recording from the plan of {@code next} on. */
    private Path1 run(String name, Function<AwsWorld, Deployer> setup, Release next, PathRun path) {
        try (AwsWorld world = new AwsWorld()) {
            Deployer d = setup.apply(world);
            int mark = world.iam.mark();
            Plan plan = d.plan(next);
            List<PolicyStatement> policy = d.aws().requiredPermissions(plan);
            path.run(world, d, plan);
            List<Call> calls = world.iam.since(mark);
            AwsWorld.closeDead(d);
            return new Path1(name, policy, calls);
        }
    }

    @FunctionalInterface
    interface PathRun {
        void run(AwsWorld world, Deployer d, Plan plan);
    }

    private static final PathRun TO_THE_END = (world, d, plan) -> {
        Deployment dep = d.cutover().apply(plan);
        assertThat(dep.awaitRetirement()).as(dep.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
    };

    private static PathRun rolledBack(String image) {
        return (world, d, plan) -> {
            world.cloud.images().behave(image, ImageBehavior.crashesOnStart());
            Deployment dep = d.cutover().apply(plan);
            assertThat(dep.await()).as(dep.statusReason()).isIn(DeploymentStatus.ROLLED_BACK, DeploymentStatus.FAILED);
        };
    }

    /** Crashes after {@code appends} journal entries, then a new process (same journal) resumes the deployment. */
    private static PathRun crashedAndResumed(CrashingJournal journal, InMemoryJournalStore backing, Environment env, int appends,
            More more) {
        return (world, d, plan) -> {
            journal.crashAfter(appends);
            Deployment dep = d.cutover().apply(plan);
            assertThatThrownBy(dep::await).isInstanceOf(SimulatedCrash.class);
            try (Deployer second = world.deployer(p -> p.environment(env).revisionRetention(1), c -> {
                c.journal(backing);
                more.accept(world, c);
            })) {
                Deployment resumed = second.cutover().resume(dep.id());
                assertThat(resumed.awaitRetirement()).as(resumed.statusReason())
                        .isIn(DeploymentStatus.ROLLED_BACK, DeploymentStatus.SUCCEEDED, DeploymentStatus.FAILED);
            }
        };
    }

    /**
     * The three paths of the plan of {@code next} after {@code v1} (null: nothing deployed yet) was
     * deployed by another process: each path plans in a new process, as CI does.
     */
    private List<Path1> paths(Environment env, Service v1, Release next) {
        return paths(env, v1, next, More.NOTHING);
    }

    private List<Path1> paths(Environment env, Service v1, Release next, More more) {
        List<Path1> paths = new ArrayList<>();
        paths.add(run("to the end", w -> setUp(w, env, v1, new CrashingJournal(new InMemoryJournalStore()), more), next, TO_THE_END));
        paths.add(run("automatic rollback", w -> setUp(w, env, v1, new CrashingJournal(new InMemoryJournalStore()), more), next,
                rolledBack(next.service().image().toString())));
        InMemoryJournalStore backing = new InMemoryJournalStore();
        CrashingJournal journal = new CrashingJournal(backing);
        paths.add(run("crash and resume", w -> setUp(w, env, v1, journal, more), next, crashedAndResumed(journal, backing, env, 3, more)));
        return paths;
    }

    private static Deployer setUp(AwsWorld world, Environment env, Service v1, CrashingJournal journal) {
        return setUp(world, env, v1, journal, More.NOTHING);
    }

    private static Deployer setUp(AwsWorld world, Environment env, Service v1, CrashingJournal journal, More more) {
        world.cloud.secrets().createSecret("stage/orders/db", "not-for-your-eyes");
        world.cloud.secrets().createSecret("stage/orders/db-admin", "not-for-your-eyes-either");
        // a retention of one revision: retiring one deregisters its task definition, so that path is taken too
        if (v1 != null) {
            try (Deployer first = world.deployer(p -> p.revisionRetention(1), c -> {
                c.journal(journal);
                more.accept(world, c);
            })) {
                deployed(first, Release.of(v1).to(env).build());
            }
        }
        return world.deployer(p -> p.revisionRetention(1), c -> {
            c.journal(journal);
            more.accept(world, c);
        });
    }

    // ------------------------------------------------------------------ the check

    private static void exact(List<Path1> paths) {
        exact(paths, Set.of());
    }

    /** {@code historyDependent}: actions granted for a history these paths do not reach (said where it is used). */
    private static void exact(List<Path1> paths, Set<String> historyDependent) {
        List<PolicyStatement> policy = paths.get(0).policy();
        List<String> problems = new ArrayList<>();
        for (Path1 p : paths) {
            if (!new HashSet<>(p.policy()).equals(new HashSet<>(policy))) {
                problems.add("path '" + p.name() + "' planned another policy: " + p.policy());
            }
            IamAudit.denied(policy, p.calls()).forEach(r -> problems.add("missing (" + p.name() + "): " + r));
            IamAudit.siblingsAllowed(policy, p.calls()).forEach(r -> problems.add("a sibling's request allowed (" + p.name() + "): " + r));
        }
        List<Request> requests = paths.stream().flatMap(p -> p.calls().stream()).flatMap(c -> c.requests().stream()).toList();
        for (PolicyStatement s : policy) {
            List<Request> allowed = requests.stream().filter(r -> IamEvaluator.allows(s, r)).toList();
            for (String action : s.actions()) {
                if (!historyDependent.contains(action) && allowed.stream().noneMatch(r -> IamEvaluator.actionMatches(action, r.action()))) {
                    problems.add("unused: " + action + " on " + s.resources() + (s.conditions().isEmpty() ? "" : " " + s.conditions()));
                }
            }
            for (String resource : s.resources()) {
                if (allowed.stream().noneMatch(r -> IamEvaluator.resourceMatches(resource, r.resource()))) {
                    problems.add("unused resource: " + resource + " of " + s.actions());
                }
            }
        }
        assertThat(problems).as("the plan's policy against the calls of its paths:\n" + AwsProvider.policyJson(policy)).isEmpty();
    }

    // ------------------------------------------------------------------ scenarios

    @Test
    void appMeshRollout() {
        exact(paths(MESH, orders("1.0.0"), canaryOf(orders("2.0.0"), MESH)));
    }

    @Test
    void serviceConnectRollout() {
        exact(paths(SERVICE_CONNECT, orders("1.0.0"), canaryOf(orders("2.0.0"), SERVICE_CONNECT)));
    }

    @Test
    void loadBalancerCanary() {
        exact(paths(LOAD_BALANCER, orders("1.0.0"), Release.of(orders("2.0.0")).to(LOAD_BALANCER)
                .strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(2))).build()));
    }

    @Test
    void appMeshCanaryWithAHeaderRoutedPreview() {
        exact(paths(MESH_PREVIEWED, orders("1.0.0"), canaryOf(orders("2.0.0"), MESH_PREVIEWED)));
    }

    @Test
    void loadBalancerCanaryWithAHeaderRoutedPreview() {
        exact(paths(PREVIEWED, orders("1.0.0"), canaryOf(orders("2.0.0"), PREVIEWED)));
    }

    @Test
    void firstDeploymentCreatesTheLoadBalancer() {
        exact(paths(LOAD_BALANCER, null, Release.of(orders("1.0.0")).to(LOAD_BALANCER).build()));
    }

    @Test
    void nativeLoadBalancerCanary() {
        exact(paths(NATIVE_LB, orders("1.0.0"), canaryOf(orders("2.0.0"), NATIVE_LB)));
    }

    @Test
    void firstDeploymentWithNativeDeploymentsCreatesTheLoadBalancerGroupsAndRules() {
        exact(paths(NATIVE_LB, null, Release.of(orders("1.0.0")).to(NATIVE_LB).build()));
    }

    @Test
    void serviceConnectRolloutWithConsulDiscovery() {
        exact(paths(SERVICE_CONNECT, orders("1.0.0"), canaryOf(orders("2.0.0"), SERVICE_CONNECT), More.CONSUL));
    }

    @Test
    void firstDeploymentWithConsulDiscoveryCreatesServiceConnectsNamespace() {
        exact(paths(SERVICE_CONNECT, null, Release.of(orders("1.0.0")).to(SERVICE_CONNECT).build(), More.CONSUL));
    }

    @Test
    void firstDeploymentWithSecretsBootstrapsTheEnvironment() {
        Service withSecret = orders("1.0.0").toBuilder().secret("DB_PASSWORD", "stage/orders/db").build();
        exact(paths(MESH, null, Release.of(withSecret).to(MESH).build()));
    }

    @Test
    void firstDeploymentInServiceConnectMode() {
        exact(paths(SERVICE_CONNECT, null, Release.of(orders("1.0.0")).to(SERVICE_CONNECT).build()));
    }

    @Test
    void scalingOnlyPlanOfAServiceWithSecrets() {
        Service v1 = orders("1.0.0").toBuilder().secret("DB_PASSWORD", "stage/orders/db").build();
        Release scaled = Release.of(v1.toBuilder().instances(3).build()).to(MESH).build();
        exact(List.of(run("to the end", w -> setUp(w, MESH, v1, new CrashingJournal(new InMemoryJournalStore())), scaled, (world, d, plan) -> {
            assertThat(plan.isRollout()).as(plan.toString()).isFalse();
            TO_THE_END.run(world, d, plan);
        })));
    }

    @Test
    void rollbackHasItsOwnPolicy() {
        for (Environment env : List.of(MESH, SERVICE_CONNECT, LOAD_BALANCER, NATIVE_LB)) {
            // a rollback retiring a revision deregisters task definitions past the retention (five by default):
            // with two revisions it has none to deregister, and with a retention of one the revision to restore
            // would already be deregistered
            exact(List.of(rollback(env, false), rollback(env, true)), Set.of("ecs:DeregisterTaskDefinition"));
        }
    }

    /**
     * {@code Cutover.rollback} after v1 and v2 were deployed, in a new process: its policy from
     * {@code previewRollback} against its calls (and, when {@code crash}, a crash of the rollback and
     * its resume in yet another process).
     */
    private Path1 rollback(Environment env, boolean crash) {
        Path dir = journalDir.resolve(env.name() + "-" + env.trafficMode() + "-" + crash
                + (env.loadBalancer().map(dev.cutover.LoadBalancer::nativeDeployments).orElse(false) ? "-native" : ""));
        try (AwsWorld world = new AwsWorld()) {
            try (Deployer first = world.deployer(p -> { }, c -> c.journal(new FileJournalStore(dir)).rollbackWindow(Duration.ofMinutes(1)))) {
                deployed(first, Release.of(orders("1.0.0")).to(env).build());
                deployed(first, Release.of(orders("2.0.0")).to(env).build());
            }
            CrashingJournal journal = new CrashingJournal(new FileJournalStore(dir));
            Deployer d = world.deployer(p -> p.environment(env), c -> c.journal(journal));
            int mark = world.iam.mark();
            RollbackPreview preview = d.cutover().previewRollback("orders", env.name());
            List<PolicyStatement> policy = d.aws().rollbackPermissions(preview.release(), preview.changes());
            assertThat(preview.requiredPermissions()).contains("ecs:UpdateService");
            assertThat(preview.toRevision()).isEqualTo(env.name() + "-orders:1");
            if (crash) {
                journal.crashAfter(2);
                Deployment back = d.cutover().rollback("orders", env.name());
                assertThatThrownBy(back::await).isInstanceOf(SimulatedCrash.class);
                try (Deployer second = world.deployer(p -> p.environment(env), c -> c.journal(new FileJournalStore(dir)))) {
                    Deployment resumed = second.cutover().resume(back.id());
                    assertThat(resumed.awaitRetirement()).as(resumed.statusReason()).isNotNull();
                }
            } else {
                Deployment back = d.cutover().rollback("orders", env.name());
                assertThat(back.awaitRetirement()).as(back.statusReason()).isEqualTo(DeploymentStatus.SUCCEEDED);
            }
            List<Call> calls = world.iam.since(mark);
            AwsWorld.closeDead(d);
            return new Path1((crash ? "crashed and resumed rollback in " : "rollback in ") + env.name(), policy, calls);
        }
    }

    @Test
    void theEvaluatorMatchesAsIamDoes() {
        assertThat(IamEvaluator.resourceMatches("arn:aws:ecs:us-east-1:1:service/main/stage-orders_*",
                "arn:aws:ecs:us-east-1:1:service/main/stage-orders_12")).isTrue();
        assertThat(IamEvaluator.resourceMatches("arn:aws:ecs:us-east-1:1:service/main/stage-orders_*",
                "arn:aws:ecs:us-east-1:1:service/main/stage-orders-api_12")).isFalse();
        assertThat(IamEvaluator.resourceMatches("arn:aws:ecs:us-east-1:1:service/main/stage-orders-*",
                "arn:aws:ecs:us-east-1:1:service/main/stage-orders-api-12")).as("the old pattern").isTrue();
        assertThat(IamEvaluator.resourceMatches("arn:aws:secretsmanager:us-east-1:1:secret:db-??????",
                "arn:aws:secretsmanager:us-east-1:1:secret:db-admin")).as("?????? is exactly six").isFalse();
        assertThat(IamEvaluator.resourceMatches("arn:aws:secretsmanager:us-east-1:1:secret:db-??????",
                "arn:aws:secretsmanager:us-east-1:1:secret:db-AbC123")).isTrue();
        assertThat(IamEvaluator.resourceMatches("arn:aws:ecs:*:1:cluster/main", "arn:aws:ecs:us-east-1:x:1:cluster/main"))
                .as("* in the region does not cross a colon").isFalse();
        assertThat(IamEvaluator.resourceMatches("arn:aws:ecs:us-east-1:1:cluster/Main", "arn:aws:ecs:us-east-1:1:cluster/main"))
                .as("resources are case-sensitive").isFalse();
        assertThat(IamEvaluator.actionMatches("ECS:describe*", "ecs:DescribeServices")).as("actions are not").isTrue();
        PolicyStatement tagged = new PolicyStatement(List.of("servicediscovery:DeleteService"), List.of("arn:aws:servicediscovery:us-east-1:1:service/*"))
                .withCondition("StringEquals", "aws:ResourceTag/cutover:service", "orders");
        assertThat(IamEvaluator.allows(tagged, new Request("servicediscovery:DeleteService", "arn:aws:servicediscovery:us-east-1:1:service/srv-1",
                java.util.Map.of("aws:resourcetag/cutover:service", "orders")))).as("condition keys are case-insensitive").isTrue();
        assertThat(IamEvaluator.allows(tagged, new Request("servicediscovery:DeleteService", "arn:aws:servicediscovery:us-east-1:1:service/srv-1",
                java.util.Map.of("aws:ResourceTag/cutover:service", "orders-api")))).isFalse();
        assertThat(IamEvaluator.allows(tagged, new Request("servicediscovery:DeleteService", "arn:aws:servicediscovery:us-east-1:1:service/srv-1",
                java.util.Map.of()))).as("a missing key fails the condition").isFalse();
    }
}

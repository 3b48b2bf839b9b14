// A canary, step by step, on the local cloud: ./cutover-shell examples/jshell/deploy.jsh
// (expects `cutover` from local-cloud.jsh or virtual-cloud.jsh). Chains end their lines with a
// dot: JShell runs a line as soon as it is a complete statement.

// The images CI pushed to ECR (planning resolves each tag to its digest; a missing tag is a plan problem).
for (String v : new String[] {"1.4.2", "1.4.3", "1.4.4"}) cloud.images().push("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:" + v);

Service orders = Service.named("orders").
    image("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.2").
    port(8080).cpu(256).memoryMiB(512).instances(2).
    healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10))).
    env("LOG_LEVEL", "info").
    build();

Environment stage = Environment.named("stage").
    region("us-east-1").cluster("main").mesh("internal").namespace("stage.local").
    build();

// 1. The first release bootstraps the environment: the plan shows every resource it creates.
Plan bootstrap = cutover.plan(Release.of(orders).to(stage).build());
System.out.println(bootstrap);
System.out.println(cutover.apply(bootstrap).await());

// 2. Version 1.4.3 as a canary: 10% -> 50% -> 100%, ten minutes of bake at each step.
Release canary143 = Release.of(orders.toBuilder().image("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.3").build()).
    to(stage).strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(10))).
    build();
Plan plan = cutover.plan(canary143);
System.out.println(plan);
Deployment d = cutover.apply(plan);
untilWeight(d, 10);
System.out.println(d);

// Hold it at 10%: the bake timer stops until resume() or promote().
d.pause();
System.out.println(d.status() + " at " + d.weights());

// Happy with what we see: continue, and skip the remaining bake and steps, straight to 100%.
d.resume();
d.promote();
System.out.println(d.await() + ": " + d);

// 3. Version 1.4.4 as a canary that we abort at 10%: traffic returns to 1.4.3.
Release canary144 = Release.of(orders.toBuilder().image("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.4").build()).
    to(stage).strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(10))).
    build();
Deployment d2 = untilWeight(cutover.apply(cutover.plan(canary144)), 10);
d2.abort();
System.out.println(d2.await() + ": " + d2);

// 4. What ran where, when, and why it was rolled back.
history(cutover, "orders", "stage");

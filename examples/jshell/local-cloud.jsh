// Start-up snippet of ./cutover-shell: the local cloud (AWS + Consul + Datadog emulators on
// 127.0.0.1) on a real-time clock running 60x faster than the wall clock (a 10-minute bake takes
// 10 s), and `cutover` over the AWS provider pointed at it. Set -Dcutover.shell.speed=1 for real time.
double speed = Double.parseDouble(System.getProperty("cutover.shell.speed", "60"));
SimClock clock = SimClock.realTime(speed);
LocalCloud cloud = LocalCloud.builder().clock(clock).start();
AwsProvider aws = AwsProvider.builder().
    region("us-east-1").endpointOverride(cloud.endpoint()).
    credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).
    accountId("123456789012").subnets("subnet-0a1b2c3d").securityGroups("sg-0a1b2c3d").vpcId("vpc-0a1b2c3d").
    executionRole("arn:aws:iam::123456789012:role/ecsTaskExecutionRole").   // ECS needs it for awslogs and secrets on Fargate
    clock(clock).sleeper(d -> Thread.sleep(Math.max(1, clock.toWallClock(d).toMillis()))).
    build();
Scheduler time = Scheduler.following(clock, speed);   // one timeline: Cutover follows the cloud's clock
// history survives a restart of `cutover` (new Cutover(...), resume, rollback): a file journal per session
String journalRoot = System.getProperty("cutover.shell.journal");   // set by ./cutover-shell: target/cutover-shell/journal
String session = LocalDateTime.now().toString().replace(':', '-').substring(0, 19);
Path journal = journalRoot == null ? Files.createTempDirectory("cutover-journal") : Path.of(journalRoot, session);
Cutover cutover = Cutover.builder().
    provider(aws).
    scheduler(time).
    metrics(DatadogMetricSource.builder().uri(cloud.endpoint()).scheduler(time).
        apiKey(Datadog.DEFAULT_API_KEY).applicationKey(Datadog.DEFAULT_APPLICATION_KEY).build()).
    journal(new FileJournalStore(journal)).
    listener(new ConsoleProgress(System.out)).
    build();
System.out.println("Local cloud at " + cloud.endpoint() + " (" + speed + "x); `cutover` deploys to it through the AWS provider.\n" +
    "Metric gates read the local Datadog: add them to a strategy, e.g. canary().analysis(a -> a.errorRateBelow(0.01)) -\n" +
    "without a gate, analysis checks task health only. History is kept in " + journal + ".");

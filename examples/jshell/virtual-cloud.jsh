// Start-up snippet of ./cutover-shell --virtual: the same local cloud and AWS provider as
// local-cloud.jsh, on virtual time. Nothing moves until you wait: deployment.await() runs a whole
// rollout at once, deployment.await(Duration.ofMinutes(5)) lets five minutes pass.
Instant start = Instant.parse("2026-01-01T00:00:00Z");
VirtualScheduler time = Scheduler.virtual(start);
SimClock clock = SimClock.virtual(start);
time.onAdvance((from, to) -> { if (to.isAfter(clock.instant())) clock.advance(Duration.between(clock.instant(), to)); });
LocalCloud cloud = LocalCloud.builder().clock(clock).start();
AwsProvider aws = AwsProvider.builder().
    region("us-east-1").endpointOverride(cloud.endpoint()).
    credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).
    accountId("123456789012").subnets("subnet-0a1b2c3d").securityGroups("sg-0a1b2c3d").vpcId("vpc-0a1b2c3d").
    executionRole("arn:aws:iam::123456789012:role/ecsTaskExecutionRole").   // ECS needs it for awslogs and secrets on Fargate
    clock(time.clock()).sleeper(time::sleep).
    build();
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
System.out.println("Local cloud at " + cloud.endpoint() + " on virtual time; `cutover` deploys to it through the AWS provider.\n" +
    "Metric gates read the local Datadog: add them to a strategy, e.g. canary().analysis(a -> a.errorRateBelow(0.01)) -\n" +
    "without a gate, analysis checks task health only. History is kept in " + journal + ".");

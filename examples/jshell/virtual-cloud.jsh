// Start-up snippet of ./cutover-shell --virtual: the same local cloud and AWS provider as local-cloud.jsh, on
// virtual time. Nothing moves until you wait: deployment.await() runs a whole rollout at once,
// deployment.await(Duration.ofMinutes(5)) lets five minutes pass. The wiring is compiled Java
// (examples/src/main/java/dev/cutover/examples/shell/ShellWorld.java), so the shell starts without compiling it;
// ShellWorld.virtual() takes the world early-start.jsh started in the background, or starts one.
ShellWorld world = ShellWorld.virtual();
SimClock clock = world.clock();
LocalCloud cloud = world.cloud();
AwsProvider aws = world.aws();
VirtualScheduler time = world.virtualTime();
Cutover cutover = world.cutover();

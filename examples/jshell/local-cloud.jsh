// Start-up snippet of ./cutover-shell: the local cloud (AWS + Consul + Datadog emulators on 127.0.0.1) on a
// real-time clock running 60x faster than the wall clock (a 10-minute bake takes 10 s), and `cutover` over the
// AWS provider pointed at it; -Dcutover.shell.speed=1 for real time. The wiring is compiled Java
// (examples/src/main/java/dev/cutover/examples/shell/ShellWorld.java), so the shell starts without compiling it;
// ShellWorld.local() takes the world early-start.jsh started in the background, or starts one.
ShellWorld world = ShellWorld.local();
SimClock clock = world.clock();
LocalCloud cloud = world.cloud();
AwsProvider aws = world.aws();
Scheduler time = world.time();   // one timeline: Cutover follows the cloud's clock
Cutover cutover = world.cutover();

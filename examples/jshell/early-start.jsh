// First start-up snippet of ./cutover-shell, before the imports: starts the world of local-cloud.jsh or
// virtual-cloud.jsh (-Dcutover.shell.world=local|virtual: the local cloud, the AWS provider, `cutover`) on a
// background thread while JShell compiles the imports; ShellWorld.local() / virtual() then waits for it.
dev.cutover.examples.shell.ShellWorld.startEarly();

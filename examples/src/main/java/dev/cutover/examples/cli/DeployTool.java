package dev.cutover.examples.cli;

import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.HistoryEntry;
import dev.cutover.Plan;
import dev.cutover.event.ConsoleProgress;
import dev.cutover.journal.FileJournalStore;
import dev.cutover.spi.ProviderConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * An internal deployment tool embedding Cutover, on its public API only:
 *
 * <pre>
 * deploy-tool -d orders.properties plan stage --image ...:1.4.3
 * deploy-tool -d orders.properties apply stage --image ...:1.4.3
 * deploy-tool -d orders.properties status stage
 * deploy-tool -d orders.properties history stage
 * deploy-tool -d orders.properties rollback stage
 * </pre>
 *
 * <p>{@link #main} builds Cutover from the class path (the AWS and Consul providers found by
 * {@code ServiceLoader}, configured from {@code aws.*} / {@code consul.*} system properties or
 * {@code AWS_*} / {@code CONSUL_*} environment variables) with a file journal, so {@code history}
 * and {@code status} see what earlier runs did. Exit codes: 0 done, 1 the deployment did not
 * succeed or Cutover refused, 2 bad usage.
 */
@Command(name = "deploy-tool", mixinStandardHelpOptions = true, subcommands = {
        DeployTool.PlanCommand.class, DeployTool.ApplyCommand.class, DeployTool.StatusCommand.class,
        DeployTool.RollbackCommand.class, DeployTool.HistoryCommand.class},
        description = "Plans, applies and rolls back a service described in a properties file.")
public final class DeployTool {

    @Option(names = {"-d", "--descriptor"}, defaultValue = "cutover.properties",
            description = "the service descriptor (default: ${DEFAULT-VALUE})")
    Path descriptorFile;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final Function<Descriptor, Cutover> cutovers;
    private Cutover cutover;

    /** A tool whose Cutover comes from {@code cutovers} (called once, with the descriptor). */
    public DeployTool(Function<Descriptor, Cutover> cutovers) {
        this.cutovers = Objects.requireNonNull(cutovers, "cutovers");
    }

    public static void main(String[] args) {
        Path journal = Path.of(System.getProperty("cutover.journal", ".cutover/journal"));
        DeployTool tool = new DeployTool(d -> {
            Cutover.Builder b = Cutover.builder()
                    .providerConfig(ProviderConfig.system())       // aws.region / AWS_REGION, consul.token / CONSUL_TOKEN, ...
                    .journal(new FileJournalStore(journal))
                    .listener(new ConsoleProgress(System.out));
            d.routes().forEach(b::use);
            return b.build();
        });
        int code = commandLine(tool).execute(args);
        tool.close();
        System.exit(code);
    }

    /** The picocli command line for {@code tool}, printing Cutover's refusals as one line. */
    public static CommandLine commandLine(DeployTool tool) {
        CommandLine cl = new CommandLine(tool);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("error: " + e.getMessage());
            return 1;
        });
        return cl;
    }

    /** Closes the Cutover the tool built, if any. */
    public void close() {
        if (cutover != null) {
            cutover.close();
        }
    }

    Descriptor descriptor() {
        return Descriptor.load(descriptorFile);
    }

    Cutover cutover(Descriptor d) {
        if (cutover == null) {
            cutover = cutovers.apply(d);
        }
        return cutover;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Options every command against an environment has. */
    abstract static class EnvironmentCommand implements Callable<Integer> {
        @ParentCommand
        DeployTool tool;

        @Parameters(index = "0", description = "the environment, e.g. stage")
        String environment;

        PrintWriter out() {
            return tool.out();
        }
    }

    @Command(name = "plan", description = "Shows what apply would change (and the IAM policy it needs with --permissions).")
    static final class PlanCommand extends EnvironmentCommand {
        @Option(names = "--image", description = "deploy this image instead of the descriptor's")
        String image;

        @Option(names = "--json", description = "print the plan as JSON")
        boolean json;

        @Option(names = "--permissions", description = "also print the least-privilege IAM policy the plan needs")
        boolean permissions;

        @Override
        public Integer call() {
            Descriptor d = tool.descriptor();
            Plan plan = tool.cutover(d).plan(d.release(environment, image));
            out().println(json ? plan.toJson() : plan.toString());
            if (permissions) {
                out().println(plan.requiredPermissions());
            }
            return 0;
        }
    }

    @Command(name = "apply", description = "Plans, applies and waits for the rollout to end.")
    static final class ApplyCommand extends EnvironmentCommand {
        @Option(names = "--image", description = "deploy this image instead of the descriptor's")
        String image;

        @Option(names = "--approve", description = "approve the move to 100% in an environment that requires approval")
        boolean approve;

        @Override
        public Integer call() {
            Descriptor d = tool.descriptor();
            Cutover cutover = tool.cutover(d);
            Plan plan = cutover.plan(d.release(environment, image));
            out().println(plan);
            if (plan.isEmpty()) {
                out().println("Nothing to do.");
                return 0;
            }
            Deployment deployment = cutover.apply(plan);
            if (approve) {
                deployment.approve();
            }
            DeploymentStatus status = deployment.await();
            out().println(deployment);
            return status == DeploymentStatus.SUCCEEDED ? 0 : 1;
        }
    }

    @Command(name = "status", description = "The last deployment of the service to the environment.")
    static final class StatusCommand extends EnvironmentCommand {
        @Override
        public Integer call() {
            Descriptor d = tool.descriptor();
            List<HistoryEntry> history = tool.cutover(d).history(d.serviceName(), environment);
            if (history.isEmpty()) {
                out().println(environment + "/" + d.serviceName() + ": never deployed");
                return 0;
            }
            HistoryEntry last = history.get(history.size() - 1);
            out().println(environment + "/" + d.serviceName() + ": " + last.outcome() + " " + last.image()
                    + " (revision " + last.revision() + ", " + last.strategy() + ", started " + last.startedAt()
                    + (last.detail() == null || last.detail().isEmpty() ? "" : ", " + last.detail()) + ")");
            if ("RUNNING".equals(last.outcome())) {
                out().println("unfinished: if its deployer died, resume it with Cutover.resume(\"" + last.deploymentId() + "\")");
            }
            return 0;
        }
    }

    @Command(name = "rollback", description = "Returns the environment to the revision before the last successful deployment.")
    static final class RollbackCommand extends EnvironmentCommand {
        @Override
        public Integer call() {
            Descriptor d = tool.descriptor();
            Deployment deployment = tool.cutover(d).rollback(d.serviceName(), environment);
            DeploymentStatus status = deployment.await();
            out().println(deployment);
            return status == DeploymentStatus.SUCCEEDED ? 0 : 1;
        }
    }

    @Command(name = "history", description = "Every deployment of the service to the environment, oldest first.")
    static final class HistoryCommand extends EnvironmentCommand {
        @Override
        public Integer call() {
            Descriptor d = tool.descriptor();
            tool.cutover(d).history(d.serviceName(), environment).forEach(h -> out().println(h));
            return 0;
        }
    }
}

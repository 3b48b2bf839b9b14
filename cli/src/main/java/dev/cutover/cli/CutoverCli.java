package dev.cutover.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.HistoryEntry;
import dev.cutover.Plan;
import dev.cutover.Problem;
import dev.cutover.Release;
import dev.cutover.StalePlanException;
import dev.cutover.ValidationException;
import dev.cutover.cli.internal.Control;
import dev.cutover.cli.internal.Session;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.journal.FileJournalStore;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.JournalException;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.SimClock;
import dev.cutover.spi.LockHeldException;
import dev.cutover.spi.ProviderException;
import dev.cutover.spi.SecretNotFoundException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * The {@code cutover} command line: plan, apply, status, history, rollback, resume, pause, promote,
 * abort and approve a release described in a YAML or JSON file ({@link Descriptor}) or by a Java
 * class, against AWS or the local cloud. Progress goes to stderr, results to stdout ({@code --json}
 * for tools), and the exit code says how it ended ({@link ExitCode}).
 *
 * <pre>
 * java -jar cutover-cli-all.jar plan  -f release.yaml -e stage --local-cloud --out plan.json
 * java -jar cutover-cli-all.jar apply plan.json --json
 * java -jar cutover-cli-all.jar history -f release.yaml -e stage
 * </pre>
 *
 * <p>Embed it with {@link #run(PrintStream, PrintStream, String...)}; {@link #main} exits the JVM
 * with the code.
 */
@Command(name = "cutover", mixinStandardHelpOptions = true, version = "cutover 0.1.0",
        description = "Plans, applies and rolls out a service release on AWS or the local cloud.",
        subcommands = {CutoverCli.PlanCommand.class, CutoverCli.ApplyCommand.class, CutoverCli.StatusCommand.class,
                CutoverCli.HistoryCommand.class, CutoverCli.RollbackCommand.class, CutoverCli.ResumeCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  success (or nothing to do)",
                "  1  the deployment failed, was rolled back or stopped; or Cutover refused it (lock held)",
                "  2  bad input: usage, descriptor problems (all listed), an edited or stale plan, unknown deployment",
                "  3  could not reach the provider (or the local cloud)",
                "",
                "Docs: docs/operations.md, section \"The command line\"."})
public final class CutoverCli {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    final PrintStream out;
    final PrintStream err;

    private CutoverCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs a command and exits the JVM with its {@link ExitCode}. */
    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");   // progress lines say what happens
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        int code = run(System.out, System.err, args);
        System.out.flush();
        System.exit(code);
    }

    /** Runs a command, printing results to {@code out} and progress and errors to {@code err}; returns its exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        CutoverCli cli = new CutoverCli(out, err);
        CommandLine cl = new CommandLine(cli);
        for (String[] control : CONTROLS) {
            CommandLine sub = new CommandLine(new ControlCommand(control[0]));
            sub.getCommandSpec().usageMessage().description(control[1]);
            cl.addSubcommand(control[0], sub);
        }
        cl.addSubcommand("local-cloud", new LocalCloudCommand());
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setExitCodeExceptionMapper(t -> ExitCode.BAD_INPUT);
        cl.setParameterExceptionHandler((e, a) -> {
            err.println("error: " + e.getMessage());
            e.getCommandLine().usage(err);
            return ExitCode.BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            Object cmd = line.getCommand();
            boolean json = cmd instanceof Base b && b.common.json;
            return cli.fail(line.getCommandName(), e, json);
        });
        return cl.execute(args);
    }

    // ------------------------------------------------------------------ options shared by commands

    /** Where state lives and which provider a command talks to. */
    static final class Common {
        @Option(names = "--json", description = "print the result as one JSON object on stdout (the shape is in docs/operations.md)")
        boolean json;

        @Option(names = "--state-dir", defaultValue = ".cutover", paramLabel = "DIR",
                description = "journal (history), locks and control requests live here (default: ${DEFAULT-VALUE})")
        Path stateDir;

        @Option(names = "--local-cloud", arity = "0..1", fallbackValue = "embedded", paramLabel = "URL",
                description = "deploy to the local cloud: without a value an embedded one on virtual time, gone when the "
                        + "command ends; with the URL of a running one (`cutover local-cloud`), its state survives")
        String localCloud;

        @Option(names = "--region", description = "AWS Region (default: the AWS chain: AWS_REGION, profile)")
        String region;

        @Option(names = "--profile", description = "AWS profile (default: the AWS credentials chain)")
        String profile;

        @Option(names = "--endpoint", paramLabel = "URL", description = "AWS endpoint override")
        URI endpoint;

        Session.Target target() {
            boolean embedded = "embedded".equals(localCloud);
            URI remote = localCloud == null || embedded ? null : URI.create(localCloud);
            return new Session.Target(embedded, remote, region, profile, endpoint);
        }
    }

    /** What to release: a descriptor or a Java class, to one environment. */
    static final class ReleaseInput {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        @Option(names = {"-e", "--environment"}, required = true, description = "the environment, e.g. stage")
        String environment;

        @Option(names = "--image", description = "deploy this image instead of the descriptor's service.image")
        String image;

        @Option(names = "--class-path", paramLabel = "PATH", split = "[:;]",
                description = "jars or folders to load --release-class from")
        List<Path> classPath = new ArrayList<>();

        static final class Source {
            @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "the release descriptor (YAML, or JSON when it ends in .json)")
            Path file;

            @Option(names = "--release-class", paramLabel = "CLASS",
                    description = "a class with a public no-argument constructor implementing Function<String, Release> "
                            + "(environment name to release) or Supplier<Release>")
            String releaseClass;
        }

        Release release() {
            if (source.file != null) {
                return Descriptor.read(source.file, image).release(environment);
            }
            return fromClass();
        }

        @SuppressWarnings("unchecked")
        private Release fromClass() {
            if (image != null) {   // the class decides its image; say so rather than ignore --image
                throw new IllegalArgumentException("--image works with a descriptor (-f); a --release-class sets its own image");
            }
            Object instance;
            try {
                URL[] urls = new URL[classPath.size()];
                for (int i = 0; i < urls.length; i++) {
                    urls[i] = classPath.get(i).toUri().toURL();
                }
                ClassLoader loader = urls.length == 0 ? CutoverCli.class.getClassLoader()
                        : new URLClassLoader(urls, CutoverCli.class.getClassLoader());
                instance = Class.forName(source.releaseClass, true, loader).getConstructor().newInstance();
            } catch (ReflectiveOperationException | java.net.MalformedURLException | LinkageError e) {
                throw new IllegalArgumentException("could not load --release-class " + source.releaseClass + ": " + e, e);
            }
            Release r;
            if (instance instanceof Function<?, ?> f) {
                r = ((Function<String, Release>) f).apply(environment);
            } else if (instance instanceof Supplier<?> s) {
                r = (Release) s.get();
            } else {
                throw new IllegalArgumentException(source.releaseClass + " implements neither Function<String, Release> nor Supplier<Release>");
            }
            if (r == null) {
                throw new IllegalArgumentException(source.releaseClass + " returned no release for environment '" + environment + "'");
            }
            if (!r.environment().name().equals(environment)) {
                throw new IllegalArgumentException(source.releaseClass + " returned a release to '" + r.environment().name()
                        + "', not to '" + environment + "'");
            }
            return r;
        }
    }

    /** Which service and environment: by name, or the descriptor's service. */
    static final class Target {
        @Option(names = {"-e", "--environment"}, required = true, description = "the environment, e.g. stage")
        String environment;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        static final class Which {
            @Option(names = {"-s", "--service"}, description = "the service's name")
            String service;

            @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "take the service's name from this descriptor")
            Path file;
        }

        String service() {
            return which.service != null ? which.service : Descriptor.read(which.file).serviceName();
        }
    }

    /** A command with the shared options. */
    abstract static class Base implements Callable<Integer> {
        @CommandLine.ParentCommand
        CutoverCli cli;

        @Mixin
        Common common = new Common();

        PrintStream out() {
            return cli.out;
        }

        PrintStream err() {
            return cli.err;
        }

        ObjectNode result(String command, int exitCode) {
            ObjectNode n = JSON.createObjectNode();
            n.put("command", command);
            n.put("exitCode", exitCode);
            return n;
        }

        void print(ObjectNode json) {
            try {
                out().println(JSON.writeValueAsString(json));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A Cutover that only reads the state directory (history, status): no provider call. */
        Cutover journalOnly() {
            return Cutover.builder().journal(new FileJournalStore(common.stateDir.resolve("journal")))
                    .provider(new InMemoryProvider()).discoverProviders(false).shutdownHook(false).build();
        }

        Session session(List<Release> releases) {
            Session s = Session.open(common.target(), common.stateDir, err(), releases, k -> null);
            err().println("cutover: provider: " + s.description() + "; state in " + common.stateDir);
            return s;
        }

        /** Waits for the deployment to end (and its old revision to retire), taking control requests meanwhile. */
        int follow(String command, Deployment d) {
            DeploymentStatus status;
            try (Control control = Control.serve(common.stateDir, d)) {
                err().println("cutover: deployment " + d.id() + " started; control it with: cutover pause|promote|abort|approve "
                        + d.id() + " --state-dir " + common.stateDir);
                status = d.await();
                if (status == DeploymentStatus.SUCCEEDED) {
                    err().println("cutover: " + d.id() + " serves 100%; retiring the previous revision after the rollback window");
                    d.awaitRetirement();
                }
            }
            int code = status == DeploymentStatus.SUCCEEDED ? ExitCode.OK : ExitCode.DEPLOYMENT_FAILED;
            if (common.json) {
                ObjectNode r = result(command, code);
                r.set("deployment", deploymentJson(d, status));
                print(r);
            } else {
                out().println(d.id() + ": " + status + (d.statusReason() == null || d.statusReason().isEmpty() ? ""
                        : " (" + d.statusReason() + ")"));
            }
            return code;
        }
    }

    static ObjectNode deploymentJson(Deployment d, DeploymentStatus status) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", d.id());
        n.put("service", d.release().service().name());
        n.put("environment", d.release().environment().name());
        n.put("image", d.release().service().image().toString());
        n.put("strategy", d.release().strategy().name());
        n.put("status", status.name());
        n.put("reason", d.statusReason() == null ? "" : d.statusReason());
        ObjectNode w = n.putObject("weights");
        new java.util.TreeMap<>(d.weights()).forEach(w::put);
        return n;
    }

    static ObjectNode historyJson(HistoryEntry h) {
        ObjectNode n = JSON.createObjectNode();
        n.put("deploymentId", h.deploymentId());
        n.put("service", h.service());
        n.put("environment", h.environment());
        n.put("image", h.image());
        n.put("strategy", h.strategy());
        n.put("startedAt", h.startedAt().toString());
        n.put("finishedAt", h.finishedAt() == null ? null : h.finishedAt().toString());
        n.put("outcome", h.outcome());
        n.put("detail", h.detail() == null ? "" : h.detail());
        n.put("revision", h.revision());
        n.put("previous", h.previous());
        n.put("digest", h.digest());
        return n;
    }

    // ------------------------------------------------------------------ commands

    @Command(name = "plan", description = "Shows what apply would change; nothing changes. --out writes it for review and a later apply.")
    static final class PlanCommand extends Base {
        @Mixin
        ReleaseInput input = new ReleaseInput();

        @Option(names = "--out", paramLabel = "FILE", description = "write the plan here (sealed JSON) for `cutover apply FILE`")
        Path planFile;

        @Override
        public Integer call() {
            Release release = input.release();
            try (Session s = session(List.of(release))) {
                Plan plan = s.cutover().plan(release);
                if (planFile != null) {
                    plan.write(planFile);
                    err().println("cutover: plan " + plan.id() + " written to " + planFile);
                }
                if (common.json) {
                    ObjectNode r = result("plan", ExitCode.OK);
                    r.put("planId", plan.id());
                    r.put("planFile", planFile == null ? null : planFile.toString());
                    r.set("plan", parse(plan.toJson()));
                    print(r);
                } else {
                    out().println(plan);
                }
                return ExitCode.OK;
            }
        }
    }

    @Command(name = "apply", description = "Applies a reviewed plan file, or plans and applies a release; waits for the rollout to end.")
    static final class ApplyCommand extends Base {
        @Parameters(arity = "0..1", paramLabel = "PLAN", description = "a plan written by `cutover plan --out`")
        Path planFile;

        @ArgGroup(exclusive = false)
        ReleaseInput input;

        @Option(names = "--approve", description = "approve the move to 100%% up front (environments with requireApproval)")
        boolean approve;

        @Override
        public Integer call() {
            if ((planFile == null) == (input == null)) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "apply needs either a plan file or a release (-f FILE -e ENV), not both");
            }
            Plan plan = planFile != null ? Plan.read(planFile) : null;   // an edited file is refused before any call
            Release release = plan != null ? plan.release() : input.release();
            try (Session s = session(List.of(release))) {
                if (plan == null) {
                    plan = s.cutover().plan(release);
                }
                if (!common.json) {
                    out().println(plan);
                }
                if (plan.isEmpty()) {
                    if (common.json) {
                        ObjectNode r = result("apply", ExitCode.OK);
                        r.put("planId", plan.id());
                        r.putNull("deployment");
                        print(r);
                    }
                    return ExitCode.OK;
                }
                Deployment d = s.cutover().apply(plan);
                if (approve) {
                    d.approve();
                }
                return follow("apply", d);
            }
        }
    }

    @Command(name = "status", description = "The last deployment of a service to an environment, or one deployment by id (reads only the state directory).")
    static final class StatusCommand extends Base {
        @Parameters(arity = "0..1", paramLabel = "ID", description = "a deployment id")
        String id;

        @ArgGroup(exclusive = false)
        Target target;

        @Override
        public Integer call() {
            if ((id == null) == (target == null)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "status needs a deployment id or -e ENV with -s SERVICE or -f FILE");
            }
            HistoryEntry entry;
            try (Cutover c = journalOnly()) {
                if (id != null) {
                    entry = byId(c, id);
                } else {
                    List<HistoryEntry> h = c.history(target.service(), target.environment);
                    entry = h.isEmpty() ? null : h.get(h.size() - 1);
                }
            }
            boolean live = entry != null && Control.owner(common.stateDir, entry.deploymentId()).isPresent();
            if (common.json) {
                ObjectNode r = result("status", ExitCode.OK);
                r.set("deployment", entry == null ? null : historyJson(entry));
                r.put("running", live);
                print(r);
            } else if (entry == null) {
                out().println(target.environment + "/" + target.service() + ": never deployed");
            } else {
                out().println(entry);
                if ("RUNNING".equals(entry.outcome())) {
                    out().println(live ? "running now (process " + Control.owner(common.stateDir, entry.deploymentId()).get() + ")"
                            : "unfinished and no process runs it: continue it with `cutover resume " + entry.deploymentId() + "`");
                }
            }
            return ExitCode.OK;
        }

        private HistoryEntry byId(Cutover c, String deploymentId) {
            List<JournalEntry> entries = new FileJournalStore(common.stateDir.resolve("journal")).read(deploymentId);
            JournalEntry first = entries.get(0);
            return c.history(first.get("service"), first.get("environment")).stream()
                    .filter(h -> h.deploymentId().equals(deploymentId)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no deployment " + deploymentId + " in " + common.stateDir));
        }
    }

    @Command(name = "history", description = "Every deployment of a service to an environment, oldest first (reads only the state directory).")
    static final class HistoryCommand extends Base {
        @ArgGroup(exclusive = false, multiplicity = "1")
        Target target;

        @Override
        public Integer call() {
            List<HistoryEntry> h;
            try (Cutover c = journalOnly()) {
                h = c.history(target.service(), target.environment);
            }
            if (common.json) {
                ObjectNode r = result("history", ExitCode.OK);
                r.put("service", target.service());
                r.put("environment", target.environment);
                ArrayNode list = r.putArray("deployments");
                h.forEach(e -> list.add(historyJson(e)));
                print(r);
            } else if (h.isEmpty()) {
                out().println(target.environment + "/" + target.service() + ": never deployed");
            } else {
                h.forEach(out()::println);
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "rollback", description = "Returns the service to the revision before its last successful deployment, as a deployment of its own.")
    static final class RollbackCommand extends Base {
        @ArgGroup(exclusive = false, multiplicity = "1")
        Target target;

        @Override
        public Integer call() {
            try (Session s = session(List.of())) {
                return follow("rollback", s.cutover().rollback(target.service(), target.environment));
            }
        }
    }

    @Command(name = "resume", description = "Continues a deployment whose process died, from the journal: it ends with 100%% on one revision.")
    static final class ResumeCommand extends Base {
        @Parameters(index = "0", paramLabel = "ID", description = "the deployment id (see `cutover status`)")
        String id;

        @Option(names = "--force", description = "take the lock at once: only when the process that held it is certainly gone")
        boolean force;

        @Override
        public Integer call() {
            try (Session s = session(List.of())) {
                return follow("resume", force ? s.cutover().forceResume(id) : s.cutover().resume(id));
            }
        }
    }

    /** pause, promote, abort, approve (by name and description): a request to the process that runs the deployment. */
    private static final String[][] CONTROLS = {
        {"pause", "Holds a running deployment after its current action (bake clocks stop)."},
        {"promote", "Skips the remaining bake and steps: 100%% to the new revision (counts as approval)."},
        {"abort", "Rolls a running deployment back now."},
        {"approve", "Approves the move to 100%% in an environment that requires approval."}};

    /** One of {@link #CONTROLS}: a request to the process that runs the deployment. */
    @Command
    static final class ControlCommand extends Base {
        private final String action;

        ControlCommand(String action) {
            this.action = action;
        }

        @Parameters(index = "0", paramLabel = "ID", description = "the deployment id (see `cutover status`)")
        String id;

        @Option(names = "--wait", defaultValue = "30s", paramLabel = "DURATION",
                description = "how long to wait for the deployer to take the request (default: ${DEFAULT-VALUE})")
        String waitFor;

        String action() {
            return action;
        }

        @Override
        public Integer call() throws InterruptedException {
            List<JournalEntry> journal = new FileJournalStore(common.stateDir.resolve("journal")).read(id);   // unknown id: bad input
            if (journal.stream().anyMatch(e -> "finished".equals(e.type()))) {
                throw new IllegalStateException("deployment " + id + " already ended ("
                        + journal.get(journal.size() - 1).get("outcome") + "); nothing to " + action());
            }
            java.time.Duration wait = dev.cutover.cli.internal.Fields.parseDuration(waitFor);
            if (wait == null) {
                throw new IllegalArgumentException("--wait '" + waitFor + "' is not a duration like 30s or 2m");
            }
            Control.send(common.stateDir, id, action(), wait);
            if (common.json) {
                ObjectNode r = result(action(), ExitCode.OK);
                r.put("deploymentId", id);
                r.put("action", action());
                print(r);
            } else {
                out().println(id + ": " + action() + " taken");
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "local-cloud", description = "Runs the local cloud (AWS, Consul and Datadog emulators on 127.0.0.1) until "
            + "stdin closes or the process is stopped; other commands reach it with --local-cloud=URL.")
    static final class LocalCloudCommand implements Callable<Integer> {
        @CommandLine.ParentCommand
        CutoverCli cli;

        @Option(names = "--port", defaultValue = "4566", description = "port on 127.0.0.1, 0 for a free one (default: ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--speed", paramLabel = "FACTOR",
                description = "run on real time this many times faster (60: a 10-minute bake takes 10 s); "
                        + "without it the clock is virtual and the commands using it move it")
        Double speed;

        @Option(names = "--seed", defaultValue = "42", description = "the emulators' seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--json", description = "print where it listens as JSON")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (speed != null && !(speed > 0 && speed < 1e6)) {
                throw new IllegalArgumentException("--speed must be a positive number, was " + speed);
            }
            SimClock clock = speed == null ? SimClock.virtual(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                    : SimClock.realTime(speed);
            try (LocalCloud cloud = LocalCloud.builder().clock(clock).port(port).seed(seed).start()) {
                CountDownLatch stop = new CountDownLatch(1);
                Thread hook = new Thread(stop::countDown, "local-cloud-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                Thread stdin = new Thread(() -> {
                    try {
                        while (System.in.read() >= 0) {
                            // runs until stdin closes: a parent that dies takes the cloud with it
                        }
                    } catch (java.io.IOException e) {
                        // closed
                    }
                    stop.countDown();
                }, "local-cloud-stdin");
                stdin.setDaemon(true);
                stdin.start();
                if (json) {
                    ObjectNode n = JSON.createObjectNode();
                    n.put("command", "local-cloud");
                    n.put("endpoint", cloud.endpoint().toString());
                    n.put("consul", cloud.consul().endpoint().toString());
                    n.put("virtual", speed == null);
                    if (speed != null) {
                        n.put("speed", speed);
                    }
                    cli.out.println(JSON.copy().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(n));
                } else {
                    cli.out.println(cloud.endpoint());
                    cli.err.println("cutover: local cloud listening on " + cloud.endpoint() + " ("
                            + (speed == null ? "virtual time" : "x" + speed) + ", seed " + seed + "); consul on "
                            + cloud.consul().endpoint() + "; use --local-cloud=" + cloud.endpoint());
                }
                cli.out.flush();
                stop.await();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down already
                }
            } finally {
                clock.close();
            }
            return ExitCode.OK;
        }
    }

    // ------------------------------------------------------------------ errors

    private int fail(String command, Exception e, boolean json) {
        int code = exitCode(e);
        List<Problem> problems = e instanceof ValidationException v ? v.problems() : List.of();
        String message = message(e);
        if (json) {
            ObjectNode r = JSON.createObjectNode();
            r.put("command", command);
            r.put("exitCode", code);
            ObjectNode error = r.putObject("error");
            error.put("kind", kind(e));
            error.put("message", message);
            ArrayNode list = error.putArray("problems");
            for (Problem p : problems) {
                ObjectNode pn = list.addObject();
                pn.put("path", p.path());
                pn.put("value", p.value());
                pn.put("message", p.message());
            }
            if (e instanceof StalePlanException s) {
                ArrayNode changed = error.putArray("changed");
                s.changed().forEach(changed::add);
            }
            try {
                out.println(JSON.writeValueAsString(r));
            } catch (JsonProcessingException x) {
                throw new IllegalStateException(x);
            }
        }
        err.println("error: " + message);
        return code;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** The exit code of a command that ended with {@code e}. */
    static int exitCode(Throwable e) {
        if (e instanceof Session.UnreachableException) {
            return ExitCode.UNREACHABLE;
        }
        if (e instanceof ProviderException p) {
            return p.retryable() || causedByConnection(p) ? ExitCode.UNREACHABLE : ExitCode.DEPLOYMENT_FAILED;
        }
        if (causedByConnection(e) || e instanceof software.amazon.awssdk.core.exception.SdkClientException) {
            return ExitCode.UNREACHABLE;
        }
        if (e instanceof LockHeldException || e instanceof Control.NotRunningException) {
            return ExitCode.DEPLOYMENT_FAILED;
        }
        if (e instanceof ValidationException || e instanceof StalePlanException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException || e instanceof JournalException || e instanceof SecretNotFoundException
                || e instanceof UncheckedIOException || e instanceof CommandLine.ParameterException) {
            return ExitCode.BAD_INPUT;
        }
        return ExitCode.DEPLOYMENT_FAILED;
    }

    private static String kind(Throwable e) {
        if (e instanceof ValidationException) {
            return "invalid";
        }
        if (e instanceof StalePlanException) {
            return "stale-plan";
        }
        if (e instanceof LockHeldException) {
            return "lock-held";
        }
        return switch (exitCode(e)) {
            case ExitCode.UNREACHABLE -> "unreachable";
            case ExitCode.BAD_INPUT -> "bad-input";
            default -> "failed";
        };
    }

    private static boolean causedByConnection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.http.HttpConnectTimeoutException || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

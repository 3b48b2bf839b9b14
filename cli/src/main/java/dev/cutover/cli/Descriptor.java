package dev.cutover.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cutover.Environment;
import dev.cutover.HealthCheck;
import dev.cutover.Hook;
import dev.cutover.LaunchType;
import dev.cutover.Logs;
import dev.cutover.Network;
import dev.cutover.Problem;
import dev.cutover.Release;
import dev.cutover.Scaling;
import dev.cutover.Service;
import dev.cutover.ServiceOverride;
import dev.cutover.Sidecar;
import dev.cutover.Strategies;
import dev.cutover.Strategy;
import dev.cutover.TrafficMode;
import dev.cutover.ValidationException;
import dev.cutover.analysis.Analysis;
import dev.cutover.cli.internal.Fields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A release descriptor: one service, the environments it goes to and its rollout strategy, as YAML
 * or JSON, mapped onto the DSL ({@link Service}, {@link Environment}, {@link Strategies}). Reading
 * validates the whole file before anything else happens and throws one {@link ValidationException}
 * listing every problem with its path: unknown keys (with the nearest known one), wrong types,
 * missing fields, and everything the DSL's own {@code build()} rejects, its messages unchanged.
 *
 * <pre>{@code
 * Descriptor d = Descriptor.read(Path.of("release.yaml"));
 * Release stage = d.release("stage");
 * Release next = Descriptor.read(Path.of("release.yaml"), "repo/orders:1.4.3").release("prod");
 * }</pre>
 *
 * <p>The schema is in {@code docs/operations.md} ("The release descriptor").
 */
public final class Descriptor {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final String PLACEHOLDER_SERVICE = "placeholder";
    private static final String PLACEHOLDER_IMAGE = "example.com/placeholder:1";

    private final String serviceName;
    private final Map<String, Release> releases;

    private Descriptor(String serviceName, Map<String, Release> releases) {
        this.serviceName = serviceName;
        this.releases = Collections.unmodifiableMap(releases);
    }

    /**
     * Reads and validates a descriptor file ({@code .json} as JSON, anything else as YAML).
     *
     * @throws ValidationException listing every problem of the file
     * @throws UncheckedIOException when the file cannot be read
     */
    public static Descriptor read(Path file) {
        return read(file, null);
    }

    /**
     * Like {@link #read(Path)}, deploying {@code image} instead of the descriptor's {@code service.image}
     * (a pipeline checks the descriptor in and passes the image it built); {@code null} keeps the descriptor's.
     */
    public static Descriptor read(Path file, String image) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the release descriptor " + file + ": " + e.getMessage(), e);
        }
        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        return parse(text, json, file.getFileName().toString(), image);
    }

    /**
     * Parses descriptor text.
     *
     * @param text  the descriptor
     * @param json  JSON when true, YAML otherwise
     * @param name  what to call it in the error (a file name)
     * @param image the image to deploy instead of the descriptor's, or {@code null}
     * @throws ValidationException listing every problem
     */
    public static Descriptor parse(String text, boolean json, String name, String image) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(name, "name");
        JsonNode root;
        try {
            root = (json ? JSON : YAML).readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            throw new ValidationException("release descriptor " + name, List.of(new Problem("(descriptor)", null,
                    "is not valid " + (json ? "JSON" : "YAML") + where + ": " + e.getOriginalMessage())));
        }
        return new Reader(name, image).read(root);
    }

    /** The service's name. */
    public String serviceName() {
        return serviceName;
    }

    /** The environments the descriptor describes, in its order. */
    public Set<String> environments() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(releases.keySet()));
    }

    /**
     * The release of the service to {@code environment}.
     *
     * @throws IllegalArgumentException when the descriptor does not describe that environment
     */
    public Release release(String environment) {
        Objects.requireNonNull(environment, "environment");
        Release r = releases.get(environment);
        if (r == null) {
            throw new IllegalArgumentException("the descriptor has no environment '" + environment + "'; it has "
                    + String.join(", ", releases.keySet()));
        }
        return r;
    }

    /** Turns the tree into DSL values, collecting every problem. */
    private static final class Reader {
        private final String name;
        private final String image;
        private final List<Problem> problems = new ArrayList<>();
        private boolean complete;

        Reader(String name, String image) {
            this.name = name;
            this.image = image;
        }

        Descriptor read(JsonNode root) {
            Fields top = Fields.root(root, problems);
            if (!problems.isEmpty()) {
                throw new ValidationException("release descriptor " + name, problems);
            }
            Service service = null;
            String serviceName = PLACEHOLDER_SERVICE;
            if (!top.has("service")) {
                top.problem("service", null, "is required: the service to deploy (name, image, ...)");
            } else {
                Optional<Fields> s = top.object("service");
                if (s.isPresent()) {
                    Service.Builder b = service(s.get());
                    serviceName = s.get().text("name").orElse(serviceName);
                    service = buildService(b);
                }
            }
            Strategy defaultStrategy = top.object("strategy").map(this::strategy).orElse(Strategies.allAtOnce());
            Map<String, Release> releases = new LinkedHashMap<>();
            if (!top.has("environments")) {
                top.problem("environments", null, "is required: at least one environment, e.g. environments: {stage: {region: us-east-1}}");
            } else {
                Map<String, Fields> envs = top.namedObjects("environments");
                if (envs.isEmpty() && top.has("environments")) {
                    top.problem("environments", null, "needs at least one environment, e.g. stage: {region: us-east-1}");
                }
                for (Map.Entry<String, Fields> e : envs.entrySet()) {
                    Release r = environment(e.getKey(), e.getValue(), serviceName, service, defaultStrategy);
                    if (r != null) {
                        releases.put(e.getKey(), r);
                    }
                }
            }
            top.rejectUnknown();
            if (!problems.isEmpty()) {
                throw new ValidationException("release descriptor " + name, dedupe(problems));
            }
            return new Descriptor(serviceName, releases);
        }

        private static List<Problem> dedupe(List<Problem> all) {
            return new ArrayList<>(new LinkedHashSet<>(all));
        }

        // ------------------------------------------------------------ service

        private Service.Builder service(Fields f) {
            Optional<String> serviceName = f.requiredText("name", "orders");
            Optional<String> img = image != null ? Optional.of(image) : f.requiredText("image", "registry/orders:1.4.2");
            if (image != null) {
                f.text("image");   // read, so it is not reported as unknown; the command line's wins
            }
            Service.Builder b = Service.named(serviceName.orElse(PLACEHOLDER_SERVICE));
            b.image(img.orElse(PLACEHOLDER_IMAGE));   // a missing image is reported; the rest is still checked
            f.integer("port").ifPresent(b::port);
            f.integer("cpu").ifPresent(b::cpu);
            f.integer("memoryMiB").ifPresent(b::memoryMiB);
            f.integer("instances").ifPresent(b::instances);
            f.text("launchType").ifPresent(t -> {
                String u = t.toUpperCase(Locale.ROOT);
                if (u.equals("FARGATE") || u.equals("EC2")) {
                    b.launchType(LaunchType.valueOf(u));
                } else {
                    f.problem(f.at("launchType"), t, "must be fargate or ec2");
                }
            });
            f.stringMap("env", false).forEach(b::env);
            f.stringMap("secrets", true).forEach(b::secret);
            f.stringMap("config", false).forEach(b::config);
            f.object("healthCheck").ifPresent(h -> b.healthCheck(healthCheck(h)));
            f.object("scaling").ifPresent(s -> scaling(s).ifPresent(b::scaling));
            f.text("discoveryName").ifPresent(b::discoveryName);
            f.object("preDeploy").ifPresent(h -> hook(h, true).ifPresent(b::preDeploy));
            f.object("smokeTest").ifPresent(h -> hook(h, false).ifPresent(b::smokeTest));
            f.text("taskRole").ifPresent(b::taskRole);
            f.text("executionRole").ifPresent(b::executionRole);
            for (Fields c : f.objects("sidecars")) {
                sidecar(c).ifPresent(b::sidecar);
            }
            f.object("logs").ifPresent(l -> logs(l).ifPresent(b::logs));
            f.rejectUnknown();
            complete = serviceName.isPresent() && img.isPresent();
            return b;
        }

        private Service buildService(Service.Builder b) {
            try {
                Service s = b.build();
                return complete ? s : null;
            } catch (ValidationException e) {
                problems.addAll(e.problems());   // the DSL's paths are service.<field>, as in the descriptor
                return null;
            }
        }

        private HealthCheck healthCheck(Fields f) {
            HealthCheck.Builder h = HealthCheck.builder();
            f.text("path").ifPresent(h::path);
            f.duration("interval").ifPresent(h::interval);
            f.duration("timeout").ifPresent(h::timeout);
            f.integer("retries").ifPresent(h::retries);
            f.duration("startPeriod").ifPresent(h::startPeriod);
            f.rejectUnknown();
            return built(h::build, "healthCheck", f).orElse(HealthCheck.defaults());
        }

        /** {@code build.get()}, or empty with its problems added under the descriptor's path instead of the DSL's {@code prefix}. */
        private <T> Optional<T> built(java.util.function.Supplier<T> build, String prefix, Fields f) {
            try {
                return Optional.of(build.get());
            } catch (ValidationException e) {
                e.problems().forEach(p -> problems.add(new Problem(
                        p.path().startsWith(prefix) ? f.path() + p.path().substring(prefix.length()) : f.path() + "." + p.path(),
                        p.value(), p.message())));
                return Optional.empty();
            }
        }

        private Optional<Scaling> scaling(Fields f) {
            Scaling.Builder s = Scaling.builder();
            f.integer("min").ifPresent(s::min);
            f.integer("max").ifPresent(s::max);
            f.integer("targetCpuPercent").ifPresent(s::targetCpuPercent);
            f.rejectUnknown();
            return built(s::build, "scaling", f);
        }

        private Optional<Hook> hook(Fields f, boolean preDeploy) {
            Optional<List<String>> command = f.strings("command");
            if (!f.has("command")) {
                f.problem(f.at("command"), null, "is required: the command to run, e.g. [\"./migrate\", \"up\"]");
            }
            Optional<java.time.Duration> timeout = f.duration("timeout");
            Optional<String> when = preDeploy ? f.text("when") : Optional.empty();
            f.rejectUnknown();
            if (command.isEmpty() || command.get().isEmpty()) {
                if (command.isPresent()) {
                    f.problem(f.at("command"), "[]", "needs at least the program to run");
                }
                return Optional.empty();
            }
            Hook h = Hook.command(command.get().toArray(String[]::new));
            if (timeout.isPresent()) {
                h = h.timeout(timeout.get());
            }
            if (when.isPresent()) {
                switch (when.get()) {
                    case "before-start" -> h = h.beforeStart();
                    case "after-start" -> h = h.afterStart();
                    default -> f.problem(f.at("when"), when.get(), "must be before-start (the default) or after-start");
                }
            }
            return Optional.of(h);
        }

        private Optional<Sidecar> sidecar(Fields f) {
            Optional<String> n = f.requiredText("name", "datadog-agent");
            Sidecar.Builder b = Sidecar.named(n.orElse("sidecar"));
            f.requiredText("image", "public.ecr.aws/datadog/agent:7").ifPresent(b::image);
            f.integer("cpu").ifPresent(b::cpu);
            f.integer("memoryMiB").ifPresent(b::memoryMiB);
            f.stringMap("env", false).forEach(b::env);
            f.bool("essential").ifPresent(b::essential);
            f.stringMap("dependsOn", false).forEach((container, condition) -> {
                try {
                    b.dependsOn(container, Sidecar.Condition.valueOf(condition.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    f.problem(f.at("dependsOn") + "[\"" + container + "\"]", condition,
                            "must be start, complete, success or healthy");
                }
            });
            f.rejectUnknown();
            return n.isPresent() ? built(b::build, "sidecar", f) : Optional.empty();
        }

        private Optional<Logs> logs(Fields f) {
            Optional<String> type = f.requiredText("type", "awslogs");
            if (type.isEmpty()) {
                f.allow("group", "streamPrefix", "region", "apiKeySecret", "site", "source", "tags", "routerImage");
                f.rejectUnknown();
                return Optional.empty();
            }
            Logs out = null;
            switch (type.get()) {
                case "awslogs" -> {
                    Logs.AwsLogs a = Logs.awslogs();
                    a = a.group(f.text("group").orElse(""));
                    a = a.streamPrefix(f.text("streamPrefix").orElse(""));
                    out = a.region(f.text("region").orElse(""));
                }
                case "datadog" -> {
                    Optional<String> key = f.requiredText("apiKeySecret", "prod/datadog/api-key");
                    Logs.Datadog d = Logs.datadog(key.orElse("placeholder"));
                    Optional<String> site = f.text("site");
                    if (site.isPresent()) {
                        d = d.site(site.get());
                    }
                    Optional<String> source = f.text("source");
                    if (source.isPresent()) {
                        d = d.source(source.get());
                    }
                    for (Map.Entry<String, String> t : f.stringMap("tags", false).entrySet()) {
                        d = d.tag(t.getKey(), t.getValue());
                    }
                    Optional<String> router = f.text("routerImage");
                    if (router.isPresent()) {
                        d = d.routerImage(router.get());
                    }
                    out = key.isPresent() ? d : null;
                }
                default -> f.problem(f.at("type"), type.get(), "must be awslogs or datadog");
            }
            f.rejectUnknown();
            return Optional.ofNullable(out);
        }

        private Optional<Network> network(Fields f) {
            Network.Builder n = Network.builder();
            f.text("vpc").ifPresent(n::vpc);
            f.strings("subnets").ifPresent(n::subnets);
            f.strings("securityGroups").ifPresent(n::securityGroups);
            f.bool("assignPublicIp").ifPresent(n::assignPublicIp);
            f.rejectUnknown();
            return built(n::build, "network", f);
        }

        // ------------------------------------------------------------ environment

        private Release environment(String envName, Fields f, String serviceName, Service service, Strategy defaultStrategy) {
            Environment.Builder b;
            try {
                b = Environment.named(envName);
            } catch (RuntimeException e) {
                f.problem(f.path(), envName, e.getMessage());
                return null;
            }
            f.text("region").ifPresent(b::region);
            f.text("cluster").ifPresent(b::cluster);
            f.text("mesh").ifPresent(b::mesh);
            f.text("namespace").ifPresent(b::namespace);
            f.text("traffic").ifPresent(t -> {
                switch (t) {
                    case "app-mesh" -> b.trafficMode(TrafficMode.APP_MESH);
                    case "service-connect" -> b.trafficMode(TrafficMode.SERVICE_CONNECT);
                    case "consul" -> b.trafficMode(TrafficMode.CONSUL);
                    default -> f.problem(f.at("traffic"), t, "must be app-mesh, service-connect or consul");
                }
            });
            f.object("network").ifPresent(n -> network(n).ifPresent(b::network));
            f.bool("requireImageDigest").ifPresent(v -> {
                if (v) {
                    b.requireImageDigest();
                }
            });
            f.text("promotedFrom").ifPresent(b::promotedFrom);
            f.bool("requireApproval").ifPresent(v -> {
                if (v) {
                    b.requireApproval();
                }
            });
            f.duration("approvalTimeout").ifPresent(b::approvalTimeout);
            f.object("logs").ifPresent(l -> logs(l).ifPresent(b::logs));
            f.object("override").ifPresent(o -> override(o).ifPresent(ov -> b.override(serviceName, ov)));
            Strategy strategy = f.object("strategy").map(this::strategy).orElse(defaultStrategy);
            f.rejectUnknown();

            String at = f.path();
            Environment env = null;
            try {
                env = b.build();
            } catch (ValidationException e) {
                e.problems().forEach(p -> problems.add(remap(p, at, serviceName, f.has("strategy"))));
            }
            // the release checks the strategy and the policies together; placeholders stand in for parts
            // already reported, so the strategy's problems are listed too
            Service s = service != null ? service
                    : Service.named(PLACEHOLDER_SERVICE).image(PLACEHOLDER_IMAGE).build();
            Environment e = env != null ? env : Environment.named("placeholder").region("us-east-1").build();
            try {
                Release r = Release.of(s).to(e).strategy(strategy).build();
                return service != null && env != null ? r : null;
            } catch (ValidationException ex) {
                for (Problem p : ex.problems()) {
                    boolean real = p.path().startsWith("strategy") || (service != null && env != null);
                    if (real) {
                        problems.add(remap(p, at, serviceName, f.has("strategy")));
                    }
                }
                return null;
            }
        }

        private static Problem remap(Problem p, String envPath, String serviceName, boolean ownStrategy) {
            String path = p.path();
            String overridePrefix = "environment.overrides[\"" + serviceName + "\"]";
            if (path.startsWith(overridePrefix)) {
                path = envPath + ".override" + path.substring(overridePrefix.length());
            } else if (path.startsWith("environment")) {
                path = envPath + path.substring("environment".length());
            } else if (path.startsWith("strategy") && ownStrategy) {
                path = envPath + "." + path;
            }
            return new Problem(path, p.value(), p.message());
        }

        private Optional<ServiceOverride> override(Fields f) {
            ServiceOverride.Builder o = ServiceOverride.builder();
            f.integer("instances").ifPresent(o::instances);
            f.integer("cpu").ifPresent(o::cpu);
            f.integer("memoryMiB").ifPresent(o::memoryMiB);
            f.object("scaling").ifPresent(s -> scaling(s).ifPresent(o::scaling));
            f.stringMap("env", false).forEach(o::env);
            f.stringMap("config", false).forEach(o::config);
            f.object("network").ifPresent(n -> network(n).ifPresent(o::network));
            f.rejectUnknown();
            return built(o::build, "override", f);
        }

        // ------------------------------------------------------------ strategy

        private Strategy strategy(Fields f) {
            String kind = f.text("kind").orElse("all-at-once");
            Analysis analysis = f.object("analysis").map(this::analysis).orElse(Analysis.healthOnly());
            Strategy out;
            switch (kind) {
                case "all-at-once" -> {
                    var s = Strategies.allAtOnce();
                    out = f.duration("bake").map(s::bake).orElse(s).analysis(analysis);
                }
                case "rolling" -> {
                    var s = Strategies.rolling();
                    s = f.integer("minHealthyPercent").map(s::minHealthyPercent).orElse(s);
                    s = f.integer("maxPercent").map(s::maxPercent).orElse(s);
                    out = f.duration("bake").map(s::bake).orElse(s).analysis(analysis);
                }
                case "canary" -> {
                    var s = Strategies.canary();
                    Optional<List<Integer>> steps = f.integers("steps");
                    if (steps.isPresent()) {
                        s = s.steps(steps.get().stream().mapToInt(Integer::intValue).toArray());
                    }
                    out = f.duration("bake").map(s::bake).orElse(s).analysis(analysis);
                }
                case "linear" -> {
                    var s = Strategies.linear();
                    s = f.integer("stepPercent").map(s::stepPercent).orElse(s);
                    out = f.duration("interval").map(s::interval).orElse(s).analysis(analysis);
                }
                case "blue-green" -> {
                    var s = Strategies.blueGreen();
                    s = f.duration("previewBake").map(s::previewBake).orElse(s);
                    out = f.duration("bake").map(s::bake).orElse(s).analysis(analysis);
                }
                default -> {
                    f.problem(f.at("kind"), kind, "must be all-at-once, rolling, canary, linear or blue-green");
                    f.allow("steps", "bake", "previewBake", "stepPercent", "interval", "minHealthyPercent", "maxPercent");
                    out = Strategies.allAtOnce();
                }
            }
            f.rejectUnknown();
            return out;
        }

        private Analysis analysis(Fields f) {
            Analysis.Builder a = Analysis.builder();
            f.number("errorRateBelow").ifPresent(a::errorRateBelow);
            f.duration("p99LatencyBelow").ifPresent(a::p99LatencyBelow);
            f.duration("interval").ifPresent(a::interval);
            f.duration("initialDelay").ifPresent(a::initialDelay);
            f.integer("failureLimit").ifPresent(a::failureLimit);
            f.integer("consecutiveErrorLimit").ifPresent(a::consecutiveErrorLimit);
            f.integer("inconclusiveLimit").ifPresent(a::inconclusiveLimit);
            f.integer("maxFailedTasks").ifPresent(a::maxFailedTasks);
            f.duration("progressDeadline").ifPresent(a::progressDeadline);
            f.duration("metricOutageTimeout").ifPresent(a::metricOutageTimeout);
            f.duration("inconclusiveTimeout").ifPresent(a::inconclusiveTimeout);
            f.rejectUnknown();
            return a.build();
        }
    }
}

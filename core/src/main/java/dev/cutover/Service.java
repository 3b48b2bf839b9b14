// Over 400 lines: one immutable DSL value with its public builder, the Consumer<Builder>
// overloads and the validation that reports every problem at once; they change together.
package dev.cutover;

import dev.cutover.internal.EcsLimits;
import dev.cutover.internal.Fargate;
import dev.cutover.internal.Names;
import dev.cutover.internal.Problems;
import dev.cutover.internal.SecretRefs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A containerized microservice: what runs, with which resources, configuration and secrets.
 * Immutable; {@link #toBuilder()} makes a changed copy.
 *
 * <pre>{@code
 * Service orders = Service.named("orders")
 *     .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.2")
 *     .port(8080).cpu(512).memoryMiB(1024)
 *     .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10)))
 *     .env("LOG_LEVEL", "info")
 *     .secret("DB_PASSWORD", "prod/orders/db")
 *     .scaling(s -> s.min(2).max(10).targetCpuPercent(60))
 *     .build();
 * }</pre>
 *
 * <p>Secrets are references (a Secrets Manager name or ARN), never values: Cutover never reads a
 * secret's value, and a literal value under a name that looks secret is rejected.
 */
public final class Service {

    private static final Pattern CONFIG_KEY = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");
    /** An IAM role ARN (task, execution and infrastructure roles). */
    static final Pattern ROLE_ARN = Pattern.compile("arn:aws(-cn|-us-gov)?:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
    static final int MAX_CONFIG_VALUE_BYTES = 512 * 1024;

    private final String name;
    private final String imageText;
    private final ImageRef image;
    private final int port;
    private final int cpu;
    private final int memoryMiB;
    private final LaunchType launchType;
    private final Map<String, String> env;
    private final Map<String, String> secrets;
    private final Map<String, String> config;
    private final HealthCheck healthCheck;
    private final Scaling scaling;
    private final int instances;
    private final boolean instancesSet;
    private final String discoveryName;
    private final Hook preDeploy;
    private final Hook smokeTest;
    private final String taskRole;
    private final String executionRole;
    private final List<Sidecar> sidecars;
    private final Logs logs;

    private Service(Builder b) {
        this.name = b.name;
        this.imageText = b.image;
        List<String> ignored = new ArrayList<>();
        this.image = b.image == null ? null : ImageRef.tryParse(b.image, ignored);
        this.port = b.port;
        this.cpu = b.cpu;
        this.memoryMiB = b.memoryMiB;
        this.launchType = b.launchType;
        this.env = Collections.unmodifiableMap(new TreeMap<>(b.env));
        this.secrets = Collections.unmodifiableMap(new TreeMap<>(b.secrets));
        this.config = Collections.unmodifiableMap(new TreeMap<>(b.config));
        this.healthCheck = b.healthCheck;
        this.scaling = b.scaling;
        this.instances = b.instances != null ? b.instances : (b.scaling != null ? Math.max(1, b.scaling.min()) : 1);
        this.instancesSet = b.instances != null;
        this.discoveryName = b.discoveryName != null ? b.discoveryName : b.name;
        this.preDeploy = b.preDeploy;
        this.smokeTest = b.smokeTest;
        this.taskRole = b.taskRole;
        this.executionRole = b.executionRole;
        this.sidecars = List.copyOf(b.sidecars);
        this.logs = b.logs;
    }

    /** Starts a service description; the name must be 1–63 lowercase letters, digits and hyphens. */
    public static Builder named(String name) {
        return new Builder(Problems.nonNull(name, "service.name", "name the service, e.g. Service.named(\"orders\")"));
    }

    /** A builder holding this service's values. */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.image = imageText;
        b.port = port;
        b.cpu = cpu;
        b.memoryMiB = memoryMiB;
        b.launchType = launchType;
        b.env.putAll(env);
        b.secrets.putAll(secrets);
        b.config.putAll(config);
        b.healthCheck = healthCheck;
        b.scaling = scaling;
        b.instances = instancesSet ? instances : null;   // a derived count stays derived
        b.discoveryName = discoveryName.equals(name) ? null : discoveryName;
        b.preDeploy = preDeploy;
        b.smokeTest = smokeTest;
        b.taskRole = taskRole;
        b.executionRole = executionRole;
        b.sidecars.addAll(sidecars);
        b.logs = logs;
        return b;
    }

    public String name() {
        return name;
    }

    /** The parsed image reference. */
    public ImageRef image() {
        return image;
    }

    public int port() {
        return port;
    }

    /** CPU units (1024 = one vCPU). */
    public int cpu() {
        return cpu;
    }

    public int memoryMiB() {
        return memoryMiB;
    }

    public LaunchType launchType() {
        return launchType;
    }

    /** Plain environment variables, sorted by name. */
    public Map<String, String> env() {
        return env;
    }

    /** Secret references by environment variable name, sorted; the values are references, never secrets. */
    public Map<String, String> secrets() {
        return secrets;
    }

    /** Configuration entries (kept in a config store such as Consul KV), sorted by key. */
    public Map<String, String> config() {
        return config;
    }

    public HealthCheck healthCheck() {
        return healthCheck;
    }

    /** Auto scaling, if configured. */
    public Optional<Scaling> scaling() {
        return Optional.ofNullable(scaling);
    }

    /** The desired number of tasks (the scaling minimum, at least 1, unless set explicitly). */
    public int instances() {
        return instances;
    }

    /** The name under which the service is discovered (defaults to {@link #name()}). */
    public String discoveryName() {
        return discoveryName;
    }

    /** The one-off task that must succeed before traffic moves, if any. */
    public Optional<Hook> preDeploy() {
        return Optional.ofNullable(preDeploy);
    }

    /** The smoke test run after the new revision takes all traffic, if any. */
    public Optional<Hook> smokeTest() {
        return Optional.ofNullable(smokeTest);
    }

    /** The IAM role the application assumes, if any. */
    public Optional<String> taskRole() {
        return Optional.ofNullable(taskRole);
    }

    /** The IAM role ECS uses to pull the image and read secrets, if any. */
    public Optional<String> executionRole() {
        return Optional.ofNullable(executionRole);
    }

    /** The containers that run next to the service's own in every task, in declaration order. */
    public List<Sidecar> sidecars() {
        return sidecars;
    }

    /** Where the container logs go, if the service (or its environment) chose; else the provider's default. */
    public Optional<Logs> logs() {
        return Optional.ofNullable(logs);
    }

    static void validate(Service s, String at, Problems p) {
        String nameProblem = Names.checkName(s.name);
        if (nameProblem != null) {
            p.add(at + ".name", s.name, nameProblem);
        }
        if (s.imageText == null) {
            p.add(at + ".image", null, "is required; set .image(\"registry/repository:tag\")");
        } else {
            List<String> errors = new ArrayList<>();
            ImageRef ref = ImageRef.tryParse(s.imageText, errors);
            for (String e : errors) {
                p.add(at + ".image", s.imageText, e);
            }
            if (ref != null && ref.isMutable()) {
                p.add(at + ".image", s.imageText, ref.tag().isPresent()
                        ? "uses the mutable tag 'latest'; use a version tag or pin a digest (@sha256:...)"
                        : "has no tag; use a version tag (repository:1.4.2) or pin a digest (@sha256:...)");
            }
        }
        p.check(s.port >= 1 && s.port <= 65535, at + ".port", s.port, "must be 1-65535");
        if (s.launchType == LaunchType.FARGATE) {
            if (p.check(Fargate.CPUS.contains(s.cpu), at + ".cpu", s.cpu,
                    "is not a Fargate size; use one of " + Fargate.CPUS)) {
                p.check(Fargate.memoryFor(s.cpu).contains(s.memoryMiB), at + ".memoryMiB", s.memoryMiB,
                        "does not fit cpu " + s.cpu + " on Fargate; use " + Fargate.describeMemoryFor(s.cpu));
            }
        } else {
            p.check(s.cpu >= 128 && s.cpu <= 196_608, at + ".cpu", s.cpu, "must be 128-196608 cpu units on EC2");
            p.check(s.memoryMiB >= 6 && s.memoryMiB <= 1_048_576, at + ".memoryMiB", s.memoryMiB,
                    "must be 6-1048576 MiB on EC2");
        }
        s.env.forEach((k, v) -> {
            String path = Problems.entry(at + ".env", k);
            if (!p.check(Names.isEnvVarName(k), path, null,
                    "is not a valid variable name; use letters, digits and '_', not starting with a digit")) {
                return;
            }
            if (Names.looksSecret(k)) {
                p.checkHidden(false, path, "looks like a secret; never put a secret value in env, "
                        + "use .secret(\"" + k + "\", \"<secrets-manager-name-or-arn>\")");
            }
            if (s.secrets.containsKey(k)) {
                p.add(path, null, "is both an env variable and a secret; keep only one");
            }
        });
        s.secrets.forEach((k, ref) -> {
            String path = Problems.entry(at + ".secrets", k);
            p.check(Names.isEnvVarName(k), path, null,
                    "is not a valid variable name; use letters, digits and '_', not starting with a digit");
            // never echoed: what was given where a reference belongs may be the secret itself
            p.checkHidden(SecretRefs.isValid(ref), path,
                    "must be a Secrets Manager secret name (letters, digits, /_+=.@-) or ARN "
                            + "(arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json-key>[:<stage>[:<version>]]]); "
                            + "the value given is not shown, in case it is the secret itself");
        });
        s.config.forEach((k, v) -> {
            String path = Problems.entry(at + ".config", k);
            p.check(k.length() <= 256 && CONFIG_KEY.matcher(k).matches(), path, null,
                    "keys are 1-256 of letters, digits, '_', '.', '-' in '/'-separated segments");
            p.check(v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_CONFIG_VALUE_BYTES,
                    path, "(" + v.length() + " chars)", "values are at most 512 KiB (Consul's KV limit)");
        });
        EcsLimits.checkContainerSize(s.imageText, s.env, s.secrets, at, p);
        HealthCheck.validate(s.healthCheck, at + ".healthCheck", p);
        if (s.scaling != null) {
            Scaling.validate(s.scaling, at + ".scaling", p);
            p.check(s.instances >= s.scaling.min() && s.instances <= s.scaling.max(), at + ".instances", s.instances,
                    "must lie within scaling min..max (" + s.scaling.min() + ".." + s.scaling.max() + ")");
        }
        p.check(s.instances >= 1 && s.instances <= 5000, at + ".instances", s.instances, "must be 1-5000");
        String discoveryProblem = Names.checkName(s.discoveryName);
        if (discoveryProblem != null && !s.discoveryName.equals(s.name)) {
            p.add(at + ".discoveryName", s.discoveryName, discoveryProblem);
        }
        if (s.preDeploy != null) {
            Hook.validate(s.preDeploy, at + ".preDeploy", p);
        }
        if (s.smokeTest != null) {
            Hook.validate(s.smokeTest, at + ".smokeTest", p);
        }
        if (s.taskRole != null) {
            p.check(ROLE_ARN.matcher(s.taskRole).matches(), at + ".taskRole", s.taskRole,
                    "must be an IAM role ARN: arn:aws:iam::<12-digit account>:role/<name>");
        }
        if (s.executionRole != null) {
            p.check(ROLE_ARN.matcher(s.executionRole).matches(), at + ".executionRole", s.executionRole,
                    "must be an IAM role ARN: arn:aws:iam::<12-digit account>:role/<name>");
        }
        Sidecar.validate(s.sidecars, at + ".sidecars", s.cpu, s.memoryMiB, p);
        if (s.logs != null) {
            LogsCheck.validate(s.logs, at + ".logs", p);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Service s && name.equals(s.name) && Objects.equals(imageText, s.imageText) && port == s.port
                && cpu == s.cpu && memoryMiB == s.memoryMiB && launchType == s.launchType && env.equals(s.env)
                && secrets.equals(s.secrets) && config.equals(s.config) && healthCheck.equals(s.healthCheck)
                && Objects.equals(scaling, s.scaling) && instances == s.instances && discoveryName.equals(s.discoveryName)
                && Objects.equals(preDeploy, s.preDeploy) && Objects.equals(smokeTest, s.smokeTest)
                && Objects.equals(taskRole, s.taskRole) && Objects.equals(executionRole, s.executionRole)
                && sidecars.equals(s.sidecars) && Objects.equals(logs, s.logs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, imageText, port, cpu, memoryMiB, launchType, env, secrets, config, healthCheck, scaling,
                instances, discoveryName, preDeploy, smokeTest, taskRole, executionRole, sidecars, logs);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Service[").append(name)
                .append(", image=").append(imageText)
                .append(", port=").append(port)
                .append(", ").append(launchType).append(' ').append(cpu).append(" cpu / ").append(memoryMiB).append(" MiB")
                .append(", instances=").append(instances);
        if (!env.isEmpty()) {
            sb.append(", env=").append(Names.hideSecretLooking(env));
        }
        if (!secrets.isEmpty()) {
            sb.append(", secrets=").append(secrets.keySet()).append(" (references)");
        }
        if (!config.isEmpty()) {
            sb.append(", config=").append(config.keySet());
        }
        sb.append(", ").append(healthCheck);
        if (scaling != null) {
            sb.append(", ").append(scaling);
        }
        if (preDeploy != null) {
            sb.append(", preDeploy=").append(preDeploy);
        }
        if (smokeTest != null) {
            sb.append(", smokeTest=").append(smokeTest);
        }
        sidecars.forEach(c -> sb.append(", sidecar ").append(c.name()).append('=').append(c.image()));
        if (logs != null) {
            sb.append(", logs=").append(logs.describe());
        }
        return sb.append(']').toString();
    }

    /** Builds a {@link Service}. Setters replace; {@code env}, {@code secret} and {@code config} with a key add one entry. */
    public static final class Builder {
        private final String name;
        private String image;
        private int port = 8080;
        private int cpu = 256;
        private int memoryMiB = 512;
        private LaunchType launchType = LaunchType.FARGATE;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> secrets = new LinkedHashMap<>();
        private final Map<String, String> config = new LinkedHashMap<>();
        private HealthCheck healthCheck = HealthCheck.defaults();
        private Scaling scaling;
        private Integer instances;
        private String discoveryName;
        private Hook preDeploy;
        private Hook smokeTest;
        private String taskRole;
        private String executionRole;
        private final List<Sidecar> sidecars = new ArrayList<>();
        private Logs logs;

        private Builder(String name) {
            this.name = name;
        }

        /** The image reference: {@code [registry[:port]/]repository:tag[@sha256:<digest>]}. */
        public Builder image(String image) {
            this.image = Problems.nonNull(image, "service.image", "pass \"registry/repository:tag\" or a digest-pinned reference");
            return this;
        }

        public Builder image(ImageRef image) {
            this.image = Problems.nonNull(image, "service.image", "pass an ImageRef or \"registry/repository:tag\"").toString();
            return this;
        }

        /** The container port (default 8080). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** CPU units, 1024 per vCPU (default 256). */
        public Builder cpu(int cpu) {
            this.cpu = cpu;
            return this;
        }

        /** Memory in MiB (default 512). */
        public Builder memoryMiB(int memoryMiB) {
            this.memoryMiB = memoryMiB;
            return this;
        }

        /** Fargate (default) or EC2. */
        public Builder launchType(LaunchType launchType) {
            this.launchType = Problems.nonNull(launchType, "service.launchType", "use LaunchType.FARGATE or LaunchType.EC2");
            return this;
        }

        /** Adds one plain environment variable. */
        public Builder env(String name, String value) {
            Problems.nonNull(name, "service.env name", "name the variable, e.g. .env(\"LOG_LEVEL\", \"info\")");
            env.put(name, Problems.nonNull(value, Problems.entry("service.env", name),
                    "give a value (\"\" for an empty one) or leave the variable out"));
            return this;
        }

        /** Replaces all plain environment variables. */
        public Builder env(Map<String, String> env) {
            putAll(this.env, env, "service.env", "the variable", this::env);
            return this;
        }

        /** Adds one secret: the variable {@code name} gets the value of the Secrets Manager secret {@code reference}. */
        public Builder secret(String name, String reference) {
            Problems.nonNull(name, "service.secrets name", "name the variable, e.g. .secret(\"DB_PASSWORD\", \"prod/orders/db\")");
            secrets.put(name, Problems.nonNull(reference, Problems.entry("service.secrets", name),
                    "give the Secrets Manager secret's name or ARN, or leave the secret out"));
            return this;
        }

        /** Replaces all secrets. */
        public Builder secrets(Map<String, String> secrets) {
            putAll(this.secrets, secrets, "service.secrets", "the variable", this::secret);
            return this;
        }

        /** Adds one configuration entry, kept in the environment's config store. */
        public Builder config(String key, String value) {
            Problems.nonNull(key, "service.config key", "name the key, e.g. .config(\"feature/checkout\", \"on\")");
            config.put(key, Problems.nonNull(value, Problems.entry("service.config", key),
                    "give a value (\"\" for an empty one) or leave the entry out"));
            return this;
        }

        /** Replaces all configuration entries. */
        public Builder config(Map<String, String> config) {
            putAll(this.config, config, "service.config", "the key", this::config);
            return this;
        }

        /** Replaces {@code target} by {@code entries}, failing at once (before any change) on a null map, key or value. */
        private static void putAll(Map<String, String> target, Map<String, String> entries, String path, String what,
                java.util.function.BiConsumer<String, String> put) {
            Problems.nonNull(entries, path, "pass an empty map (Map.of()) to remove every entry");
            entries.forEach((k, v) -> {
                Problems.nonNull(k, path + " name", "every entry needs " + what + "'s name; remove the null key");
                Problems.nonNull(v, Problems.entry(path, k), "give a value or leave the entry out");
            });
            target.clear();
            entries.forEach(put);
        }

        public Builder healthCheck(HealthCheck healthCheck) {
            this.healthCheck = Problems.nonNull(healthCheck, "service.healthCheck",
                    "pass a HealthCheck (HealthCheck.defaults() is GET /health)");
            return this;
        }

        public Builder healthCheck(Consumer<HealthCheck.Builder> healthCheck) {
            Problems.nonNull(healthCheck, "service.healthCheck", "pass a lambda, e.g. h -> h.path(\"/health\")");
            HealthCheck.Builder b = this.healthCheck.toBuilder().at("service.healthCheck");
            healthCheck.accept(b);
            this.healthCheck = b.at("healthCheck").buildUnchecked();
            return this;
        }

        public Builder scaling(Scaling scaling) {
            this.scaling = Problems.nonNull(scaling, "service.scaling", "pass a Scaling, or call noScaling() to remove it");
            return this;
        }

        public Builder scaling(Consumer<Scaling.Builder> scaling) {
            Problems.nonNull(scaling, "service.scaling", "pass a lambda, e.g. s -> s.min(2).max(10)");
            Scaling.Builder b = this.scaling == null ? Scaling.builder() : this.scaling.toBuilder();
            scaling.accept(b);
            this.scaling = b.buildUnchecked();
            return this;
        }

        /** Removes auto scaling. */
        public Builder noScaling() {
            this.scaling = null;
            return this;
        }

        /** The desired task count (default: the scaling minimum, or 1). */
        public Builder instances(int instances) {
            this.instances = instances;
            return this;
        }

        /** The discovery (DNS) name, if it differs from the service name. */
        public Builder discoveryName(String discoveryName) {
            this.discoveryName = Problems.nonNull(discoveryName, "service.discoveryName",
                    "give a DNS label, or leave it out to use the service name");
            return this;
        }

        public Builder preDeploy(Hook hook) {
            this.preDeploy = Problems.nonNull(hook, "service.preDeploy", "pass a Hook, e.g. Hook.command(\"./migrate\", \"up\")");
            return this;
        }

        public Builder smokeTest(Hook hook) {
            this.smokeTest = Problems.nonNull(hook, "service.smokeTest", "pass a Hook, e.g. Hook.command(\"./smoke\")");
            return this;
        }

        public Builder taskRole(String roleArn) {
            this.taskRole = Problems.nonNull(roleArn, "service.taskRole", "give an IAM role ARN, or leave it out");
            return this;
        }

        public Builder executionRole(String roleArn) {
            this.executionRole = Problems.nonNull(roleArn, "service.executionRole", "give an IAM role ARN, or leave it out");
            return this;
        }

        /** Adds a container that runs next to the service's own in every task. */
        public Builder sidecar(Sidecar sidecar) {
            sidecars.add(Objects.requireNonNull(sidecar, "service.sidecars[" + sidecars.size() + "]"));
            return this;
        }

        /** Adds a sidecar named {@code name}, described by the lambda: {@code .sidecar("agent", s -> s.image("datadog/agent:7"))}. */
        public Builder sidecar(String name, Consumer<Sidecar.Builder> sidecar) {
            Sidecar.Builder b = Sidecar.named(Objects.requireNonNull(name, "service.sidecars[" + sidecars.size() + "].name"));
            Objects.requireNonNull(sidecar, "sidecar").accept(b);
            sidecars.add(b.buildUnchecked());
            return this;
        }

        /** Replaces all sidecars. */
        public Builder sidecars(List<Sidecar> sidecars) {
            Objects.requireNonNull(sidecars, "service.sidecars");
            this.sidecars.clear();
            sidecars.forEach(this::sidecar);
            return this;
        }

        /** Where the container logs go (default: the environment's choice, else CloudWatch Logs via awslogs). */
        public Builder logs(Logs logs) {
            this.logs = Objects.requireNonNull(logs, "service.logs");
            return this;
        }

        Service buildUnchecked() {
            return new Service(this);
        }

        /** @throws ValidationException listing every problem at once */
        public Service build() {
            Service s = buildUnchecked();
            Problems p = new Problems();
            validate(s, "service", p);
            p.throwIfAny("service '" + name + "'");
            return s;
        }
    }
}

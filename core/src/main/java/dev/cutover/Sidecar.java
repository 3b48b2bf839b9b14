package dev.cutover;

import dev.cutover.internal.Names;
import dev.cutover.internal.Problems;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A container that runs next to the service's own container in every task: an agent, a proxy or
 * a log router. Immutable; {@link #toBuilder()} makes a changed copy.
 *
 * <pre>{@code
 * Service orders = Service.named("orders").image("repo/orders:1.4.2")
 *     .sidecar("datadog-agent", s -> s.image("public.ecr.aws/datadog/agent:7").memoryMiB(256)
 *         .env("ECS_FARGATE", "true").essential(false))
 *     .build();
 * }</pre>
 *
 * <p>The service's own container is named {@value #APP}; a sidecar may {@link Builder#dependsOn
 * depend on} it or on another sidecar. Values in {@code env} are plain text: a name that looks
 * secret is rejected, as on the service.
 */
public final class Sidecar {

    /** The name of the service's own container, which sidecars may depend on. */
    public static final String APP = "app";

    /** Names the AWS provider gives the containers it adds (the Envoy proxy, the FireLens log router). */
    static final List<String> RESERVED = List.of(APP, "envoy", "log_router");

    private static final Pattern CONTAINER_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");

    /** When a dependency counts as met (ECS's {@code ContainerDependency.condition}). */
    public enum Condition {
        /** The other container has started. */
        START,
        /** The other container ran to completion (any exit code). */
        COMPLETE,
        /** The other container exited with 0. */
        SUCCESS,
        /** The other container passes its health check. */
        HEALTHY
    }

    private final String name;
    private final String image;
    private final int cpu;
    private final int memoryMiB;
    private final Map<String, String> env;
    private final boolean essential;
    private final Map<String, Condition> dependsOn;

    private Sidecar(Builder b) {
        this.name = b.name;
        this.image = b.image;
        this.cpu = b.cpu;
        this.memoryMiB = b.memoryMiB;
        this.env = Collections.unmodifiableMap(new TreeMap<>(b.env));
        this.essential = b.essential;
        this.dependsOn = Collections.unmodifiableMap(new LinkedHashMap<>(b.dependsOn));
    }

    /** Starts a sidecar; the name is 1-255 letters, digits, hyphens and underscores (ECS's container name rule). */
    public static Builder named(String name) {
        return new Builder(Objects.requireNonNull(name, "name"));
    }

    /** A builder holding this sidecar's values. */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.image = image;
        b.cpu = cpu;
        b.memoryMiB = memoryMiB;
        b.env.putAll(env);
        b.essential = essential;
        b.dependsOn.putAll(dependsOn);
        return b;
    }

    public String name() {
        return name;
    }

    /** The image reference. */
    public String image() {
        return image;
    }

    /** CPU units reserved for the container (0: shares the task's, the default). */
    public int cpu() {
        return cpu;
    }

    /** The container's hard memory limit in MiB, if set. */
    public Optional<Integer> memoryMiB() {
        return memoryMiB == 0 ? Optional.empty() : Optional.of(memoryMiB);
    }

    public Map<String, String> env() {
        return env;
    }

    /** Whether the task stops when this container stops (default true, as in ECS). */
    public boolean essential() {
        return essential;
    }

    /** The containers this one waits for before it starts, in declaration order. */
    public Map<String, Condition> dependsOn() {
        return dependsOn;
    }

    /** One line for plans and diffs: {@code image=... cpu=0 memory=- essential=true dependsOn=[] env=[A=b]}. */
    public String describe() {
        StringBuilder sb = new StringBuilder("image=").append(image).append(" cpu=").append(cpu)
                .append(" memory=").append(memoryMiB == 0 ? "-" : String.valueOf(memoryMiB))
                .append(" essential=").append(essential).append(" dependsOn=[");
        String sep = "";
        for (Map.Entry<String, Condition> d : dependsOn.entrySet()) {
            sb.append(sep).append(d.getKey()).append(':').append(d.getValue());
            sep = ",";
        }
        sb.append("] env=[");
        sep = "";
        for (Map.Entry<String, String> e : Names.hideSecretLooking(env).entrySet()) {
            sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = ",";
        }
        return sb.append(']').toString();
    }

    /**
     * Checks every sidecar of a service: names (unique, not a reserved one), images, sizes, env and
     * dependencies (an existing container, no cycles).
     */
    static void validate(List<Sidecar> sidecars, String at, int taskCpu, int taskMemoryMiB, Problems p) {
        List<String> names = new ArrayList<>();
        for (Sidecar s : sidecars) {
            names.add(s.name);
        }
        int cpuSum = 0;
        int memorySum = 0;
        for (int i = 0; i < sidecars.size(); i++) {
            Sidecar s = sidecars.get(i);
            String path = at + "[" + i + "]";
            if (!CONTAINER_NAME.matcher(s.name).matches()) {
                p.add(path + ".name", s.name, "must be 1-255 letters, digits, hyphens and underscores (ECS's container name rule)");
            } else if (RESERVED.contains(s.name)) {
                p.add(path + ".name", s.name, "is reserved for a container Cutover adds (" + String.join(", ", RESERVED)
                        + "); choose another name");
            } else if (names.indexOf(s.name) != i) {
                p.add(path + ".name", s.name, "is used by sidecars[" + names.indexOf(s.name) + "] too; container names are unique");
            }
            if (s.image == null) {
                p.add(path + ".image", null, "is required; set .image(\"registry/repository:tag\")");
            } else {
                List<String> errors = new ArrayList<>();
                ImageRef ref = ImageRef.tryParse(s.image, errors);
                errors.forEach(e -> p.add(path + ".image", s.image, e));
                if (ref != null && ref.tag().isEmpty() && ref.digest().isEmpty()) {
                    p.add(path + ".image", s.image, "has no tag; use a version tag (repository:1.4.2) or pin a digest (@sha256:...)");
                }
            }
            p.check(s.cpu >= 0 && s.cpu <= taskCpu, path + ".cpu", s.cpu,
                    "must be 0-" + taskCpu + " cpu units (0 shares the task's; at most the task's " + taskCpu + ")");
            p.check(s.memoryMiB == 0 || s.memoryMiB >= 6 && s.memoryMiB < taskMemoryMiB, path + ".memoryMiB", s.memoryMiB,
                    "must be 6 MiB or more and leave room for the service's container in the task's " + taskMemoryMiB + " MiB");
            cpuSum += Math.max(0, s.cpu);
            memorySum += Math.max(0, s.memoryMiB);
            s.env.forEach((k, v) -> {
                if (p.check(Names.isEnvVarName(k), path + ".env." + k, null,
                        "is not a valid variable name; use letters, digits and '_', not starting with a digit")
                        && Names.looksSecret(k)) {
                    p.add(path + ".env." + k, "(hidden)", "looks like a secret; never put a secret value in a sidecar's env");
                }
            });
            s.dependsOn.forEach((container, condition) -> {
                if (container.equals(s.name)) {
                    p.add(path + ".dependsOn." + container, condition, "a container cannot depend on itself");
                } else if (!container.equals(APP) && !names.contains(container)) {
                    p.add(path + ".dependsOn." + container, condition, "names no container of the task; use \"" + APP
                            + "\" or another sidecar's name");
                }
            });
        }
        if (sidecars.size() > 1) { // one sidecar's own checks already cover its size
            p.check(cpuSum <= taskCpu, at, cpuSum + " cpu", "the sidecars reserve more cpu than the task's " + taskCpu);
            p.check(memorySum < taskMemoryMiB || memorySum == 0, at, memorySum + " MiB",
                    "the sidecars reserve all of the task's " + taskMemoryMiB + " MiB; leave room for the service's container");
        }
        String cycle = cycle(sidecars);
        if (cycle != null) {
            p.add(at, cycle, "the sidecars depend on each other in a cycle; ECS would never start them");
        }
    }

    private static String cycle(List<Sidecar> sidecars) {
        Map<String, Sidecar> byName = new LinkedHashMap<>();
        sidecars.forEach(s -> byName.putIfAbsent(s.name, s));
        for (Sidecar start : byName.values()) {
            List<String> path = new ArrayList<>();
            String found = walk(start, byName, path);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String walk(Sidecar s, Map<String, Sidecar> byName, List<String> path) {
        if (path.contains(s.name)) {
            return String.join(" -> ", path.subList(path.indexOf(s.name), path.size())) + " -> " + s.name;
        }
        path.add(s.name);
        for (String next : s.dependsOn.keySet()) {
            Sidecar n = byName.get(next);
            if (n != null && !next.equals(s.name)) {
                String found = walk(n, byName, path);
                if (found != null) {
                    return found;
                }
            }
        }
        path.remove(path.size() - 1);
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sidecar s && name.equals(s.name) && Objects.equals(image, s.image) && cpu == s.cpu
                && memoryMiB == s.memoryMiB && env.equals(s.env) && essential == s.essential && dependsOn.equals(s.dependsOn);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, image, cpu, memoryMiB, env, essential, dependsOn);
    }

    @Override
    public String toString() {
        return "Sidecar[" + name + ", " + describe() + "]";
    }

    /** Builds a {@link Sidecar}; {@link Service.Builder#build()} validates it with the service. */
    public static final class Builder {
        private final String name;
        private String image;
        private int cpu;
        private int memoryMiB;
        private final Map<String, String> env = new LinkedHashMap<>();
        private boolean essential = true;
        private final Map<String, Condition> dependsOn = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        /** The image reference, e.g. {@code public.ecr.aws/datadog/agent:7}. */
        public Builder image(String image) {
            this.image = Objects.requireNonNull(image, "sidecar.image");
            return this;
        }

        /** CPU units reserved for this container (default 0: it shares the task's). */
        public Builder cpu(int cpu) {
            this.cpu = cpu;
            return this;
        }

        /** A hard memory limit in MiB (default: none, the task's memory is shared). */
        public Builder memoryMiB(int memoryMiB) {
            this.memoryMiB = memoryMiB;
            return this;
        }

        /** Adds one plain environment variable. */
        public Builder env(String name, String value) {
            env.put(Objects.requireNonNull(name, "sidecar.env"), Objects.requireNonNull(value, "sidecar.env[\"" + name + "\"]"));
            return this;
        }

        /** Replaces all environment variables. */
        public Builder env(Map<String, String> env) {
            Objects.requireNonNull(env, "sidecar.env");
            this.env.clear();
            env.forEach(this::env);
            return this;
        }

        /** Whether the task stops when this container stops (default true). */
        public Builder essential(boolean essential) {
            this.essential = essential;
            return this;
        }

        /** Adds a dependency: start only when {@code container} ({@value Sidecar#APP} or a sidecar) meets {@code condition}. */
        public Builder dependsOn(String container, Condition condition) {
            dependsOn.put(Objects.requireNonNull(container, "sidecar.dependsOn"),
                    Objects.requireNonNull(condition, "sidecar.dependsOn[\"" + container + "\"]"));
            return this;
        }

        Sidecar buildUnchecked() {
            return new Sidecar(this);
        }

        /**
         * The sidecar, with the checks that need no service (name, image, env, sizes); the service
         * checks it again with its task size and its other containers.
         *
         * @throws ValidationException listing every problem at once
         */
        public Sidecar build() {
            Sidecar s = buildUnchecked();
            Problems p = new Problems();
            Builder withoutDeps = s.toBuilder();
            withoutDeps.dependsOn.clear();
            validate(List.of(withoutDeps.buildUnchecked()), "sidecar", 196_608, 1_048_576, p);
            p.throwIfAny("sidecar '" + name + "'");
            return s;
        }
    }
}

package dev.cutover;

import dev.cutover.internal.Names;
import dev.cutover.internal.Problems;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What one environment changes about a service: more instances in prod, bigger tasks, other
 * settings. Unset fields keep the service's value; env and config entries are added on top.
 *
 * <pre>{@code
 * Environment prod = Environment.named("prod")...
 *     .override("orders", o -> o.instances(6).scaling(s -> s.min(6).max(30)))
 *     .build();
 * }</pre>
 */
public final class ServiceOverride {

    private final Integer instances;
    private final Integer cpu;
    private final Integer memoryMiB;
    private final Scaling scaling;
    private final Map<String, String> env;
    private final Map<String, String> config;
    private final Network network;

    private ServiceOverride(Builder b) {
        this.instances = b.instances;
        this.cpu = b.cpu;
        this.memoryMiB = b.memoryMiB;
        this.scaling = b.scaling;
        this.env = Collections.unmodifiableMap(new TreeMap<>(b.env));
        this.config = Collections.unmodifiableMap(new TreeMap<>(b.config));
        this.network = b.network;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.instances = instances;
        b.cpu = cpu;
        b.memoryMiB = memoryMiB;
        b.scaling = scaling;
        b.env.putAll(env);
        b.config.putAll(config);
        b.network = network;
        return b;
    }

    public Optional<Integer> instances() {
        return Optional.ofNullable(instances);
    }

    public Optional<Integer> cpu() {
        return Optional.ofNullable(cpu);
    }

    public Optional<Integer> memoryMiB() {
        return Optional.ofNullable(memoryMiB);
    }

    public Optional<Scaling> scaling() {
        return Optional.ofNullable(scaling);
    }

    public Map<String, String> env() {
        return env;
    }

    public Map<String, String> config() {
        return config;
    }

    /** The subnets, security groups and public IP of this service's tasks, over the environment's {@link Network}. */
    public Optional<Network> network() {
        return Optional.ofNullable(network);
    }

    /** The service as this override changes it (not validated here; the release validates the result). */
    Service applyTo(Service service) {
        Service.Builder b = service.toBuilder();
        if (cpu != null) {
            b.cpu(cpu);
        }
        if (memoryMiB != null) {
            b.memoryMiB(memoryMiB);
        }
        if (scaling != null) {
            b.scaling(scaling);
            if (instances == null) {
                b.instances(Math.max(1, scaling.min()));
            }
        }
        if (instances != null) {
            b.instances(instances);
        }
        env.forEach(b::env);
        config.forEach(b::config);
        return b.buildUnchecked();
    }

    static void validate(ServiceOverride o, String at, Problems p) {
        o.env.forEach((k, v) -> {
            String path = Problems.entry(at + ".env", k);
            if (p.check(Names.isEnvVarName(k), path, null,
                    "is not a valid variable name; use letters, digits and '_', not starting with a digit")) {
                p.checkHidden(!Names.looksSecret(k), path, "looks like a secret; never put a secret "
                        + "value in env, use .secret(\"" + k + "\", \"<secrets-manager-name-or-arn>\") on the service");
            }
        });
        if (o.scaling != null) {
            Scaling.validate(o.scaling, at + ".scaling", p);
        }
        if (o.network != null) {
            Network.validate(o.network, at + ".network", p);
            o.network.vpc().ifPresent(vpc -> p.add(at + ".network.vpc", vpc,
                    "the VPC belongs to the environment; set it with .network(n -> n.vpc(...)) on the environment"));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServiceOverride s && Objects.equals(instances, s.instances) && Objects.equals(cpu, s.cpu)
                && Objects.equals(memoryMiB, s.memoryMiB) && Objects.equals(scaling, s.scaling) && env.equals(s.env)
                && config.equals(s.config) && Objects.equals(network, s.network);
    }

    @Override
    public int hashCode() {
        return Objects.hash(instances, cpu, memoryMiB, scaling, env, config, network);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Override[");
        String sep = "";
        if (instances != null) {
            sb.append("instances=").append(instances);
            sep = ", ";
        }
        if (cpu != null) {
            sb.append(sep).append("cpu=").append(cpu);
            sep = ", ";
        }
        if (memoryMiB != null) {
            sb.append(sep).append("memoryMiB=").append(memoryMiB);
            sep = ", ";
        }
        if (scaling != null) {
            sb.append(sep).append(scaling);
            sep = ", ";
        }
        if (!env.isEmpty()) {
            sb.append(sep).append("env=").append(Names.hideSecretLooking(env));
            sep = ", ";
        }
        if (!config.isEmpty()) {
            sb.append(sep).append("config=").append(config.keySet());
            sep = ", ";
        }
        if (network != null) {
            sb.append(sep).append(network);
        }
        return sb.append(']').toString();
    }

    /** Builds a {@link ServiceOverride}. */
    public static final class Builder {
        private Integer instances;
        private Integer cpu;
        private Integer memoryMiB;
        private Scaling scaling;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> config = new LinkedHashMap<>();
        private String at = "override";
        private Network network;

        private Builder() {
        }

        /** This service's subnets, security groups or public IP, over the environment's network. */
        public Builder network(Network network) {
            this.network = Objects.requireNonNull(network, at + ".network");
            return this;
        }

        /** Like {@link #network(Network)}, editing what is set so far: {@code network(n -> n.assignPublicIp(true))}. */
        public Builder network(Consumer<Network.Builder> network) {
            Network.Builder b = this.network == null ? Network.builder() : this.network.toBuilder();
            Objects.requireNonNull(network, at + ".network").accept(b);
            this.network = b.build();
            return this;
        }

        /** Where this builder's fields sit, for the messages of its null checks. */
        Builder at(String at) {
            this.at = at;
            return this;
        }

        public Builder instances(int instances) {
            this.instances = instances;
            return this;
        }

        public Builder cpu(int cpu) {
            this.cpu = cpu;
            return this;
        }

        public Builder memoryMiB(int memoryMiB) {
            this.memoryMiB = memoryMiB;
            return this;
        }

        public Builder scaling(Scaling scaling) {
            this.scaling = Problems.nonNull(scaling, at + ".scaling", "pass a Scaling, or leave it out to keep the service's");
            return this;
        }

        public Builder scaling(Consumer<Scaling.Builder> scaling) {
            Problems.nonNull(scaling, at + ".scaling", "pass a lambda, e.g. s -> s.min(6).max(30)");
            Scaling.Builder b = this.scaling == null ? Scaling.builder() : this.scaling.toBuilder();
            scaling.accept(b);
            this.scaling = b.buildUnchecked();
            return this;
        }

        public Builder env(String name, String value) {
            Problems.nonNull(name, at + ".env name", "name the variable, e.g. .env(\"LOG_LEVEL\", \"debug\")");
            env.put(name, Problems.nonNull(value, Problems.entry(at + ".env", name), "give a value (\"\" for an empty one) or leave the variable out"));
            return this;
        }

        public Builder config(String key, String value) {
            Problems.nonNull(key, at + ".config key", "name the key, e.g. .config(\"feature/checkout\", \"on\")");
            config.put(key, Problems.nonNull(value, Problems.entry(at + ".config", key), "give a value (\"\" for an empty one) or leave the entry out"));
            return this;
        }

        public ServiceOverride build() {
            return new ServiceOverride(this);
        }
    }
}

package dev.cutover.examples.cli;

import static dev.cutover.Strategies.allAtOnce;
import static dev.cutover.Strategies.blueGreen;
import static dev.cutover.Strategies.canary;
import static dev.cutover.Strategies.linear;
import static dev.cutover.Strategies.rolling;

import dev.cutover.Environment;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.Strategy;
import dev.cutover.spi.Capability;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;

/**
 * What a team checks in next to its service: the service, its environments and its rollout
 * strategy, as properties. Everything it builds goes through Cutover's validation, so a bad value
 * is reported with its path before any call.
 *
 * <pre>{@code
 * service.name=orders
 * service.image=123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.2
 * service.port=8080
 * service.env.LOG_LEVEL=info
 * service.secret.DB_PASSWORD=prod/orders/db
 * strategy=canary
 * strategy.steps=10,50,100
 * strategy.bake=PT10M
 * env.stage.region=us-east-1
 * env.stage.cluster=main
 * env.stage.mesh=internal
 * use.traffic=aws
 * }</pre>
 */
public final class Descriptor {

    private final Properties props;

    private Descriptor(Properties props) {
        this.props = props;
    }

    /** Reads a descriptor file. */
    public static Descriptor load(Path file) {
        Objects.requireNonNull(file, "file");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the descriptor " + file + ": " + e.getMessage(), e);
        }
        return of(p);
    }

    /** A descriptor over properties (copied). */
    public static Descriptor of(Properties properties) {
        Properties copy = new Properties();
        copy.putAll(Objects.requireNonNull(properties, "properties"));
        return new Descriptor(copy);
    }

    /** The service's name. */
    public String serviceName() {
        return required("service.name");
    }

    /** The service, with {@code image} instead of the descriptor's when not null. */
    public Service service(String image) {
        Service.Builder b = Service.named(serviceName()).image(image != null ? image : required("service.image"));
        integer("service.port").ifPresent(b::port);
        integer("service.cpu").ifPresent(b::cpu);
        integer("service.memory-mib").ifPresent(b::memoryMiB);
        integer("service.instances").ifPresent(b::instances);
        opt("service.health-path").ifPresent(path -> b.healthCheck(h -> h.path(path)));
        withPrefix("service.env.").forEach(b::env);
        withPrefix("service.secret.").forEach(b::secret);
        return b.build();
    }

    /** The names of the environments the descriptor describes. */
    public java.util.Set<String> environments() {
        TreeSet<String> names = new TreeSet<>();
        for (String k : props.stringPropertyNames()) {
            if (k.startsWith("env.") && k.indexOf('.', 4) > 4) {
                names.add(k.substring(4, k.indexOf('.', 4)));
            }
        }
        return names;
    }

    /** The environment {@code name}. */
    public Environment environment(String name) {
        if (!environments().contains(name)) {
            throw new IllegalArgumentException("the descriptor has no environment '" + name + "'; it has " + environments());
        }
        String at = "env." + name + ".";
        Environment.Builder b = Environment.named(name);
        opt(at + "region").ifPresent(b::region);
        opt(at + "cluster").ifPresent(b::cluster);
        opt(at + "mesh").ifPresent(b::mesh);
        opt(at + "namespace").ifPresent(b::namespace);
        if (bool(at + "service-connect")) {
            b.serviceConnect();
        }
        opt(at + "promoted-from").ifPresent(b::promotedFrom);
        if (bool(at + "require-approval")) {
            b.requireApproval();
        }
        if (bool(at + "require-image-digest")) {
            b.requireImageDigest();
        }
        integer(at + "instances").ifPresent(n -> b.override(serviceName(), o -> o.instances(n)));
        return b.build();
    }

    /** The rollout strategy ({@code strategy=all-at-once|rolling|canary|linear|blue-green}). */
    public Strategy strategy() {
        String name = opt("strategy").orElse("all-at-once");
        return switch (name) {
            case "all-at-once" -> allAtOnce();
            case "rolling" -> rolling();
            case "canary" -> {
                var c = canary();
                if (opt("strategy.steps").isPresent()) {
                    c = c.steps(Arrays.stream(required("strategy.steps").split(",")).map(String::trim)
                            .mapToInt(Integer::parseInt).toArray());
                }
                yield duration("strategy.bake").map(c::bake).orElse(c);
            }
            case "linear" -> {
                var l = linear();
                l = integer("strategy.step-percent").map(l::stepPercent).orElse(l);
                yield duration("strategy.interval").map(l::interval).orElse(l);
            }
            case "blue-green" -> duration("strategy.bake").map(blueGreen()::bake).orElse(blueGreen());
            default -> throw new IllegalArgumentException("strategy '" + name
                    + "' is not one of all-at-once, rolling, canary, linear, blue-green");
        };
    }

    /** The release of the service ({@code image} or the descriptor's) to {@code environment}. */
    public Release release(String environment, String image) {
        return Release.of(service(image)).to(environment(environment)).strategy(strategy()).build();
    }

    /** Which provider serves a capability ({@code use.traffic=aws}), when several offer it. */
    public Map<Capability, String> routes() {
        Map<Capability, String> out = new EnumMap<>(Capability.class);
        withPrefix("use.").forEach((k, v) -> out.put(Capability.valueOf(k.toUpperCase(Locale.ROOT)), v));
        return out;
    }

    private java.util.Optional<String> opt(String key) {
        return java.util.Optional.ofNullable(props.getProperty(key)).map(String::trim).filter(v -> !v.isEmpty());
    }

    private String required(String key) {
        return opt(key).orElseThrow(() -> new IllegalArgumentException("the descriptor needs '" + key + "'"));
    }

    private java.util.Optional<Integer> integer(String key) {
        return opt(key).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + key + "' must be a whole number, was '" + v + "'");
            }
        });
    }

    private java.util.Optional<Duration> duration(String key) {
        return opt(key).map(Duration::parse);
    }

    private boolean bool(String key) {
        return opt(key).map(Boolean::parseBoolean).orElse(false);
    }

    private Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String k : props.stringPropertyNames()) {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                out.put(k.substring(prefix.length()), props.getProperty(k).trim());
            }
        }
        return out;
    }
}

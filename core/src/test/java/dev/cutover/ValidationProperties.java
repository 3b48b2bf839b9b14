package dev.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.Provide;

/**
 * Property-based tests of issue 2 §3: jqwik generates valid specifications (every one builds) and
 * faults (each breaks one rule). A fault must be reported at exactly its path(s): no problem goes
 * missing and no valid field is reported. The rules here are written from the issue, not copied
 * from the production code, so they are an independent oracle.
 *
 * <p>Whole-specification properties run 250 tries each so the class stays within a few seconds;
 * the cheap ones (names, the Fargate table) run jqwik's default 1000.
 */
@PropertyDefaults(tries = 250)
class ValidationProperties {

    // ------------------------------------------------------------------------------------------
    // Oracles, written from the issue text
    // ------------------------------------------------------------------------------------------

    /** Fargate's cpu/memory table exactly as issue 2 §3 states it. */
    static boolean fargateAllows(int cpu, int memory) {
        return switch (cpu) {
            case 256 -> memory == 512 || memory == 1024 || memory == 2048;
            case 512 -> memory >= 1024 && memory <= 4096 && memory % 1024 == 0;
            case 1024 -> memory >= 2048 && memory <= 8192 && memory % 1024 == 0;
            case 2048 -> memory >= 4096 && memory <= 16384 && memory % 1024 == 0;
            case 4096 -> memory >= 8192 && memory <= 30720 && memory % 1024 == 0;
            case 8192 -> memory >= 16384 && memory <= 61440 && memory % 4096 == 0;
            case 16384 -> memory >= 32768 && memory <= 122880 && memory % 8192 == 0;
            default -> false;
        };
    }

    /** The path of a map entry, as issue 10 item 7 writes it: {@code service.env["LOG_LEVEL"]}. */
    static String entry(String map, String key) {
        return map + "[\"" + key + "\"]";
    }

    static final List<Integer> FARGATE_CPUS = List.of(256, 512, 1024, 2048, 4096, 8192, 16384);

    static List<int[]> fargatePairs() {
        List<int[]> pairs = new ArrayList<>();
        for (int cpu : FARGATE_CPUS) {
            for (int m = 512; m <= 122880; m += 512) {
                if (fargateAllows(cpu, m)) {
                    pairs.add(new int[] {cpu, m});
                }
            }
        }
        return pairs;
    }

    /** Words that make a literal env var look like a secret (the issue's five, plus the spellings Names also catches). */
    static final Pattern SECRETISH = Pattern.compile(
            ".*(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|CREDENTIAL).*", Pattern.CASE_INSENSITIVE);

    // ------------------------------------------------------------------------------------------
    // A mutable draft of a whole release; faults change it, then it is built
    // ------------------------------------------------------------------------------------------

    static final class Draft {
        String name = "orders";
        String image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.2";
        int port = 8080;
        int cpu = 512;
        int memory = 1024;
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        String hcPath = "/health";
        Duration interval = Duration.ofSeconds(30);
        Duration timeout = Duration.ofSeconds(5);
        int retries = 3;
        Duration startPeriod = Duration.ZERO;
        Integer min;
        int max;
        int target;
        String envName = "stage";
        String region = "us-east-1";
        String cluster = "main";
        String namespace = "internal.local";
        String mesh;
        boolean requireDigest;
        Strategy strategy = Strategies.allAtOnce();

        Draft copy() {
            Draft d = new Draft();
            d.name = name;
            d.image = image;
            d.port = port;
            d.cpu = cpu;
            d.memory = memory;
            d.env = new LinkedHashMap<>(env);
            d.secrets = new LinkedHashMap<>(secrets);
            d.hcPath = hcPath;
            d.interval = interval;
            d.timeout = timeout;
            d.retries = retries;
            d.startPeriod = startPeriod;
            d.min = min;
            d.max = max;
            d.target = target;
            d.envName = envName;
            d.region = region;
            d.cluster = cluster;
            d.namespace = namespace;
            d.mesh = mesh;
            d.requireDigest = requireDigest;
            d.strategy = strategy;
            return d;
        }

        Service.Builder service() {
            Service.Builder b = Service.named(name).image(image).port(port).cpu(cpu).memoryMiB(memory)
                    .env(env).secrets(secrets)
                    .healthCheck(h -> h.path(hcPath).interval(interval).timeout(timeout).retries(retries)
                            .startPeriod(startPeriod));
            if (min != null) {
                b.scaling(s -> s.min(min).max(max).targetCpuPercent(target));
            }
            return b;
        }

        Environment.Builder environment() {
            Environment.Builder b = Environment.named(envName).region(region).cluster(cluster).namespace(namespace);
            if (mesh != null) {
                b.mesh(mesh);
            }
            if (requireDigest) {
                b.requireImageDigest();
            }
            return b;
        }

        Release.Builder release() {
            return Release.of(service().buildUnchecked()).to(environment().buildUnchecked()).strategy(strategy);
        }

        @Override
        public String toString() {
            return "Draft[name=" + name + ", image=" + image + ", port=" + port + ", cpu=" + cpu + ", memory=" + memory
                    + ", env=" + env + ", secrets=" + secrets + ", hc=" + hcPath + "/" + interval + "/" + timeout + "/"
                    + retries + "/" + startPeriod + ", scaling=" + (min == null ? "none" : min + ".." + max + "@" + target)
                    + ", environment=" + envName + "/" + region + "/" + cluster + "/" + namespace + "/" + mesh
                    + (requireDigest ? "/digest" : "") + ", strategy=" + strategy + "]";
        }
    }

    /** One broken rule: how to break it, and the exact paths at which the problem must be reported. */
    record Fault(String label, Consumer<Draft> apply, Set<String> paths) {
        static Fault of(String label, Consumer<Draft> apply, String... paths) {
            return new Fault(label, apply, Set.of(paths));
        }

        @Override
        public String toString() {
            return label + " -> " + paths;
        }
    }

    static Set<String> problemPaths(Runnable build) {
        try {
            build.run();
            return Set.of();
        } catch (ValidationException e) {
            assertThat(e.problems()).isNotEmpty();
            return e.problems().stream().map(Problem::path).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static Set<String> releasePaths(Draft d) {
        return problemPaths(() -> d.release().build());
    }

    /** Applies the fault to a copy of a valid draft and checks both {@code Service.build()} and {@code Release.build()}. */
    static void assertReportedExactly(Draft valid, Fault fault) {
        Draft d = valid.copy();
        fault.apply().accept(d);
        assertThat(releasePaths(d)).as("release paths for %s", fault).isEqualTo(new TreeSet<>(fault.paths()));
        Set<String> servicePaths = new TreeSet<>();
        for (String p : fault.paths()) {
            if (p.startsWith("service.")) {
                servicePaths.add(p);
            }
        }
        if (!d.requireDigest) {
            assertThat(problemPaths(() -> d.service().build())).as("service paths for %s", fault).isEqualTo(servicePaths);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Valid values
    // ------------------------------------------------------------------------------------------

    static Arbitrary<String> lowerAlnum(int min, int max) {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofMinLength(min).ofMaxLength(max);
    }

    @Provide
    static Arbitrary<String> validNames() {
        Arbitrary<Character> first = Arbitraries.chars().range('a', 'z');
        Arbitrary<String> middle = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('-')
                .ofMaxLength(61);
        Arbitrary<String> last = lowerAlnum(1, 1);
        return Combinators.combine(first, middle, last, Arbitraries.of(true, false))
                .as((f, m, l, single) -> single ? String.valueOf(f) : f + m + l);
    }

    static Arbitrary<String> component() {
        Arbitrary<String> separator = Arbitraries.of(".", "_", "__", "-", "--");
        return Combinators.combine(lowerAlnum(1, 6), separator, lowerAlnum(1, 6), Arbitraries.of(true, false))
                .as((a, sep, b, joined) -> joined ? a + sep + b : a);
    }

    static Arbitrary<String> repository() {
        return component().list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("/", l));
    }

    static Arbitrary<String> registry() {
        Arbitrary<String> domain = lowerAlnum(1, 8).list().ofMinSize(2).ofMaxSize(4).map(l -> String.join(".", l));
        Arbitrary<String> port = Arbitraries.integers().between(1, 65535).map(p -> ":" + p);
        return Arbitraries.oneOf(
                Arbitraries.just(""),
                Arbitraries.just("123456789012.dkr.ecr.us-east-1.amazonaws.com/"),
                Arbitraries.of("localhost/", "localhost:5000/"),
                Combinators.combine(domain, Arbitraries.oneOf(Arbitraries.just(""), port)).as((d, p) -> d + p + "/"));
    }

    static Arbitrary<String> tags() {
        Arbitrary<Character> first = Arbitraries.chars().range('a', 'z').range('A', 'Z').range('0', '9').with('_');
        Arbitrary<String> rest = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
                .withCharRange('0', '9').withChars("_.-").ofMaxLength(20);
        return Combinators.combine(first, rest).as((f, r) -> f + r).filter(t -> !t.equals("latest"));
    }

    @Provide
    static Arbitrary<String> digests() {
        return Arbitraries.strings().withChars("0123456789abcdef").ofLength(64).map(h -> "sha256:" + h);
    }

    /** name, tag and digest pieces of a valid image: a non-latest tag, or a digest, or both. */
    @Provide
    static Arbitrary<String> validImages() {
        Arbitrary<String> name = Combinators.combine(registry(), repository()).as((r, p) -> r + p);
        return Arbitraries.oneOf(
                Combinators.combine(name, tags()).as((n, t) -> n + ":" + t),
                Combinators.combine(name, digests()).as((n, d) -> n + "@" + d),
                Combinators.combine(name, Arbitraries.oneOf(tags(), Arbitraries.just("latest")), digests())
                        .as((n, t, d) -> n + ":" + t + "@" + d));
    }

    static Arbitrary<String> envVarNames(String prefix) {
        return Arbitraries.strings().withCharRange('A', 'Z').withCharRange('a', 'z').withCharRange('0', '9').withChars('_')
                .ofMaxLength(16).map(s -> prefix + s).filter(n -> !SECRETISH.matcher(n).matches());
    }

    static Arbitrary<String> secretNames() {
        return Arbitraries.strings().withCharRange('A', 'Z').withCharRange('a', 'z').withCharRange('0', '9')
                .withChars("/_+=.@-").ofMinLength(1).ofMaxLength(40);
    }

    @Provide
    static Arbitrary<String> validSecretRefs() {
        Arbitrary<String> key = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars("_.-")
                .ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> partition = Arbitraries.of("aws", "aws-cn", "aws-us-gov");
        Arbitrary<String> account = Arbitraries.strings().numeric().ofLength(12);
        Arbitrary<String> suffix = Arbitraries.oneOf(
                Arbitraries.just(""),
                key.map(k -> ":" + k),
                Combinators.combine(key, Arbitraries.of("AWSCURRENT", "AWSPREVIOUS", "")).as((k, s) -> ":" + k + ":" + s + ":"),
                Arbitraries.just("::AWSCURRENT:"));
        Arbitrary<String> arn = Combinators.combine(partition, validRegions(), account, secretNames(), lowerAlnum(6, 6), suffix)
                .as((p, r, a, n, rnd, s) -> "arn:" + p + ":secretsmanager:" + r + ":" + a + ":secret:" + n + "-" + rnd + s);
        return Arbitraries.oneOf(
                secretNames(),
                Combinators.combine(secretNames(), key).as((n, k) -> n + ":" + k),
                arn);
    }

    @Provide
    static Arbitrary<String> validRegions() {
        return Arbitraries.oneOf(
                Arbitraries.of("us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2", "us-gov-west-1", "sa-east-1"),
                Combinators.combine(Arbitraries.strings().withCharRange('a', 'z').ofLength(2),
                                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(3).ofMaxLength(10),
                                Arbitraries.integers().between(1, 9))
                        .as((a, b, n) -> a + "-" + b + "-" + n));
    }

    @Provide
    static Arbitrary<String> validNamespaces() {
        Arbitrary<String> label = Combinators.combine(lowerAlnum(1, 1),
                        Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('-').ofMaxLength(10),
                        lowerAlnum(1, 1), Arbitraries.of(true, false))
                .as((a, m, z, single) -> single ? a : a + m + z);
        return label.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l));
    }

    static Arbitrary<Duration> seconds(long from, long to) {
        return Arbitraries.longs().between(from, to).map(Duration::ofSeconds);
    }

    static Arbitrary<List<Integer>> validCanarySteps() {
        return Arbitraries.integers().between(1, 99).set().ofMaxSize(8).map(s -> {
            List<Integer> steps = new ArrayList<>(new TreeSet<>(s));
            steps.add(100);
            return List.copyOf(steps);
        });
    }

    @Provide
    static Arbitrary<Strategy> validStrategies() {
        Arbitrary<Duration> bake = Arbitraries.oneOf(seconds(0, 86_400), Arbitraries.of(Duration.ZERO, Duration.ofHours(24)));
        Arbitrary<Strategy> allAtOnce = bake.map(b -> Strategies.allAtOnce().bake(b));
        Arbitrary<Strategy> canary = Combinators.combine(validCanarySteps(), bake)
                .as((s, b) -> new Canary(s, b, Strategies.canary().analysis()));
        Arbitrary<Strategy> linear = Combinators.combine(Arbitraries.integers().between(1, 100), seconds(1, 86_400))
                .as((s, i) -> Strategies.linear().stepPercent(s).interval(i));
        Arbitrary<Strategy> rolling = Combinators.combine(Arbitraries.integers().between(0, 100),
                        Arbitraries.integers().between(100, 200), bake)
                .filter((min, max, b) -> min < 100 || max > 100)
                .as((min, max, b) -> Strategies.rolling().minHealthyPercent(min).maxPercent(max).bake(b));
        Arbitrary<Strategy> blueGreen = Combinators.combine(bake, bake).as((p, b) -> Strategies.blueGreen().previewBake(p).bake(b));
        return Arbitraries.oneOf(allAtOnce, canary, linear, rolling, blueGreen);
    }

    record Sizes(int cpu, int memory, int port) {
    }

    record Check(String path, Duration interval, Duration timeout, int retries, Duration startPeriod) {
    }

    record Place(String envName, String region, String cluster, String namespace, String mesh, boolean requireDigest) {
    }

    static Arbitrary<Map<String, String>> entries(Arbitrary<String> keys, Arbitrary<String> values, int max) {
        return Combinators.combine(keys, values).as(Map::entry).list().ofMaxSize(max).map(list -> {
            Map<String, String> map = new LinkedHashMap<>();
            list.forEach(e -> map.put(e.getKey(), e.getValue()));
            return map;
        });
    }

    @Provide
    static Arbitrary<Draft> validDrafts() {
        Arbitrary<Sizes> sizes = Combinators.combine(Arbitraries.of(fargatePairs()), Arbitraries.integers().between(1, 65535))
                .as((pair, port) -> new Sizes(pair[0], pair[1], port));
        // maps from lists of entries: jqwik's maps() is slow to generate with unique-key filtering
        Arbitrary<Map<String, String>> env = entries(envVarNames("E_"), Arbitraries.strings().ofMaxLength(20), 4);
        Arbitrary<Map<String, String>> secrets = entries(envVarNames("S_"), validSecretRefs(), 3);
        // dependent values are derived from independent draws (flatMap is slow to generate)
        Arbitrary<Check> check = Combinators.combine(
                Arbitraries.strings().withCharRange('a', 'z').withChars("/_-.").ofMaxLength(20).map(p -> "/" + p),
                Arbitraries.integers().between(5, 300), Arbitraries.integers().between(0, 10_000),
                Arbitraries.integers().between(1, 10), seconds(0, 300))
                .as((path, interval, t, retries, start) -> new Check(path, Duration.ofSeconds(interval),
                        Duration.ofSeconds(2 + t % (Math.min(60, interval - 1) - 1)), retries, start));
        Arbitrary<int[]> scaling = Combinators.combine(Arbitraries.integers().between(1, 100),
                        Arbitraries.integers().between(0, 100), Arbitraries.integers().between(1, 100))
                .as((max, min, target) -> new int[] {min % (max + 1), max, target}).injectNull(0.3);
        Arbitrary<Place> place = Combinators.combine(validNames(), validRegions(), validNamespaces(),
                Arbitraries.of("mesh-1", "internal").injectNull(0.5), Arbitraries.of(true, false))
                .as((n, r, ns, mesh, digest) -> new Place(n, r, "cluster_" + n, ns, mesh, digest));
        Arbitrary<String> image = validImages();
        return Combinators.combine(validNames(), image, sizes, env, secrets, check, scaling,
                Combinators.combine(place, validStrategies()).as((p, s) -> new Object[] {p, s}))
                .as((name, img, sz, e, s, hc, sc, rest) -> {
                    Draft d = new Draft();
                    d.name = name;
                    d.image = img;
                    d.cpu = sz.cpu();
                    d.memory = sz.memory();
                    d.port = sz.port();
                    d.env.putAll(e);
                    d.secrets.putAll(s);
                    d.hcPath = hc.path();
                    d.interval = hc.interval();
                    d.timeout = hc.timeout();
                    d.retries = hc.retries();
                    d.startPeriod = hc.startPeriod();
                    if (sc != null) {
                        d.min = sc[0];
                        d.max = sc[1];
                        d.target = sc[2];
                    }
                    Place p = (Place) rest[0];
                    d.envName = p.envName();
                    d.region = p.region();
                    d.cluster = p.cluster();
                    d.namespace = p.namespace();
                    d.mesh = p.mesh();
                    // requireImageDigest only when the image is pinned, so the draft stays valid
                    d.requireDigest = p.requireDigest() && img.contains("@sha256:");
                    d.strategy = (Strategy) rest[1];
                    return d;
                });
    }

    // ------------------------------------------------------------------------------------------
    // Faults, one family per rule of issue 2 §3
    // ------------------------------------------------------------------------------------------

    static Arbitrary<Character> illegalNameChars() {
        return Arbitraries.of('A', 'Z', '_', '.', ' ', '!', '/', ':', 'é', '\t');
    }

    @Provide
    static Arbitrary<String> invalidNames() {
        return Arbitraries.oneOf(
                Arbitraries.just(""),
                validNames().filter(n -> n.length() <= 62).map(n -> n + "-"),
                Combinators.combine(Arbitraries.chars().range('0', '9').with('-'), validNames().filter(n -> n.length() < 63))
                        .as((c, n) -> c + n),
                Combinators.combine(validNames(), illegalNameChars(), Arbitraries.integers().between(0, 62))
                        .as((n, c, i) -> {
                            int at = i % n.length();
                            return n.substring(0, at) + c + n.substring(at + 1);
                        }),
                validNames().map(n -> n + "a".repeat(Math.max(1, 64 - n.length()))));
    }

    static Arbitrary<Fault> nameFaults() {
        return invalidNames().map(n -> Fault.of("service name '" + n + "'", d -> d.name = n, "service.name"));
    }

    @Provide
    static Arbitrary<String> invalidImages() {
        Arbitrary<String> name = Combinators.combine(registry(), repository()).as((r, p) -> r + p);
        Arbitrary<String> badDigest = Arbitraries.oneOf(
                Arbitraries.strings().withChars("0123456789abcdef").ofLength(63).map(h -> "sha256:" + h),
                Arbitraries.strings().withChars("0123456789ABCDEF").ofLength(64).filter(h -> !h.matches("[0-9]*"))
                        .map(h -> "sha256:" + h),
                Arbitraries.strings().withChars("0123456789abcdef").ofLength(64).map(h -> "md5:" + h),
                Arbitraries.just("sha256:"));
        Arbitrary<String> badTag = Arbitraries.oneOf(
                tags().map(t -> "." + t),
                tags().map(t -> "-" + t),
                Arbitraries.strings().withCharRange('a', 'z').ofLength(129),
                tags().map(t -> t + "+x"));
        return Arbitraries.oneOf(
                name,                                                   // no tag, no digest
                name.map(n -> n + ":latest"),                           // mutable tag
                Combinators.combine(name, tags(), badDigest).as((n, t, d) -> n + ":" + t + "@" + d),
                Combinators.combine(name, badTag).as((n, t) -> n + ":" + t),
                Combinators.combine(name, tags(), Arbitraries.of('A', 'Q', '!', '#'))
                        .as((n, t, c) -> n + c + ":" + t),               // uppercase or symbol in the last component
                Combinators.combine(name, tags()).as((n, t) -> n + " :" + t),
                Combinators.combine(name, tags()).as((n, t) -> " " + n + ":" + t),
                Arbitraries.just(""),
                tags().map(t -> "a".repeat(256) + ":" + t));
    }

    @Provide
    static Arbitrary<Fault> imageFaults() {
        Arbitrary<Fault> bad = invalidImages().map(i -> Fault.of("image '" + i + "'", d -> d.image = i, "service.image"));
        Arbitrary<Fault> unpinned = Combinators.combine(registry(), repository(), tags())
                .as((r, p, t) -> Fault.of("tag-only image under requireImageDigest", d -> {
                    d.image = r + p + ":" + t;
                    d.requireDigest = true;
                }, "service.image"));
        return Arbitraries.oneOf(bad, unpinned);
    }

    static Arbitrary<Fault> portFaults() {
        return Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(0), Arbitraries.integers().greaterOrEqual(65536))
                .map(p -> Fault.of("port " + p, d -> d.port = p, "service.port"));
    }

    static Arbitrary<Fault> sizeFaults() {
        Arbitrary<Integer> anyInt = Arbitraries.oneOf(Arbitraries.integers().between(-1, 140_000),
                Arbitraries.integers().between(0, 300).map(i -> i * 512));
        Arbitrary<Fault> badCpu = Combinators.combine(anyInt.filter(c -> !FARGATE_CPUS.contains(c)), anyInt)
                .as((c, m) -> Fault.of("cpu " + c + " / memory " + m, d -> {
                    d.cpu = c;
                    d.memory = m;
                }, "service.cpu"));
        Arbitrary<Fault> badMemory = Combinators.combine(Arbitraries.of(FARGATE_CPUS), anyInt)
                .filter((c, m) -> !fargateAllows(c, m))
                .as((c, m) -> Fault.of("cpu " + c + " / memory " + m, d -> {
                    d.cpu = c;
                    d.memory = m;
                }, "service.memoryMiB"));
        return Arbitraries.oneOf(badCpu, badMemory);
    }

    @Provide
    static Arbitrary<String> invalidEnvVarNames() {
        return Arbitraries.oneOf(
                Arbitraries.just(""),
                Combinators.combine(Arbitraries.chars().range('0', '9'), envVarNames("X")).as((c, n) -> c + n),
                Combinators.combine(envVarNames("X"), Arbitraries.of('-', '.', ' ', '=', '$', 'é', ':'), envVarNames("Y"))
                        .as((a, c, b) -> a + c + b));
    }

    static Arbitrary<Fault> envNameFaults() {
        return invalidEnvVarNames().map(n -> Fault.of("env var name '" + n + "'", d -> d.env.put(n, "x"), entry("service.env", n)));
    }

    @Provide
    static Arbitrary<String> secretLookingNames() {
        Arbitrary<String> word = Arbitraries.of("PASSWORD", "SECRET", "TOKEN", "API_KEY", "PRIVATE_KEY");
        Arbitrary<String> prefix = Arbitraries.strings().withCharRange('A', 'Z').withChars('_').ofMaxLength(6);
        Arbitrary<String> suffix = Arbitraries.strings().withCharRange('A', 'Z').withCharRange('0', '9').withChars('_')
                .ofMaxLength(6);
        return Combinators.combine(prefix, word, suffix, Arbitraries.of(true, false))
                .as((p, w, s, lower) -> lower ? (p + w + s).toLowerCase() : p + w + s);
    }

    /** Values distinctive enough that finding one in a message can only mean it leaked. */
    @Provide
    static Arbitrary<String> secretValues() {
        return Arbitraries.strings().alpha().numeric().withChars("!@#%^&*").ofMinLength(8).ofMaxLength(40)
                .map(s -> "zz" + s);
    }

    static Arbitrary<Fault> secretLiteralFaults() {
        return Combinators.combine(secretLookingNames(), secretValues())
                .as((n, v) -> Fault.of("secret-looking literal " + n, d -> d.env.put(n, v), entry("service.env", n)));
    }

    static Arbitrary<Fault> envAndSecretFaults() {
        return Combinators.combine(envVarNames("B_"), validSecretRefs())
                .as((n, ref) -> Fault.of(n + " as env and secret", d -> {
                    d.env.put(n, "plain");
                    d.secrets.put(n, ref);
                }, entry("service.env", n)));
    }

    @Provide
    static Arbitrary<String> invalidSecretRefs() {
        Arbitrary<String> arnTail = Combinators.combine(secretNames(), lowerAlnum(6, 6)).as((n, r) -> n + "-" + r);
        return Arbitraries.oneOf(
                Arbitraries.just(""),
                Combinators.combine(secretNames(), Arbitraries.of(' ', '!', '#', '*', ',', '$', '%', '\'', '"', 'é'), secretNames())
                        .as((a, c, b) -> a + c + b),
                Arbitraries.strings().withCharRange('a', 'z').ofLength(513),
                secretNames().map(n -> n + ":"),
                Combinators.combine(secretNames(), secretNames().filter(s -> !s.contains(":")), secretNames())
                        .as((a, b, c) -> a + ":" + b.replace("/", "") + ":" + c),
                arnTail.map(t -> "arn:aws:ssm:us-east-1:123456789012:parameter/" + t),
                arnTail.map(t -> "arn:aws:secretsmanager:us-east-1:12345678901:secret:" + t),
                arnTail.map(t -> "arn:aws:secretsmanager:US-EAST-1:123456789012:secret:" + t),
                arnTail.map(t -> "arn:aws:secretsmanager:us-east-1:123456789012:" + t),
                arnTail.map(t -> "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + t + ":a:b:c:d"),
                Arbitraries.just("arn:aws:secretsmanager:us-east-1:123456789012:secret:"));
    }

    @Provide
    static Arbitrary<Fault> secretRefFaults() {
        return Combinators.combine(envVarNames("R_"), invalidSecretRefs())
                .as((n, ref) -> Fault.of("secret ref '" + ref + "'", d -> d.secrets.put(n, ref), entry("service.secrets", n)));
    }

    static Arbitrary<Duration> outside(long fromSeconds, long toSeconds) {
        return Arbitraries.oneOf(
                seconds(Long.MIN_VALUE / 2, fromSeconds - 1),
                seconds(toSeconds + 1, 10_000_000),
                Arbitraries.of(Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(Long.MIN_VALUE), Duration.ofDays(365 * 1000L),
                        Duration.ofSeconds(toSeconds).plusNanos(1), Duration.ofSeconds(fromSeconds).minusMillis(1)),
                seconds(fromSeconds, toSeconds - 1).map(d -> d.plusMillis(500)));   // not whole seconds
    }

    @Provide
    static Arbitrary<Fault> healthCheckFaults() {
        String at = "service.healthCheck.";
        Arbitrary<Fault> path = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(10),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10).map(s -> "/" + s + " x"),
                Arbitraries.just("/" + "a".repeat(1024)))
                .map(p -> Fault.of("health path '" + p + "'", d -> d.hcPath = p, at + "path"));
        Arbitrary<Fault> interval = outside(5, 300).map(i -> Fault.of("interval " + i, d -> {
            d.interval = i;
            d.timeout = Duration.ofSeconds(2);
        }, i.compareTo(Duration.ofSeconds(2)) <= 0 ? new String[] {at + "interval", at + "timeout"} : new String[] {at + "interval"}));
        Arbitrary<Fault> timeoutRange = outside(2, 60).map(t -> Fault.of("timeout " + t, d -> {
            d.interval = Duration.ofSeconds(300);
            d.timeout = t;
        }, at + "timeout"));
        Arbitrary<Fault> timeoutNotBelow = Combinators.combine(Arbitraries.integers().between(5, 60), Arbitraries.integers().between(0, 100))
                .as((i, raw) -> {
                    int t = i + raw % (61 - i);
                    return Fault.of("timeout " + t + " >= interval " + i, d -> {
                        d.interval = Duration.ofSeconds(i);
                        d.timeout = Duration.ofSeconds(t);
                    }, at + "timeout");
                });
        Arbitrary<Fault> retries = Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(0), Arbitraries.integers().greaterOrEqual(11))
                .map(r -> Fault.of("retries " + r, d -> d.retries = r, at + "retries"));
        Arbitrary<Fault> start = outside(0, 300).map(s -> Fault.of("start period " + s, d -> d.startPeriod = s, at + "startPeriod"));
        return Arbitraries.oneOf(path, interval, timeoutRange, timeoutNotBelow, retries, start);
    }

    @Provide
    static Arbitrary<Fault> scalingFaults() {
        Arbitrary<Fault> minAboveMax = Combinators.combine(Arbitraries.integers().between(1, 4999),
                        Arbitraries.integers().between(0, 5000))
                .as((max, raw) -> {
                    int min = max + 1 + raw % (5000 - max);
                    return Fault.of("scaling " + min + ".." + max, d -> {
                        d.min = min;
                        d.max = max;
                        d.target = 50;
                    }, "service.scaling.min", "service.instances");
                });
        Arbitrary<Fault> target = Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(0), Arbitraries.integers().greaterOrEqual(101))
                .map(t -> Fault.of("target " + t, d -> {
                    d.min = 1;
                    d.max = 3;
                    d.target = t;
                }, "service.scaling.targetCpuPercent"));
        return Arbitraries.oneOf(minAboveMax, target);
    }

    static Arbitrary<Duration> badBakes() {
        return Arbitraries.oneOf(
                seconds(Long.MIN_VALUE / 2, -1),
                Arbitraries.of(Duration.ofNanos(-1), Duration.ofHours(24).plusNanos(1), Duration.ofSeconds(Long.MAX_VALUE)),
                seconds(86_401, 100_000_000));
    }

    @Provide
    static Arbitrary<Fault> strategyFaults() {
        Arbitrary<Fault> outOfRange = Combinators.combine(validCanarySteps(),
                        Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(0), Arbitraries.integers().greaterOrEqual(101)),
                        Arbitraries.integers().between(0, 100))
                .as((steps, bad, at) -> {
                    List<Integer> s = new ArrayList<>(steps);
                    int i = at % (s.size() + 1);
                    s.add(i, bad);
                    return canaryFault(s, "strategy.steps[" + i + "]");
                });
        Arbitrary<Fault> duplicate = Combinators.combine(validCanarySteps().filter(s -> s.size() >= 2),
                        Arbitraries.integers().between(0, 100))
                .as((steps, raw) -> {
                    int j = raw % (steps.size() - 1);
                    List<Integer> s = new ArrayList<>(steps);
                    s.add(j + 1, s.get(j));
                    return canaryFault(s, "strategy.steps[" + (j + 1) + "]");
                });
        Arbitrary<Fault> swapped = Combinators.combine(validCanarySteps().filter(s -> s.size() >= 3),
                        Arbitraries.integers().between(0, 100))
                .as((steps, raw) -> {
                    int j = raw % (steps.size() - 2);
                    List<Integer> s = new ArrayList<>(steps);
                    s.set(j, steps.get(j + 1));
                    s.set(j + 1, steps.get(j));
                    return canaryFault(s, "strategy.steps[" + (j + 1) + "]");
                });
        Arbitrary<Fault> notEnding = validCanarySteps().filter(s -> s.size() >= 2)
                .map(s -> canaryFault(s.subList(0, s.size() - 1), "strategy.steps[" + (s.size() - 2) + "]"));
        Arbitrary<Fault> empty = Arbitraries.just(canaryFault(List.of(), "strategy.steps"));
        Arbitrary<Fault> canaryBake = badBakes().map(b -> strategyFault(Strategies.canary().bake(b), "strategy.bake"));
        Arbitrary<Fault> allAtOnceBake = badBakes().map(b -> strategyFault(Strategies.allAtOnce().bake(b), "strategy.bake"));
        Arbitrary<Fault> blueGreen = Combinators.combine(badBakes(), Arbitraries.of(true, false))
                .as((b, preview) -> preview
                        ? strategyFault(Strategies.blueGreen().previewBake(b), "strategy.previewBake")
                        : strategyFault(Strategies.blueGreen().bake(b), "strategy.bake"));
        Arbitrary<Fault> linearStep = Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(0), Arbitraries.integers().greaterOrEqual(101))
                .map(s -> strategyFault(Strategies.linear().stepPercent(s), "strategy.stepPercent"));
        Arbitrary<Fault> linearInterval = Arbitraries.oneOf(Arbitraries.just(Duration.ZERO), seconds(Long.MIN_VALUE / 2, -1),
                        Arbitraries.just(Duration.ofNanos(-1)))
                .map(i -> strategyFault(Strategies.linear().interval(i), "strategy.interval"));
        Arbitrary<Fault> rollingMin = Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(-1), Arbitraries.integers().greaterOrEqual(101))
                .map(m -> strategyFault(Strategies.rolling().minHealthyPercent(m).maxPercent(200), "strategy.minHealthyPercent"));
        Arbitrary<Fault> rollingMax = Combinators.combine(
                        Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(99), Arbitraries.integers().greaterOrEqual(201)),
                        Arbitraries.integers().between(0, 99))
                .as((max, min) -> strategyFault(Strategies.rolling().minHealthyPercent(min).maxPercent(max), "strategy.maxPercent"));
        return Arbitraries.oneOf(outOfRange, duplicate, swapped, notEnding, empty, canaryBake, allAtOnceBake, blueGreen,
                linearStep, linearInterval, rollingMin, rollingMax);
    }

    static Fault canaryFault(List<Integer> steps, String path) {
        return strategyFault(new Canary(steps, Duration.ofMinutes(1), Strategies.canary().analysis()), path);
    }

    static Fault strategyFault(Strategy strategy, String path) {
        return Fault.of(strategy.toString(), d -> d.strategy = strategy, path);
    }

    @Provide
    static Arbitrary<String> invalidRegions() {
        return Arbitraries.oneOf(
                Arbitraries.of("", "US-EAST-1", "us-east", "useast1", "us_east_1", "us-east-1a", "us-east-1 ", "eu-central-", "-east-1",
                        "u-east-1", "usa-east-1", "us-east-one"),
                validRegions().map(String::toUpperCase),
                validRegions().map(r -> r + "x"),
                validRegions().map(r -> r.replace('-', '_')));
    }

    @Provide
    static Arbitrary<String> invalidNamespaces() {
        return Arbitraries.oneOf(
                Arbitraries.of("", ".", "a..b", "a.", ".a", "-a.local", "a-.local", "a_b.local", "a b.local", "internal.local."),
                validNamespaces().map(n -> n + "."),
                validNamespaces().map(n -> "-" + n),
                validNamespaces().map(n -> n + ".-x"),
                validNamespaces().map(n -> n + "." + "a".repeat(64)),
                validNamespaces().map(n -> (n + ".").repeat(260 / (n.length() + 1) + 1) + "z"),
                Combinators.combine(validNamespaces(), Arbitraries.of('_', ' ', '!', '/', '*')).as((n, c) -> c + n));
    }

    @Provide
    static Arbitrary<Fault> environmentFaults() {
        return Arbitraries.oneOf(
                invalidRegions().map(r -> Fault.of("region '" + r + "'", d -> d.region = r, "environment.region")),
                invalidNamespaces().map(n -> Fault.of("namespace '" + n + "'", d -> d.namespace = n, "environment.namespace")),
                invalidNames().map(n -> Fault.of("environment name '" + n + "'", d -> d.envName = n, "environment.name")));
    }

    // ------------------------------------------------------------------------------------------
    // Properties
    // ------------------------------------------------------------------------------------------

    @Property
    @Label("every valid specification builds, and its values are kept")
    void validSpecsBuild(@ForAll("validDrafts") Draft d) {
        Service service = d.service().build();
        Environment environment = d.environment().build();
        Release release = Release.of(service).to(environment).strategy(d.strategy).build();
        assertThat(release.service()).isEqualTo(service);
        assertThat(service.name()).isEqualTo(d.name);
        assertThat(service.image().toString()).isEqualTo(d.image);
        assertThat(service.cpu()).isEqualTo(d.cpu);
        assertThat(service.memoryMiB()).isEqualTo(d.memory);
        assertThat(service.env()).isEqualTo(d.env);
        assertThat(service.secrets()).isEqualTo(d.secrets);
        assertThat(environment.region()).isEqualTo(d.region);
        assertThat(environment.namespace()).isEqualTo(d.namespace);
        assertThat(service.toBuilder().build()).isEqualTo(service);
        assertThat(environment.toBuilder().build()).isEqualTo(environment);
        assertThat(release.toBuilder().build()).isEqualTo(release);
    }

    @Property(tries = 1000)
    @Label("names: 1-63 lowercase letters, digits, hyphens, starting with a letter, not ending with a hyphen")
    void validNamesBuildEverywhere(@ForAll("validNames") String name) {
        Service s = Service.named(name).image("orders:1").build();
        Environment e = Environment.named(name).region("us-east-1").build();
        assertThat(s.name()).isEqualTo(name);
        assertThat(e.name()).isEqualTo(name);
        assertThat(Environment.named("prod").region("us-east-1").promotedFrom(name).build().promotedFrom()).contains(name);
    }

    @Property
    @Label("invalid service names are reported at service.name, and only there")
    void invalidServiceNames(@ForAll("validDrafts") Draft d, @ForAll("invalidNames") String name) {
        assertReportedExactly(d, Fault.of("name '" + name + "'", x -> x.name = name, "service.name"));
        assertThat(name.length() <= 63 && name.matches("[a-z]([a-z0-9-]*[a-z0-9])?")).isFalse();
    }

    @Property
    @Label("valid image references parse back to themselves")
    void validImages(@ForAll("validImages") String image) {
        ImageRef ref = ImageRef.parse(image);
        assertThat(ref.toString()).isEqualTo(image);
        assertThat(ref.isPinned()).isEqualTo(image.contains("@"));
        assertThat(Service.named("orders").image(image).build().image()).isEqualTo(ref);
    }

    @Property
    @Label("images: bad grammar, 'latest', no tag, or tag-only under requireImageDigest are reported at service.image")
    void imageFaults(@ForAll("validDrafts") Draft d, @ForAll("imageFaults") Fault f) {
        assertReportedExactly(d, f);
    }


    @Property
    @Label("requireImageDigest accepts every digest-pinned image")
    void digestPinnedImagesPassRequireDigest(@ForAll("validDrafts") Draft d, @ForAll("digests") String digest) {
        Draft x = d.copy();
        x.image = ImageRef.parse(d.image).toString().replaceFirst("@sha256:.*$", "") + "@" + digest;
        x.requireDigest = true;
        assertThat(releasePaths(x)).isEmpty();
    }

    @Property(tries = 1000)
    @Label("Fargate: a cpu/memory pair builds exactly when the table allows it")
    void fargateTableIsExact(@ForAll("cpus") int cpu, @ForAll("memories") int memory) {
        Set<String> paths = problemPaths(() -> Service.named("orders").image("orders:1").cpu(cpu).memoryMiB(memory).build());
        if (fargateAllows(cpu, memory)) {
            assertThat(paths).isEmpty();
        } else {
            assertThat(paths).containsExactly(FARGATE_CPUS.contains(cpu) ? "service.memoryMiB" : "service.cpu");
        }
    }

    @Provide
    Arbitrary<Integer> cpus() {
        return Arbitraries.oneOf(Arbitraries.of(FARGATE_CPUS), Arbitraries.integers().between(-1, 20_000),
                Arbitraries.of(FARGATE_CPUS).map(c -> c + 1), Arbitraries.of(FARGATE_CPUS).map(c -> c / 2 * 3));
    }

    @Provide
    Arbitrary<Integer> memories() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 260).map(i -> i * 512),
                Arbitraries.integers().between(0, 130_000), Arbitraries.integers().between(0, 30).map(i -> i * 4096));
    }

    @Property
    @Label("size and port faults are reported at service.cpu / service.memoryMiB / service.port")
    void sizeAndPortFaults(@ForAll("validDrafts") Draft d, @ForAll("sizeOrPortFaults") Fault f) {
        assertReportedExactly(d, f);
    }

    @Provide
    static Arbitrary<Fault> sizeOrPortFaults() {
        return Arbitraries.oneOf(sizeFaults(), portFaults());
    }

    @Property
    @Label("env var names: [A-Za-z_][A-Za-z0-9_]*, reported at service.env.<name>")
    void envVarNameFaults(@ForAll("validDrafts") Draft d, @ForAll("envVarFaults") Fault f) {
        assertReportedExactly(d, f);
    }

    @Provide
    static Arbitrary<Fault> envVarFaults() {
        return Arbitraries.oneOf(envNameFaults(), envAndSecretFaults());
    }

    @Property
    @Label("a literal under a secret-looking name points to .secret(...) and never echoes the value")
    void secretLookingLiterals(@ForAll("validDrafts") Draft d, @ForAll("secretLookingNames") String name,
                               @ForAll("secretValues") String value) {
        Draft x = d.copy();
        x.env.put(name, value);
        for (Runnable build : List.<Runnable>of(() -> x.service().build(), () -> x.release().build())) {
            assertThatThrownBy(build::run).isInstanceOfSatisfying(ValidationException.class, e -> {
                assertThat(e.getMessage()).doesNotContain(value);
                assertThat(e.toString()).doesNotContain(value);
                assertThat(e.problems()).allSatisfy(p -> {
                    assertThat(p.toString()).doesNotContain(value);
                    assertThat(String.valueOf(p.value())).doesNotContain(value);
                });
                assertThat(e.problems()).filteredOn(p -> p.path().equals(entry("service.env", name)))
                        .singleElement().satisfies(p -> assertThat(p.message()).contains(".secret(\"" + name + "\""));
                assertThat(e.problems()).extracting(Problem::path).containsOnly(entry("service.env", name));
            });
        }
    }

    @Property
    @Label("secret references: a Secrets Manager name or ARN with an optional JSON key suffix")
    void secretRefs(@ForAll("validDrafts") Draft d, @ForAll("validSecretRefs") String valid, @ForAll("secretRefFaults") Fault f) {
        Draft ok = d.copy();
        ok.secrets.put("R_VALID", valid);
        assertThat(releasePaths(ok)).isEmpty();
        assertReportedExactly(d, f);
    }


    @Property
    @Label("health checks: path, interval, timeout, retries, start period")
    void healthCheckFaults(@ForAll("validDrafts") Draft d, @ForAll("healthCheckFaults") Fault f) {
        assertReportedExactly(d, f);
        Draft x = d.copy();
        f.apply().accept(x);
        Set<String> standalone = problemPaths(() -> HealthCheck.builder().path(x.hcPath).interval(x.interval)
                .timeout(x.timeout).retries(x.retries).startPeriod(x.startPeriod).build());
        assertThat(standalone).isEqualTo(f.paths().stream().map(p -> p.replace("service.", ""))
                .collect(Collectors.toCollection(TreeSet::new)));
    }


    @Property
    @Label("scaling: min <= max, target 1-100")
    void scalingFaults(@ForAll("validDrafts") Draft d, @ForAll("scalingFaults") Fault f) {
        assertReportedExactly(d, f);
    }


    @Property
    @Label("strategies: canary steps, bakes, linear step and interval, rolling percentages")
    void strategyFaults(@ForAll("validDrafts") Draft d, @ForAll("strategyFaults") Fault f) {
        assertReportedExactly(d, f);
    }


    @Property
    @Label("environments: region like us-east-1, namespace a DNS name, valid name")
    void environmentFaults(@ForAll("validDrafts") Draft d, @ForAll("environmentFaults") Fault f) {
        assertReportedExactly(d, f);
    }


    // ------------------------------------------------------------------------------------------
    // Issue 10 item 7: nulls, overflowing durations, thresholds that cannot pass, ECS sizes,
    // URL-path-only health checks, readable and secret-free echoes
    // ------------------------------------------------------------------------------------------

    /** Characters RFC 3986 §3.3 allows in a path segment (pchar), less the apostrophe Cutover quotes with. */
    static final String PCHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&()*+,;=:@";

    static boolean isUrlPath(String path) {
        if (path.isEmpty() || path.charAt(0) != '/' || path.length() > 1024) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%') {
                if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0 || Character.digit(path.charAt(i + 2), 16) < 0) {
                    return false;
                }
                i += 2;
            } else if (c != '/' && PCHARS.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    @Provide
    static Arbitrary<String> anyHealthPaths() {
        Arbitrary<String> urlish = Arbitraries.strings().withChars(PCHARS + "/%?#'\" \\`<>{}|^[]\t\n").ofMaxLength(40)
                .map(t -> "/" + t);
        Arbitrary<String> anything = Arbitraries.strings().all().ofMaxLength(20).map(t -> "/" + t);
        Arbitrary<String> attacks = Arbitraries.of("/h;touch$IFS/x", "/h?a=1&b=2", "/h&id", "/h$(id)", "/h`id`", "/h'x", "/h|id",
                "/h%2", "/h%zz", "/h%2F", "/ok/path-1_~.html", "/a:b@c", "/h\nid");
        return Arbitraries.oneOf(urlish, anything, attacks);
    }

    @Property(tries = 1000)
    @Label("health-check path: only URL path characters (RFC 3986 pchar and '/'), reported at service.healthCheck.path")
    void healthPathsAreUrlPaths(@ForAll("anyHealthPaths") String path) {
        Set<String> paths = problemPaths(() -> Service.named("orders").image("repo/orders:1.0.0").healthCheck(h -> h.path(path)).build());
        assertThat(paths).as(path).isEqualTo(isUrlPath(path) ? Set.of() : Set.of("service.healthCheck.path"));
    }

    /** Every Duration setter of the DSL, as a way to build a release with {@code d} in that field, and the field's path. */
    record DurationField(String path, java.util.function.BiFunction<Draft, Duration, Release.Builder> apply) {
        @Override
        public String toString() {
            return path;
        }
    }

    static final List<DurationField> DURATION_FIELDS = List.of(
            new DurationField("service.healthCheck.interval", (d, x) -> { d.interval = x; return d.release(); }),
            new DurationField("service.healthCheck.timeout", (d, x) -> { d.timeout = x; return d.release(); }),
            new DurationField("service.healthCheck.startPeriod", (d, x) -> { d.startPeriod = x; return d.release(); }),
            new DurationField("service.preDeploy.timeout", (d, x) -> Release.of(d.service().preDeploy(Hook.command("./migrate").timeout(x))
                    .buildUnchecked()).to(d.environment().buildUnchecked()).strategy(d.strategy)),
            new DurationField("service.smokeTest.timeout", (d, x) -> Release.of(d.service().smokeTest(Hook.command("./smoke").timeout(x))
                    .buildUnchecked()).to(d.environment().buildUnchecked()).strategy(d.strategy)),
            new DurationField("environment.approvalTimeout", (d, x) -> Release.of(d.service().buildUnchecked())
                    .to(d.environment().requireApproval().approvalTimeout(x).buildUnchecked()).strategy(d.strategy)),
            new DurationField("strategy.bake", (d, x) -> { d.strategy = Strategies.canary().bake(x); return d.release(); }),
            new DurationField("strategy.interval", (d, x) -> { d.strategy = Strategies.linear().interval(x); return d.release(); }),
            new DurationField("strategy.previewBake", (d, x) -> { d.strategy = Strategies.blueGreen().previewBake(x); return d.release(); }),
            new DurationField("strategy.analysis.interval", (d, x) -> {
                d.strategy = Strategies.canary().analysis(a -> a.interval(x));
                return d.release();
            }),
            new DurationField("strategy.analysis.initialDelay", (d, x) -> {
                d.strategy = Strategies.canary().analysis(a -> a.initialDelay(x));
                return d.release();
            }),
            new DurationField("strategy.analysis.progressDeadline", (d, x) -> {
                d.strategy = Strategies.canary().analysis(a -> a.progressDeadline(x));
                return d.release();
            }),
            new DurationField("strategy.analysis.gates[0].threshold", (d, x) -> {
                d.strategy = Strategies.canary().analysis(a -> a.p99LatencyBelow(x));
                return d.release();
            }));

    @Provide
    static Arbitrary<Duration> extremeDurations() {
        return Arbitraries.oneOf(
                Arbitraries.of(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999), Duration.ofSeconds(Long.MIN_VALUE),
                        Duration.ofSeconds(Long.MAX_VALUE / 1000 + 1), Duration.ofSeconds(Long.MIN_VALUE / 1000 - 1),
                        Duration.ofNanos(Long.MAX_VALUE).plusNanos(1), Duration.ofMillis(Long.MAX_VALUE).plusMillis(1),
                        Duration.ofNanos(-1), Duration.ZERO),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs().between(0, 999_999_999)).as(Duration::ofSeconds));
    }

    @Property(tries = 600)
    @Label("durations that overflow (or are absurd) are problems at their path, never an ArithmeticException")
    void overflowingDurationsAreProblems(@ForAll("validDrafts") Draft d, @ForAll("extremeDurations") Duration x) {
        for (DurationField field : DURATION_FIELDS) {
            Release.Builder b = field.apply().apply(d.copy(), x);
            Set<String> paths = problemPaths(b::build);
            assertThat(paths).as("%s = %s", field, x).isSubsetOf(new TreeSet<>(List.of(field.path(), "service.healthCheck.timeout",
                    "strategy.analysis.gates[0].threshold")));
            boolean huge = x.compareTo(Duration.ofDays(7)) > 0 || x.isNegative();
            if (huge) {
                assertThat(paths).as("%s = %s", field, x).contains(field.path());
            }
        }
    }

    @Property
    @Label("a gate threshold that can never pass (<= 0 for 'below', an error rate >= 1 for 'above') is a problem")
    void thresholdsThatCanNeverPass(@ForAll("validDrafts") Draft d, @ForAll("gateThresholds") double t) {
        String at = "strategy.analysis.gates[0].threshold";
        Map<dev.cutover.analysis.MetricGate, Boolean> gates = Map.of(
                dev.cutover.analysis.MetricGate.errorRateBelow(t), t <= 0 || t > 1,
                gate(dev.cutover.analysis.MetricQuery.Kind.ERROR_RATE, dev.cutover.analysis.MetricGate.Comparison.ABOVE, t), t < 0 || t >= 1,
                gate(dev.cutover.analysis.MetricQuery.Kind.LATENCY_P99, dev.cutover.analysis.MetricGate.Comparison.BELOW, t),
                t <= 0 || t > 86_400_000,
                gate(dev.cutover.analysis.MetricQuery.Kind.REQUEST_RATE, dev.cutover.analysis.MetricGate.Comparison.BELOW, t), t <= 0,
                new dev.cutover.analysis.MetricGate("custom", dev.cutover.analysis.MetricQuery.custom("avg:x{*}"),
                        dev.cutover.analysis.MetricGate.Comparison.BELOW, t), false);
        gates.forEach((g, never) -> {
            Draft x = d.copy();
            x.strategy = Strategies.canary().analysis(a -> a.gate(g));
            assertThat(releasePaths(x)).as("%s", g).isEqualTo(never ? Set.of(at) : Set.of());
        });
    }

    static dev.cutover.analysis.MetricGate gate(dev.cutover.analysis.MetricQuery.Kind kind,
            dev.cutover.analysis.MetricGate.Comparison comparison, double t) {
        return dev.cutover.analysis.MetricGate.of(kind.name(), dev.cutover.analysis.MetricQuery.of(kind), comparison, t);
    }

    @Property(tries = 200)
    @Label("ECS sizes: env and secrets fit a 64 KiB task definition; a hook's command fits RunTask's 8192-character overrides")
    void ecsSizes(@ForAll("validDrafts") Draft d, @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 120) int kib,
            @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 12_000) int commandChars) {
        Draft x = d.copy();
        x.env.clear();
        x.secrets.clear();
        String value = "v".repeat(1024 - 32);   // one KiB per variable with its JSON frame
        for (int i = 0; i < kib; i++) {
            x.env.put("V" + i, value);
        }
        long bytes = x.image.length() + x.env.entrySet().stream()
                .mapToLong(e -> e.getKey().length() + e.getValue().length() + "{\"name\":\"\",\"value\":\"\"},".length()).sum();
        boolean fits = bytes <= 56 * 1024;   // 64 KiB less the 8 KiB Cutover keeps for its own parts
        assertThat(releasePaths(x)).as("%d bytes", bytes).isEqualTo(fits ? Set.of() : Set.of("service.env"));

        String[] words = {"./migrate", "x".repeat(commandChars)};
        long json = "{\"containerOverrides\":[{\"name\":\"app\",\"command\":[]}]}".length() + words[0].length() + 3 + commandChars + 3;
        Set<String> hookPaths = problemPaths(() -> d.copy().service().preDeploy(Hook.command(words)).build());
        assertThat(hookPaths).as("%d chars", json).isEqualTo(json <= 8192 ? Set.of() : Set.of("service.preDeploy.command"));
    }

    @Provide
    static Arbitrary<String> validEnvVarNames() {
        return envVarNames("V");
    }

    @Provide
    static Arbitrary<String> notReferences() {
        return invalidSecretRefs().filter(r -> r.length() >= 12);
    }

    @Property(tries = 300)
    @Label("a null names its field path and the fix: service.env[\"<name>\"] must not be null; ...")
    void nullsNameTheirPath(@ForAll("validEnvVarNames") String name) {
        Map<String, Runnable> calls = new LinkedHashMap<>();
        calls.put(entry("service.env", name), () -> Service.named("orders").env(name, null));
        calls.put(entry("service.secrets", name), () -> Service.named("orders").secret(name, null));
        calls.put(entry("service.config", name), () -> Service.named("orders").config(name, null));
        Map<String, String> withNull = new java.util.HashMap<>();
        withNull.put("OK", "1");
        withNull.put(name, null);
        calls.put(entry("service.env", name) + " ", () -> Service.named("orders").env(withNull));
        calls.put(entry("environment.overrides[\"orders\"].env", name), () -> Environment.named("prod")
                .override("orders", o -> o.env(name, null)));
        calls.put("service.healthCheck.path", () -> Service.named("orders").healthCheck(h -> h.path(null)));
        calls.put("hook.command[1]", () -> Hook.command("./migrate", null));
        calls.forEach((path, call) -> assertThatThrownBy(call::run).as(path).isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith(path.strip() + " must not be null; "));
        // a map with a null entry changes nothing: the builder is left as it was
        Service.Builder b = Service.named("orders").image("repo/orders:1.0.0").env("KEEP", "1");
        assertThatThrownBy(() -> b.env(withNull)).isInstanceOf(NullPointerException.class);
        assertThat(b.build().env()).containsOnlyKeys("KEEP");
    }

    @Provide
    static Arbitrary<String> longValues() {
        return Arbitraries.strings().all().ofMinLength(65).ofMaxLength(20_000);
    }

    @Property(tries = 300)
    @Label("echoed values are cut to a readable length; a value where a secret reference belongs is never echoed")
    void echoesAreShortAndNeverSecret(@ForAll("validDrafts") Draft d, @ForAll("longValues") String value,
            @ForAll("notReferences") String notARef) {
        Draft x = d.copy();
        x.image = "Repo/" + value;                 // an invalid image, echoed
        x.secrets.put("DB_PASSWORD", notARef);      // not a reference: may be the secret itself
        try {
            x.release().build();
            throw new AssertionError("expected a ValidationException");
        } catch (ValidationException e) {
            for (Problem p : e.problems()) {
                assertThat(p.value() == null ? "" : p.value()).hasSizeLessThanOrEqualTo(64);
            }
            assertThat(e.problems()).filteredOn(p -> p.path().equals(entry("service.secrets", "DB_PASSWORD")))
                    .singleElement().satisfies(p -> assertThat(p.value()).isEqualTo("(hidden)"));
            assertThat(e.getMessage()).doesNotContain(notARef).doesNotContain(value);
        }
    }

    @Provide
    static Arbitrary<Double> gateThresholds() {
        return Arbitraries.oneOf(Arbitraries.doubles().between(-1e6, 1e6), Arbitraries.of(0.0, -0.0, Double.MIN_VALUE, 1.0,
                -Double.MIN_VALUE, 0.5, 1e-9, -1e-9, 2.0));
    }

    @Property(tries = 400)
    @Label("several faults in one specification are all reported at once, and nothing else is")
    void allProblemsAtOnce(@ForAll("validDrafts") Draft d, @ForAll("severalFaults") List<Fault> faults) {
        Draft x = d.copy();
        Set<String> expected = new TreeSet<>();
        for (Fault f : faults) {
            f.apply().accept(x);
            expected.addAll(f.paths());
        }
        assertThat(releasePaths(x)).isEqualTo(expected);
    }

    /** One optional fault per independent slot of the specification; at least two are applied. */
    @Provide
    Arbitrary<List<Fault>> severalFaults() {
        List<Arbitrary<Fault>> slots = List.of(nameFaults(), imageFaults(), portFaults(), envNameFaults(),
                secretLiteralFaults(), envAndSecretFaults(), secretRefFaults(), healthCheckFaults(), scalingFaults(),
                strategyFaults(), invalidRegions().map(r -> Fault.of("region " + r, d -> d.region = r, "environment.region")),
                invalidNamespaces().map(n -> Fault.of("namespace " + n, d -> d.namespace = n, "environment.namespace")));
        Arbitrary<List<Boolean>> mask = Arbitraries.of(true, false).list().ofSize(slots.size())
                .filter(m -> m.stream().filter(b -> b).count() >= 2);
        return Combinators.combine(Combinators.combine(slots).as(List::copyOf), mask).as((all, on) -> {
            List<Fault> chosen = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                if (on.get(i)) {
                    chosen.add(all.get(i));
                }
            }
            return List.copyOf(chosen);
        });
    }
}

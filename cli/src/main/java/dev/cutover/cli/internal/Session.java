package dev.cutover.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.Cutover;
import dev.cutover.Release;
import dev.cutover.aws.AwsProvider;
import dev.cutover.aws.AwsProviderFactory;
import dev.cutover.datadog.DatadogMetricSource;
import dev.cutover.event.ConsoleProgress;
import dev.cutover.journal.FileJournalStore;
import dev.cutover.localcloud.Datadog;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.SimClock;
import dev.cutover.locks.FileLocks;
import dev.cutover.spi.ProviderConfig;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One command's Cutover: the providers (AWS, an embedded local cloud, or a running local cloud),
 * the scheduler that matches them, and the state directory (file journal and file locks) that later
 * commands in other processes read.
 */
public final class Session implements AutoCloseable {

    /** The account the local cloud's ARNs use. */
    public static final String LOCAL_ACCOUNT = "123456789012";

    /** Where a command's providers are, as the command line said. */
    public record Target(boolean embeddedLocalCloud, URI localCloud, String region, String profile, URI endpoint) {
    }

    /** Thrown when the provider (or the local cloud it names) cannot be reached at all. */
    public static final class UnreachableException extends RuntimeException {
        public UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Cutover cutover;
    private final LocalCloud embedded;
    private final SimClock embeddedClock;
    private final String description;

    private Session(Cutover cutover, LocalCloud embedded, SimClock embeddedClock, String description) {
        this.cutover = cutover;
        this.embedded = embedded;
        this.embeddedClock = embeddedClock;
        this.description = description;
    }

    public Cutover cutover() {
        return cutover;
    }

    /** Where it deploys, in words for the progress lines. */
    public String description() {
        return description;
    }

    /**
     * Opens a session.
     *
     * @param releases the releases the command will plan (an embedded local cloud holds their images and the secrets they reference)
     */
    public static Session open(Target target, Path stateDir, PrintStream progress, List<Release> releases,
            Function<String, String> settings) {
        FileJournalStore journal = new FileJournalStore(stateDir.resolve("journal"));
        Cutover.Builder b = Cutover.builder().journal(journal).listener(new ConsoleProgress(progress))
                .discoverProviders(false);
        String deployer = "cutover-cli@" + host() + "/" + ProcessHandle.current().pid();
        b.deployer(deployer);
        if (target.embeddedLocalCloud()) {
            Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            VirtualScheduler time = Scheduler.virtual(start);
            SimClock clock = SimClock.virtual(start);
            time.onAdvance((from, to) -> {
                if (to.isAfter(clock.instant())) {
                    clock.advance(Duration.between(clock.instant(), to));
                }
            });
            LocalCloud cloud = LocalCloud.builder().clock(clock).start();
            for (Release r : releases) {
                seedSecrets(cloud, r);
                cloud.images().push(r.service().image().toString());   // what CI would have pushed to its ECR
            }
            AwsProvider aws = localAws(cloud.endpoint(), time.clock(), time::sleep);
            b.provider(aws).scheduler(time).locks(new FileLocks(stateDir.resolve("locks"), time.clock()))
                    .metrics(localDatadog(cloud.endpoint(), time));
            return new Session(b.build(), cloud, clock, "the embedded local cloud (virtual time) at " + cloud.endpoint());
        }
        if (target.localCloud() != null) {
            URI endpoint = target.localCloud();
            JsonNode clockState = admin(endpoint, "GET", "clock");
            Instant now = Instant.parse(clockState.path("now").asText());
            Scheduler time;
            AwsProvider aws;
            if (clockState.path("virtual").asBoolean()) {
                VirtualScheduler v = Scheduler.virtual(now);
                RemoteClock remote = new RemoteClock(endpoint, now);
                v.onAdvance((from, to) -> remote.advanceTo(to));
                aws = localAws(endpoint, v.clock(), v::sleep);
                time = v;
            } else {
                double speed = clockState.path("speed").asDouble(1.0);
                Clock server = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), now));
                Scheduler.SystemScheduler s = Scheduler.accelerated(server, speed);
                aws = localAws(endpoint, s.clock(), d -> Thread.sleep(Math.max(1, (long) (d.toMillis() / speed))));
                time = s;
            }
            b.provider(aws).scheduler(time).locks(new FileLocks(stateDir.resolve("locks"), time.clock()))
                    .metrics(localDatadog(endpoint, time));
            return new Session(b.build(), null, null, "the local cloud at " + endpoint
                    + (time.isVirtual() ? " (virtual time)" : ""));
        }
        Map<String, String> overrides = new HashMap<>();
        if (target.region() != null) {
            overrides.put("aws.region", target.region());
        }
        if (target.profile() != null) {
            overrides.put("aws.profile", target.profile());
        }
        if (target.endpoint() != null) {
            overrides.put("aws.endpoint", target.endpoint().toString());
        }
        ProviderConfig system = ProviderConfig.system();
        ProviderConfig config = k -> overrides.containsKey(k) ? overrides.get(k) : settings.apply(k) != null
                ? settings.apply(k) : system.get(k);
        b.provider(new AwsProviderFactory().create(config)).providerConfig(config)
                .locks(new FileLocks(stateDir.resolve("locks"), Clock.systemUTC()));
        if (System.getenv("DD_API_KEY") != null) {
            b.metrics(DatadogMetricSource.builder().fromEnvironment().build());
        }
        return new Session(b.build(), null, null, "AWS" + (target.region() != null ? " " + target.region() : ""));
    }

    private static AwsProvider localAws(URI endpoint, Clock clock, dev.cutover.aws.Sleeper sleeper) {
        return AwsProvider.builder()
                .region("us-east-1").endpointOverride(endpoint)
                .credentials(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local")))
                .accountId(LOCAL_ACCOUNT).subnets("subnet-0a1b2c3d").securityGroups("sg-0a1b2c3d").vpcId("vpc-0a1b2c3d")
                .executionRole("arn:aws:iam::" + LOCAL_ACCOUNT + ":role/ecsTaskExecutionRole")
                .clock(clock).sleeper(sleeper)
                .build();
    }

    private static DatadogMetricSource localDatadog(URI endpoint, Scheduler time) {
        return DatadogMetricSource.builder().uri(endpoint).scheduler(time)
                .apiKey(Datadog.DEFAULT_API_KEY).applicationKey(Datadog.DEFAULT_APPLICATION_KEY).build();
    }

    /** The embedded cloud starts empty: it holds a placeholder for every secret the release references by name (and its image, pushed above). */
    private static void seedSecrets(LocalCloud cloud, Release r) {
        java.util.Set<String> refs = new java.util.TreeSet<>(r.service().secrets().values());
        r.service().logs().or(() -> r.environment().logs()).ifPresent(l -> {
            if (l instanceof dev.cutover.Logs.Datadog d) {
                refs.add(d.apiKeySecret());
            }
        });
        for (String ref : refs) {
            if (!ref.startsWith("arn:")) {
                cloud.secrets().createSecret(ref, "local-cloud placeholder");
            }
        }
    }

    /** Calls the local cloud's admin endpoint ({@code /_localcloud/<path>}). */
    static JsonNode admin(URI endpoint, String method, String path) {
        URI uri = endpoint.resolve("/_localcloud/" + path);
        try {
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build();
            HttpResponse<String> res = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                throw new UnreachableException("the local cloud at " + endpoint + " answered " + res.statusCode()
                        + " to " + method + " " + uri.getPath() + ": " + res.body(), null);
            }
            return MAPPER.readTree(res.body());
        } catch (IOException e) {
            throw new UnreachableException("could not reach the local cloud at " + endpoint + " (" + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted while calling the local cloud at " + endpoint, e);
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Moves a running local cloud's virtual clock along with this process's virtual time (whole seconds, the rest carried). */
    private static final class RemoteClock {
        private final URI endpoint;
        private Instant remote;

        RemoteClock(URI endpoint, Instant remote) {
            this.endpoint = endpoint;
            this.remote = remote;
        }

        synchronized void advanceTo(Instant to) {
            long seconds = Duration.between(remote, to).getSeconds();
            if (seconds > 0) {
                admin(endpoint, "POST", "clock/advance?seconds=" + seconds);
                remote = remote.plusSeconds(seconds);
            }
        }
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    @Override
    public void close() {
        cutover.close();
        if (embedded != null) {
            embedded.close();
            embeddedClock.close();
        }
    }
}

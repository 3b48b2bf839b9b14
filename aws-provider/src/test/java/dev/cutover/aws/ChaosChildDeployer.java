package dev.cutover.aws;

import dev.cutover.Deployment;
import dev.cutover.locks.FileLocks;
import dev.cutover.Release;
import dev.cutover.journal.FileJournalStore;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * The deployer of a chaos seed run in a child JVM: it deploys version 2 of the seed's service on the
 * parent's local cloud (the parent holds the cloud and its virtual clock; this process moves that
 * clock through the admin endpoint as its own virtual time passes), journals to a file and locks
 * with {@link FileLocks}. Before its crash-point AWS call it prints {@code CRASH-POINT} and waits to
 * be killed ({@code kill -9}, by the parent); a run that ends first prints {@code DONE <status>}.
 *
 * <p>Arguments: endpoint, mode, seed, journal directory, lock directory, crash-point call, start instant.
 */
public final class ChaosChildDeployer {

    private ChaosChildDeployer() {
    }

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        ChaosWorld.Mode mode = ChaosWorld.Mode.valueOf(args[1]);
        long seed = Long.parseLong(args[2]);
        Path journalDir = Path.of(args[3]);
        Path lockDir = Path.of(args[4]);
        long crashAt = Long.parseLong(args[5]);
        Instant start = Instant.parse(args[6]);
        PrintStream out = System.out;
        HttpClient http = HttpClient.newHttpClient();
        long[] pushed = {0};
        ChaosProcess[] self = new ChaosProcess[1];
        ChaosProcess p = new ChaosProcess("child-" + seed, endpoint, start, (from, to) -> {
            long seconds = Duration.between(start, to).getSeconds() - pushed[0];
            if (seconds > 0) {
                advance(http, endpoint, seconds);
                pushed[0] += seconds;
            }
        }, () -> {
            out.println("CRASH-POINT " + crashAt);
            out.flush();
            try {
                new CountDownLatch(1).await(); // the parent kills this process here
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, new FileJournalStore(journalDir), new ArrayList<>(), null, b -> b.environment(ChaosWorld.environment(mode)),
                (time, c) -> ChaosWorld.engine(c, time, endpoint).locks(new FileLocks(lockDir, time.clock())));
        self[0] = p;
        p.crashBeforeCall(crashAt);
        ChaosWorld.Plan plan = ChaosWorld.Plan.draw(seed, false, 0);
        Deployment d = p.cutover.apply(p.cutover.plan(Release.of(ChaosWorld.service(plan, "2.0.0", plan.hook()))
                .to(ChaosWorld.environment(mode)).strategy(ChaosWorld.strategy()).build()));
        out.println("DEPLOYMENT " + d.id());
        out.flush();
        ChaosWorld.drive(p, d);
        out.println("DONE " + d.status());
        out.flush();
        System.exit(0);
    }

    private static void advance(HttpClient http, URI endpoint, long seconds) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint.resolve("/_localcloud/clock/advance?seconds=" + seconds))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("the cloud's clock did not move: " + r.statusCode() + " " + r.body());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package dev.cutover.locks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.spi.LockHeldException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 2: {@link FileLocks} never lets two deployers win one race, across processes and
 * threads, when the lock is free and when an expired lease is taken over. Four child JVMs (started
 * with this test's class path) of two threads each race through the same {@value #RACES} fresh keys
 * in the same order; half the keys begin with an expired lease of a dead deployer, so half the races
 * are takeovers. So that the contenders really collide (and do not drift apart after the start), all
 * eight meet at a barrier (files in a shared directory) before every {@value #BATCH} keys. Every key
 * must end with exactly one winner.
 *
 * <p>The outcome does not depend on timing: a correct lock gives one winner per key however the
 * contenders interleave, and load only changes how often they collide. More races:
 * {@code -Dcutover.lockRaces=100000}.
 */
class FileLocksRaceTest {

    static final int RACES = Integer.getInteger("cutover.lockRaces", 10_000);
    static final int PROCESSES = 4;
    static final int THREADS = 2;
    static final int BATCH = 10;

    @TempDir
    Path dir;

    @Test
    void tenThousandRacesAcrossFourProcessesHaveExactlyOneWinnerEach() throws Exception {
        Path locks = Files.createDirectories(dir.resolve("locks"));
        for (int i = 0; i < RACES; i += 2) {
            // a dead deployer's lease, long expired: these races are takeovers
            Files.writeString(locks.resolve("race-" + i + ".lock"),
                    "{\"owner\":\"dead\",\"since\":\"2020-01-01T00:00:00Z\",\"expires\":\"2020-01-01T00:01:00Z\"}");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        for (int p = 0; p < PROCESSES; p++) {
            children.add(new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), Racer.class.getName(),
                    dir.toString(), String.valueOf(p), String.valueOf(RACES), String.valueOf(THREADS))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("out-" + p + ".txt").toFile()).start());
        }
        for (int p = 0; p < PROCESSES; p++) {
            awaitFile(dir.resolve("ready-" + p), children.get(p));
        }
        Files.writeString(dir.resolve("go"), "go");
        for (int p = 0; p < PROCESSES; p++) {
            Process c = children.get(p);
            assertThat(c.waitFor(5, TimeUnit.MINUTES)).as("racer %d finished", p).isTrue();
            assertThat(c.exitValue()).as("racer %d: %s", p, Files.readString(dir.resolve("out-" + p + ".txt"))).isZero();
        }

        Map<Integer, List<String>> winners = new TreeMap<>();
        for (int p = 0; p < PROCESSES; p++) {
            for (String line : Files.readAllLines(dir.resolve("wins-" + p), StandardCharsets.UTF_8)) {
                String[] parts = line.split(" ");
                winners.computeIfAbsent(Integer.parseInt(parts[0]), k -> new ArrayList<>()).add(parts[1]);
            }
        }
        Map<Integer, List<String>> doubles = new TreeMap<>();
        winners.forEach((race, who) -> {
            if (who.size() > 1) {
                doubles.put(race, who);
            }
        });
        assertThat(doubles).as("races with more than one winner").isEmpty();
        assertThat(winners).as("every race has a winner").hasSize(RACES);
    }

    private static void awaitFile(Path file, Process child) throws IOException {
        while (!Files.exists(file)) {
            if (!child.isAlive()) {
                throw new AssertionError("racer died before it was ready: exit " + child.exitValue());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** One racing process: its threads try every key in order and write down the ones they won. */
    static final class Racer {

        /** Waits until all {@code contenders} have arrived in {@code dir}. */
        static void barrier(Path dir, String me, int contenders) throws IOException {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(me), "");
            while (true) {
                try (var arrived = Files.list(dir)) {
                    if (arrived.count() >= contenders) {
                        return;
                    }
                }
                LockSupport.parkNanos(100_000);
            }
        }

        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            int process = Integer.parseInt(args[1]);
            int races = Integer.parseInt(args[2]);
            int threads = Integer.parseInt(args[3]);
            int contenders = PROCESSES * threads;
            List<String> wins = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> racers = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                String owner = "p" + process + "-t" + t;
                // each thread its own FileLocks, as separate deployers in one JVM would have
                FileLocks locks = new FileLocks(dir.resolve("locks"), Clock.systemUTC());
                racers.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < races; i++) {
                            if (i % BATCH == 0) {
                                barrier(dir.resolve("barrier").resolve(String.valueOf(i / BATCH)), owner, contenders);
                            }
                            try {
                                locks.acquire("race-" + i, owner, Duration.ofHours(1));
                                wins.add(i + " " + owner);
                            } catch (LockHeldException lost) {
                                // another deployer won this one
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, owner));
            }
            Files.writeString(dir.resolve("ready-" + process), "ready");
            while (!Files.exists(dir.resolve("go"))) {
                LockSupport.parkNanos(200_000);
            }
            racers.forEach(Thread::start);
            for (Thread t : racers) {
                t.join();
            }
            Files.write(dir.resolve("wins-" + process), wins, StandardCharsets.UTF_8);
            if (!failures.isEmpty()) {
                failures.get(0).printStackTrace();
                System.exit(2);
            }
        }
    }
}

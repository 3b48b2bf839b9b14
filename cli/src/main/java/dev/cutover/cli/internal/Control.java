package dev.cutover.cli.internal;

import dev.cutover.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets {@code pause}, {@code promote}, {@code abort} and {@code approve} in one process reach a
 * deployment another process runs, through the state directory: the running process (apply,
 * rollback, resume) writes {@code control/<id>/owner} (its pid) and watches the folder for
 * {@code *.request} files; it acts on each and renames it {@code .done} (or writes {@code .failed}
 * with the error), which the requesting process waits for.
 */
public final class Control implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Control.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Path dir;
    private final Deployment deployment;
    private final ScheduledExecutorService watcher;

    private Control(Path dir, Deployment deployment) {
        this.dir = dir;
        this.deployment = deployment;
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cutover-cli-control");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts taking requests for {@code deployment}, which this process runs. */
    public static Control serve(Path stateDir, Deployment deployment) {
        Path dir = stateDir.resolve("control").resolve(deployment.id());
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("owner"), Long.toString(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + dir.resolve("owner"), e);
        }
        Control c = new Control(dir, deployment);
        c.watcher.scheduleWithFixedDelay(c::poll, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
        return c;
    }

    private void poll() {
        try (DirectoryStream<Path> requests = Files.newDirectoryStream(dir, "*.request")) {
            for (Path r : requests) {
                String action = Files.readString(r, StandardCharsets.UTF_8).trim();
                String name = r.getFileName().toString().replace(".request", "");
                try {
                    act(action);
                    Files.move(r, dir.resolve(name + ".done"), StandardCopyOption.ATOMIC_MOVE);
                } catch (RuntimeException e) {
                    Files.writeString(dir.resolve(name + ".failed.tmp"), String.valueOf(e.getMessage()), StandardCharsets.UTF_8);
                    Files.move(dir.resolve(name + ".failed.tmp"), dir.resolve(name + ".failed"), StandardCopyOption.ATOMIC_MOVE);
                    Files.deleteIfExists(r);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not read control requests in {}: {}", dir, e.toString());
        }
    }

    private void act(String action) {
        switch (action) {
            case "pause" -> deployment.pause();
            case "resume" -> deployment.resume();
            case "promote" -> deployment.promote();
            case "approve" -> deployment.approve();
            case "abort" -> deployment.abort();
            default -> throw new IllegalArgumentException("unknown action '" + action + "'");
        }
    }

    /** The pid of the live process that runs {@code deploymentId}, if one does. */
    public static Optional<Long> owner(Path stateDir, String deploymentId) {
        Path owner = stateDir.resolve("control").resolve(deploymentId).resolve("owner");
        try {
            long pid = Long.parseLong(Files.readString(owner, StandardCharsets.UTF_8).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Asks the process that runs {@code deploymentId} to {@code action} it and waits up to {@code timeout}
     * for the answer.
     *
     * @throws IllegalStateException when no live process runs it, or it refused (the message says why)
     */
    public static void send(Path stateDir, String deploymentId, String action, Duration timeout) throws InterruptedException {
        if (owner(stateDir, deploymentId).isEmpty()) {
            throw new NotRunningException("no process runs deployment " + deploymentId + " now (its deployer exited or "
                    + "crashed); if it is unfinished, continue it with: cutover resume " + deploymentId);
        }
        Path dir = stateDir.resolve("control").resolve(deploymentId);
        String name = System.currentTimeMillis() + "-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            Path tmp = dir.resolve(name + ".tmp");
            Files.writeString(tmp, action, StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(name + ".request"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write a control request in " + dir, e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(dir.resolve(name + ".done"))) {
                return;
            }
            Path failed = dir.resolve(name + ".failed");
            if (Files.exists(failed)) {
                try {
                    throw new IllegalStateException(Files.readString(failed, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (owner(stateDir, deploymentId).isEmpty()) {
                throw new NotRunningException("the process that ran deployment " + deploymentId
                        + " exited before it took the request");
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new NotRunningException("the process that runs deployment " + deploymentId + " did not take the request within "
                + timeout.toSeconds() + " s");
    }

    /** No live process runs the deployment (or it did not answer). */
    public static final class NotRunningException extends IllegalStateException {
        public NotRunningException(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        watcher.shutdownNow();
        try {
            Files.deleteIfExists(dir.resolve("owner"));
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", dir.resolve("owner"), e.toString());
        }
    }
}

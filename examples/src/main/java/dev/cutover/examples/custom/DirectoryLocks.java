package dev.cutover.examples.custom;

import dev.cutover.spi.LockHeldException;
import dev.cutover.spi.LockManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Deployment locks as lease files in a directory that every deployer can reach (a shared volume,
 * NFS, EFS). One file per key holds the owner, since when, and when the lease expires; every
 * read-modify-write happens under an OS file lock, so deployers on several machines exclude each
 * other, and a holder that dies loses the lock when its lease runs out.
 *
 * <pre>{@code
 * LockManager locks = new DirectoryLocks(Path.of("/mnt/deploy-locks"), Clock.systemUTC());
 * try (LockManager.LockHandle lock = locks.acquire("prod/orders", "alice", Duration.ofMinutes(1))) {
 *     ...
 * }
 * }</pre>
 */
public final class DirectoryLocks implements LockManager {

    /** One JVM may not hold two OS locks on one file: threads of this JVM queue here first. */
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    private final Path directory;
    private final Clock clock;

    public DirectoryLocks(Path directory, Clock clock) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The directory the lease files live in. */
    public Path directory() {
        return directory;
    }

    @Override
    public LockHandle acquire(String key, String owner, Duration lease) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(lease, "lease");
        Instant since = guarded(key, file -> {
            Instant now = clock.instant();
            Optional<Lease> current = read(file);
            if (current.isPresent() && current.get().expires().isAfter(now) && !current.get().owner().equals(owner)) {
                throw new LockHeldException(key, current.get().owner(), current.get().since());
            }
            write(file, new Lease(owner, now, now.plus(lease)));
            return now;
        });
        return new Handle(this, key, owner, lease, since);
    }

    /** A held lease; {@code key()} and {@code owner()} are the record's. */
    private record Handle(DirectoryLocks locks, String key, String owner, Duration lease, Instant since)
            implements LockHandle {

        @Override
        public void renew() {
            locks.guarded(key, file -> {
                Instant now = locks.clock.instant();
                Optional<Lease> current = read(file);
                if (current.isEmpty() || !current.get().owner().equals(owner) || !current.get().expires().isAfter(now)) {
                    throw new LockHeldException(key, current.map(Lease::owner).orElse("nobody (lease expired)"),
                            current.map(Lease::since).orElse(now));
                }
                write(file, new Lease(owner, since, now.plus(lease)));
                return null;
            });
        }

        @Override
        public void close() {
            locks.guarded(key, file -> {
                Optional<Lease> current = read(file);
                if (current.isPresent() && current.get().owner().equals(owner)) {
                    Files.deleteIfExists(file);
                }
                return null;
            });
        }
    }

    private record Lease(String owner, Instant since, Instant expires) {
    }

    @FunctionalInterface
    private interface FileAction<T> {
        T run(Path leaseFile) throws IOException;
    }

    /** Runs {@code action} holding this JVM's lock and the OS lock of the key's guard file. */
    private <T> T guarded(String key, FileAction<T> action) {
        String name = URLEncoder.encode(key, StandardCharsets.UTF_8);
        IN_PROCESS.lock();
        try {
            Files.createDirectories(directory);
            try (FileChannel guard = FileChannel.open(directory.resolve(name + ".guard"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = guard.lock()) {
                return action.run(directory.resolve(name + ".lease"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("lock directory " + directory + " (key '" + key + "'): " + e.getMessage(), e);
        } finally {
            IN_PROCESS.unlock();
        }
    }

    private static Optional<Lease> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.size() < 3) {
            return Optional.empty(); // a torn file from a crashed writer: treat as free
        }
        return Optional.of(new Lease(lines.get(0), Instant.parse(lines.get(1)), Instant.parse(lines.get(2))));
    }

    private static void write(Path file, Lease lease) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, lease.owner() + "\n" + lease.since() + "\n" + lease.expires() + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

package dev.cutover.locks;

import dev.cutover.internal.Json;
import dev.cutover.spi.LockHeldException;
import dev.cutover.spi.LockManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Deployment locks as files in a directory that every deployer can reach: one machine, or a shared
 * file system with POSIX advisory locks (a local disk; NFSv4). A lock file holds its owner, since
 * when, and when its lease ends; a holder that dies loses the lock when the lease runs out.
 *
 * <pre>{@code
 * Cutover.builder().locks(new FileLocks(Path.of(".cutover/locks"), Clock.systemUTC()))
 * }</pre>
 *
 * <p><b>Why two deployers never both win.</b> Every look at a lock and the change that follows it
 * (acquire, take over an expired lease, renew, release) runs as one critical section, guarded
 * twice: by an exclusive {@link FileChannel#lock() file lock} on the directory's guard file
 * ({@value #GUARD}), which excludes other processes, and by a lock per directory inside this JVM,
 * which excludes other threads (a JVM may hold a file lock only once, and a file lock does not
 * exclude the threads of the process that holds it). Inside the section a lock file is read, decided
 * on and rewritten; nobody else can read or write it meanwhile, so no decision rests on a stale
 * read: taking over an expired lock is exactly as atomic as creating a free one. The operating system
 * drops a dead process's file lock, so a crash inside the section blocks nobody. The section is a
 * read and an atomic rename of a small file, so holding it costs microseconds.
 *
 * <p>The earlier scheme (create by {@code link(2)}, take over by renaming the stale file aside)
 * could let two or three deployers win one race for an expired lock: a taker whose read was
 * stale renamed away the lock a faster taker had just written.
 */
public final class FileLocks implements LockManager {

    /** The guard file every critical section locks; it stays in the directory. */
    static final String GUARD = ".cutover-locks.guard";

    /** One in-JVM guard per directory (by real path), shared by every {@code FileLocks} on it. */
    private static final Map<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

    private final Path directory;
    private final Clock clock;

    public FileLocks(Path directory, Clock clock) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private record Content(String owner, Instant since, Instant expires) {
    }

    private interface Section<T> {
        T run() throws IOException;
    }

    private Path file(String key) {
        StringBuilder sb = new StringBuilder();
        for (char c : key.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) || c == '-' || c == '.' ? c : '_');
        }
        if (sb.length() == 0 || sb.length() > 200) {
            throw new IllegalArgumentException("lock key must be 1-200 characters, was '" + key + "'");
        }
        return directory.resolve(sb + ".lock");
    }

    /** Runs {@code section} while no other thread or process runs one on this directory. */
    private <T> T exclusively(Section<T> section) throws IOException {
        Files.createDirectories(directory);
        Path real = directory.toRealPath();
        ReentrantLock inJvm = IN_JVM.computeIfAbsent(real, d -> new ReentrantLock());
        inJvm.lock();
        try (FileChannel guard = FileChannel.open(real.resolve(GUARD), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = guard.lock()) {
            return section.run();
        } finally {
            inJvm.unlock();
        }
    }

    @Override
    public LockHandle acquire(String key, String owner, Duration lease) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(lease, "lease");
        Path file = file(key);
        try {
            Instant since = exclusively(() -> {
                Instant now = clock.instant();
                Content held = read(file);
                if (held != null && !held.owner.equals(owner) && held.expires.isAfter(now)) {
                    throw new LockHeldException(key, held.owner, held.since);
                }
                // free, expired (taken over) or already ours (extended, held since the first acquire)
                Instant from = held != null && held.owner.equals(owner) ? held.since : now;
                write(file, new Content(owner, from, now.plus(lease)));
                return from;
            });
            return handle(key, file, owner, lease, since);
        } catch (IOException e) {
            throw new UncheckedIOException("could not take lock file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the lock file atomically (write aside, rename over), so a crash never leaves half a file. */
    private static void write(Path file, Content c) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.writeString(temp, encode(c), StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static String encode(Content c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("owner", c.owner);
        m.put("since", c.since.toString());
        m.put("expires", c.expires.toString());
        return Json.write(m);
    }

    private static Content read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            Map<String, Object> m = Json.parseObject(text);
            return new Content(String.valueOf(m.get("owner")), Instant.parse(String.valueOf(m.get("since"))),
                    Instant.parse(String.valueOf(m.get("expires"))));
        } catch (RuntimeException e) {
            // unreadable: treat as expired so a broken file cannot block deployments forever
            return new Content("(unreadable lock file)", Instant.EPOCH, Instant.EPOCH);
        }
    }

    private LockHandle handle(String key, Path file, String owner, Duration lease, Instant since) {
        return new LockHandle() {
            @Override
            public String key() {
                return key;
            }

            @Override
            public String owner() {
                return owner;
            }

            @Override
            public void renew() {
                try {
                    exclusively(() -> {
                        Content held = read(file);
                        Instant now = clock.instant();
                        if (held == null || !held.owner.equals(owner)) {
                            throw new LockHeldException(key, held == null ? "nobody (the lock was lost)" : held.owner,
                                    held == null ? now : held.since);
                        }
                        write(file, new Content(owner, held.since, now.plus(lease)));
                        return null;
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException("could not renew lock file " + file + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void close() {
                try {
                    exclusively(() -> {
                        Content held = read(file);
                        if (held != null && held.owner.equals(owner)) {
                            Files.deleteIfExists(file);
                        }
                        return null;
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException("could not release lock file " + file + ": " + e.getMessage(), e);
                }
            }

            @Override
            public String toString() {
                return "FileLock[" + key + " held by " + owner + " since " + since + "]";
            }
        };
    }

    @Override
    public String toString() {
        return "FileLocks[" + directory + "]";
    }
}

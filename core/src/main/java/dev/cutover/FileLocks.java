package dev.cutover;

import dev.cutover.internal.Json;
import dev.cutover.spi.LockHeldException;
import dev.cutover.spi.LockManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Deployment locks as files in a directory that every deployer can reach (one machine, or a shared
 * file system with atomic links and renames). A lock file holds its owner, since when, and when
 * its lease ends; a holder that dies loses the lock when the lease runs out.
 *
 * <pre>{@code
 * Cutover.builder().locks(new FileLocks(Path.of(".cutover/locks"), Clock.systemUTC()))
 * }</pre>
 *
 * <p>Creation is atomic ({@code link(2)} fails when the file exists), so two deployers never both
 * win; taking over an expired lock renames the stale file away first, so only one taker succeeds.
 */
public final class FileLocks implements LockManager {

    private final Path directory;
    private final Clock clock;

    public FileLocks(Path directory, Clock clock) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private record Content(String owner, Instant since, Instant expires) {
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

    @Override
    public LockHandle acquire(String key, String owner, Duration lease) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(lease, "lease");
        Path file = file(key);
        try {
            Files.createDirectories(directory);
            for (int attempt = 0; attempt < 5; attempt++) {
                Instant now = clock.instant();
                Content mine = new Content(owner, now, now.plus(lease));
                if (create(file, mine)) {
                    return handle(key, file, owner, lease, now);
                }
                Content held = read(file);
                if (held == null) {
                    continue; // released meanwhile
                }
                if (held.owner.equals(owner)) {
                    replace(file, new Content(owner, held.since, now.plus(lease)));
                    return handle(key, file, owner, lease, held.since);
                }
                if (held.expires.isAfter(now)) {
                    throw new LockHeldException(key, held.owner, held.since);
                }
                takeOverExpired(file, held);
            }
            Content held = read(file);
            throw new LockHeldException(key, held == null ? "another deployer" : held.owner,
                    held == null ? clock.instant() : held.since);
        } catch (IOException e) {
            throw new UncheckedIOException("could not take lock file " + file + ": " + e.getMessage(), e);
        }
    }

    private boolean create(Path file, Content c) throws IOException {
        Path temp = temp(file);
        Files.writeString(temp, encode(c), StandardCharsets.UTF_8);
        try {
            Files.createLink(file, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            // no hard links on this file system: fall back to exclusive creation
            try {
                Files.writeString(file, encode(c), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE);
                return true;
            } catch (FileAlreadyExistsException again) {
                return false;
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Moves an expired lock file aside; if what was moved turns out to be a fresh lock, puts it back. */
    private void takeOverExpired(Path file, Content stale) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".stale-" + UUID.randomUUID());
        try {
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return;
        }
        Content moved = read(aside);
        if (moved != null && !moved.equals(stale)) {
            try {
                Files.createLink(file, aside);
            } catch (FileAlreadyExistsException | UnsupportedOperationException e) {
                // someone else holds it now; theirs stands
            }
        }
        Files.deleteIfExists(aside);
    }

    private void replace(Path file, Content c) throws IOException {
        Path temp = temp(file);
        Files.writeString(temp, encode(c), StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path temp(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp-" + UUID.randomUUID());
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
                    Content held = read(file);
                    Instant now = clock.instant();
                    if (held == null || !held.owner.equals(owner)) {
                        throw new LockHeldException(key, held == null ? "nobody (the lock was lost)" : held.owner,
                                held == null ? now : held.since);
                    }
                    replace(file, new Content(owner, held.since, now.plus(lease)));
                } catch (IOException e) {
                    throw new UncheckedIOException("could not renew lock file " + file + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void close() {
                try {
                    Content held = read(file);
                    if (held != null && held.owner.equals(owner)) {
                        Files.deleteIfExists(file);
                    }
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

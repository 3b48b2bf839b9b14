package dev.cutover.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Journals as JSON-lines files, one per deployment ({@code <directory>/<deployment-id>.jsonl}).
 * Every append is written and fsync'd before it returns, so the engine never acts on an entry that
 * is not on disk. A process killed during an append can leave a torn last line (no newline): it
 * was never acted on, so reading ignores it with a warning, and the next append cuts it off.
 * A corrupt line anywhere else is an error naming the file and the line.
 *
 * <p>Providers' memories ({@link #remember}) live in {@code <directory>/memory/<provider>.jsonl},
 * one fact per line; appends there hold an OS file lock, so several processes on one directory
 * can remember at once.
 *
 * <pre>{@code
 * Cutover.builder().journal(new FileJournalStore(Path.of(".cutover/journal")))
 * }</pre>
 */
public final class FileJournalStore implements JournalStore {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FileJournalStore.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final String MEMORY_DIRECTORY = "memory";
    private static final String MEMORY_KEY = "key";
    private final Path directory;

    public FileJournalStore(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    public Path directory() {
        return directory;
    }

    @Override
    public String toString() {
        return "FileJournalStore[" + directory + "]";
    }

    private Path file(String deploymentId) {
        if (!ID.matcher(deploymentId).matches() || deploymentId.startsWith(".")) {
            throw new JournalException("'" + deploymentId + "' is not a deployment id");
        }
        return directory.resolve(deploymentId + ".jsonl");
    }

    @Override
    public synchronized void append(JournalEntry entry) {
        appendLine(file(entry.deploymentId()), entry, false);
    }

    /** Appends one entry as a line, fsync'd; {@code locked}: under an OS file lock (several processes append). */
    private synchronized void appendLine(Path file, JournalEntry entry, boolean locked) {
        byte[] line = (JournalCodec.encode(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ); FileLock lock = locked ? ch.lock() : null) {
                cutTornTail(ch, file);
                ch.position(ch.size());
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
        } catch (IOException e) {
            throw new JournalException("could not append to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Drops a torn last line (bytes after the last newline) left by a process killed mid-append. */
    private static void cutTornTail(FileChannel ch, Path file) throws IOException {
        long size = ch.size();
        if (size == 0) {
            return;
        }
        long keep = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (keep > 0) {
            one.clear();
            ch.read(one, keep - 1);
            if (one.get(0) == '\n') {
                break;
            }
            keep--;
        }
        if (keep < size) {
            LOG.warn("{}: cutting off a torn last line of {} bytes (an append that did not complete)", file, size - keep);
            ch.truncate(keep);
        }
    }

    @Override
    public List<JournalEntry> read(String deploymentId) {
        Path file = file(deploymentId);
        if (!Files.exists(file)) {
            throw new JournalException("no deployment '" + deploymentId + "' in the journal at " + directory);
        }
        try {
            // lenient decoding: a torn tail may end inside a multi-byte character
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            List<String> lines = text.lines().toList();
            boolean tornTail = !text.isEmpty() && !text.endsWith("\n");
            List<JournalEntry> out = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(JournalCodec.decode(line));
                } catch (JournalException e) {
                    if (tornTail && i == lines.size() - 1) {
                        // written last and never completed: the engine acts only after an append returns
                        LOG.warn("{} line {}: ignoring a torn last line (an append that did not complete; it was never "
                                + "acted on): {}", file, i + 1, e.getMessage());
                        continue;
                    }
                    throw new JournalException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
                }
            }
            return out;
        } catch (IOException e) {
            throw new JournalException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void remember(String provider, String key, Map<String, String> facts) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(MEMORY_KEY, key);
        facts.forEach((k, v) -> data.put("f." + k, v));
        appendLine(memoryFile(provider), new JournalEntry(provider, 0, Instant.EPOCH, "fact", data), true);
    }

    @Override
    public Map<String, Map<String, String>> remembered(String provider) {
        Path file = memoryFile(provider);
        if (!Files.exists(file)) {
            return Map.of();
        }
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new JournalException("could not read " + file + ": " + e.getMessage(), e);
        }
        Map<String, Map<String, String>> out = new HashMap<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                Map<String, String> data = JournalCodec.decode(lines.get(i)).data();
                Map<String, String> facts = new LinkedHashMap<>();
                data.forEach((k, v) -> {
                    if (k.startsWith("f.")) {
                        facts.put(k.substring(2), v);
                    }
                });
                String key = data.get(MEMORY_KEY);
                if (key != null) {
                    out.putIfAbsent(key, Collections.unmodifiableMap(facts));
                }
            } catch (JournalException e) {
                // a torn line (a process killed while remembering) or a damaged one: that fact is unknown
                LOG.warn("{} line {}: ignoring an unreadable fact: {}", file, i + 1, e.getMessage());
            }
        }
        return out;
    }

    private Path memoryFile(String provider) {
        if (!ID.matcher(provider).matches() || provider.startsWith(".")) {
            throw new JournalException("'" + provider + "' is not a provider name");
        }
        return directory.resolve(MEMORY_DIRECTORY).resolve(provider + ".jsonl");
    }

    @Override
    public List<String> deployments() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
                    .sorted(Comparator.comparing(FileJournalStore::created).thenComparing(Path::toString))
                    .map(p -> p.getFileName().toString().replaceFirst("\\.jsonl$", ""))
                    .toList();
        } catch (IOException e) {
            throw new JournalException("could not list " + directory + ": " + e.getMessage(), e);
        }
    }

    private static FileTime created(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}

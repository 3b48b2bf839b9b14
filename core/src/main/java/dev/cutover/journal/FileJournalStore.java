package dev.cutover.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Journals as JSON-lines files, one per deployment ({@code <directory>/<deployment-id>.jsonl}).
 * Every append is written and fsync'd before it returns.
 *
 * <pre>{@code
 * Cutover.builder().journal(new FileJournalStore(Path.of(".cutover/journal")))
 * }</pre>
 */
public final class FileJournalStore implements JournalStore {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
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
        Path file = file(entry.deploymentId());
        byte[] line = (JournalCodec.encode(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(directory);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
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

    @Override
    public List<JournalEntry> read(String deploymentId) {
        Path file = file(deploymentId);
        if (!Files.exists(file)) {
            throw new JournalException("no deployment '" + deploymentId + "' in the journal at " + directory);
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<JournalEntry> out = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(JournalCodec.decode(line));
                } catch (JournalException e) {
                    throw new JournalException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
                }
            }
            return out;
        } catch (IOException e) {
            throw new JournalException("could not read " + file + ": " + e.getMessage(), e);
        }
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

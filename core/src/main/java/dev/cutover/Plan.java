package dev.cutover;

import dev.cutover.internal.Json;
import dev.cutover.internal.PlanFiles;
import dev.cutover.internal.ReleaseCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.cutover.internal.PlanRenderer;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What applying a release would change, like {@code terraform plan}: the ordered changes, each
 * with attribute-level before/after and a reason. Immutable; {@link #toString()} renders the
 * readable diff, {@link #toJson()} a stable JSON form for tools.
 *
 * <pre>{@code
 * Plan plan = cutover.plan(release);
 * String diff = plan.toString();     // + cluster stage/main ... Plan: 5 to create, ...
 * if (!plan.isEmpty()) cutover.apply(plan).await();
 * }</pre>
 *
 * <p>A plan belongs to the {@link Cutover} that made it and to the state it observed: applying it
 * elsewhere, or after the world changed, fails instead of applying blindly. To review a plan and
 * apply it later in another process ("plan in the pull request, apply the reviewed plan"),
 * {@link #write(Path)} it and {@link #read(Path)} it back: applying a read plan observes again and
 * refuses ({@link StalePlanException}) unless the world is as it was and the changes are exactly
 * those written; a file edited after it was written is refused when read.
 */
public final class Plan {

    private final String id;
    private final String owner;
    private final Release release;
    private final List<Change> changes;
    private final String observedFingerprint;
    private final Instant createdAt;
    private final String permissions;
    /** For a plan read from a file: the changes as written (JSON), which applying must reproduce; else null. */
    private final String reviewedChanges;

    /** For the core's planner; users get plans from {@link Cutover#plan(Release)}. */
    Plan(String id, String owner, Release release, List<Change> changes, String observedFingerprint, Instant createdAt,
            String permissions) {
        this.id = Objects.requireNonNull(id, "id");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.release = Objects.requireNonNull(release, "release");
        this.changes = List.copyOf(changes);
        this.observedFingerprint = Objects.requireNonNull(observedFingerprint, "observedFingerprint");
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.permissions = Objects.requireNonNull(permissions, "permissions");
        this.reviewedChanges = null;
    }

    private Plan(String id, Release release, List<Change> changes, String observedFingerprint, Instant createdAt,
            String permissions, String reviewedChanges) {
        this.id = id;
        this.owner = "file";
        this.release = release;
        this.changes = List.copyOf(changes);
        this.observedFingerprint = observedFingerprint;
        this.createdAt = createdAt;
        this.permissions = permissions;
        this.reviewedChanges = reviewedChanges;
    }

    /** A unique id for this plan. */
    public String id() {
        return id;
    }

    public Release release() {
        return release;
    }

    /** Every change in the order it will be applied, including no-ops. */
    public List<Change> changes() {
        return changes;
    }

    /** Whether nothing would change. */
    public boolean isEmpty() {
        return changes.stream().allMatch(Change::isNoOp);
    }

    /** Whether the plan replaces the serving revision, i.e. runs a rollout with the release's strategy. */
    public boolean isRollout() {
        return changes.stream().anyMatch(c -> c.id().type() == dev.cutover.spi.ResourceType.REVISION
                && (c.action() == Change.Action.REPLACE || c.action() == Change.Action.CREATE));
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The least-privilege IAM policy (JSON) that applying exactly this plan needs. */
    public String requiredPermissions() {
        return permissions;
    }

    /** The id of the {@link Cutover} instance that made the plan. */
    String owner() {
        return owner;
    }

    /** A digest of the state observed when planning; apply compares it with the state it sees. */
    String observedFingerprint() {
        return observedFingerprint;
    }

    /** Whether this plan was read from a file ({@link #read(Path)}) rather than made by a Cutover in this process. */
    boolean isReviewed() {
        return reviewedChanges != null;
    }

    /** The changes as written to the file (JSON); applying must reproduce them exactly. */
    String reviewedChanges() {
        return reviewedChanges;
    }

    /**
     * Writes the plan for review and a later {@link #read(Path)}: its id, the full release, the
     * state it observed (a digest), the IAM policy, and the changes in the {@link #toJson()} form,
     * sealed with a SHA-256 digest of the whole content. Secrets appear only as references, as
     * everywhere in a plan.
     *
     * @throws java.io.UncheckedIOException when the file cannot be written
     */
    public void write(Path file) {
        Objects.requireNonNull(file, "file");
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("id", id);
        content.put("createdAt", createdAt.toString());
        content.put("observedFingerprint", observedFingerprint);
        content.put("release", Json.parse(ReleaseCodec.encode(release)));
        content.put("permissions", permissions);
        content.put("plan", Json.parse(toJson()));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("cutoverPlan", FILE_VERSION);
        root.put("digest", digest(content));
        root.put("content", content);
        try {
            Files.writeString(file, Json.pretty(root) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write plan " + id + " to " + file, e);
        }
    }

    /**
     * Reads a plan {@link #write(Path) written} earlier, in this or another process; apply it with
     * any {@link Cutover} that has the same providers.
     *
     * @throws IllegalArgumentException when the file is not a Cutover plan, or was edited after it was written
     * @throws java.io.UncheckedIOException when the file cannot be read
     */
    public static Plan read(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read a plan from " + file, e);
        }
        Map<String, Object> root;
        try {
            root = Json.parseObject(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + " is not a Cutover plan file: " + e.getMessage(), e);
        }
        if (!Long.valueOf(FILE_VERSION).equals(root.get("cutoverPlan")) || !(root.get("content") instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(file + " is not a Cutover plan file (format " + FILE_VERSION
                    + "): write one with plan.write(path)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> content = (Map<String, Object>) root.get("content");
        if (!digest(content).equals(root.get("digest"))) {
            throw new IllegalArgumentException("plan file " + file + " was edited after it was written (its digest does "
                    + "not match its content); plan again and review the new plan");
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> plan = (Map<String, Object>) content.get("plan");
            Release release = ReleaseCodec.decode(Json.write(content.get("release")));
            return new Plan((String) content.get("id"), release, PlanFiles.changes(plan), (String) content.get("observedFingerprint"),
                    Instant.parse((String) content.get("createdAt")), (String) content.get("permissions"),
                    Json.write(plan.get("changes")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("plan file " + file + " could not be read: " + e.getMessage(), e);
        }
    }

    private static final int FILE_VERSION = 1;

    private static String digest(Map<String, Object> content) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(Json.write(content).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Counts of changes by action. */
    public long count(Change.Action action) {
        return changes.stream().filter(c -> c.action() == action).count();
    }

    /** The stable JSON form: release, changes with attribute before/after (secrets as "(secret)"). */
    public String toJson() {
        return PlanRenderer.json(this);
    }

    /** The readable diff, like {@code terraform plan}. */
    @Override
    public String toString() {
        return PlanRenderer.text(this);
    }
}

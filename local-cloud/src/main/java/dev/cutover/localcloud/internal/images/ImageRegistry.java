package dev.cutover.localcloud.internal.images;

import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.Images;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local cloud's image registry: the scripted image behaviours, the tags pushed to other
 * digests, and the private Amazon ECR repositories ({@code <account>.dkr.ecr.<region>.amazonaws.com/<name>})
 * whose API the ECR emulator answers.
 *
 * <p>Behaviours attach to content: a behaviour scripted on a tag the registry holds attaches to the
 * digest the tag points to, so a task that runs the same bytes by digest behaves the same, and a tag
 * moved to another digest does not carry the old behaviour along. A behaviour scripted on a tag the
 * registry does not hold yet attaches to the digest the tag is first pushed to. Look-up order: the
 * content ({@code repository@digest}), then the exact reference, then the repository without tag.
 */
public final class ImageRegistry implements Images {

    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    /**
     * A private ECR image URI: {@code <account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag][@digest]}
     * (Amazon ECR User Guide, "Private registry concepts": the registry URL is
     * {@code aws_account_id.dkr.ecr.region.amazonaws.com}).
     */
    public static final Pattern ECR_URI = Pattern.compile(
            "(\\d{12})\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/([^:@]+)(?::([^@]+))?(?:@(sha256:[0-9a-f]{64}))?");

    /** One image in an ECR repository: its manifest digest, the manifest, when it was pushed, its tags. */
    public static final class EcrImage {
        public final String digest;
        public final String manifest;
        public final String mediaType;
        public final Instant pushedAt;
        public final List<String> tags = new ArrayList<>();

        EcrImage(String digest, String manifest, String mediaType, Instant pushedAt) {
            this.digest = digest;
            this.manifest = manifest;
            this.mediaType = mediaType;
            this.pushedAt = pushedAt;
        }
    }

    /** One private ECR repository. */
    public static final class EcrRepository {
        public final String account;
        public final String region;
        public final String name;
        public final Instant createdAt;
        public volatile String tagMutability = "MUTABLE";
        /** Images by digest, in push order. */
        public final Map<String, EcrImage> images = new LinkedHashMap<>();

        EcrRepository(String account, String region, String name, Instant createdAt) {
            this.account = account;
            this.region = region;
            this.name = name;
            this.createdAt = createdAt;
        }

        public String arn() {
            return "arn:aws:ecr:" + region + ":" + account + ":repository/" + name;
        }

        public String uri() {
            return account + ".dkr.ecr." + region + ".amazonaws.com/" + name;
        }

        /** The image a tag points to now. */
        public Optional<EcrImage> tagged(String tag) {
            return images.values().stream().filter(i -> i.tags.contains(tag)).findFirst();
        }
    }

    private final Map<String, ImageBehavior> behaviors = new ConcurrentHashMap<>();
    private final Map<String, ImageBehavior> byContent = new ConcurrentHashMap<>();
    private final Map<String, String> pushed = new ConcurrentHashMap<>();
    /** ECR repositories by URI ({@code <account>.dkr.ecr.<region>.amazonaws.com/<name>}). */
    private final Map<String, EcrRepository> repositories = new LinkedHashMap<>();

    @Override
    public synchronized String digestOf(String image) {
        Objects.requireNonNull(image, "image");
        String ref = image.trim();
        int at = ref.indexOf('@');
        if (at >= 0) {
            return ref.substring(at + 1);
        }
        Matcher ecr = ECR_URI.matcher(ref);
        if (ecr.matches() && ecr.group(4) != null) {
            EcrRepository repo = repositories.get(ref.substring(0, ref.lastIndexOf(':')));
            Optional<EcrImage> held = repo == null ? Optional.empty() : repo.tagged(ecr.group(4));
            if (held.isPresent()) {
                return held.get().digest;
            }
        }
        String moved = pushed.get(ref);
        if (moved != null) {
            return moved;
        }
        return sha256(ref);
    }

    /** {@code sha256:} and the SHA-256 of the UTF-8 text, in lowercase hex. */
    public static String sha256(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Points a tag at another digest. For a private ECR URI the image lands in its repository
     * (created when missing, as a registry with create-on-push does) with a small placeholder
     * manifest, and ECR's DescribeImages and BatchGetImage then answer it.
     */
    @Override
    public synchronized Images push(String image, String digest) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(digest, "digest");
        if (image.isBlank() || image.contains("@")) {
            throw new IllegalArgumentException("push a tagged reference (repository:tag), not '" + image + "'");
        }
        if (!DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException("digest must be sha256: followed by 64 lowercase hex digits, not '" + digest + "'");
        }
        String ref = image.trim();
        Matcher ecr = ECR_URI.matcher(ref);
        if (ecr.matches() && ecr.group(4) != null) {
            EcrRepository repo = repository(ecr.group(1), ecr.group(2), ecr.group(3), Instant.EPOCH, true).orElseThrow();
            String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
                    + "\"config\":{\"digest\":\"" + digest + "\"},\"layers\":[]}";
            putImage(repo, digest, manifest, "application/vnd.docker.distribution.manifest.v2+json", ecr.group(4), Instant.EPOCH);
        } else {
            attachPending(ref, digest, pushed.containsKey(ref));
            pushed.put(ref, digest);
        }
        return this;
    }

    /** The ECR repository of an account, Region and name; created when {@code create} and missing. */
    public synchronized Optional<EcrRepository> repository(String account, String region, String name, Instant now,
            boolean create) {
        String uri = account + ".dkr.ecr." + region + ".amazonaws.com/" + name;
        EcrRepository repo = repositories.get(uri);
        if (repo == null && create) {
            repo = new EcrRepository(account, region, name, now);
            repositories.put(uri, repo);
        }
        return Optional.ofNullable(repo);
    }

    /** The repositories of an account and Region, in creation order. */
    public synchronized List<EcrRepository> repositories(String account, String region) {
        return repositories.values().stream().filter(r -> r.account.equals(account) && r.region.equals(region)).toList();
    }

    /** Removes a repository and its images. */
    public synchronized void deleteRepository(EcrRepository repo) {
        repositories.remove(repo.uri());
    }

    /**
     * Stores an image (or finds the one with this digest) and moves {@code tag}, if any, onto it.
     * Returns the image; the caller checks mutability and duplicates first.
     */
    public synchronized EcrImage putImage(EcrRepository repo, String digest, String manifest, String mediaType, String tag,
            Instant now) {
        EcrImage image = repo.images.computeIfAbsent(digest, d -> new EcrImage(d, manifest, mediaType, now));
        if (tag != null && !image.tags.contains(tag)) {
            String ref = repo.uri() + ":" + tag;
            boolean held = repo.tagged(tag).isPresent();
            repo.images.values().forEach(i -> i.tags.remove(tag));
            image.tags.add(tag);
            attachPending(ref, digest, held);
        }
        return image;
    }

    /** A behaviour scripted on a tag before the registry held it attaches to the digest the tag first points to. */
    private void attachPending(String ref, String digest, boolean tagWasHeld) {
        ImageBehavior pending = behaviors.get(ref);
        if (pending != null && !tagWasHeld) {
            byContent.putIfAbsent(contentKey(ref, digest), pending);
        }
        if (tagWasHeld) {
            behaviors.remove(ref); // it belongs to the content the tag pointed to before, where it is attached
        }
    }

    /** Whether the registry holds the tag of this reference (pushed, or an ECR image). */
    private boolean holds(String ref) {
        if (pushed.containsKey(ref)) {
            return true;
        }
        Matcher ecr = ECR_URI.matcher(ref);
        if (!ecr.matches() || ecr.group(4) == null || ecr.group(5) != null) {
            return false;
        }
        EcrRepository repo = repositories.get(ref.substring(0, ref.lastIndexOf(':')));
        return repo != null && repo.tagged(ecr.group(4)).isPresent();
    }

    @Override
    public synchronized Images behave(String image, ImageBehavior behavior) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(behavior, "behavior");
        if (image.isBlank()) {
            throw new IllegalArgumentException("image must not be blank");
        }
        String ref = image.trim();
        behaviors.put(ref, behavior);
        if (ref.contains("@") || holds(ref)) {
            byContent.put(contentKey(ref, digestOf(ref)), behavior);
        }
        return this;
    }

    @Override
    public synchronized ImageBehavior behaviorOf(String image) {
        if (image == null) {
            return ImageBehavior.healthy();
        }
        String ref = image.trim();
        ImageBehavior content = byContent.get(contentKey(ref, digestOf(ref)));
        if (content != null) {
            return content;
        }
        ImageBehavior exact = behaviors.get(ref);
        if (exact != null) {
            return exact;
        }
        ImageBehavior repo = behaviors.get(repositoryOf(ref));
        return repo != null ? repo : ImageBehavior.healthy();
    }

    @Override
    public synchronized Images reset() {
        behaviors.clear();
        byContent.clear();
        pushed.clear();
        repositories.clear();
        return this;
    }

    private static String contentKey(String ref, String digest) {
        return repositoryOf(ref) + "@" + digest;
    }

    /** The reference without its tag or digest: {@code repo/orders:1.4.3} becomes {@code repo/orders}. */
    static String repositoryOf(String image) {
        int at = image.indexOf('@');
        String s = at >= 0 ? image.substring(0, at) : image;
        int slash = s.lastIndexOf('/');
        int colon = s.lastIndexOf(':');
        return colon > slash ? s.substring(0, colon) : s;
    }

    /** The scripted images and how each behaves; every other image is healthy. */
    @Override
    public String toString() {
        return behaviors.isEmpty() ? "Images[every image healthy]" : "Images" + new java.util.TreeMap<>(behaviors) + " (others healthy)";
    }
}

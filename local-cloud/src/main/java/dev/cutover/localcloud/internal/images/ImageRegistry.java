package dev.cutover.localcloud.internal.images;

import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.Images;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** The scripted image behaviours: exact reference first, then the repository without tag or digest. */
public final class ImageRegistry implements Images {

    private static final java.util.regex.Pattern DIGEST = java.util.regex.Pattern.compile("sha256:[0-9a-f]{64}");

    private final Map<String, ImageBehavior> behaviors = new ConcurrentHashMap<>();
    private final Map<String, String> pushed = new ConcurrentHashMap<>();

    @Override
    public String digestOf(String image) {
        Objects.requireNonNull(image, "image");
        int at = image.indexOf('@');
        if (at >= 0) {
            return image.substring(at + 1);
        }
        String moved = pushed.get(image.trim());
        if (moved != null) {
            return moved;
        }
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(image.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "sha256:" + java.util.HexFormat.of().formatHex(h);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Images push(String image, String digest) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(digest, "digest");
        if (image.isBlank() || image.contains("@")) {
            throw new IllegalArgumentException("push a tagged reference (repository:tag), not '" + image + "'");
        }
        if (!DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException("digest must be sha256: followed by 64 lowercase hex digits, not '" + digest + "'");
        }
        pushed.put(image.trim(), digest);
        return this;
    }

    @Override
    public Images behave(String image, ImageBehavior behavior) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(behavior, "behavior");
        if (image.isBlank()) {
            throw new IllegalArgumentException("image must not be blank");
        }
        behaviors.put(image.trim(), behavior);
        return this;
    }

    @Override
    public ImageBehavior behaviorOf(String image) {
        if (image == null) {
            return ImageBehavior.healthy();
        }
        ImageBehavior exact = behaviors.get(image);
        if (exact != null) {
            return exact;
        }
        ImageBehavior repo = behaviors.get(repositoryOf(image));
        return repo != null ? repo : ImageBehavior.healthy();
    }

    @Override
    public Images reset() {
        behaviors.clear();
        pushed.clear();
        return this;
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

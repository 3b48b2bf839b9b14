package dev.cutover.localcloud.internal.images;

import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.Images;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** The scripted image behaviours: exact reference first, then the repository without tag or digest. */
public final class ImageRegistry implements Images {

    private final Map<String, ImageBehavior> behaviors = new ConcurrentHashMap<>();

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

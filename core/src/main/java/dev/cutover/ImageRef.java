package dev.cutover;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container image reference, parsed the way Docker parses one:
 * {@code [registry[:port]/]repository[:tag][@sha256:<64 hex>]}.
 *
 * <pre>{@code
 * ImageRef ref = ImageRef.parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.2");
 * ref.repository();  // "orders"
 * ref.tag();         // Optional[1.4.2]
 * ref.isPinned();    // false: no digest
 * }</pre>
 */
public final class ImageRef {

    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String DOMAIN_LABEL = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final Pattern DOMAIN = Pattern.compile(DOMAIN_LABEL + "(?:\\." + DOMAIN_LABEL + ")*(?::[0-9]+)?");
    private static final Pattern PATH = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final Pattern SPLIT = Pattern.compile("^([^@]+?)(?::([^:/@]+))?(?:@(.+))?$");

    private final String registry;
    private final String repository;
    private final String tag;
    private final String digest;

    private ImageRef(String registry, String repository, String tag, String digest) {
        this.registry = registry;
        this.repository = repository;
        this.tag = tag;
        this.digest = digest;
    }

    /**
     * Parses a reference.
     *
     * @throws ValidationException listing what is wrong with the reference
     */
    public static ImageRef parse(String reference) {
        Objects.requireNonNull(reference, "reference");
        List<String> errors = new ArrayList<>();
        ImageRef ref = tryParse(reference, errors);
        if (ref == null) {
            List<Problem> problems = new ArrayList<>();
            for (String e : errors) {
                problems.add(new Problem("image", reference, e));
            }
            throw new ValidationException("image reference", problems);
        }
        return ref;
    }

    /** Parses a reference, adding what is wrong to {@code errors} and returning null when it is invalid. */
    static ImageRef tryParse(String reference, List<String> errors) {
        if (reference.isEmpty()) {
            errors.add("must not be empty; use [registry[:port]/]repository:tag[@sha256:<digest>]");
            return null;
        }
        if (!reference.equals(reference.strip()) || reference.chars().anyMatch(Character::isWhitespace)) {
            errors.add("must not contain whitespace");
            return null;
        }
        Matcher m = SPLIT.matcher(reference);
        if (!m.matches()) {
            errors.add("is not an image reference; use [registry[:port]/]repository:tag[@sha256:<digest>]");
            return null;
        }
        String name = m.group(1);
        String tag = m.group(2);
        String digest = m.group(3);
        String registry = null;
        String path = name;
        int slash = name.indexOf('/');
        if (slash > 0) {
            String first = name.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                path = name.substring(slash + 1);
            }
        }
        int before = errors.size();
        if (registry != null && !DOMAIN.matcher(registry).matches()) {
            errors.add("registry '" + dev.cutover.internal.Problems.cut(registry) + "' is not a valid host[:port]");
        }
        if (!PATH.matcher(path).matches()) {
            errors.add("repository '" + dev.cutover.internal.Problems.cut(path) + "' must be lowercase letters, digits and separators (. _ __ -) in /-separated components");
        }
        if (name.length() > 255) {
            errors.add("name is " + name.length() + " characters long; at most 255 are allowed");
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            errors.add("tag '" + dev.cutover.internal.Problems.cut(tag) + "' must be 1-128 of letters, digits, '_', '.', '-' and not start with '.' or '-'");
        }
        if (digest != null && !DIGEST.matcher(digest).matches()) {
            errors.add("digest '" + dev.cutover.internal.Problems.cut(digest) + "' must be sha256: followed by 64 lowercase hex digits");
        }
        return errors.size() == before ? new ImageRef(registry, path, tag, digest) : null;
    }

    /** The registry host (and port), if the reference names one. */
    public Optional<String> registry() {
        return Optional.ofNullable(registry);
    }

    /** The repository path, e.g. {@code orders} or {@code team/orders}. */
    public String repository() {
        return repository;
    }

    /** The tag, if any. */
    public Optional<String> tag() {
        return Optional.ofNullable(tag);
    }

    /** The digest ({@code sha256:...}), if any. */
    public Optional<String> digest() {
        return Optional.ofNullable(digest);
    }

    /** Whether a digest pins the image to exact content. */
    public boolean isPinned() {
        return digest != null;
    }

    /** Whether the reference relies on a mutable tag: no digest, and no tag or the tag {@code latest}. */
    public boolean isMutable() {
        return digest == null && (tag == null || tag.equals("latest"));
    }

    /** The version shown to people: the tag, else the short digest. */
    public String version() {
        if (tag != null) {
            return tag;
        }
        return digest == null ? "latest" : digest.substring(0, Math.min(digest.length(), 19));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (registry != null) {
            sb.append(registry).append('/');
        }
        sb.append(repository);
        if (tag != null) {
            sb.append(':').append(tag);
        }
        if (digest != null) {
            sb.append('@').append(digest);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageRef other && toString().equals(other.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}

package dev.cutover.aws.internal;

import dev.cutover.ImageRef;
import dev.cutover.Problem;
import dev.cutover.Release;
import dev.cutover.ValidationException;
import dev.cutover.spi.ProviderException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the tag of a private Amazon ECR image ({@code <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>})
 * to its digest with {@code ecr:DescribeImages} (Amazon ECR API Reference, DescribeImages: "Returns
 * metadata about the images in a repository", each with its {@code imageDigest}), in the Region and
 * registry the URI names. Images of other registries are not resolved: they deploy by tag as given,
 * and ECS reports the digest its tasks pulled.
 */
public final class EcrImages {

    /** A private ECR image URI (Amazon ECR User Guide, "Private registry concepts"). */
    static final Pattern URI = Pattern.compile(
            "(\\d{12})\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?");

    private final AwsRuntime rt;

    public EcrImages(AwsRuntime rt) {
        this.rt = rt;
    }

    /** Whether an image lives in a private ECR registry, with its account, Region and repository. */
    static Optional<String[]> ecr(ImageRef image) {
        Matcher m = URI.matcher(image.registry().orElse(""));
        return m.matches() ? Optional.of(new String[] {m.group(1), m.group(2), image.repository()}) : Optional.empty();
    }

    /**
     * The digest the tag of the release's image points to now; empty for an image outside private
     * ECR or already pinned.
     *
     * @throws ValidationException when the repository or the tag does not exist (a plan problem)
     */
    public Optional<String> resolve(Release release) {
        ImageRef image = release.service().image();
        Optional<String[]> ecr = ecr(image);
        if (ecr.isEmpty() || image.isPinned()) {
            return Optional.empty();
        }
        String account = ecr.get()[0];
        String region = ecr.get()[1];
        String repository = ecr.get()[2];
        String tag = image.tag().orElse("latest");
        try {
            return Optional.of(rt.ecr("DescribeImages", () -> rt.clients(region).ecr().describeImages(b -> b.registryId(account)
                    .repositoryName(repository).imageIds(i -> i.imageTag(tag))).imageDetails().get(0).imageDigest()));
        } catch (ProviderException e) {
            String what = AwsErrors.is(e, "ImageNotFoundException") ? "has no tag '" + tag + "'"
                    : AwsErrors.is(e, "RepositoryNotFoundException") ? "does not exist" : null;
            if (what == null) {
                throw e;
            }
            throw new ValidationException("release of '" + release.service().name() + "' to '" + release.environment().name() + "'",
                    List.of(new Problem("service.image", image.toString(), "the Amazon ECR repository '" + repository
                            + "' of registry " + account + " in " + region + " " + what
                            + " (ecr:DescribeImages); push the image or fix the reference")));
        }
    }
}

package dev.cutover.localcloud;

import java.util.function.Consumer;

/**
 * Scripts how container images behave in the local cloud, by image reference. An exact reference
 * ({@code repo/orders:1.4.3}) wins over a repository without tag ({@code repo/orders}); an image
 * nobody scripted is {@link ImageBehavior#healthy()}. Changes apply to tasks started afterwards and,
 * for traffic, error rate and latency, immediately.
 *
 * <pre>{@code
 * cloud.images().behave("repo/orders:1.4.3", ImageBehavior.crashesOnStart());
 * cloud.images().behave("repo/orders:1.4.4", b -> b.errorRate(0.02));
 * }</pre>
 *
 * <p>The admin endpoint does the same: {@code POST /_localcloud/images} with
 * {@code {"image":"repo/orders:1.4.3","crashOnStart":true}}.
 */
public interface Images {

    /** Sets the behaviour of an image reference (with or without tag). */
    Images behave(String image, ImageBehavior behavior);

    /** Sets the behaviour of an image reference by changing the healthy default. */
    default Images behave(String image, Consumer<ImageBehavior.Builder> behavior) {
        ImageBehavior.Builder b = ImageBehavior.builder();
        behavior.accept(b);
        return behave(image, b.build());
    }

    /**
     * The digest ({@code sha256:<64 hex>}) a task started now runs for {@code image}, as a registry
     * resolves it when ECS pulls: a reference pinned by digest runs that digest; a tag pushed with
     * {@link #push} runs what was pushed last; any other tag resolves to {@code sha256:} and the
     * SHA-256 of the reference text (UTF-8), the rule Cutover's in-memory provider uses too. ECS
     * reports it per container as {@code imageDigest} in DescribeTasks.
     */
    String digestOf(String image);

    /**
     * Points a tag at another digest, as {@code docker push} of new content under an existing tag
     * does: tasks started afterwards run {@code digest}, running tasks keep what they pulled.
     *
     * @param image  a tagged reference, e.g. {@code repo/orders:2.0.0}
     * @param digest {@code sha256:} followed by 64 lowercase hex digits
     */
    Images push(String image, String digest);

    /**
     * Pushes an image under its tag as a CI job would, with the digest {@link #digestOf} gives the
     * reference now (for a tag the registry does not hold yet: the SHA-256 of the reference text).
     * A private ECR reference ({@code <account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>}) lands in
     * that ECR repository, which ECR's DescribeImages then answers.
     */
    default Images push(String image) {
        return push(image, digestOf(image));
    }

    /** The behaviour an image has now. */
    ImageBehavior behaviorOf(String image);

    /** Forgets every scripted behaviour and pushed tag. */
    Images reset();
}

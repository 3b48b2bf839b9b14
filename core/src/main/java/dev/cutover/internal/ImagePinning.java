package dev.cutover.internal;

import dev.cutover.HistoryEntry;
import dev.cutover.ImageRef;
import dev.cutover.Problem;
import dev.cutover.Release;
import dev.cutover.ValidationException;
import dev.cutover.spi.Compute;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pins a release's tagged image to a digest at plan time, when the compute provider resolves the
 * image's registry (the AWS provider: private Amazon ECR). A release promoted from an environment
 * that ran the same tag takes the digest that environment ran, so that stage and prod run the same
 * bytes even when the tag moved in between; any other release takes what the registry holds now.
 */
public final class ImagePinning {

    private static final Logger LOG = LoggerFactory.getLogger(ImagePinning.class);

    private ImagePinning() {
    }

    /**
     * The releases with their images pinned where the provider resolves them, in order.
     *
     * @param ran the successful deployments of an environment and service ({@code (environment, service)}), oldest first
     * @throws ValidationException listing every release whose tag the registry does not hold
     */
    public static List<Release> pin(java.util.Collection<Release> releases, Compute compute,
            BiFunction<String, String, List<HistoryEntry>> ran) {
        List<Release> out = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (Release r : releases) {
            ImageRef image = r.service().image();
            if (image.isPinned()) {
                out.add(r);
                continue;
            }
            Optional<String> now;
            try {
                now = compute.resolveImageDigest(r);
            } catch (ValidationException e) {
                problems.addAll(e.problems());
                continue;
            }
            if (now.isEmpty()) {
                out.add(r);
                continue;
            }
            String digest = now.get();
            Optional<String> from = r.environment().promotedFrom();
            if (from.isPresent()) {
                Optional<String> promoted = digestRan(ran.apply(from.get(), r.service().name()), image);
                if (promoted.isPresent() && !promoted.get().equals(digest)) {
                    LOG.info("{}: tag {} now points to {}; deploying {}, which '{}' ran", r.key(), image, digest,
                            promoted.get(), from.get());
                }
                digest = promoted.orElse(digest);
            }
            ImageRef pinned = ImageRef.parse(image + "@" + digest);
            out.add(Release.of(r.declaredService().toBuilder().image(pinned).build()).to(r.environment())
                    .strategy(r.strategy()).build());
        }
        if (!problems.isEmpty()) {
            throw new ValidationException("image resolution", problems);
        }
        return out;
    }

    /** The digest the newest successful deployment of the same repository and tag ran, if journaled. */
    private static Optional<String> digestRan(List<HistoryEntry> history, ImageRef image) {
        for (int i = history.size() - 1; i >= 0; i--) {
            HistoryEntry h = history.get(i);
            ImageRef ran;
            try {
                ran = ImageRef.parse(h.image());
            } catch (ValidationException e) {
                continue;
            }
            if (ran.repository().equals(image.repository()) && ran.registry().equals(image.registry())
                    && ran.tag().equals(image.tag())) {
                String d = h.digest().isEmpty() ? ran.digest().orElse("") : h.digest();
                if (!d.isEmpty()) {
                    return Optional.of(d);
                }
            }
        }
        return Optional.empty();
    }
}

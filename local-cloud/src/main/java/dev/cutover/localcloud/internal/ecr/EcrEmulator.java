package dev.cutover.localcloud.internal.ecr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.localcloud.internal.aws.AwsError;
import dev.cutover.localcloud.internal.aws.AwsJson;
import dev.cutover.localcloud.internal.aws.AwsServer;
import dev.cutover.localcloud.internal.aws.JsonProtocolService;
import dev.cutover.localcloud.internal.aws.Page;
import dev.cutover.localcloud.internal.images.ImageRegistry;
import dev.cutover.localcloud.internal.images.ImageRegistry.EcrImage;
import dev.cutover.localcloud.internal.images.ImageRegistry.EcrRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Amazon ECR (AWS JSON 1.1, target {@code AmazonEC2ContainerRegistry_V20150921}) on the local
 * cloud's {@link ImageRegistry}: CreateRepository, DescribeRepositories, DeleteRepository, PutImage,
 * DescribeImages, BatchGetImage and ListImages. Repositories live per account (the request's, or
 * {@code registryId}) and Region; an image's digest is the SHA-256 of its manifest; a tag points to
 * one image at a time and moves when an image is put under it (unless the repository is
 * {@code IMMUTABLE}). The ECS emulator resolves the tags of the task definitions it runs through the
 * same registry, so a task runs the digest ECR answers.
 *
 * <p>Rules and wording, from the Amazon ECR API Reference of each operation and its errors:
 * <ul>
 *   <li>RepositoryNotFoundException (400): "The repository with name '...' does not exist in the registry
 *       with id '...'".</li>
 *   <li>ImageNotFoundException (400) from DescribeImages for an {@code imageIds} entry that matches no
 *       image; BatchGetImage instead lists it in {@code failures} with {@code ImageNotFound}
 *       ("Requested image not found").</li>
 *   <li>{@code maxResults} together with {@code imageIds} / {@code repositoryNames} is refused
 *       (InvalidParameterException): "This option cannot be used when you specify images with imageIds."</li>
 *   <li>PutImage: ImageAlreadyExistsException when the manifest and tag were pushed already;
 *       ImageTagAlreadyExistsException when an IMMUTABLE repository's tag is taken by another digest;
 *       ImageDigestDoesNotMatchException when {@code imageDigest} differs from the manifest's.</li>
 *   <li>DeleteRepository: RepositoryNotEmptyException unless {@code force}.</li>
 * </ul>
 * Shapes (names, lengths, the repository-name pattern, enums) are checked before this class runs
 * against the table generated from botocore's {@code ecr/2015-09-21} model ({@code ShapeValidator}).
 */
public final class EcrEmulator implements JsonProtocolService {

    private final Clock clock;
    private final ImageRegistry registry;

    public EcrEmulator(Clock clock, ImageRegistry registry) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public String targetPrefix() {
        return "AmazonEC2ContainerRegistry_V20150921";
    }

    @Override
    public String serviceName() {
        return "ecr";
    }

    @Override
    public ObjectNode handle(String operation, ObjectNode request) {
        return handle(operation, request, AwsServer.RequestContext.defaults());
    }

    @Override
    public ObjectNode handle(String operation, ObjectNode request, AwsServer.RequestContext context) {
        String account = request.hasNonNull("registryId") ? request.get("registryId").asText() : context.account();
        String region = context.region();
        synchronized (registry) {
            return switch (operation) {
                case "CreateRepository" -> createRepository(request, account, region);
                case "DescribeRepositories" -> describeRepositories(request, account, region);
                case "DeleteRepository" -> deleteRepository(request, account, region);
                case "PutImage" -> putImage(request, account, region);
                case "DescribeImages" -> describeImages(request, account, region);
                case "BatchGetImage" -> batchGetImage(request, account, region);
                case "ListImages" -> listImages(request, account, region);
                default -> throw AwsError.badRequest("UnknownOperationException", "The local cloud's ECR does not implement " + operation);
            };
        }
    }

    // ------------------------------------------------------------------ repositories

    /**
     * The model's RepositoryName pattern, matched against the whole name: ECR refuses upper case and
     * other characters anywhere in it ("Invalid parameter at 'repositoryName' failed to satisfy
     * constraint: 'must satisfy regular expression ...'", jenkins-x/jx#1344), which the shape check's
     * unanchored search would let through.
     */
    private static final java.util.regex.Pattern NAME =
            java.util.regex.Pattern.compile("[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*");

    private ObjectNode createRepository(ObjectNode req, String account, String region) {
        String name = req.get("repositoryName").asText();
        if (!NAME.matcher(name).matches()) {
            throw invalid("Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '"
                    + NAME.pattern() + "''");
        }
        if (registry.repository(account, region, name, clock.instant(), false).isPresent()) {
            throw AwsError.badRequest("RepositoryAlreadyExistsException", "The repository with name '" + name
                    + "' already exists in the registry with id '" + account + "'");
        }
        EcrRepository repo = registry.repository(account, region, name, clock.instant(), true).orElseThrow();
        repo.tagMutability = req.path("imageTagMutability").asText("MUTABLE");
        ObjectNode out = AwsJson.object();
        out.set("repository", repository(repo));
        return out;
    }

    private ObjectNode describeRepositories(ObjectNode req, String account, String region) {
        List<EcrRepository> found = new ArrayList<>();
        if (req.has("repositoryNames")) {
            if (req.has("maxResults")) {
                throw invalid("maxResults cannot be used when you specify repositories with repositoryNames.");
            }
            for (JsonNode n : req.get("repositoryNames")) {
                found.add(repository(account, region, n.asText()));
            }
        } else {
            found.addAll(registry.repositories(account, region));
        }
        Page<EcrRepository> page = Page.of(found, text(req, "nextToken"), req.path("maxResults").asInt(100), this::badToken);
        ObjectNode out = AwsJson.object();
        ArrayNode list = out.putArray("repositories");
        page.items().forEach(r -> list.add(repository(r)));
        AwsJson.putIfNotNull(out, "nextToken", page.nextToken());
        return out;
    }

    private ObjectNode deleteRepository(ObjectNode req, String account, String region) {
        EcrRepository repo = repository(account, region, req.get("repositoryName").asText());
        if (!repo.images.isEmpty() && !req.path("force").asBoolean(false)) {
            throw AwsError.badRequest("RepositoryNotEmptyException", "The repository with name '" + repo.name
                    + "' in registry with id '" + account + "' cannot be deleted because it still contains images");
        }
        registry.deleteRepository(repo);
        ObjectNode out = AwsJson.object();
        out.set("repository", repository(repo));
        return out;
    }

    private ObjectNode repository(EcrRepository r) {
        ObjectNode n = AwsJson.object().put("repositoryArn", r.arn()).put("registryId", r.account)
                .put("repositoryName", r.name).put("repositoryUri", r.uri()).put("imageTagMutability", r.tagMutability);
        AwsJson.putTime(n, "createdAt", r.createdAt);
        n.putObject("imageScanningConfiguration").put("scanOnPush", false);
        n.putObject("encryptionConfiguration").put("encryptionType", "AES256");
        return n;
    }

    private EcrRepository repository(String account, String region, String name) {
        return registry.repository(account, region, name, clock.instant(), false).orElseThrow(() -> AwsError.badRequest(
                "RepositoryNotFoundException", "The repository with name '" + name + "' does not exist in the registry with id '"
                        + account + "'"));
    }

    // ------------------------------------------------------------------ images

    private ObjectNode putImage(ObjectNode req, String account, String region) {
        EcrRepository repo = repository(account, region, req.get("repositoryName").asText());
        String manifest = req.get("imageManifest").asText();
        String digest = ImageRegistry.sha256(manifest);
        String tag = text(req, "imageTag");
        String given = text(req, "imageDigest");
        if (given != null && !given.equals(digest)) {
            throw AwsError.badRequest("ImageDigestDoesNotMatchException", "The specified image digest '" + given
                    + "' does not match the digest of the manifest '" + digest + "'");
        }
        EcrImage existing = repo.images.get(digest);
        if (existing != null && (tag == null || existing.tags.contains(tag))) {
            throw AwsError.badRequest("ImageAlreadyExistsException", "Image with digest '" + digest + "'"
                    + (tag == null ? "" : " and tag '" + tag + "'") + " already exists in the repository with name '" + repo.name
                    + "' in registry with id '" + account + "'");
        }
        if (tag != null && "IMMUTABLE".equals(repo.tagMutability) && repo.tagged(tag).isPresent()) {
            throw AwsError.badRequest("ImageTagAlreadyExistsException", "The image tag '" + tag
                    + "' already exists in the '" + repo.name + "' repository and cannot be overwritten because the repository is immutable.");
        }
        String mediaType = req.path("imageManifestMediaType").asText(mediaTypeOf(manifest));
        EcrImage image = registry.putImage(repo, digest, manifest, mediaType, tag, clock.instant());
        ObjectNode out = AwsJson.object();
        ObjectNode img = out.putObject("image").put("registryId", account).put("repositoryName", repo.name)
                .put("imageManifest", image.manifest).put("imageManifestMediaType", image.mediaType);
        ObjectNode id = img.putObject("imageId").put("imageDigest", digest);
        AwsJson.putIfNotNull(id, "imageTag", tag);
        return out;
    }

    private static String mediaTypeOf(String manifest) {
        try {
            return AwsJson.MAPPER.readTree(manifest).path("mediaType").asText("application/vnd.docker.distribution.manifest.v2+json");
        } catch (java.io.IOException e) {
            throw invalid("Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Invalid JSON syntax'");
        }
    }

    private ObjectNode describeImages(ObjectNode req, String account, String region) {
        EcrRepository repo = repository(account, region, req.get("repositoryName").asText());
        List<EcrImage> found = new ArrayList<>();
        if (req.has("imageIds")) {
            if (req.has("maxResults")) {
                throw invalid("This option cannot be used when you specify images with imageIds.");
            }
            for (JsonNode id : req.get("imageIds")) {
                Optional<EcrImage> image = find(repo, id);
                if (image.isEmpty()) {
                    throw AwsError.badRequest("ImageNotFoundException", "The image with imageId {imageDigest:'"
                            + text(id, "imageDigest") + "', imageTag:'" + text(id, "imageTag")
                            + "'} does not exist within the repository with name '" + repo.name
                            + "' in the registry with id '" + account + "'");
                }
                if (!found.contains(image.get())) {
                    found.add(image.get());
                }
            }
        } else {
            String status = req.path("filter").path("tagStatus").asText("ANY");
            repo.images.values().stream().filter(i -> matches(status, i)).forEach(found::add);
        }
        Page<EcrImage> page = Page.of(found, text(req, "nextToken"), req.path("maxResults").asInt(100), this::badToken);
        ObjectNode out = AwsJson.object();
        ArrayNode details = out.putArray("imageDetails");
        for (EcrImage i : page.items()) {
            ObjectNode d = details.addObject().put("registryId", account).put("repositoryName", repo.name)
                    .put("imageDigest", i.digest).put("imageSizeInBytes", i.manifest.length())
                    .put("imageManifestMediaType", i.mediaType);
            if (!i.tags.isEmpty()) {
                ArrayNode tags = d.putArray("imageTags");
                i.tags.forEach(tags::add);
            }
            AwsJson.putTime(d, "imagePushedAt", i.pushedAt);
        }
        AwsJson.putIfNotNull(out, "nextToken", page.nextToken());
        return out;
    }

    private ObjectNode batchGetImage(ObjectNode req, String account, String region) {
        EcrRepository repo = repository(account, region, req.get("repositoryName").asText());
        ObjectNode out = AwsJson.object();
        ArrayNode images = out.putArray("images");
        ArrayNode failures = out.putArray("failures");
        for (JsonNode id : req.get("imageIds")) {
            Optional<EcrImage> image = find(repo, id);
            String tag = text(id, "imageTag");
            String digest = text(id, "imageDigest");
            if (image.isPresent()) {
                ObjectNode img = images.addObject().put("registryId", account).put("repositoryName", repo.name)
                        .put("imageManifest", image.get().manifest).put("imageManifestMediaType", image.get().mediaType);
                ObjectNode imageId = img.putObject("imageId").put("imageDigest", image.get().digest);
                AwsJson.putIfNotNull(imageId, "imageTag", tag);
            } else {
                ObjectNode f = failures.addObject();
                ObjectNode imageId = f.putObject("imageId");
                AwsJson.putIfNotNull(imageId, "imageDigest", digest);
                AwsJson.putIfNotNull(imageId, "imageTag", tag);
                boolean mismatch = tag != null && digest != null && repo.tagged(tag).isPresent();
                f.put("failureCode", mismatch ? "ImageTagDoesNotMatchDigest" : "ImageNotFound");
                f.put("failureReason", mismatch ? "Invalid image tag and digest combination" : "Requested image not found");
            }
        }
        return out;
    }

    private ObjectNode listImages(ObjectNode req, String account, String region) {
        EcrRepository repo = repository(account, region, req.get("repositoryName").asText());
        String status = req.path("filter").path("tagStatus").asText("ANY");
        List<ObjectNode> ids = new ArrayList<>();
        for (EcrImage i : repo.images.values()) {
            if (!matches(status, i)) {
                continue;
            }
            if (i.tags.isEmpty()) {
                ids.add(AwsJson.object().put("imageDigest", i.digest));
            }
            i.tags.forEach(t -> ids.add(AwsJson.object().put("imageDigest", i.digest).put("imageTag", t)));
        }
        Page<ObjectNode> page = Page.of(ids, text(req, "nextToken"), req.path("maxResults").asInt(100), this::badToken);
        ObjectNode out = AwsJson.object();
        out.putArray("imageIds").addAll(page.items());
        AwsJson.putIfNotNull(out, "nextToken", page.nextToken());
        return out;
    }

    /** The image an {@code imageIds} entry names: by digest, by tag, or both (which must agree). */
    private static Optional<EcrImage> find(EcrRepository repo, JsonNode id) {
        String tag = text(id, "imageTag");
        String digest = text(id, "imageDigest");
        if (tag == null && digest == null) {
            throw invalid("Invalid parameter at 'imageIds' failed to satisfy constraint: 'an image id needs an imageDigest or an imageTag'");
        }
        Optional<EcrImage> image = digest != null ? Optional.ofNullable(repo.images.get(digest)) : repo.tagged(tag);
        return image.filter(i -> tag == null || i.tags.contains(tag));
    }

    private static boolean matches(String tagStatus, EcrImage image) {
        return switch (tagStatus) {
            case "TAGGED" -> !image.tags.isEmpty();
            case "UNTAGGED" -> image.tags.isEmpty();
            default -> true;
        };
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static AwsError invalid(String message) {
        return AwsError.badRequest("InvalidParameterException", message);
    }

    private AwsError badToken() {
        return invalid("Invalid parameter at 'nextToken' failed to satisfy constraint: 'the token is not valid'");
    }
}

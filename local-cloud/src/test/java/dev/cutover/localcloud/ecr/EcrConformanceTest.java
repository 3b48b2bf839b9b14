package dev.cutover.localcloud.ecr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.sdk.Sdk;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.ImageFailureCode;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.ImageNotFoundException;
import software.amazon.awssdk.services.ecr.model.ImageTagAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.InvalidParameterException;
import software.amazon.awssdk.services.ecr.model.RepositoryAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotEmptyException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;

/** The local cloud's ECR through the real SDK client: repositories, images, tag to digest, tags that move. */
class EcrConformanceTest {

    static final String ACCOUNT = "123456789012";
    static final String REGISTRY = ACCOUNT + ".dkr.ecr.us-east-1.amazonaws.com";

    LocalCloud cloud;
    EcrClient ecr;

    @BeforeEach
    void start() {
        cloud = LocalCloud.start();
        cloud.faults().throttling(false);
        ecr = Sdk.ecr(cloud, ACCOUNT);
    }

    @AfterEach
    void stop() {
        ecr.close();
        cloud.close();
    }

    static String manifest(String config) {
        return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"config\":{\"digest\":\""
                + config + "\"},\"layers\":[]}";
    }

    @Test
    void repositoriesAreCreatedOncePerAccountAndRegionAndNamesFollowTheModel() {
        var repo = ecr.createRepository(r -> r.repositoryName("team/orders")).repository();
        assertThat(repo.repositoryUri()).isEqualTo(REGISTRY + "/team/orders");
        assertThat(repo.repositoryArn()).isEqualTo("arn:aws:ecr:us-east-1:" + ACCOUNT + ":repository/team/orders");
        assertThat(repo.registryId()).isEqualTo(ACCOUNT);
        assertThatThrownBy(() -> ecr.createRepository(r -> r.repositoryName("team/orders")))
                .isInstanceOf(RepositoryAlreadyExistsException.class);
        // ECR's repository-name pattern and length (botocore ecr model, RepositoryName)
        assertThatThrownBy(() -> ecr.createRepository(r -> r.repositoryName("Team/Orders"))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("repositoryName");
        assertThatThrownBy(() -> ecr.createRepository(r -> r.repositoryName("a"))).isInstanceOf(InvalidParameterException.class);
        assertThat(ecr.describeRepositories(r -> r.repositoryNames("team/orders")).repositories()).hasSize(1);
        assertThatThrownBy(() -> ecr.describeRepositories(r -> r.repositoryNames("nothing")))
                .isInstanceOf(RepositoryNotFoundException.class).hasMessageContaining("'nothing'").hasMessageContaining(ACCOUNT);
        try (EcrClient other = Sdk.ecr(cloud, "210987654321")) {
            assertThat(other.describeRepositories(r -> { }).repositories()).isEmpty();
        }
    }

    @Test
    void aTagResolvesToTheManifestDigestAndMovesWhenAnotherImageIsPutUnderIt() {
        ecr.createRepository(r -> r.repositoryName("orders"));
        var first = ecr.putImage(r -> r.repositoryName("orders").imageTag("1.4").imageManifest(manifest("sha256:" + "1".repeat(64))))
                .image();
        String a = first.imageId().imageDigest();
        assertThat(a).matches("sha256:[0-9a-f]{64}");
        assertThat(ecr.describeImages(r -> r.repositoryName("orders").imageIds(i -> i.imageTag("1.4"))).imageDetails())
                .singleElement().satisfies(d -> {
                    assertThat(d.imageDigest()).isEqualTo(a);
                    assertThat(d.imageTags()).containsExactly("1.4");
                });
        assertThat(cloud.images().digestOf(REGISTRY + "/orders:1.4")).isEqualTo(a);

        String b = ecr.putImage(r -> r.repositoryName("orders").imageTag("1.4").imageManifest(manifest("sha256:" + "2".repeat(64))))
                .image().imageId().imageDigest();
        assertThat(b).isNotEqualTo(a);
        assertThat(ecr.batchGetImage(r -> r.repositoryName("orders").imageIds(i -> i.imageTag("1.4"))).images())
                .singleElement().satisfies(i -> assertThat(i.imageId().imageDigest()).isEqualTo(b));
        // the old image is still there by digest, untagged
        assertThat(ecr.describeImages(r -> r.repositoryName("orders").imageIds(i -> i.imageDigest(a))).imageDetails())
                .singleElement().satisfies(d -> assertThat(d.imageTags()).isEmpty());
        assertThat(ecr.describeImages(r -> r.repositoryName("orders").filter(f -> f.tagStatus("UNTAGGED"))).imageDetails())
                .extracting(d -> d.imageDigest()).containsExactly(a);
        assertThat(cloud.images().digestOf(REGISTRY + "/orders:1.4")).isEqualTo(b);

        assertThatThrownBy(() -> ecr.putImage(r -> r.repositoryName("orders").imageTag("1.4")
                .imageManifest(manifest("sha256:" + "2".repeat(64))))).isInstanceOf(ImageAlreadyExistsException.class);
    }

    @Test
    void missingImagesAreAnErrorInDescribeImagesAndAFailureInBatchGetImage() {
        ecr.createRepository(r -> r.repositoryName("orders"));
        assertThatThrownBy(() -> ecr.describeImages(r -> r.repositoryName("orders").imageIds(i -> i.imageTag("9.9"))))
                .isInstanceOf(ImageNotFoundException.class).hasMessageContaining("imageTag:'9.9'");
        var got = ecr.batchGetImage(r -> r.repositoryName("orders").imageIds(i -> i.imageTag("9.9")));
        assertThat(got.images()).isEmpty();
        assertThat(got.failures()).singleElement().satisfies(f -> assertThat(f.failureCode()).isEqualTo(ImageFailureCode.IMAGE_NOT_FOUND));
        assertThatThrownBy(() -> ecr.describeImages(r -> r.repositoryName("elsewhere").imageIds(i -> i.imageTag("1"))))
                .isInstanceOf(RepositoryNotFoundException.class);
        assertThatThrownBy(() -> ecr.describeImages(r -> r.repositoryName("orders").maxResults(5).imageIds(i -> i.imageTag("1"))))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void describeImagesPagesAndImmutableTagsStay() {
        ecr.createRepository(r -> r.repositoryName("orders").imageTagMutability(ImageTagMutability.IMMUTABLE));
        for (int i = 0; i < 5; i++) {
            String tag = "v" + i;
            ecr.putImage(r -> r.repositoryName("orders").imageTag(tag).imageManifest(manifest("sha256:" + tag.repeat(32).substring(0, 64)
                    .replace('v', 'a'))));
        }
        List<String> digests = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            var page = ecr.describeImages(r -> r.repositoryName("orders").maxResults(2).nextToken(t));
            assertThat(page.imageDetails().size()).isLessThanOrEqualTo(2);
            page.imageDetails().forEach(d -> digests.add(d.imageDigest()));
            token = page.nextToken();
        } while (token != null);
        assertThat(digests).hasSize(5).doesNotHaveDuplicates();
        assertThatThrownBy(() -> ecr.putImage(r -> r.repositoryName("orders").imageTag("v1")
                .imageManifest(manifest("sha256:" + "f".repeat(64))))).isInstanceOf(ImageTagAlreadyExistsException.class);
        assertThatThrownBy(() -> ecr.deleteRepository(r -> r.repositoryName("orders"))).isInstanceOf(RepositoryNotEmptyException.class);
        ecr.deleteRepository(r -> r.repositoryName("orders").force(true));
        assertThat(ecr.describeRepositories(r -> { }).repositories()).isEmpty();
    }

    @Test
    void behavioursAttachToTheDigestATagPointsToNotToTheTag() {
        String tag = REGISTRY + "/orders:2.0";
        ImageBehavior bad = ImageBehavior.errorRate(0.3);
        cloud.images().behave(tag, bad); // scripted before the push: attaches to the digest the tag is first pushed to
        String good = cloud.images().push(tag, "sha256:" + "a".repeat(64)).digestOf(tag);
        assertThat(cloud.images().behaviorOf(REGISTRY + "/orders@" + good)).isEqualTo(bad);
        assertThat(cloud.images().behaviorOf(tag)).isEqualTo(bad);

        cloud.images().push(tag, "sha256:" + "b".repeat(64)); // the tag moves to other bytes
        assertThat(cloud.images().behaviorOf(tag)).isEqualTo(ImageBehavior.healthy());
        assertThat(cloud.images().behaviorOf(REGISTRY + "/orders:2.0@" + good)).as("the old bytes keep their behaviour").isEqualTo(bad);
        assertThat(ecr.describeImages(r -> r.repositoryName("orders").imageIds(ImageIdentifier.builder().imageTag("2.0").build()))
                .imageDetails().get(0).imageDigest()).isEqualTo("sha256:" + "b".repeat(64));
    }
}

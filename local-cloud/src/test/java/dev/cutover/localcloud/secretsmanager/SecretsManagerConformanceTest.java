package dev.cutover.localcloud.secretsmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.sdk.Sdk;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.InvalidNextTokenException;
import software.amazon.awssdk.services.secretsmanager.model.InvalidParameterException;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

class SecretsManagerConformanceTest {

    LocalCloud cloud;
    SecretsManagerClient sm;

    @BeforeEach
    void start() {
        cloud = LocalCloud.start();
        cloud.faults().throttling(false);
        sm = Sdk.secretsManager(cloud);
    }

    @AfterEach
    void stop() {
        sm.close();
        cloud.close();
    }

    @Test
    void createDescribeAndGetByNameFullAndPartialArn() {
        var created = sm.createSecret(r -> r.name("prod/orders/db").secretString("s3cr3t").description("db password"));
        assertThat(created.arn()).matches("arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/orders/db-[A-Za-z0-9]{6}");
        String partial = created.arn().substring(0, created.arn().length() - 7);
        for (String id : new String[] {"prod/orders/db", created.arn(), partial}) {
            var d = sm.describeSecret(r -> r.secretId(id));
            assertThat(d.arn()).isEqualTo(created.arn());
            assertThat(d.description()).isEqualTo("db password");
            assertThat(d.versionIdsToStages()).containsKey(created.versionId());
            assertThat(d.createdDate()).isEqualTo(cloud.clock().instant());
            assertThat(sm.getSecretValue(r -> r.secretId(id)).secretString()).isEqualTo("s3cr3t");
        }
        assertThat(cloud.secrets().currentValue(partial)).contains("s3cr3t");
        assertThatThrownBy(() -> sm.describeSecret(r -> r.secretId("prod/nothing"))).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> sm.createSecret(r -> r.name("prod/orders/db").secretString("x"))).isInstanceOf(ResourceExistsException.class);
        assertThatThrownBy(() -> sm.createSecret(r -> r.name("bad name!").secretString("x"))).isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> sm.createSecret(r -> r.name("n".repeat(513)).secretString("x"))).isInstanceOf(SecretsManagerException.class)
                .satisfies(e -> assertThat(((SecretsManagerException) e).statusCode()).isEqualTo(400));
        assertThatThrownBy(() -> sm.createSecret(r -> r.name("both").secretString("x")
                .secretBinary(software.amazon.awssdk.core.SdkBytes.fromUtf8String("y")))).isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void putSecretValueRotatesStagingLabels() {
        String arn = sm.createSecret(r -> r.name("api-key").secretString("v1")).arn();
        String v1 = sm.getSecretValue(r -> r.secretId(arn)).versionId();
        var put = sm.putSecretValue(r -> r.secretId("api-key").secretString("v2").clientRequestToken("00000000-0000-0000-0000-000000000002"));
        assertThat(put.versionStages()).containsExactly("AWSCURRENT");
        assertThat(sm.getSecretValue(r -> r.secretId(arn)).secretString()).isEqualTo("v2");
        assertThat(sm.getSecretValue(r -> r.secretId(arn).versionStage("AWSPREVIOUS")).secretString()).isEqualTo("v1");
        assertThat(sm.getSecretValue(r -> r.secretId(arn).versionId(v1)).versionStages()).containsExactly("AWSPREVIOUS");
        // idempotent retry with the same token and value; a different value is rejected
        assertThat(sm.putSecretValue(r -> r.secretId(arn).secretString("v2").clientRequestToken("00000000-0000-0000-0000-000000000002"))
                .versionId()).isEqualTo(put.versionId());
        assertThatThrownBy(() -> sm.putSecretValue(r -> r.secretId(arn).secretString("other")
                .clientRequestToken("00000000-0000-0000-0000-000000000002"))).isInstanceOf(ResourceExistsException.class);
        assertThatThrownBy(() -> sm.putSecretValue(r -> r.secretId(arn))).isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId(arn).versionStage("NOPE"))).isInstanceOf(ResourceNotFoundException.class);

        String empty = sm.createSecret(r -> r.name("no-value")).arn();
        assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId(empty))).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void deleteHonoursTheRecoveryWindowOnTheSimulatedClock() {
        String arn = sm.createSecret(r -> r.name("temp").secretString("x")).arn();
        assertThatThrownBy(() -> sm.deleteSecret(r -> r.secretId(arn).recoveryWindowInDays(3L))).isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> sm.deleteSecret(r -> r.secretId(arn).recoveryWindowInDays(7L).forceDeleteWithoutRecovery(true)))
                .isInstanceOf(InvalidParameterException.class);
        var deleted = sm.deleteSecret(r -> r.secretId(arn).recoveryWindowInDays(7L));
        assertThat(deleted.deletionDate()).isEqualTo(cloud.clock().instant().plus(Duration.ofDays(7)));
        assertThat(sm.describeSecret(r -> r.secretId(arn)).deletedDate()).isEqualTo(deleted.deletionDate());
        assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId(arn))).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> sm.createSecret(r -> r.name("temp").secretString("y"))).isInstanceOf(InvalidRequestException.class);
        assertThat(sm.listSecrets().secretList()).isEmpty();
        assertThat(sm.listSecrets(r -> r.includePlannedDeletion(true)).secretList()).hasSize(1);

        cloud.clock().advance(Duration.ofDays(7));
        assertThatThrownBy(() -> sm.describeSecret(r -> r.secretId(arn))).isInstanceOf(ResourceNotFoundException.class);
        sm.createSecret(r -> r.name("temp").secretString("again"));

        sm.deleteSecret(r -> r.secretId("temp").forceDeleteWithoutRecovery(true));
        assertThatThrownBy(() -> sm.describeSecret(r -> r.secretId("temp"))).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void listSecretsPagesAndFiltersByName() {
        for (String name : new String[] {"prod/a", "prod/b", "prod/c", "stage/a"}) {
            sm.createSecret(r -> r.name(name).secretString("x"));
            cloud.clock().advance(Duration.ofSeconds(1));
        }
        var first = sm.listSecrets(r -> r.maxResults(2));
        assertThat(first.secretList()).extracting(SecretListEntry::name).containsExactly("prod/a", "prod/b");
        var second = sm.listSecrets(r -> r.maxResults(2).nextToken(first.nextToken()));
        assertThat(second.secretList()).extracting(SecretListEntry::name).containsExactly("prod/c", "stage/a");
        assertThat(second.nextToken()).isNull();
        assertThat(sm.listSecrets(r -> r.filters(f -> f.key("name").values("prod/"))).secretList()).hasSize(3);
        assertThat(sm.listSecrets(r -> r.filters(f -> f.key("name").values("!prod/"))).secretList())
                .extracting(SecretListEntry::name).containsExactly("stage/a");
        assertThat(sm.listSecrets(r -> r.sortOrder("desc").maxResults(1)).secretList())
                .extracting(SecretListEntry::name).containsExactly("stage/a");
        assertThat(sm.listSecretsPaginator(r -> r.maxResults(1)).stream().mapToInt(x -> x.secretList().size()).sum()).isEqualTo(4);
        assertThatThrownBy(() -> sm.listSecrets(r -> r.nextToken("junk"))).isInstanceOf(InvalidNextTokenException.class);
        // a key outside the FilterNameStringType enum is a shape violation: ValidationException (ShapeValidator)
        assertThatThrownBy(() -> sm.listSecrets(r -> r.filters(f -> f.key("color").values("x"))))
                .isInstanceOfSatisfying(SecretsManagerException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
    }
}

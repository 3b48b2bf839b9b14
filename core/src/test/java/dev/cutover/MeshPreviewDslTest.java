package dev.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.internal.ReleaseCodec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The App Mesh preview header in the DSL: the default, every problem at once, null-hostility, the journal. */
class MeshPreviewDslTest {

    @Test
    void anAppMeshEnvironmentTakesAPreviewHeader() {
        Environment plain = Environment.named("stage").region("us-east-1").mesh("internal").build();
        assertThat(plain.meshPreview()).isEmpty();
        Environment e = plain.toBuilder().meshPreview().build();
        assertThat(e.meshPreview()).contains(Map.entry("x-cutover-preview", "1"));
        assertThat(e.toBuilder().build()).isEqualTo(e);
        assertThat(e).isNotEqualTo(plain);
        assertThat(e.toString()).contains("meshPreview=x-cutover-preview: 1");
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsPath() {
        assertThatThrownBy(() -> Environment.named("stage").region("us-east-1").mesh("internal")
                .meshPreview("bad header", "x".repeat(256)).build())
                .isInstanceOfSatisfying(ValidationException.class, ex -> assertThat(ex.problems())
                        .extracting(Problem::path).containsExactly("environment.meshPreview", "environment.meshPreview"));
        assertThatThrownBy(() -> Environment.named("stage").region("us-east-1").meshPreview().build())
                .isInstanceOfSatisfying(ValidationException.class, ex -> assertThat(ex.problems()).extracting(Problem::path)
                        .containsExactly("environment.meshPreview"));
        assertThatThrownBy(() -> Environment.named("stage").meshPreview(null, "1"))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("environment.meshPreview");
    }

    @Test
    void theJournalReadsBackTheSamePreviewHeader() {
        Environment e = Environment.named("stage").region("us-east-1").mesh("internal").meshPreview("x-test", "on").build();
        Release r = Release.of(Service.named("orders").image("repo/orders:1.0.0").port(8080).build()).to(e).build();
        assertThat(ReleaseCodec.decode(ReleaseCodec.encode(r)).environment()).isEqualTo(e);
    }
}

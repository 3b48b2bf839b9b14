package dev.cutover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.spi.SecretNotFoundException;
import dev.cutover.spi.Secrets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Secrets}: references resolve to what the runtime injects (one entry per
 * reference), a missing reference fails with {@link SecretNotFoundException} naming it (and only
 * the missing ones), and a secret's value appears nowhere: not in a resolved form, not in an
 * exception.
 *
 * <p>Extend it and say how a secret comes to exist in your provider's world:
 *
 * <pre>{@code
 * class MySecretsKitTest extends SecretsCompatibilityKit {
 *     private final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));
 *     protected Provider createProvider() { return new MyProvider(); }
 *     protected Clock clock() { return time.clock(); }
 *     protected void advance(Duration d) { time.advance(d); }
 *     protected void createSecret(String reference, String value) { myVault.put(reference, value); }
 * }
 * }</pre>
 *
 * Override {@link #reference(String)} when your references have another form (ARNs, paths).
 */
public abstract class SecretsCompatibilityKit extends KitFixture {

    /** The secrets capability under test. */
    protected Secrets secrets;

    /** Makes a secret exist in the provider's world (in its store, or its emulator) with {@code value}. */
    protected abstract void createSecret(String reference, String value);

    /** A reference as the provider expects it, from a short name (default: {@code kit/<name>}). */
    protected String reference(String name) {
        return "kit/" + name;
    }

    @BeforeEach
    void secrets() {
        secrets = provider.secrets().orElseThrow(() -> new AssertionError(provider.name() + " offers no SECRETS"));
    }

    private static final String DB_VALUE = "s3cr3t-db-password-value";
    private static final String API_VALUE = "s3cr3t-api-key-value";

    @Test
    void existingReferencesResolveOneEachWithoutTheirValues() {
        createSecret(reference("db"), DB_VALUE);
        createSecret(reference("api"), API_VALUE);
        Map<String, String> resolved = secrets.resolve(environment().name(), List.of(reference("db"), reference("api")));
        assertThat(resolved).containsOnlyKeys(reference("db"), reference("api"));
        assertThat(resolved.values()).allSatisfy(v -> {
            assertThat(v).isNotBlank();
            assertThat(v).doesNotContain(DB_VALUE, API_VALUE);
        });
    }

    @Test
    void aMissingReferenceIsNamedAndNoValueLeaks() {
        createSecret(reference("db"), DB_VALUE);
        assertThatThrownBy(() -> secrets.resolve(environment().name(), List.of(reference("db"), reference("missing"))))
                .isInstanceOfSatisfying(SecretNotFoundException.class, e -> {
                    assertThat(e.references()).containsExactly(reference("missing"));
                    assertThat(e.getMessage()).contains(reference("missing")).doesNotContain(DB_VALUE);
                    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain(DB_VALUE);
                    }
                });
    }

    @Test
    void everyMissingReferenceIsNamedAtOnce() {
        assertThatThrownBy(() -> secrets.resolve(environment().name(), List.of(reference("gone-1"), reference("gone-2"))))
                .isInstanceOfSatisfying(SecretNotFoundException.class,
                        e -> assertThat(e.references()).containsExactlyInAnyOrder(reference("gone-1"), reference("gone-2")));
    }

    @Test
    void resolvingNothingIsEmpty() {
        assertThat(secrets.resolve(environment().name(), List.of())).isEmpty();
    }
}

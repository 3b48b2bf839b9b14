package dev.cutover.examples.custom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Cutover;
import dev.cutover.DeploymentStatus;
import dev.cutover.Deployment;
import dev.cutover.Environment;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.spi.Capability;
import dev.cutover.spi.LockHeldException;
import dev.cutover.spi.ProviderConfig;
import dev.cutover.spi.ProviderFactory;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLockProviderTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path directory;

    @Test
    void serviceLoaderFindsTheFactory() {
        assertThat(ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .map(ProviderFactory::name)).contains(DirectoryLockProvider.NAME, "aws", "consul");
    }

    @Test
    void withoutADirectoryTheDiscoveredProviderOffersNothing() {
        assertThat(new DirectoryLockProviderFactory().create(k -> null).capabilities()).isEmpty();
        assertThat(new DirectoryLockProviderFactory().create(
                ProviderConfig.of(Map.of(DirectoryLockProviderFactory.PATH_KEY, directory.toString()))).capabilities())
                .containsExactly(Capability.LOCK);
    }

    /** Two deployers (two Cutover instances, as on two machines) share the lock directory. */
    @Test
    void aDiscoveredDirectoryLockKeepsASecondDeployerOut() {
        VirtualScheduler time = Scheduler.virtual(T0);
        Release release = Release.of(Service.named("orders").image("registry.example.com/orders:1.0.0").build())
                .to(Environment.named("stage").region("us-east-1").cluster("main").mesh("internal")
                        .namespace("stage.local").build())
                .build();
        ProviderConfig config = ProviderConfig.of(Map.of(DirectoryLockProviderFactory.PATH_KEY, directory.toString()));
        try (Cutover alice = deployer(time, config, "alice"); Cutover bob = deployer(time, config, "bob")) {
            Deployment running = alice.apply(alice.plan(release));
            assertThatThrownBy(() -> bob.apply(bob.plan(release)))
                    .isInstanceOfSatisfying(LockHeldException.class, e -> assertThat(e.holder()).startsWith("alice/"));
            assertThat(running.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(bob.apply(bob.plan(release)).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        }
    }

    private static Cutover deployer(VirtualScheduler time, ProviderConfig config, String who) {
        return Cutover.builder()
                .provider(new InMemoryProvider())
                .provider(new DirectoryLockProviderFactory().create(config))
                .use(Capability.LOCK, DirectoryLockProvider.NAME)   // in-memory offers locks too: say which
                .discoverProviders(false)
                .scheduler(time).deployer(who)
                .build();
    }
}

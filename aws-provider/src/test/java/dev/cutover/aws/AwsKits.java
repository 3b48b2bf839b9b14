package dev.cutover.aws;

import dev.cutover.Change;
import dev.cutover.Release;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.Resource;
import java.time.Clock;
import java.time.Duration;

/**
 * The wiring every AWS kit test shares: a fresh local cloud and an AWS provider on it per test,
 * the cloud's clock as the kit's clock, and closing both afterwards. Each kit test holds one,
 * returns it from {@code world()} and makes its provider with it.
 *
 * <p>The cloud's AWS-like throttling is off: a kit calls the capability directly
 * ({@code ProviderContext.direct}), without the core's guarded executor that keeps a real
 * deployment under the provider's {@code rateLimits()} and retries throttled calls, and virtual
 * time does not pass while a kit creates forty resources in a row. Throttling is covered where the
 * executor runs ({@code AwsOperationsEndToEndTest}, {@code AwsPlanningCallsTest}).
 */
final class AwsKits implements dev.cutover.testkit.KitFixture.World {

    private AwsFixture f;

    /** A fresh cloud and provider, nothing created yet. */
    AwsProvider start() {
        f = new AwsFixture(LocalCloud.start(), b -> b);
        f.cloud.faults().throttling(false);
        return f.aws;
    }

    /** A fresh cloud and provider, with the environment-level resources of {@code sample} (cluster, namespace, mesh) created. */
    AwsProvider startBootstrapped(Release sample) {
        start();
        for (Resource r : DesiredState.of(sample)) {
            if (r.id().type().isEnvironmentLevel()) {
                AwsFixture.capability(f.aws, r.id()).apply(new Change(r.id(), Change.Action.CREATE, null, r, "kit bootstrap"));
            }
        }
        return f.aws;
    }

    LocalCloud cloud() {
        return f.cloud;
    }

    @Override
    public Clock clock() {
        return f.cloud.clock();
    }

    @Override
    public void advance(Duration d) {
        f.cloud.clock().advance(d);
    }

    @Override
    public void close() {
        if (f != null) {
            f.close();
        }
    }
}

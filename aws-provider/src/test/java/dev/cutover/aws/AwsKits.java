package dev.cutover.aws;

import dev.cutover.Change;
import dev.cutover.Release;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.Resource;
import java.time.Clock;
import java.time.Duration;

/** Shared wiring of the compatibility kits to the AWS provider on a fresh local cloud. */
final class AwsKits {

    private AwsKits() {
    }

    /** A fresh cloud and provider, with the kit environment's cluster, namespace and mesh bootstrapped. */
    static AwsFixture fixture(Release sample) {
        AwsFixture f = new AwsFixture(LocalCloud.start(), b -> b);
        for (Resource r : DesiredState.of(sample)) {
            if (r.id().type().isEnvironmentLevel()) {
                AwsFixture.capability(f.aws, r.id()).apply(new Change(r.id(), Change.Action.CREATE, null, r, "kit bootstrap"));
            }
        }
        return f;
    }

    static Clock clock(AwsFixture f) {
        return f.cloud.clock();
    }

    static void advance(AwsFixture f, Duration d) {
        f.cloud.clock().advance(d);
    }
}

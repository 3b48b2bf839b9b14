package dev.cutover.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Environment;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.ProviderContext;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 6: observing a fleet sends its DescribeServices calls (ten services each) up to the
 * provider's observe concurrency at once instead of one after another, and reads the same services.
 * Against the local cloud through the real SDK.
 */
class AwsParallelObserveTest {

    static final int SERVICES = 25;

    private final Environment env = Environment.named("test").region("us-east-1").cluster("apps").namespace("test.local")
            .serviceConnect().build();

    @Test
    void aFleetsDescribeServicesCallsOverlapAndFindEveryService() {
        try (AwsFixture f = new AwsFixture(dev.cutover.localcloud.LocalCloud.start(), b -> b.observeConcurrency(4))) {
            List<Release> releases = new ArrayList<>();
            for (int i = 0; i < SERVICES; i++) {
                releases.add(Release.of(Service.named("svc" + i).image("repo/svc:1.0.0").port(8080).cpu(256).memoryMiB(512)
                        .instances(1).build()).to(env).build());
            }
            f.bootstrap(releases.get(0));
            f.aws.prepare(releases);
            f.cloud.faults().throttling(false); // setup only: 25 registrations at once
            for (Release r : releases) {
                f.aws.compute().orElseThrow().startRevision(r, 1);
            }
            f.cloud.faults().throttling(true);
            // each DescribeServices waits (bounded) until a second one is in flight: overlapping calls pass at once
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            Clock clock = f.cloud.clock();
            f.aws.start(new ProviderContext() {
                @Override
                public <T> T call(String family, String operation, Supplier<T> call) {
                    if (!operation.equals("DescribeServices")) {
                        return call.get();
                    }
                    int now = inFlight.incrementAndGet();
                    most.accumulateAndGet(now, Math::max);
                    try {
                        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                        while (most.get() < 2 && System.nanoTime() < giveUp) {
                            Thread.onSpinWait();
                        }
                        return call.get();
                    } finally {
                        inFlight.decrementAndGet();
                    }
                }

                @Override
                public Clock clock() {
                    return clock;
                }
            });
            List<ResourceId> ids = releases.stream().flatMap(r -> DesiredState.candidateIds(r).stream())
                    .filter(id -> id.type() == ResourceType.SERVICE).toList();
            long before = f.aws.apiCalls().getOrDefault("ecs:DescribeServices", 0L);
            List<Resource> observed = f.aws.compute().orElseThrow().observe(ids);

            assertThat(observed.stream().filter(r -> r.id().type() == ResourceType.SERVICE).map(r -> r.id().name()).distinct())
                    .as("every service is read").hasSize(SERVICES);
            assertThat(f.aws.apiCalls().get("ecs:DescribeServices") - before).as("ten services a call").isEqualTo(3);
            assertThat(most.get()).as("DescribeServices calls in flight at once").isGreaterThanOrEqualTo(2);
        }
    }
}

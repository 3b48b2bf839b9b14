package dev.cutover.aws;

import java.time.Duration;

/**
 * How the provider waits between polls of an asynchronous AWS operation (a Cloud Map namespace
 * being created, a one-off task running). The default sleeps on the wall clock; tests with a
 * virtual clock pass one that advances that clock instead, so nothing really waits.
 *
 * <pre>{@code
 * AwsProvider.builder().clock(simClock).sleeper(simClock::advance)...
 * }</pre>
 */
@FunctionalInterface
public interface Sleeper {

    /** Waits {@code duration} in the provider's time. */
    void sleep(Duration duration) throws InterruptedException;

    /** Sleeps on the wall clock. */
    static Sleeper wallClock() {
        return d -> Thread.sleep(d.toMillis());
    }
}

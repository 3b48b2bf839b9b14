package dev.cutover.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The token bucket adapts to throttling in virtual time: four clients each sized for the whole of
 * one shared bucket (20 burst, 1 per second, as ECS's RegisterTaskDefinition) settle on shares that
 * add up to about the shared rate, throttled a few times while they find them.
 */
class TokenBucketTest {

    private final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void aThrottleCutsTheRateAndSuccessesGrowItBackToTheDocumentedRate() {
        TokenBucket b = new TokenBucket(time.clock(), 20, 10);
        b.onThrottled();
        assertThat(b.rate()).isEqualTo(7.0);
        b.onThrottled(); // the same burst's throttles are one signal
        assertThat(b.rate()).isEqualTo(7.0);
        time.advance(Duration.ofSeconds(10));
        b.onSuccess();
        assertThat(b.rate()).isBetween(9.0, 10.0); // concave: most of the way back at half the recovery time
        time.advance(Duration.ofSeconds(30));
        b.onSuccess();
        assertThat(b.rate()).isEqualTo(10.0);
        assertThat(b.tryTake()).isZero();
    }

    /**
     * A fleet plan after a quiet spell: the bucket's first call was a minute and a half ago, then 30
     * calls go at once and one is throttled. The cut is from the burst's rate (capped at the fill
     * rate), not from "31 calls in 90 seconds" — which put DescribeTaskDefinition at its floor and
     * made a 100-service plan take 100 s.
     */
    @Test
    void aThrottleAfterAQuietSpellCutsFromTheBurstsRateNotFromTheQuietSpells() {
        TokenBucket b = new TokenBucket(time.clock(), 50, 20);
        b.tryTake();
        time.advance(Duration.ofSeconds(90));
        for (int i = 0; i < 30; i++) {
            b.tryTake();
        }
        time.advance(Duration.ofMillis(100));
        b.onThrottled();
        assertThat(b.rate()).isEqualTo(14.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aBucketCutWhileItSentLittleClimbsBackToTheDocumentedRateWithinFiftySeconds() {
        TokenBucket b = new TokenBucket(time.clock(), 50, 20);
        for (int i = 0; i < 10; i++) { // two calls a second
            b.tryTake();
            time.advance(Duration.ofMillis(500));
        }
        b.onThrottled();
        assertThat(b.rate()).isBetween(1.0, 2.0);
        for (int i = 0; i < 500; i++) { // then every call succeeds
            time.advance(Duration.ofMillis(100));
            b.tryTake();
            b.onSuccess();
        }
        assertThat(b.rate()).isEqualTo(20.0);
    }

    /**
     * Twenty-five rollouts wait for RegisterTaskDefinition tokens when a throttle cuts the rate: they
     * all slow down at once. (Tokens reserved ahead kept their old pace: ten sends in these ten
     * seconds, more throttles, and a deployer's bucket sank to its floor.)
     */
    @Test
    void aCutSlowsTheCallersAlreadyWaiting() {
        TokenBucket b = new TokenBucket(time.clock(), 20, 1);
        for (int i = 0; i < 20; i++) {
            assertThat(b.tryTake()).isZero(); // the burst
        }
        Instant[] next = new Instant[25];
        for (int i = 0; i < next.length; i++) {
            next[i] = time.clock().instant().plus(b.tryTake());
        }
        time.advance(Duration.ofMillis(100));
        b.onThrottled();
        int sent = 0;
        Instant end = time.clock().instant().plus(Duration.ofSeconds(10));
        while (time.clock().instant().isBefore(end)) {
            for (int i = 0; i < next.length; i++) {
                if (next[i] == null || time.clock().instant().isBefore(next[i])) {
                    continue;
                }
                Duration wait = b.tryTake();
                if (wait.isZero()) {
                    sent++;
                    next[i] = null;
                } else {
                    next[i] = time.clock().instant().plus(wait);
                }
            }
            time.advance(Duration.ofMillis(50));
        }
        assertThat(sent).as("sends in the 10 s after a cut to 0.7 a second").isBetween(6, 8);
    }

    @Test
    void theRateNeverFallsBelowOneCallEveryTwentySecondsNorTwoPercentOfTheDocumentedRate() {
        TokenBucket datadog = new TokenBucket(time.clock(), 50, 1600 / 3600.0); // 2% would be one call every 112 s
        TokenBucket ecs = new TokenBucket(time.clock(), 100, 40);
        TokenBucket rare = new TokenBucket(time.clock(), 1, 0.01);
        for (int i = 0; i < 40; i++) {
            datadog.onThrottled();
            ecs.onThrottled();
            rare.onThrottled();
            time.advance(Duration.ofSeconds(1));
        }
        assertThat(datadog.rate()).isEqualTo(TokenBucket.MIN_FILL_RATE);
        assertThat(ecs.rate()).isEqualTo(40 * TokenBucket.MIN_SHARE);
        assertThat(rare.rate()).as("never above the documented rate").isEqualTo(0.01);
        int granted = 0;
        for (int i = 0; i < 1000; i++) { // asking every 100 ms for 100 s
            if (datadog.tryTake().isZero()) {
                granted++;
            }
            time.advance(Duration.ofMillis(100));
        }
        assertThat(granted).as("one token every 20 s at the floor").isBetween(5, 6);
    }

    @Test
    void fourClientsOfOneSharedBucketSettleOnTheirShares() {
        AwsBucket shared = new AwsBucket(20, 1); // AWS's, per account and Region
        TokenBucket[] clients = new TokenBucket[4];
        Instant[] next = new Instant[4];
        for (int i = 0; i < 4; i++) {
            clients[i] = new TokenBucket(time.clock(), 20, 1);
        }
        int throttled = 0;
        int admitted = 0;
        Instant end = time.clock().instant().plus(Duration.ofMinutes(10));
        while (time.clock().instant().isBefore(end)) {
            for (int i = 0; i < 4; i++) {
                if (next[i] != null && time.clock().instant().isBefore(next[i])) {
                    continue; // waiting before it asks again
                }
                Duration wait = clients[i].tryTake(); // every client always has work
                if (!wait.isZero()) {
                    next[i] = time.clock().instant().plus(wait);
                    continue;
                }
                next[i] = null;
                if (shared.tryTake()) {
                    admitted++;
                    clients[i].onSuccess();
                } else {
                    throttled++;
                    clients[i].onThrottled();
                }
            }
            time.advance(Duration.ofMillis(50));
        }
        assertThat(admitted).as("the shared bucket stayed busy").isGreaterThanOrEqualTo(20 + 590);
        assertThat(throttled).as("throttled while sharing 10 minutes (without adapting: about 3 of every 4 sends)")
                .isLessThan(admitted / 2);
        double total = 0;
        for (TokenBucket c : clients) {
            total += c.rate();
        }
        assertThat(total).as("the clients' rates add up to about the shared rate").isBetween(0.5, 2.5);
    }

    /** AWS's side: a bucket that refuses (a throttling answer) instead of making the caller wait. */
    private final class AwsBucket {
        private final double burst;
        private final double perSecond;
        private double tokens;
        private Instant last = time.clock().instant();

        AwsBucket(double burst, double perSecond) {
            this.burst = burst;
            this.perSecond = perSecond;
            this.tokens = burst;
        }

        boolean tryTake() {
            Instant now = time.clock().instant();
            tokens = Math.min(burst, tokens + Duration.between(last, now).toNanos() / 1e9 * perSecond);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}

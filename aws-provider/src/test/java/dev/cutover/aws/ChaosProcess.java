package dev.cutover.aws;

import dev.cutover.Cutover;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.JournalStore;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.spi.LockHeldException;
import dev.cutover.spi.LockManager;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * A deployer "process" inside the test JVM, for the chaos suite: its own virtual scheduler, AWS
 * provider and Cutover, and every way it reaches the world (each AWS request, its journal, its
 * lock, the passing of time) goes through here, so {@link #kill()} is a {@code kill -9}: from that
 * instant nothing it does reaches the cloud, the journal or the lock any more, whatever the dead
 * code still runs on its stack.
 *
 * <p>AWS requests are counted where the SDK signs them (the credentials provider), so a crash can be
 * placed at any provider-call boundary, including between the calls of one multi-call step.
 */
final class ChaosProcess implements AutoCloseable {

    /** What a killed process sees when it still tries to act; nothing of it reaches the world. */
    static final class Killed extends Error {
        Killed(String message) {
            super(message, null, false, false);
        }
    }

    /** One journal append and the process that made it, in the order the world saw them. */
    record Append(String process, JournalEntry entry) {
    }

    final String name;
    final VirtualScheduler time;
    final AwsProvider aws;
    final Cutover cutover;
    private final AtomicBoolean dead = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong awsCalls = new AtomicLong();
    private volatile long crashAtCall = -1;
    private volatile Instant lockLostAt;

    ChaosProcess(String name, LocalCloud cloud, JournalStore journal, List<Append> appends, LockManager locks,
            Consumer<AwsProvider.Builder> provider, java.util.function.BiConsumer<VirtualScheduler, Cutover.Builder> engine) {
        this(name, cloud.endpoint(), cloud.clock().instant(), (from, to) -> {
            if (to.isAfter(cloud.clock().instant())) {
                cloud.clock().advance(Duration.between(cloud.clock().instant(), to));
            }
        }, null, journal, appends, locks, provider, engine);
    }

    /**
     * A process whose virtual time starts at {@code start} and moves the world with {@code moveWorld}
     * while it lives; at its crash point it runs {@code atCrashPoint} (null: it dies in place).
     */
    ChaosProcess(String name, java.net.URI endpoint, Instant start, java.util.function.BiConsumer<Instant, Instant> moveWorld,
            Runnable atCrashPoint, JournalStore journal, List<Append> appends, LockManager locks,
            Consumer<AwsProvider.Builder> provider, java.util.function.BiConsumer<VirtualScheduler, Cutover.Builder> engine) {
        this.name = name;
        this.time = Scheduler.virtual(start);
        time.onAdvance((from, to) -> {
            if (!dead.get()) {
                moveWorld.accept(from, to);
            }
        });
        AwsCredentials credentials = AwsBasicCredentials.create("chaos", "chaos");
        AwsCredentialsProvider counting = () -> {
            checkAlive();
            if (awsCalls.incrementAndGet() == crashAtCall) {
                if (atCrashPoint != null) {
                    atCrashPoint.run();
                }
                kill();
                throw new Killed(name + " was killed before AWS call " + crashAtCall);
            }
            return credentials;
        };
        AwsProvider.Builder pb = AwsProvider.builder()
                .region("us-east-1").endpointOverride(endpoint).credentials(counting)
                .accountId("123456789012").subnets("subnet-0a1b2c3d").securityGroups("sg-0a1b2c3d").vpcId("vpc-0a1b2c3d")
                .executionRole("arn:aws:iam::123456789012:role/ecsTaskExecutionRole")
                .clock(time.clock()).sleeper(d -> {
                    checkAlive();
                    time.sleep(d);
                }).observeConcurrency(1);
        provider.accept(pb);
        this.aws = pb.build();
        Cutover.Builder cb = Cutover.builder().provider(aws).discoverProviders(false).scheduler(time)
                .deployer("chaos")
                .journal(new ProcessJournal(journal, appends))
                .locks(new ProcessLocks(locks));
        engine.accept(time, cb);
        this.cutover = cb.build();
    }

    /** Kills the process before its {@code n}-th AWS call (counted from now on, 1 = the next call). */
    void crashBeforeCall(long n) {
        crashAtCall = awsCalls.get() + n;
    }

    /** AWS calls made so far. */
    long awsCalls() {
        return awsCalls.get();
    }

    void kill() {
        dead.set(true);
    }

    boolean isDead() {
        return dead.get();
    }

    /** When a lock renewal first failed because the lock was taken (null: never). */
    Instant lockLostAt() {
        return lockLostAt;
    }

    private void checkAlive() {
        if (dead.get()) {
            throw new Killed(name + " is dead");
        }
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        if (!dead.get()) {
            cutover.close();
        }
        aws.close();
    }

    /** The journal as this process sees it: appends are recorded with the process's name; a dead process writes nothing. */
    private final class ProcessJournal implements JournalStore {
        private final JournalStore backing;
        private final List<Append> appends;

        ProcessJournal(JournalStore backing, List<Append> appends) {
            this.backing = backing;
            this.appends = appends;
        }

        @Override
        public void append(JournalEntry entry) {
            checkAlive();
            synchronized (appends) {
                backing.append(entry);
                appends.add(new Append(name, entry));
            }
        }

        @Override
        public List<JournalEntry> read(String deploymentId) {
            checkAlive();
            return backing.read(deploymentId);
        }

        @Override
        public List<String> deployments() {
            checkAlive();
            return backing.deployments();
        }
    }

    /** The shared lock manager as this process sees it; a dead process neither renews nor releases. */
    private final class ProcessLocks implements LockManager {
        private final LockManager shared;

        ProcessLocks(LockManager shared) {
            this.shared = shared;
        }

        @Override
        public Duration releaseDelay(Duration lease) {
            return shared.releaseDelay(lease); // a Consul session outlives a dead holder by 2 x TTL + lock-delay
        }

        @Override
        public LockHandle acquire(String key, String owner, Duration lease) {
            checkAlive();
            LockHandle h = shared.acquire(key, owner, lease);
            return new Handle(h.key(), h.owner(), () -> {
                checkAlive();
                try {
                    h.renew();
                } catch (LockHeldException e) {
                    if (lockLostAt == null) {
                        lockLostAt = time.clock().instant();
                    }
                    throw e;
                }
            }, () -> {
                checkAlive();
                h.close();
            });
        }
    }

    /** A lock handle made of its two actions. */
    private record Handle(String key, String owner, Runnable renewal, Runnable release) implements LockManager.LockHandle {
        @Override
        public void renew() {
            renewal.run();
        }

        @Override
        public void close() {
            release.run();
        }
    }

    /**
     * Locks shared by every process of a world, with leases on the cloud's clock, that a test can
     * take away from their holder ({@link #steal(String)}): the lock passes to an intruder, so the
     * holder's next renewal fails as it would after a lost Consul session or an expired lease.
     */
    static final class StealableLocks implements LockManager {
        private final dev.cutover.locks.InMemoryLocks locks;
        private final java.util.Map<String, LockHandle> held = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.Set<LockHandle> stolen = java.util.Collections.newSetFromMap(
                new java.util.concurrent.ConcurrentHashMap<>());

        StealableLocks(java.time.Clock clock) {
            this.locks = new dev.cutover.locks.InMemoryLocks(clock);
        }

        @Override
        public LockHandle acquire(String key, String owner, Duration lease) {
            LockHandle h = locks.acquire(key, owner, lease);
            held.put(key, h);
            return new Handle(key, owner, () -> {
                if (stolen.contains(h)) {
                    throw new LockHeldException(key, "intruder", Instant.EPOCH);
                }
                h.renew();
            }, () -> {
                if (!stolen.contains(h)) {
                    h.close();
                    held.remove(key, h);
                }
            });
        }

        /** Takes the lock from its holder (the holder is not told until it renews) and frees it for the next owner. */
        boolean steal(String key) {
            LockHandle h = held.remove(key);
            if (h == null) {
                return false;
            }
            stolen.add(h);
            h.close();
            return true;
        }
    }
}

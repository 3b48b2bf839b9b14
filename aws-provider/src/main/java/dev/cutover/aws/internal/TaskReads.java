package dev.cutover.aws.internal;

import dev.cutover.CutoverException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * DescribeTasks for the tasks of many services in one call. DescribeTasks takes up to 100 task ARNs
 * of one cluster (ECS API Reference, DescribeTasks: "tasks — A list of up to 100 task IDs or full ARN
 * entries"), whatever services they belong to; concurrent health checks of a fleet each described
 * their own service's tasks. Now the reads of one cluster form a queue: while a DescribeTasks of the
 * cluster is in flight or waits for its rate limiter's token, every read that comes meanwhile joins
 * the next call (up to 100 ARNs), and each reader gets its own tasks from the answer. A read alone
 * (one thread, virtual time) is sent at once, as before.
 */
final class TaskReads {

    /** DescribeTasks's limit of task ARNs per call. */
    static final int MAX_ARNS = 100;

    /** One DescribeTasks call being gathered, then answered. */
    private static final class Batch {
        final Set<String> arns = new LinkedHashSet<>();
        boolean sealed;
        List<String> sent;
        Map<String, Task> answer;
        RuntimeException failure;
        final CountDownLatch done = new CountDownLatch(1);
    }

    /** The cluster's batch still open to readers, and the lock that keeps one call of the cluster in flight. */
    private static final class Cluster {
        Batch open;
        final ReentrantLock flight = new ReentrantLock(true);
    }

    private final Map<String, Cluster> clusters = new HashMap<>();
    private final java.util.concurrent.atomic.AtomicLong joined = new java.util.concurrent.atomic.AtomicLong();

    /**
     * The tasks among {@code arns} that the cluster knows (ARNs of stopped tasks it forgot are left
     * out, as DescribeTasks reports them as failures).
     *
     * @param cluster  the key of the cluster (Region and name)
     * @param describe the DescribeTasks call through the guarded executor; its body gets the ARNs (at most 100) from the
     *                 supplier it is given
     */
    List<Task> describe(String cluster, List<String> arns, Function<Supplier<List<String>>, List<Task>> describe) {
        List<Task> out = new ArrayList<>();
        for (int i = 0; i < arns.size(); i += MAX_ARNS) {
            out.addAll(describeChunk(cluster, arns.subList(i, Math.min(arns.size(), i + MAX_ARNS)), describe));
        }
        return out;
    }

    /** How many reads joined a call that another read sent (for tests and benchmarks). */
    long joinedReads() {
        return joined.get();
    }

    private List<Task> describeChunk(String key, List<String> arns, Function<Supplier<List<String>>, List<Task>> describe) {
        if (arns.isEmpty()) {
            return List.of();
        }
        Cluster cluster;
        Batch batch;
        boolean leader;
        synchronized (clusters) {
            cluster = clusters.computeIfAbsent(key, k -> new Cluster());
            Batch open = cluster.open;
            Set<String> union = new LinkedHashSet<>(open == null ? Set.of() : open.arns);
            union.addAll(arns);
            if (open != null && !open.sealed && union.size() <= MAX_ARNS) {
                open.arns.addAll(arns);
                batch = open;
                leader = false;
                joined.incrementAndGet();
            } else {
                batch = new Batch();
                batch.arns.addAll(arns);
                cluster.open = batch;
                leader = true;
            }
        }
        if (leader) {
            send(cluster, batch, describe);
        } else {
            try {
                batch.done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CutoverException("interrupted while waiting for DescribeTasks", e);
            }
        }
        if (batch.failure != null) {
            throw batch.failure;
        }
        List<Task> mine = new ArrayList<>();
        for (String arn : arns) {
            Task t = batch.answer.get(arn);
            if (t != null) {
                mine.add(t);
            }
        }
        return mine;
    }

    /** Waits for the cluster's call in flight to end (readers keep joining meanwhile), then sends the batch. */
    private void send(Cluster cluster, Batch batch, Function<Supplier<List<String>>, List<Task>> describe) {
        cluster.flight.lock();
        try {
            // the call's body asks for the ARNs once it holds its token (readers that came during the wait are in), and a
            // retry sends the same list
            List<Task> tasks = describe.apply(() -> seal(cluster, batch));
            Map<String, Task> byArn = new HashMap<>();
            for (Task t : tasks) {
                byArn.put(t.taskArn(), t);
            }
            batch.answer = byArn;
        } catch (RuntimeException e) {
            batch.failure = e;
        } finally {
            seal(cluster, batch);
            cluster.flight.unlock();
            batch.done.countDown();
        }
    }

    private List<String> seal(Cluster cluster, Batch batch) {
        synchronized (clusters) {
            if (!batch.sealed) {
                batch.sealed = true;
                batch.sent = List.copyOf(batch.arns);
            }
            if (cluster.open == batch) {
                cluster.open = null;
            }
            return batch.sent;
        }
    }
}

package dev.cutover.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of this JVM's threads between two moments, split into the local cloud's (its HTTP
 * server's and simulation's threads: {@code local-cloud-*} and the JDK server's
 * {@code HTTP-Dispatcher}) and everything else (Cutover, its SDK clients, the benchmark's own
 * threads). The local cloud runs in the same JVM as Cutover; this tells their costs apart. Threads
 * that start and end between the two moments are not counted.
 */
final class CpuSplit {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> start = new HashMap<>();
    private final long processStart = processCpu();

    private CpuSplit() {
        for (long id : THREADS.getAllThreadIds()) {
            long cpu = THREADS.getThreadCpuTime(id);
            if (cpu >= 0) {
                start.put(id, cpu);
            }
        }
    }

    static CpuSplit start() {
        return new CpuSplit();
    }

    /** CPU milliseconds since {@link #start()}: the local cloud's, the rest's, and the whole process's (JIT and GC included). */
    record Result(long cloudMillis, long cutoverMillis, long processMillis) {
        @Override
        public String toString() {
            return String.format("CPU %.1f s local cloud + %.1f s Cutover and SDK (process %.1f s incl. JIT, GC)",
                    cloudMillis / 1000.0, cutoverMillis / 1000.0, processMillis / 1000.0);
        }
    }

    Result stop() {
        long cloud = 0;
        long rest = 0;
        for (var info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = THREADS.getThreadCpuTime(info.getThreadId());
            if (cpu < 0) {
                continue;
            }
            long used = cpu - start.getOrDefault(info.getThreadId(), 0L);
            String name = info.getThreadName();
            if (name.startsWith("local-cloud") || name.startsWith("HTTP-Dispatcher")) {
                cloud += used;
            } else {
                rest += used;
            }
        }
        return new Result(cloud / 1_000_000, rest / 1_000_000, (processCpu() - processStart) / 1_000_000);
    }

    private static long processCpu() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }
}

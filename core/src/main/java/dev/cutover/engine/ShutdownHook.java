package dev.cutover.engine;

import java.time.Duration;
import java.util.List;

/** One JVM shutdown hook for every Cutover that wants it; runtimes are held weakly. */
final class ShutdownHook {
    private static final java.util.Set<Engine> RUNTIMES =
            java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));
    private static boolean installed;

    static synchronized void register(Engine rt) {
        RUNTIMES.add(rt);
        if (!installed) {
            installed = true;
            try {
                java.lang.Runtime.getRuntime().addShutdownHook(new Thread(ShutdownHook::run, "cutover-shutdown"));
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already going down: nothing to hook
            }
        }
    }

    static void forget(Engine rt) {
        RUNTIMES.remove(rt);
    }

    private static void run() {
        List<Engine> all;
        synchronized (RUNTIMES) {
            all = List.copyOf(RUNTIMES);
        }
        for (Engine rt : all) {
            rt.stopAll("the process is shutting down (signal)", Duration.ofSeconds(20));
        }
    }
}

package dev.cutover.internal;

import java.util.ArrayList;
import java.util.List;

/** Fargate's task sizes: which memory values each cpu value allows. */
public final class Fargate {

    private Fargate() {
    }

    /** The cpu values Fargate accepts. */
    public static final List<Integer> CPUS = List.of(256, 512, 1024, 2048, 4096, 8192, 16384);

    /** The memory values (MiB) Fargate accepts with {@code cpu}, or an empty list for an invalid cpu. */
    public static List<Integer> memoryFor(int cpu) {
        return switch (cpu) {
            case 256 -> List.of(512, 1024, 2048);
            case 512 -> range(1024, 4096, 1024);
            case 1024 -> range(2048, 8192, 1024);
            case 2048 -> range(4096, 16384, 1024);
            case 4096 -> range(8192, 30720, 1024);
            case 8192 -> range(16384, 61440, 4096);
            case 16384 -> range(32768, 122880, 8192);
            default -> List.of();
        };
    }

    /** A readable description of the allowed memory for {@code cpu}. */
    public static String describeMemoryFor(int cpu) {
        return switch (cpu) {
            case 256 -> "512, 1024 or 2048";
            case 512 -> "1024 to 4096 in steps of 1024";
            case 1024 -> "2048 to 8192 in steps of 1024";
            case 2048 -> "4096 to 16384 in steps of 1024";
            case 4096 -> "8192 to 30720 in steps of 1024";
            case 8192 -> "16384 to 61440 in steps of 4096";
            case 16384 -> "32768 to 122880 in steps of 8192";
            default -> "nothing";
        };
    }

    private static List<Integer> range(int from, int to, int step) {
        List<Integer> out = new ArrayList<>();
        for (int m = from; m <= to; m += step) {
            out.add(m);
        }
        return List.copyOf(out);
    }
}

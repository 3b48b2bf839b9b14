package dev.cutover.localcloud;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a local cloud as a standalone process on a real-time clock until it is killed. Prints the
 * endpoints on standard output; script it through {@code /_localcloud/...}.
 *
 * <pre>{@code
 * java -jar cutover-local-cloud-<version>-standalone.jar --port 4566 --speed 60 --seed 42
 * }</pre>
 *
 * <p>Options: {@code --port} (default 4566, 0 for a free one; always on 127.0.0.1), {@code --speed}
 * (simulated seconds per real second, default 1), {@code --seed} (default 42), {@code --help}.
 */
public final class LocalCloudMain {

    static final String USAGE = "usage: java -jar cutover-local-cloud-standalone.jar [--port 4566] [--speed 1.0] [--seed 42]";

    private LocalCloudMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        LocalCloud cloud;
        try {
            cloud = start(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("local cloud: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (cloud == null) {
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cloud.close();
            stopped.countDown();
        }, "local-cloud-shutdown"));
        stopped.await();
    }

    /**
     * Parses the options, starts the cloud on a real-time clock it owns and prints where it listens;
     * returns {@code null} after printing the usage for {@code --help}. Closing the cloud stops it.
     *
     * @throws IllegalArgumentException for an unknown option or a bad value
     */
    static LocalCloud start(String[] args, PrintStream out) {
        int port = 4566;
        double speed = 1.0;
        long seed = 42L;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> port = parse(value, "--port", Integer::parseInt);
                case "--speed" -> speed = parse(value, "--speed", Double::parseDouble);
                case "--seed" -> seed = parse(value, "--seed", Long::parseLong);
                case "--help", "-h" -> {
                    out.println(USAGE);
                    return null;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
            i++;
        }
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("--speed must be a positive number, was " + speed);
        }
        SimClock clock = SimClock.realTime(speed);
        LocalCloud cloud;
        try {
            cloud = LocalCloud.builder().ownedClock(clock).port(port).seed(seed).start();
        } catch (RuntimeException e) {
            clock.close();
            throw e;
        }
        out.println("local cloud listening on " + cloud.endpoint() + " (speed x" + speed + ", seed " + seed + ")");
        out.println("consul listening on " + cloud.consul().endpoint());
        out.println("admin: " + cloud.endpoint() + "/_localcloud/clock, datadog: " + cloud.endpoint() + "/api/v1/query");
        out.flush();
        return cloud;
    }

    private static <T> T parse(String value, String option, java.util.function.Function<String, T> parser) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        try {
            return parser.apply(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, was '" + value + "'");
        }
    }
}

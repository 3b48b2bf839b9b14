package dev.cutover.localcloud;

import java.util.concurrent.CountDownLatch;

/**
 * Runs a local cloud as a standalone process on a real-time clock until it is killed:
 * {@code java -cp ... dev.cutover.localcloud.LocalCloudMain --port 4566 --speed 60 --seed 42}.
 * Prints the endpoint on standard output; script it through {@code /_localcloud/...}.
 *
 * <pre>{@code
 * java -cp cutover-local-cloud.jar:jackson-databind.jar:... dev.cutover.localcloud.LocalCloudMain --port 4566 --speed 60
 * }</pre>
 */
public final class LocalCloudMain {

    private LocalCloudMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 4566;
        double speed = 1.0;
        long seed = 42L;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(require(value, "--port"));
                case "--speed" -> speed = Double.parseDouble(require(value, "--speed"));
                case "--seed" -> seed = Long.parseLong(require(value, "--seed"));
                case "--help", "-h" -> {
                    System.out.println("usage: LocalCloudMain [--port 4566] [--speed 1.0] [--seed 42]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
            i++;
        }
        SimClock clock = SimClock.realTime(speed);
        LocalCloud cloud = LocalCloud.builder().clock(clock).port(port).seed(seed).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cloud.close();
            clock.close();
            stopped.countDown();
        }, "local-cloud-shutdown"));
        System.out.println("local cloud listening on " + cloud.endpoint() + " (speed x" + speed + ", seed " + seed + ")");
        stopped.await();
    }

    private static String require(String value, String option) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}

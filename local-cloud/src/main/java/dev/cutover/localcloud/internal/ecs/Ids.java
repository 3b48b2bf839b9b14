package dev.cutover.localcloud.internal.ecs;

import java.util.HexFormat;
import java.util.Random;

/** Seeded identifiers, so that a run with the same seed hands out the same ids and IPs. */
final class Ids {

    private final Random random;
    private int ipCounter;

    Ids(long seed) {
        this.random = new Random(seed ^ 0x5DEECE66DL);
    }

    String hex(int chars) {
        byte[] b = new byte[(chars + 1) / 2];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b).substring(0, chars);
    }

    String uuid() {
        String h = hex(32);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-"
                + h.substring(20);
    }

    /** A deployment id: {@code ecs-svc/} and 19 digits. */
    String deploymentId() {
        StringBuilder sb = new StringBuilder("ecs-svc/");
        sb.append(1 + random.nextInt(9));
        for (int i = 0; i < 18; i++) {
            sb.append(random.nextInt(10));
        }
        return sb.toString();
    }

    String alnum(int n) {
        String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(chars.charAt(random.nextInt(chars.length())));
        }
        return sb.toString();
    }

    /** A fake private IP in 10.0.0.0/16 (a string only; nothing ever connects to it). */
    String privateIp() {
        int n = ipCounter++ % 65000 + 10;
        return "10.0." + (n / 250) + "." + (n % 250 + 2);
    }
}

package dev.cutover.aws.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Client tokens for AWS's idempotent creates (ECS CreateService and RunTask, App Mesh creates): derived
 * from an idempotency key (deployment id and step) and what is created, so the guarded executor's retry
 * and a resumed process send the same token, and a different deployment or step never reuses one.
 * ECS takes up to 36 ASCII characters 33-126 for CreateService and 64 for RunTask ("Ensuring
 * idempotency", ECS API Reference); the tokens here are {@code cutover-} and 27 hex digits (35).
 */
final class ClientTokens {

    static final int CREATE_SERVICE_MAX = 36;
    static final int RUN_TASK_MAX = 64;

    private ClientTokens() {
    }

    /**
     * The token for one create: from {@code key} and {@code parts} when there is a key, else a random
     * one made once for this call (still shared by the executor's retries of it).
     */
    static String of(String key, int maxLength, String... parts) {
        String token;
        if (key == null) {
            token = UUID.randomUUID().toString();
        } else {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update(key.getBytes(StandardCharsets.UTF_8));
                for (String p : parts) {
                    sha.update((byte) 0);
                    sha.update(p.getBytes(StandardCharsets.UTF_8));
                }
                token = "cutover-" + HexFormat.of().formatHex(sha.digest()).substring(0, 27);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required of every JVM", e);
            }
        }
        return token.length() <= maxLength ? token : token.substring(0, maxLength);
    }
}

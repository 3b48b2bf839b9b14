package dev.cutover.localcloud.internal.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * JSON helpers shared by the AWS emulators: one {@link ObjectMapper}, node factories, and AWS's
 * JSON timestamp format (epoch seconds with a fraction, as the JSON 1.1 and REST-JSON protocols
 * send it by default).
 */
public final class AwsJson {

    /** The mapper every emulator uses. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    /** The account id of every ARN the local cloud hands out. */
    public static final String ACCOUNT = "000000000000";

    /** The Region of ARNs when a request names none (REST-JSON services, calls from Java). */
    public static final String REGION = AwsServer.RequestContext.DEFAULT_REGION;

    private AwsJson() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Puts {@code instant} as AWS's epoch-seconds timestamp (millisecond precision); skips null. */
    public static ObjectNode putTime(ObjectNode node, String field, Instant instant) {
        if (instant != null) {
            node.put(field, BigDecimal.valueOf(instant.toEpochMilli()).movePointLeft(3));
        }
        return node;
    }

    /** A random string of {@code length} characters of {@code alphabet} (ids, ARN suffixes), from a seeded RNG. */
    public static String randomString(java.util.Random random, String alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** Puts {@code value} unless it is null. */
    public static ObjectNode putIfNotNull(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
        return node;
    }
}

package dev.cutover.localcloud.internal.consul;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;

/**
 * A 200 answer: a JSON value (or raw bytes) and, for read endpoints, the index that goes into
 * {@code X-Consul-Index}.
 *
 * @param index the index for {@code X-Consul-Index}, or -1 when the endpoint sends none
 */
record ConsulReply(int status, String contentType, byte[] body, long index) {

    static ConsulReply json(Object value) {
        return json(value, -1);
    }

    static ConsulReply json(Object value, long index) {
        try {
            return new ConsulReply(200, "application/json", ConsulRequest.JSON.writeValueAsBytes(value), index);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write JSON", e);
        }
    }

    static ConsulReply raw(byte[] body, long index) {
        return new ConsulReply(200, "text/plain", body, index);
    }

    /** A 404 without a body but with an index, as Consul answers a missing key. */
    static ConsulReply notFound(long index) {
        return new ConsulReply(404, "text/plain", new byte[0], index);
    }

    static ConsulReply text(int status, String body) {
        return new ConsulReply(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), -1);
    }
}

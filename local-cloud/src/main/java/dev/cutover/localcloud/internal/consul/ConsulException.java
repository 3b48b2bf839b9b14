package dev.cutover.localcloud.internal.consul;

/** An answer other than 200: Consul's status code and its plain-text body. */
final class ConsulException extends RuntimeException {

    private final int status;
    private final String allow;

    ConsulException(int status, String body) {
        this(status, body, null);
    }

    ConsulException(int status, String body, String allow) {
        super(body, null, false, false);
        this.status = status;
        this.allow = allow;
    }

    static ConsulException badRequest(String body) {
        return new ConsulException(400, body);
    }

    static ConsulException notFound(String body) {
        return new ConsulException(404, body);
    }

    /** What Consul answers for an error raised inside an RPC (validation, invalid session). */
    static ConsulException rpc(String body) {
        return new ConsulException(500, body);
    }

    static ConsulException methodNotAllowed(String method, String allow) {
        return new ConsulException(405, "method " + method + " not allowed", allow);
    }

    int status() {
        return status;
    }

    /** The {@code Allow} header of a 405, or null. */
    String allow() {
        return allow;
    }
}

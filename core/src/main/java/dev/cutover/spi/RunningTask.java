package dev.cutover.spi;

import java.util.Objects;

/**
 * One running task of a revision, where a discovery registry reaches it: an ECS task's id, the
 * private IP of its network interface and the service's container port.
 *
 * <pre>{@code
 * new RunningTask("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "10.0.3.17", 8080)
 * }</pre>
 *
 * @param id      the compute provider's task id, stable for the life of the task
 * @param address the IP address (or host name) the task is reached at
 * @param port    the port the service listens on, 1-65535
 */
public record RunningTask(String id, String address, int port) {

    public RunningTask {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        if (id.isBlank() || address.isBlank()) {
            throw new IllegalArgumentException("a running task needs an id and an address, was '" + id + "' at '" + address + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, was " + port);
        }
    }

    @Override
    public String toString() {
        return id + "@" + address + ":" + port;
    }
}

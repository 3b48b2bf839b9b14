package dev.cutover.localcloud.consul;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides the outcome of the HTTP, TCP and gRPC health checks registered with the Consul emulator.
 *
 * <p>The emulator never opens a connection to the address in a check: that address belongs to a
 * simulated task that does not exist. Instead, on every check interval (in {@link
 * dev.cutover.localcloud.SimClock} time) it hands the check to the oracle and stores the verdict as
 * the check's status. TTL checks are not asked about: they follow {@code /v1/agent/check/pass|warn|fail}.
 *
 * <p>The default oracle answers {@link Verdict#PASSING}. A simulation that knows which instances are
 * healthy plugs in its own, typically matching on {@link Probe#host()} and {@link Probe#port()}:
 *
 * <pre>{@code
 * consul.healthOracle(probe -> ecs.taskAt(probe.host(), probe.port())
 *         .map(task -> task.healthy() ? Verdict.PASSING : Verdict.CRITICAL)
 *         .orElse(Verdict.UNKNOWN));
 * }</pre>
 *
 * <p>The oracle is called without any emulator lock held, from the clock's thread (or from
 * {@link ConsulEmulator#runHealthChecks()}); it must be fast and must not block on Consul requests.
 * An oracle that throws leaves the check as it was and is logged.
 */
@FunctionalInterface
public interface HealthOracle {

    /** Evaluates one check; {@link Verdict#UNKNOWN} leaves the check's status as it is. */
    Verdict evaluate(Probe probe);

    /** The oracle the emulator starts with: every check passes. */
    static HealthOracle alwaysPassing() {
        return probe -> Verdict.PASSING;
    }

    /** The outcome of one check run. */
    enum Verdict {
        PASSING, WARNING, CRITICAL,
        /** Nothing known: the check keeps its current status. */
        UNKNOWN;

        /** Consul's spelling of the status ({@code passing}, {@code warning}, {@code critical}). */
        public String consulStatus() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The kind of check being evaluated. */
    enum Kind { HTTP, TCP, GRPC }

    /**
     * One check to evaluate, with the service instance it belongs to.
     *
     * @param checkId        the check's ID, e.g. {@code service:orders-v2-1}
     * @param checkName      the check's name
     * @param kind           HTTP, TCP or gRPC
     * @param target         what the check would contact: the URL of an HTTP check, {@code host:port}
     *                       of a TCP or gRPC check
     * @param serviceId      the service instance's ID, empty for a node-level check
     * @param serviceName    the service's name, empty for a node-level check
     * @param serviceAddress the instance's registered address (may be empty)
     * @param servicePort    the instance's registered port (0 when none)
     * @param serviceTags    the instance's tags
     * @param serviceMeta    the instance's metadata
     */
    record Probe(String checkId, String checkName, Kind kind, String target, String serviceId, String serviceName,
                 String serviceAddress, int servicePort, List<String> serviceTags, Map<String, String> serviceMeta) {

        public Probe {
            Objects.requireNonNull(checkId, "checkId");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(target, "target");
            checkName = Objects.requireNonNullElse(checkName, "");
            serviceId = Objects.requireNonNullElse(serviceId, "");
            serviceName = Objects.requireNonNullElse(serviceName, "");
            serviceAddress = Objects.requireNonNullElse(serviceAddress, "");
            serviceTags = List.copyOf(serviceTags == null ? List.of() : serviceTags);
            serviceMeta = Map.copyOf(serviceMeta == null ? Map.of() : serviceMeta);
        }

        /** The host the check targets (from the URL or {@code host:port}), else the service address. */
        public String host() {
            if (kind == Kind.HTTP) {
                try {
                    String host = URI.create(target).getHost();
                    if (host != null) {
                        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
                    }
                } catch (IllegalArgumentException e) {
                    return serviceAddress;
                }
                return serviceAddress;
            }
            int colon = target.lastIndexOf(':');
            return colon > 0 ? target.substring(0, colon) : serviceAddress;
        }

        /** The port the check targets (from the URL or {@code host:port}), else the service port. */
        public int port() {
            try {
                if (kind == Kind.HTTP) {
                    URI uri = URI.create(target);
                    if (uri.getPort() > 0) {
                        return uri.getPort();
                    }
                    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
                }
                int colon = target.lastIndexOf(':');
                return colon > 0 ? Integer.parseInt(target.substring(colon + 1)) : servicePort;
            } catch (IllegalArgumentException e) {
                return servicePort;
            }
        }
    }
}

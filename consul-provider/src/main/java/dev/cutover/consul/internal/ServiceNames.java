package dev.cutover.consul.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Consul service name of each Cutover service (its discovery name), learnt from registrations
 * and discovery records, so traffic splitting addresses the same Consul service. Unknown services
 * use their Cutover name.
 */
public final class ServiceNames {

    private final Map<String, String> names = new ConcurrentHashMap<>();

    public void remember(String environment, String service, String consulName) {
        names.put(environment + "/" + service, consulName);
    }

    public String of(String environment, String service) {
        return names.getOrDefault(environment + "/" + service, service);
    }
}

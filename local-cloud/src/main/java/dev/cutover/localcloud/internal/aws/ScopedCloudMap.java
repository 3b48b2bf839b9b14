package dev.cutover.localcloud.internal.aws;

import dev.cutover.localcloud.CloudMap;
import dev.cutover.localcloud.internal.cloudmap.CloudMapEmulator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Cloud Map that ECS registers tasks in and Java callers use: a service ARN reaches the
 * instance of the Region and account it names (ECS's {@code serviceRegistries} hold ARNs), a bare
 * id or name the default scope's.
 */
public final class ScopedCloudMap implements CloudMap {

    private final Scoped<CloudMapEmulator> scoped;

    public ScopedCloudMap(Scoped<CloudMapEmulator> scoped) {
        this.scoped = scoped;
    }

    private CloudMap of(String serviceIdOrArn) {
        return serviceIdOrArn.startsWith("arn:") ? scoped.get(Scoped.Scope.ofArn(serviceIdOrArn)) : scoped.defaults();
    }

    @Override
    public void registerInstance(String serviceIdOrArn, String instanceId, Map<String, String> attributes) {
        of(serviceIdOrArn).registerInstance(serviceIdOrArn, instanceId, attributes);
    }

    @Override
    public boolean deregisterInstance(String serviceIdOrArn, String instanceId) {
        return of(serviceIdOrArn).deregisterInstance(serviceIdOrArn, instanceId);
    }

    @Override
    public void setHealthy(String serviceIdOrArn, String instanceId, boolean healthy) {
        of(serviceIdOrArn).setHealthy(serviceIdOrArn, instanceId, healthy);
    }

    @Override
    public List<Instance> instances(String serviceIdOrArn) {
        return of(serviceIdOrArn).instances(serviceIdOrArn);
    }

    @Override
    public Optional<String> findService(String namespaceName, String serviceName) {
        return scoped.defaults().findService(namespaceName, serviceName);
    }

    @Override
    public Optional<String> serviceArn(String serviceIdOrArn) {
        return of(serviceIdOrArn).serviceArn(serviceIdOrArn);
    }
}

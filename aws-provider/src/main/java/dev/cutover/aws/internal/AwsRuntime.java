package dev.cutover.aws.internal;

import dev.cutover.aws.Sleeper;
import dev.cutover.spi.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * What every capability of the provider shares: settings, SDK clients, the guarded call wrapper,
 * the learned environment layouts, the way to wait in the provider's time, and the cache of task
 * definitions by ARN (they are immutable, so one describe per ARN is enough).
 */
public final class AwsRuntime {

    private final AwsSettings settings;
    private final AwsClients clients;
    private final AwsCalls calls;
    private final Layouts layouts = new Layouts();
    private final Sleeper sleeper;
    private final Map<String, TaskDefinition> taskDefinitions = new ConcurrentHashMap<>();

    public AwsRuntime(AwsSettings settings, AwsClients clients, AwsCalls calls, Sleeper sleeper) {
        this.settings = settings;
        this.clients = clients;
        this.calls = calls;
        this.sleeper = sleeper;
    }

    public AwsSettings settings() {
        return settings;
    }

    public AwsClients clients() {
        return clients;
    }

    public AwsCalls calls() {
        return calls;
    }

    public Layouts layouts() {
        return layouts;
    }

    public <T> T ecs(String operation, Supplier<T> call) {
        return calls.call("ecs", operation, call);
    }

    public <T> T appMesh(String operation, Supplier<T> call) {
        return calls.call("appmesh", operation, call);
    }

    public <T> T cloudMap(String operation, Supplier<T> call) {
        return calls.call("servicediscovery", operation, call);
    }

    public <T> T secretsManager(String operation, Supplier<T> call) {
        return calls.call("secretsmanager", operation, call);
    }

    public <T> T autoScaling(String operation, Supplier<T> call) {
        return calls.call("application-autoscaling", operation, call);
    }

    /** Runs a call and answers empty when AWS says the thing does not exist (one of {@code notFoundCodes}). */
    public static <T> Optional<T> unlessNotFound(Supplier<T> call, String... notFoundCodes) {
        try {
            return Optional.ofNullable(call.get());
        } catch (ProviderException e) {
            if (AwsErrors.is(e, notFoundCodes)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A task definition by ARN or {@code family:revision}, described once and cached. */
    public TaskDefinition taskDefinition(String arnOrRevision) {
        TaskDefinition cached = taskDefinitions.get(arnOrRevision);
        if (cached != null) {
            return cached;
        }
        TaskDefinition td = ecs("DescribeTaskDefinition", () -> clients.ecs().describeTaskDefinition(
                DescribeTaskDefinitionRequest.builder().taskDefinition(arnOrRevision).build()).taskDefinition());
        taskDefinitions.put(td.taskDefinitionArn(), td);
        taskDefinitions.put(td.family() + ":" + td.revision(), td);
        return td;
    }

    /** Remembers a task definition just registered. */
    public void remember(TaskDefinition td) {
        taskDefinitions.put(td.taskDefinitionArn(), td);
        taskDefinitions.put(td.family() + ":" + td.revision(), td);
    }

    /**
     * Polls {@code done} every poll interval, waiting in the provider's time, until it answers a
     * value or {@code timeout} passes (then empty).
     */
    public <T> Optional<T> poll(Duration timeout, Supplier<Optional<T>> done) {
        Instant deadline = calls.clock().instant().plus(timeout);
        while (true) {
            Optional<T> v = done.get();
            if (v.isPresent()) {
                return v;
            }
            if (!calls.clock().instant().isBefore(deadline)) {
                return Optional.empty();
            }
            try {
                sleeper.sleep(settings.pollInterval());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderException("aws", "poll", false, "interrupted while waiting", e);
            }
        }
    }
}

package dev.cutover.localcloud.internal.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One emulator instance per account and Region, as AWS keeps every regional service's resources:
 * "Amazon ECS / Cloud Map / App Mesh / Secrets Manager / Application Auto Scaling resources are
 * specific to the AWS Region (and account) they are created in" (AWS General Reference, "AWS
 * service endpoints": each Region has its own endpoint and resources; IAM User Guide, "AWS account
 * identifiers"). A request's scope is the Region of its SigV4 credential scope and the account of
 * its access key ({@link AwsServer.RequestContext#account()}). Instances are created on first use.
 *
 * @param <T> the emulator type
 */
public final class Scoped<T> {

    /** An account and Region. */
    public record Scope(String account, String region) {
        /** The scope of calls from Java and of requests without credentials: 000000000000 in us-east-1. */
        public static final Scope DEFAULT = new Scope(AwsJson.ACCOUNT, AwsServer.RequestContext.DEFAULT_REGION);

        public Scope {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(region, "region");
        }

        /** A request context in this scope (for calls from Java into another emulator of the same scope). */
        public AwsServer.RequestContext context() {
            String key = account.equals(DEFAULT.account) ? "local" : account;
            return new AwsServer.RequestContext(region, Map.of("Authorization",
                    List.of("AWS4-HMAC-SHA256 Credential=" + key + "/20260101/" + region + "/local/aws4_request")));
        }

        /** The scope of a request. */
        public static Scope of(AwsServer.RequestContext context) {
            return new Scope(context.account(), context.region());
        }

        /** The scope an ARN names ({@code arn:aws:<service>:<region>:<account>:...}); empty parts fall back to the default. */
        public static Scope ofArn(String arn) {
            String[] p = arn.split(":", -1);
            if (p.length < 5 || !p[0].equals("arn")) {
                return DEFAULT;
            }
            return new Scope(p[4].isEmpty() ? DEFAULT.account : p[4], p[3].isEmpty() ? DEFAULT.region : p[3]);
        }
    }

    private final Function<Scope, T> factory;
    private final Map<Scope, T> instances = new ConcurrentHashMap<>();

    /** Instances made by {@code factory} (which may wire each new instance to others). */
    public Scoped(Function<Scope, T> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** The instance of {@code scope}, created on first use. */
    public T get(Scope scope) {
        return instances.computeIfAbsent(scope, factory);
    }

    /** The instance of the default scope (us-east-1, account 000000000000). */
    public T defaults() {
        return get(Scope.DEFAULT);
    }

    /** The instances created so far, by scope. */
    public Map<Scope, T> all() {
        return Map.copyOf(instances);
    }

    /** A JSON-protocol service that hands each request to its scope's instance. */
    public static <S extends JsonProtocolService> JsonProtocolService json(Scoped<S> scoped) {
        JsonProtocolService first = scoped.defaults();
        return new JsonProtocolService() {
            @Override
            public String targetPrefix() {
                return first.targetPrefix();
            }

            @Override
            public String serviceName() {
                return first.serviceName();
            }

            @Override
            public ObjectNode handle(String operation, ObjectNode request) {
                return first.handle(operation, request);
            }

            @Override
            public ObjectNode handle(String operation, ObjectNode request, AwsServer.RequestContext context) {
                return scoped.get(Scope.of(context)).handle(operation, request, context);
            }
        };
    }

    /** A REST-JSON service that hands each request to its scope's instance. */
    public static <S extends RestJsonService> RestJsonService rest(Scoped<S> scoped) {
        RestJsonService first = scoped.defaults();
        return new RestJsonService() {
            @Override
            public String pathPrefix() {
                return first.pathPrefix();
            }

            @Override
            public String serviceName() {
                return first.serviceName();
            }

            @Override
            public RestResponse handle(String method, String path, Map<String, List<String>> query, JsonNode body) {
                return first.handle(method, path, query, body);
            }

            @Override
            public RestResponse handle(String method, String path, Map<String, List<String>> query, JsonNode body,
                    AwsServer.RequestContext context) {
                return scoped.get(Scope.of(context)).handle(method, path, query, body, context);
            }
        };
    }

    /** A query-protocol service that hands each request to its scope's instance. */
    public static <S extends QueryProtocolService> QueryProtocolService query(Scoped<S> scoped) {
        QueryProtocolService first = scoped.defaults();
        return new QueryProtocolService() {
            @Override
            public String apiVersion() {
                return first.apiVersion();
            }

            @Override
            public String signingName() {
                return first.signingName();
            }

            @Override
            public String serviceName() {
                return first.serviceName();
            }

            @Override
            public String xmlNamespace() {
                return first.xmlNamespace();
            }

            @Override
            public ObjectNode handle(String operation, ObjectNode request, AwsServer.RequestContext context) {
                return scoped.get(Scope.of(context)).handle(operation, request, context);
            }
        };
    }
}

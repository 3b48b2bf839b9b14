package dev.cutover.aws;

import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderConfig;
import dev.cutover.spi.ProviderFactory;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Creates the {@link AwsProvider} from {@code aws.*} configuration keys; found by
 * {@link java.util.ServiceLoader}. Every key is optional ({@code k -> null} gives the SDK's default
 * region and credentials chains):
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><td>{@code aws.region}</td><td>Region, e.g. {@code us-east-1}</td></tr>
 *   <tr><td>{@code aws.endpoint}</td><td>endpoint override, e.g. the local cloud's</td></tr>
 *   <tr><td>{@code aws.profile}</td><td>a named profile instead of the default credentials chain</td></tr>
 *   <tr><td>{@code aws.access-key-id}, {@code aws.secret-access-key}</td><td>static credentials (local cloud)</td></tr>
 *   <tr><td>{@code aws.http-client}</td><td>{@code url-connection} (default) or {@code apache}</td></tr>
 *   <tr><td>{@code aws.proxy}, {@code aws.non-proxy-hosts}</td><td>the URLConnection client's proxy
 *       ({@code http://proxy.internal:3128}) and comma-separated hosts that bypass it</td></tr>
 *   <tr><td>{@code aws.account-id}</td><td>account id for ARNs</td></tr>
 *   <tr><td>{@code aws.log-group-prefix}, {@code aws.create-log-group}</td><td>awslogs settings</td></tr>
 *   <tr><td>{@code aws.task-role}, {@code aws.execution-role}</td><td>default role ARNs</td></tr>
 *   <tr><td>{@code aws.envoy-image}</td><td>the App Mesh Envoy image</td></tr>
 *   <tr><td>{@code aws.revision-retention}</td><td>task definition revisions kept (default 5)</td></tr>
 *   <tr><td>{@code aws.keep-warm}</td><td>ISO-8601 duration ({@code PT15M}) or seconds</td></tr>
 *   <tr><td>{@code aws.subnets}, {@code aws.security-groups}</td><td>comma-separated ids</td></tr>
 *   <tr><td>{@code aws.assign-public-ip}, {@code aws.vpc-id}</td><td>networking</td></tr>
 *   <tr><td>{@code aws.poll-interval}</td><td>ISO-8601 duration or seconds</td></tr>
 * </table>
 *
 * <pre>{@code
 * Provider aws = new AwsProviderFactory().create(ProviderConfig.of(Map.of("aws.region", "eu-west-1")));
 * }</pre>
 */
public final class AwsProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "aws";
    }

    @Override
    public Provider create(ProviderConfig config) {
        AwsProvider.Builder b = AwsProvider.builder();
        config.find("aws.region").ifPresent(b::region);
        config.find("aws.endpoint").map(URI::create).ifPresent(b::endpointOverride);
        config.find("aws.http-client").map(HttpClientType::parse).ifPresent(b::httpClient);
        config.find("aws.proxy").map(URI::create).ifPresent(proxy -> b.proxy(p -> {
            p.endpoint(proxy);
            config.find("aws.non-proxy-hosts").map(AwsProviderFactory::list).map(java.util.Set::of).ifPresent(p::nonProxyHosts);
        }));
        String key = config.get("aws.access-key-id");
        String secret = config.get("aws.secret-access-key");
        if (key != null && secret != null) {
            b.credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)));
        } else if (key != null || secret != null) {
            throw new IllegalArgumentException("aws.access-key-id and aws.secret-access-key must be set together");
        } else {
            config.find("aws.profile").ifPresent(p -> b.credentials(ProfileCredentialsProvider.create(p)));
        }
        config.find("aws.account-id").ifPresent(b::accountId);
        config.find("aws.log-group-prefix").ifPresent(b::logGroupPrefix);
        config.find("aws.create-log-group").map(v -> bool("aws.create-log-group", v)).ifPresent(b::createLogGroup);
        config.find("aws.task-role").ifPresent(b::taskRole);
        config.find("aws.execution-role").ifPresent(b::executionRole);
        config.find("aws.envoy-image").ifPresent(b::envoyImage);
        config.find("aws.revision-retention").map(v -> integer("aws.revision-retention", v)).ifPresent(b::revisionRetention);
        config.find("aws.keep-warm").map(v -> duration("aws.keep-warm", v)).ifPresent(b::keepWarm);
        config.find("aws.subnets").map(AwsProviderFactory::list).ifPresent(b::subnets);
        config.find("aws.security-groups").map(AwsProviderFactory::list).ifPresent(b::securityGroups);
        config.find("aws.assign-public-ip").map(v -> bool("aws.assign-public-ip", v)).ifPresent(b::assignPublicIp);
        config.find("aws.vpc-id").ifPresent(b::vpcId);
        config.find("aws.poll-interval").map(v -> duration("aws.poll-interval", v)).ifPresent(b::pollInterval);
        return b.build();
    }

    private static String[] list(String v) {
        return java.util.Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    private static boolean bool(String key, String v) {
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException(key + " must be true or false, was '" + v + "'");
    }

    private static int integer(String key, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + v + "'");
        }
    }

    private static Duration duration(String key, String v) {
        try {
            return v.trim().matches("\\d+") ? Duration.ofSeconds(Long.parseLong(v.trim())) : Duration.parse(v.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + " must be an ISO-8601 duration like PT15M or seconds, was '" + v + "'");
        }
    }
}
